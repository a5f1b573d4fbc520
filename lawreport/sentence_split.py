"""Sentence boundaries as labels.md defines them.

A sentence ends at 。！？ (with the closing quotes or brackets that follow) or
at a line break that ends a paragraph, a heading or a page line.  A break that
PDF or web conversion left inside a sentence does not end it.  ；and ： never
end a sentence inside a line.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .extensions import rule_text
from .text import CLOSERS, SENTENCE_END, continues, split_lines


def paragraph_spans(text: str, min_broken_length: int = 24) -> list[tuple[int, int]]:
    """Character spans of paragraphs: lines joined where a break is mid-sentence."""
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    last_text = ""
    for line in split_lines(text):
        if not line.text.strip():
            continue
        if current is not None and continues(last_text, line.text, min_broken_length):
            current = (current[0], line.end)
        else:
            if current is not None:
                spans.append(current)
            current = (line.start, line.end)
        last_text = line.text
    if current is not None:
        spans.append(current)
    return spans


def sentence_spans(text: str, min_broken_length: int = 24) -> list[tuple[int, int]]:
    """Character spans of sentences, trimmed of whitespace, covering every
    non-whitespace character of ``text`` exactly once."""
    out: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text, min_broken_length):
        start = p_start
        i = p_start
        while i < p_end:
            if text[i] in SENTENCE_END or (text[i] == "." and is_half_width_full_stop(text, i)):
                j = i + 1
                while j < p_end and (text[j] in SENTENCE_END or text[j] in CLOSERS):
                    j += 1
                _append_trimmed(text, start, j, out)
                start = i = j
            else:
                i += 1
        _append_trimmed(text, start, p_end, out)
    return out


def is_half_width_full_stop(text: str, i: int) -> bool:
    """A ``.`` used as 。 (reports with half-width punctuation): after a Chinese
    character or a closing quote, never in ``1.16`` or an enumerator ``1.``."""
    before = text[i - 1] if i > 0 else ""
    return bool(before) and ("\u4e00" <= before <= "\u9fff" or before in CLOSERS)


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


@Language.factory(
    "lawreport_sentences",
    default_config={"min_broken_length": 24},
)
def create_sentence_splitter(nlp: Language, name: str, min_broken_length: int) -> SentenceSplitter:
    return SentenceSplitter(min_broken_length=min_broken_length)


class SentenceSplitter:
    """Set ``token.is_sent_start`` from :func:`sentence_spans`.

    ``min_broken_length`` is the shortest line (in characters) taken to be a
    full printed line when it ends without punctuation, i.e. broken by PDF
    conversion rather than a heading or a title.
    """

    def __init__(self, min_broken_length: int = 24) -> None:
        self.min_broken_length = min_broken_length

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        spans = sentence_spans(rule_text(doc), self.min_broken_length)
        starts = numpy.array(sorted(s for s, _ in spans), dtype="int64")
        offsets = doc.to_array([IDX, LENGTH, IS_SPACE]).astype("int64")
        token_starts, token_ends, is_space = offsets[:, 0], offsets[:, 0] + offsets[:, 1], offsets[:, 2].astype(bool)
        # A token starts a sentence when a sentence starts inside it (the
        # tokenizer splits on punctuation and whitespace, so in practice at its
        # first character): the first start at or after the token is before its end.
        k = numpy.searchsorted(starts, token_starts, side="left")
        first_after = numpy.append(starts, numpy.iinfo("int64").max)[k]
        is_start = ~is_space & (first_after < token_ends)
        is_start[0] = True
        # Set all boundaries in one array write: Token.is_sent_start checks the
        # whole Doc on every assignment, which is quadratic on long reports.
        flags = numpy.where(is_start, 1, -1).astype("int64").reshape(-1, 1)
        doc.from_array([SENT_START], flags.astype("uint64"))  # spaCy stores -1 wrapped
        return doc
