"""Chinese word segmentation: spaCy's pkuseg tokenizer plus the label-boundary post-split.

Whatever the statistical segmenter returns, entity boundaries of labels.md
must fall on token boundaries: a number never shares a token with its unit
(``99.8％``, ``660件``, ``1.16万件``), a division name never shares one with the
words after it (``沙坪坝区司法局``), punctuation stands alone.  The post-split
here guarantees that for every segmenter, so a statistical mistake can cost
accuracy but never make a span unrepresentable.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from .extensions import remember_text
from .gazetteer import MASKED_DIVISION, Gazetteer, load_gazetteer, prefix_reach
from .numbers import UNITS
from .text import LONE_SURROGATE
from .traditional import simplified_view

_NUMBER = re.compile(
    r"[0-9０-９]+(?:[.．,，][0-9０-９]+)*(?:[万亿千]+)?(?:余|多)?"
)
#: Measure words that follow a number (the NUMBER/UNIT rules' list), longest first.
_UNITS = "(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
_LONG_UNITS = tuple(sorted((u for u in UNITS if len(u) > 1), key=len, reverse=True))
_UNIT_PREFIX = re.compile(_UNITS)
_CN_NUMBER_WITH_UNIT = re.compile(rf"^(?P<num>[零〇一二两三四五六七八九十百千万亿]+(?:余|多)?)(?P<unit>{_UNITS}.*)$")
#: Punctuation that always stands alone (the decimal point in 1.16 does not).
_PUNCT = set("。！？!?；;：:，,、“”‘’\"'（）()《》〈〉【】[]「」『』…—～~·•/|")
#: A word with no digit, numeral, punctuation or space (most words): only a division name
#: can split it (checked first, as the other rules cost a few microseconds a word).
_PLAIN_WORD = re.compile(
    r"[^\s0-9０-９零〇一二两三四五六七八九十百千万亿" + re.escape("".join(sorted(_PUNCT))) + "]+"
)
#: Longest piece of text handed to the segmenter at once: bounds its memory.
MAX_CHUNK = 2000
#: Characters a :data:`_NUMBER` starts with: a cheap test before the regex, run on every word.
_DIGITS = frozenset("0123456789０１２３４５６７８９")


#: A rate glued to the verb after it: ``合格|率达|98`` -> ``率 | 达`` (the MEASURE ends at 率).
_RATE_VERB = re.compile(r"^([率比])([达均仅为超是])$")


def split_rate_verb(word: str) -> list[str]:
    """``率达`` -> ``率``, ``达``; any other word unchanged."""
    match = _RATE_VERB.match(word)
    return [match.group(1), match.group(2)] if match else [word]


def split_word(word: str) -> list[str]:
    """Split one segmenter word at the label boundaries (see module docstring)."""
    if len(word) <= 1:
        return [word]
    if _RATE_VERB.match(word):
        return split_rate_verb(word)
    if _PLAIN_WORD.fullmatch(word):
        return _split_divisions(word)
    pieces: list[str] = []
    for piece in _split_punct(word):
        pieces.extend(_split_divisions(piece))
    out: list[str] = []
    for piece in pieces:
        out.extend(_split_numbers(piece))
    return [p for p in out if p]


def split_words(words: Iterable[str]) -> list[str]:
    """:func:`split_word` over a whole word sequence, then decimals rejoined.

    pkuseg maps every digit to one symbol and ``.`` to another, so it cuts
    ``1.16万`` as ``1 | . | 16万``; a number is one token again here.
    """
    out: list[str] = []
    for word in words:
        for piece in split_word(word):
            if out and piece[:1].isdigit() and _ends_in_decimal_point(out):
                out[-2:] = ["".join(out[-2:]) + piece] if out[-1] in ".．" else [out[-1] + piece]
                continue
            unit = _UNIT_PREFIX.match(piece) if out and _is_number(out[-1]) else None
            if unit and unit.end() < len(piece):  # ``161 | 个村`` -> ``161 | 个 | 村``
                out.extend([piece[: unit.end()], piece[unit.end() :]])
            else:
                out.append(piece)
    return _rejoin_units(out)


def _rejoin_units(words: list[str]) -> list[str]:
    """A unit the segmenter cut in two after a number is one token again: ``24 | 小 | 时内`` -> ``24 | 小时 | 内``."""
    out = list(words)
    for i in range(len(out) - 2):
        if not _is_number(out[i]):
            continue
        joined = out[i + 1] + out[i + 2]
        for unit in _LONG_UNITS:
            if joined.startswith(unit) and len(unit) > len(out[i + 1]):
                out[i + 1 : i + 3] = [unit, joined[len(unit) :]]
                break
    return [w for w in out if w]


def _is_number(word: str) -> bool:
    return word[:1] in _DIGITS and _NUMBER.fullmatch(word) is not None


def _ends_in_decimal_point(out: list[str]) -> bool:
    """``[…, "1", "."]`` or ``[…, "1."]``: a number waiting for its decimals."""
    last = out[-1]
    if last in ".．":
        return len(out) > 1 and out[-2].isdigit()
    return len(last) > 1 and last[-1] in ".．" and last[:-1].isdigit()


def disable_default_merge(segmenter: object) -> None:
    """Stop pkuseg re-merging words found in its general dictionary.

    spaCy initialises pkuseg with ``user_dict="default"``, whose post-processor
    glues ``2023年``, ``100%`` and list markers ``1.`` back together; our
    label boundaries need them apart.  The setting is saved with the pipeline.
    """
    segmenter.postprocesser.do_process = False
    segmenter.postprocesser.common_words = set()
    segmenter.postprocesser.other_words = set()


def _split_punct(word: str) -> Iterator[str]:
    buf = ""
    for i, ch in enumerate(word):
        keeps_number = ch in ",，" and 0 < i < len(word) - 1 and word[i - 1].isdigit() and word[i + 1].isdigit()
        if (ch in _PUNCT and not keeps_number) or ch.isspace():
            if buf:
                yield buf
            buf = ""
            if not ch.isspace():
                yield ch
        else:
            buf += ch
    if buf:
        yield buf


def _split_numbers(word: str) -> list[str]:
    if not any(ch.isdigit() for ch in word):
        match = _CN_NUMBER_WITH_UNIT.match(word)
        if match and not word.startswith(("一是", "十分", "万一", "百分")):
            return [match.group("num"), *_split_numbers(match.group("unit"))]
        return [word]
    out: list[str] = []
    pos = 0
    for match in _NUMBER.finditer(word):
        if match.start() > pos:
            out.append(word[pos : match.start()])
        out.append(match.group(0))
        pos = match.end()
    out.append(word[pos:])
    return out


def _split_divisions(word: str) -> list[str]:
    """Cut a word around the division names in it: ``沙坪坝区司法局`` ->
    ``沙坪坝区 司法局``, ``在綦江区`` -> ``在 綦江区``.

    Official names (three characters or more) are cut wherever they stand;
    short forms (``綦江``) only at the start of a word, where they cannot be
    the tail of an ordinary word.
    """
    if len(word) < 3:
        return [word]
    gazetteer = load_gazetteer()
    out: list[str] = []
    pos = i = 0
    while i < len(word) - 1:
        masked = MASKED_DIVISION.match(word, i)
        end = masked.end() if masked else _name_end(word, i, gazetteer, short=(i == 0))
        if end:
            if i > pos:
                out.append(word[pos:i])
            out.append(word[i:end])
            pos = i = end
        else:
            i += 1
    if pos < len(word):
        out.append(word[pos:])
    return out


def _name_end(word: str, i: int, gazetteer: Gazetteer, short: bool) -> int:
    """End of the longest division name starting at ``word[i]``, or 0."""
    shortest = 2 if short else 3
    for end in range(prefix_reach(word, i, gazetteer.name_prefixes), i + shortest - 1, -1):
        if gazetteer.is_name(word[i:end], short=short):
            return end
    return 0


def _chunks(text: str) -> Iterator[str]:
    """Lines, and pieces of very long lines cut after sentence punctuation."""
    for line in text.split("\n"):
        while len(line) > MAX_CHUNK:
            cut = max(line.rfind(p, 0, MAX_CHUNK) for p in "。！？；，")
            cut = cut + 1 if cut > 0 else MAX_CHUNK
            yield line[:cut]
            line = line[cut:]
        yield line


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces`` (same tokens, same whitespace tokens) in linear time.

    spaCy's copies the rest of the text for every word, which is quadratic
    (21 s instead of 12 s for the tokenizer on 1,000,000 characters, and
    growing with the square beyond).
    """
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError("the words do not spell the text (whitespace aside)")
    out: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for word in (w for w in words if not w.isspace()):
        start = text.index(word, pos)
        if start > pos:
            out.append(text[pos:start])
            spaces.append(False)
        out.append(word)
        spaces.append(False)
        pos = start + len(word)
        if text.startswith(" ", pos):
            spaces[-1] = True
            pos += 1
    if pos < len(text):
        out.append(text[pos:])
        spaces.append(False)
    return out, spaces


