"""The statistical ner on bounded pieces of huge documents.

spaCy's ner holds its network's activations for a whole Doc at once, about
16 KB per token: 8 GB for a 1,000,000-character document, and more than the
machine has for 5 MB.  The ner was trained sentence by sentence
(``training/data.py``), so cutting a long Doc between sentences into pieces of
at most :data:`MAX_TOKENS` tokens takes from it no context it ever learned to
use, and bounds its memory by the piece instead of the document.  A Doc of
up to :data:`MAX_TOKENS` tokens (every real report: the longest seed has
2,585) goes through the ner whole, exactly as before.

:func:`bound_ner` swaps the loaded ``ner`` for a :class:`PiecewiseEntityRecognizer`
sharing its model, moves and settings; ``nlp.to_disk`` still writes a plain
``ner``, so saved pipelines do not change.  The same class hands batches to
the vectorised decoder of :mod:`lawreport.ner_greedy` where it gives spaCy's
answer (the shipped recipe), which makes the ner about twice as fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.attrs import ENT_IOB, ENT_TYPE, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .extensions import doc_text, rule_text, token_bounds
from .ner_greedy import ActionTable, can_decode, decode

#: Longest Doc (in tokens) the ner sees at once: about 160 MB of activations.
MAX_TOKENS = 10_000


def piece_bounds(doc: Doc, max_tokens: int = MAX_TOKENS) -> Iterator[tuple[int, int]]:
    """Token ranges covering ``doc``: runs of whole sentences of at most ``max_tokens``
    tokens; a longer sentence is cut every ``max_tokens`` tokens."""
    ends = [sent.end for sent in doc.sents] if doc.has_annotation("SENT_START") else [len(doc)]
    start = last = 0
    for end in ends:
        if end - start > max_tokens and last > start:
            yield start, last
            start = last
        while end - start > max_tokens:
            yield start, start + max_tokens
            start += max_tokens
        last = end
    if last > start:
        yield start, last


def ner_tokens(doc: Doc) -> tuple[list[str], list[bool], list[bool | None]]:
    """What the ner reads of each token of ``doc``: its text as the rules read it
    (:func:`.extensions.rule_text`, so a traditional-character document is read simplified),
    whether a space follows it, and whether it starts a sentence (None: not known).
    Read with array calls once per Doc; pieces and twins are cut from these lists."""
    view = rule_text(doc)
    starts, ends = token_bounds(doc)
    flags = doc.to_array([SPACY, SENT_START]).astype("int64")
    return (
        [view[start:end] for start, end in zip(starts, ends, strict=True)],
        flags[:, 0].astype(bool).tolist(),
        [True if flag == 1 else False if flag == -1 else None for flag in flags[:, 1].tolist()],
    )


def _tokens_doc(doc: Doc, tokens: tuple[list[str], list[bool], list[bool | None]], start: int, end: int) -> Doc:
    """A Doc of tokens ``start``..``end`` of ``doc`` as :func:`ner_tokens` gives them: all the ner
    reads.  ``Span.as_doc`` copies the whole Doc's arrays for every piece: quadratic."""
    words, spaces, sent_starts = tokens
    return Doc(doc.vocab, words=words[start:end], spaces=spaces[start:end], sent_starts=sent_starts[start:end])


@dataclass(frozen=True)
class DecodedEntities:
    """What :meth:`PiecewiseEntityRecognizer.predict` returns when :mod:`.ner_greedy` decoded the batch."""

    spans: list[list[tuple[int, int, str]]]


class PiecewiseEntityRecognizer(EntityRecognizer):
    """spaCy's ner, run piece by piece on Docs longer than :data:`MAX_TOKENS` tokens, and
    decoded by :mod:`lawreport.ner_greedy` (same entities, faster) where that applies."""

    max_tokens = MAX_TOKENS

    def predict(self, docs: Iterable[Doc]) -> DecodedEntities | list:
        # the ner learnt simplified text: a traditional-character Doc is read through its twin
        docs = [simplified_twin(doc) for doc in docs]
        actions = ActionTable.of(self.moves)
        if actions is not None and can_decode(self, docs):
            return DecodedEntities(decode(self, docs, actions))
        return super().predict(docs)

    def set_annotations(self, docs: Iterable[Doc], predicted: DecodedEntities | list) -> None:
        if not isinstance(predicted, DecodedEntities):
            super().set_annotations(docs, predicted)
            return
        for doc, spans in zip(docs, predicted.spans, strict=True):
            # as spaCy's ner does when no entity was preset: every other token is O
            doc.set_ents([Span(doc, start, end, label=label) for start, end, label in spans], default="outside")

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) <= self.max_tokens:
            return super().__call__(doc)
        ents: list[Span] = []
        tokens = ner_tokens(doc)
        for start, end in piece_bounds(doc, self.max_tokens):
            piece = super().__call__(_tokens_doc(doc, tokens, start, end))
            ents.extend(Span(doc, start + e.start, start + e.end, label=e.label) for e in piece.ents)
        doc.set_ents(ents, default="outside")  # as the ner does: every other token is O
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """Batches of ordinary Docs as spaCy does; a batch with a huge Doc one Doc at a time."""
        for batch in minibatch(docs, size=batch_size):
            if all(len(doc) <= self.max_tokens for doc in batch):
                yield from super().pipe(batch, batch_size=batch_size)
            else:
                yield from map(self, batch)


def simplified_twin(doc: Doc) -> Doc:
    """``doc`` itself, or for a traditional-character Doc the same tokens, spaces and sentence
    starts spelled in simplified characters (:func:`.extensions.rule_text`); entities found in
    the twin are at the same token offsets in ``doc``."""
    if rule_text(doc) is doc_text(doc):
        return doc
    twin = _tokens_doc(doc, ner_tokens(doc), 0, len(doc))
    if doc.has_annotation("ENT_IOB"):  # preset entities, which the ner keeps
        twin.from_array([ENT_IOB, ENT_TYPE], doc.to_array([ENT_IOB, ENT_TYPE]))
    return twin


def bound_ner(nlp: Language, name: str = "ner") -> None:
    """Make ``nlp``'s ner (if it is spaCy's plain one) work piecewise on huge Docs, in place."""
    if name not in nlp.component_names or type(nlp.get_pipe(name)) is not EntityRecognizer:
        return
    ner = nlp.get_pipe(name)
    cfg = ner.cfg
    piecewise = PiecewiseEntityRecognizer(
        ner.vocab, ner.model, name=name, moves=ner.moves,
        update_with_oracle_cut_size=cfg["update_with_oracle_cut_size"], beam_width=cfg["beam_width"],
        beam_density=cfg["beam_density"], beam_update_prob=cfg["beam_update_prob"],
        incorrect_spans_key=cfg.get("incorrect_spans_key"), scorer=ner.scorer,
    )
    piecewise.cfg = dict(cfg)  # the constructor stores the moves object, which to_disk cannot write
    index = nlp.component_names.index(name)
    nlp._components[index] = (name, piecewise)  # spaCy has no public "swap the object, keep the config"
