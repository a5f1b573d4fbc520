"""Rule-based DISTRICT spans from the nationwide gazetteer.

Every official name of the Ministry of Civil Affairs list (province to
township) is matched anywhere; the short forms readers use (``綦江``,
``酉阳``, ``广西``) and two-character official names (``忠县``) only where
they stand as words, since inside a word they are usually something else.
Adjacent names form one chain span (``重庆市沙坪坝区回龙坝镇``), a village or
community named right after a known division joins the chain
(``喜洲镇周城村``), and masked names (``**区``) are districts too.

The report's own district (``doc._.report``) is context: its short forms
and those of its county are districts even where they are ordinary words
elsewhere (``和平`` in a 和平区 report), while a short form, or an official
name made of a common word and a suffix (``会同县``, ``联合镇``), that only
denotes divisions in another province is left out (``新建``, ``和顺`` in a
Chongqing report).

Not districts (labels.md): level words (``全区``, ``我县``), party and
government bodies as such (``区委``), regions and programmes, and names
inside a 《》 title or a quoted programme name, where the MEASURE wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import TOWN_SUFFIX, Gazetteer, prefix_reach, prefixes, short_forms, strip_level_suffix, word_list
from .text import enclosure_mask

#: Two-character official names that are mostly ordinary words.
_COMMON_TWO = frozenset({"城区", "矿区", "郊区", "东区", "西区", "和县", "新县", "南县", "古县"})
#: Two-character words that look like a county abbreviation but are common words.
_COMMON_ABBREVIATIONS = frozenset(
    "城区 市区 新区 老区 山区 库区 矿区 郊区 辖区 园区 社区 片区 景区 街区 校区 小区 县区 区县 "
    "全区 本区 我区 该区 各区 全县 本县 我县 该县 各县 全市 本市 我市 该市 城市 都市 县市 市县".split()
)
_MASKED_CHAIN = re.compile(r"(?:\*+(?:省|市|区|县|镇|乡|街道|州|旗|盟)){1,4}")
#: A village or community named after a county or town: 喜洲镇周城村.
_VILLAGE = re.compile(r"([\u4e00-\u9fff]{1,4}?)(?:社区|村)")
_NOT_VILLAGE_STEM = re.compile(
    r"[开展推进深入建设全各农乡行政示范贫困试点重点美丽和谐的等与及在对了为有个一二两三四五六七八九十]"
)
#: A village, community or unlisted subdistrict standing alone, after a clause boundary or a locative verb.
_LONE_VILLAGE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:社区|村|街道)(?![民委务级干庄落])")
#: Characters before a lone village that open a new item: a locative, a clause or list boundary, a quote.
_VILLAGE_OPENERS = frozenset("在于到、，。；：“”\n") | {""}
#: Characters a village stem never has: function words, numerals, generic and policy words.
_NOT_LONE_STEM = re.compile(r"[不没是出进入从向把被将每本该此其这那各全农乡村社区街道镇县市省]")
_NUMERALS = "一二两三四五六七八九十"
#: Places named after a division are not the division: 湖滨商圈, 西湖景区.
_NAMED_PLACE = re.compile(r"(?:商圈|步行街|商业街|景区|风景区|广场|公园|片区|沿线)")
#: Characters that start a clause word, never an abbreviation: 和区 in 市政府和区人大.
_FUNCTION_CHARS = frozenset("和与及或在对向从为把被各本全我该")
#: A name followed by a road word is a street: 北京西路, 江苏路.
_ROAD = re.compile(r"[东西南北中]?(?:路|街(?!道)|大道|巷)")
#: Town stems readers use before an institution: 回龙坝司法所, 城关人民法庭.
_TOWN_INSTITUTION = re.compile(r"(?:司法所|派出所|人民法庭|法庭|市场监管所|市场监督管理所|财政所|卫生院|中心校)")
#: Whitespace with a line break between two CJK characters: a PDF break inside a name.
_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]*\n\s*(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class DistrictMatch:
    """A DISTRICT span; ``names`` are the division names the chain is made of."""

    start: int
    end: int
    names: tuple[str, ...]


def _without_breaks(text: str) -> tuple[str, list[int]]:
    """``text`` with PDF breaks inside CJK runs removed, and each kept character's offset."""
    offsets: list[int] = []
    pieces: list[str] = []
    last = 0
    for match in _BREAK.finditer(text):
        pieces.append(text[last : match.start()])
        offsets.extend(range(last, match.start()))
        last = match.end()
    pieces.append(text[last:])
    offsets.extend(range(last, len(text)))
    return "".join(pieces), offsets