def _same_places(words: list[str], spaces: list[bool], text: str) -> list[str]:
    """The stretches of ``text`` at the places ``words`` take in a view of the same length."""
    out: list[str] = []
    pos = 0
    for word, space in zip(words, spaces, strict=True):
        out.append(text[pos : pos + len(word)])
        pos += len(word) + space
    return out


class LawReportTokenizer(ChineseTokenizer):
    """spaCy's ChineseTokenizer, segmenting line by line, with the post-split.

    Segmenting line by line keeps memory bounded on huge documents, and a line
    the statistical segmenter cannot handle (it may normalise or drop exotic
    characters) falls back to single characters instead of failing the Doc.
    """

    def __call__(self, text: str) -> Doc:
        bad = LONE_SURROGATE.search(text)
        if bad:
            raise ValueError(
                f"text has a lone surrogate {bad.group(0)!r} at character {bad.start()}: not valid Unicode, "
                "which spaCy cannot store; decode the source with errors='replace' or fix its encoding"
            )
        view = simplified_view(text)  # a traditional text is segmented in simplified characters
        words: list[str] = []
        for chunk in _chunks(view):
            if chunk.strip():
                words.extend(split_words(self._segment(chunk)))
        try:
            words, spaces = words_and_spaces(words, view)
        except ValueError:  # defensive: alignment is checked per chunk already
            words, spaces = words_and_spaces([c for c in view if not c.isspace()], view)
        if view is not text:
            words = _same_places(words, spaces, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        remember_text(doc, text, view)
        return doc

    def _segment(self, chunk: str) -> list[str]:
        compact = "".join(chunk.split())
        if self.segmenter == Segmenter.pkuseg and self.pkuseg_seg is not None:
            try:
                words = self.pkuseg_seg.cut(chunk)
            except Exception as err:
                warnings.warn(f"pkuseg failed on a line ({err!r}); using characters", stacklevel=3)
                words = []
        elif self.segmenter == Segmenter.jieba:
            words = [w for w in self.jieba_seg.cut(chunk, cut_all=False) if w.strip()]
        else:
            words = []
        if "".join("".join(words).split()) != compact:
            words = [c for c in chunk if not c.isspace()]
        return words


@registry.tokenizers("lawreport.ChineseTokenizer.v1")
def create_tokenizer(segmenter: str = "pkuseg") -> Callable[[object], LawReportTokenizer]:
    """Tokenizer factory for the ``[nlp.tokenizer]`` block of a config."""

    def make(nlp) -> LawReportTokenizer:
        return LawReportTokenizer(nlp.vocab, segmenter=segmenter)

    return make


__all__ = ["LawReportTokenizer", "Vocab", "create_tokenizer", "split_word", "split_words"]