class _Matcher:
    """Longest-match lookup of division names at a position of one text."""

    def __init__(
        self,
        text: str,
        gazetteer: Gazetteer,
        word_starts: frozenset[int] | None,
        own_forms: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        self.gazetteer = gazetteer
        self.word_starts = word_starts
        self.stems = gazetteer.town_stems
        self.own_forms = own_forms
        self.own_prefixes = prefixes(own_forms)

    def aligned(self, i: int) -> bool:
        return self.word_starts is None or i in self.word_starts or i == len(self.text)

    def end_aligned(self, end: int) -> bool:
        """A name may also end inside a word before 委 (开封市委: 开封|市委)."""
        return self.aligned(end) or self.text[end : end + 1] == "委"

    def name_end(self, i: int) -> int:
        """End of the longest division name starting at ``i`` (``i`` if none)."""
        text, gazetteer = self.text, self.gazetteer
        if not self.aligned(i):
            return i
        for end in range(prefix_reach(text, i, gazetteer.name_prefixes, self.own_prefixes), i + 1, -1):
            if not self.end_aligned(end):
                continue
            name = text[i:end]
            if name in gazetteer.by_name:
                if len(name) >= 3 or (name not in _COMMON_TWO and not TOWN_SUFFIX.search(name)):
                    return end
            elif (gazetteer.is_name(name) or name in self.own_forms) and not _NAMED_PLACE.match(text, end):
                return end
            elif name in self.stems and name not in gazetteer.common_words and _TOWN_INSTITUTION.match(text, end):
                return end
        return i


@dataclass(frozen=True)
class OwnDistrict:
    """What the report's own district tells the matcher: the forms that name it and its province."""

    forms: frozenset[str]
    abbreviation: str | None
    province: str | None

    @classmethod
    def of(cls, gazetteer: Gazetteer, own_code: str | None) -> OwnDistrict:
        chain = gazetteer.chain(own_code) if own_code else []
        forms: set[str] = set()
        for division in chain:
            if division.level >= 3:  # the county and the town; a city's bare name is already a short form
                forms |= short_forms(division.name, division.level) | {TOWN_SUFFIX.sub("", division.name)}
        forms = {f for f in forms if len(f) >= 2}
        return cls(frozenset(forms), own_abbreviation(gazetteer, own_code), own_code[:2] if chain else None)

    def far_and_doubtful(self, name: str, gazetteer: Gazetteer) -> bool:
        """Whether a lone ``name`` only denotes divisions in another province and is
        a short form (not a province's) or a common word with a suffix (会同县)."""
        if self.province is None or name in self.forms:
            return False
        official = name in gazetteer.by_name
        codes = gazetteer.by_name[name] if official else gazetteer.by_short.get(name, [])
        if not codes or any(code.startswith(self.province) for code in codes):
            return False
        if official:
            return TOWN_SUFFIX.sub("", strip_level_suffix(name)) in gazetteer.common_words
        return not any(gazetteer.by_code[code].level == 1 for code in codes)


def own_abbreviation(gazetteer: Gazetteer, own_code: str | None) -> str | None:
    """The two-character abbreviation of the report's own county (``沙区`` for 沙坪坝区), if safe."""
    division = gazetteer.by_code.get(own_code or "")
    if division is None or division.level != 3 or len(division.name) < 3:
        return None
    abbreviation = division.name[0] + division.name[-1]
    if abbreviation in _COMMON_ABBREVIATIONS or abbreviation[0] in _FUNCTION_CHARS or gazetteer.is_name(abbreviation):
        return None
    return abbreviation


def find_districts(
    text: str,
    gazetteer: Gazetteer,
    word_bounds: frozenset[int] | set[int] | None = None,
    own_code: str | None = None,
) -> list[DistrictMatch]:
    """Every DISTRICT span in ``text``, chains joined, left to right.

    ``word_bounds`` (offsets where tokens start or end) keeps names that are only part of
    a word out (部分乡镇 is not 分乡镇): a name must start and end on a token
    boundary.  Matching runs on the text with PDF breaks removed, so
    ``拜⏎城县`` is found; offsets are into ``text``.  ``own_code``, the
    report's own district, is the context of the module docstring.
    """
    own = OwnDistrict.of(gazetteer, own_code)
    compact, offsets = _without_breaks(text)
    in_title = enclosure_mask(text, (("《", "》"),))  # a 《》 title is a MEASURE: no districts inside
    starts = None
    if word_bounds is not None:
        where = {original: i for i, original in enumerate(offsets)}
        where[len(text)] = len(compact)
        starts = frozenset(where[s] for s in word_bounds if s in where)
    matcher = _Matcher(compact, gazetteer, starts, own.forms)
    name_prefixes, own_prefixes = gazetteer.name_prefixes, matcher.own_prefixes
    found: list[DistrictMatch] = []
    i, n = 0, len(compact)
    while i < n:
        pair = compact[i : i + 2]  # every kind of match below is at least two characters long
        if (
            pair not in name_prefixes
            and pair not in own_prefixes
            and pair != own.abbreviation
            and pair[:1] != "*"
            and compact[i - 1 : i] not in _VILLAGE_OPENERS
        ) or in_title[offsets[i]] or not matcher.aligned(i):
            i += 1
            continue
        masked = _MASKED_CHAIN.match(compact, i)
        if masked:
            found.append(DistrictMatch(offsets[i], offsets[masked.end() - 1] + 1, (masked.group(0),)))
            i = masked.end()
            continue
        village_end = _lone_village_end(compact, i, matcher)
        if village_end:
            found.append(DistrictMatch(offsets[i], offsets[village_end - 1] + 1, (compact[i:village_end],)))
            i = village_end
            continue
        end = matcher.name_end(i)
        if end == i and own.abbreviation and compact.startswith(own.abbreviation, i) and matcher.aligned(i + 2):
            end = i + 2
        if end == i or _ROAD.match(compact, end):
            i = max(end, i + 1)
            continue
        names = [compact[i:end]]
        while True:  # the chain: 重庆市沙坪坝区回龙坝镇
            nxt = matcher.name_end(end)
            if nxt == end:
                break
            names.append(compact[end:nxt])
            end = nxt
        village = _VILLAGE.match(compact, end)
        if village and not _NOT_VILLAGE_STEM.search(village.group(1)) and gazetteer.level_of(names[-1]) >= 3:
            end = _extend_community(compact, village.end())
            names.append(compact[village.start() : end])
        if len(names) == 1 and own.far_and_doubtful(names[0], gazetteer):
            i = end
            continue
        found.append(DistrictMatch(offsets[i], offsets[end - 1] + 1, tuple(names)))
        i = end
    return found


def _extend_community(text: str, end: int) -> int:
    """``南秀村`` followed by ``社区`` is the community 南秀村社区."""
    return end + 2 if text.startswith("社区", end) else end


def _has_action_word(stem: str) -> bool:
    """Whether a would-be village stem holds a verb, adverb or the like (发挥, 组织): then it is a clause."""
    actions = word_list("action_words.txt")
    return any(stem[k : k + 2] in actions for k in range(len(stem) - 1))


def _lone_village_end(text: str, i: int, matcher: _Matcher) -> int:
    """End of a village, community or unlisted subdistrict named alone (``在周城村``), or 0.

    Only where an item begins: after a locative (在, 于, 到), a clause or list
    boundary or a quote, and with a stem free of function and generic words;
    elsewhere ``X村`` is too often ordinary words (城中村, 发挥村…).
    """
    if text[i - 1 : i] not in _VILLAGE_OPENERS:
        return 0
    lone = _LONE_VILLAGE.match(text, i)
    stem = lone.group(1) if lone else ""
    if (
        not lone
        or _NOT_VILLAGE_STEM.search(stem.lstrip(_NUMERALS))  # 五云山村 is a name, 三个村 is not
        or _NOT_LONE_STEM.search(stem)
        or _has_action_word(stem)
        or stem in matcher.gazetteer.common_words
    ):
        return 0
    end = _extend_community(text, lone.end())
    return end if matcher.aligned(end) else 0
