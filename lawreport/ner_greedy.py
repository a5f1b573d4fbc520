"""spaCy's greedy ner decoding, vectorised, for a ner without an upper layer.

spaCy's transition-based ner reads a Doc one token at a time: at each step
it sums three precomputed feature vectors (the token, the first token of the
open entity, the token before), takes the maxout, picks the best valid
action (B/I/L/U with a label, or O) and moves on.  Each step costs a few BLAS
calls on vectors of a few dozen floats, so the walk, not the network,
dominates the ner's time (about 4 µs a token on this machine).

Two facts make most of the walk vectorisable with the shipped recipe
(``use_upper = false``, so the state layer's maxout *is* the action scores):

- with no entity open, the features are the token and two paddings, so the
  decision at every token is known in advance from one array operation;
- with an entity open since token ``j``, the features at token ``i`` are
  ``(i, j, i - 1)``, so the entity's end is the first ``i`` whose decision
  is L, again one array operation over the tokens after ``j``.

A Python walk then only jumps from one entity to the next.  The arithmetic
is spaCy's, in spaCy's order (``predict_states`` in spacy/ml/parser_model.pyx,
the ``is_valid`` rules of spacy/pipeline/_parser_internals/ner.pyx without
preset entities), so the entities are the same; tests compare the two on the
seed reports.  Anything else (an upper layer, beam search, entities already
set on the Doc, classes the model has not seen in training, which spaCy
scores with the minimum over the whole batch) goes to spaCy's own decoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.tokens import Doc

#: Tokens scored at once while looking for the end of an open entity.
_WINDOW = 8


@dataclass(frozen=True)
class ActionTable:
    """The ner's action classes by kind: which index is B-, I-, L- or U- of which label, and O."""

    labels: tuple[str, ...]
    begin: np.ndarray  # class index of B-label, per label
    inside: np.ndarray
    last: np.ndarray
    unit: np.ndarray
    out: int
    #: class index -> ("B" or "U", label number), for the moves that start an entity
    opening: dict[int, tuple[str, int]]

    @classmethod
    def of(cls, moves) -> ActionTable | None:
        """The table of spaCy's ``BiluoPushDown`` moves, or None if they are not plain BILUO + O."""
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        labels = tuple(sorted({name[2:] for name in names if name[:2] in ("B-", "I-", "L-", "U-") and name[2:]}))
        index = {name: i for i, name in enumerate(names)}
        try:
            table = {kind: np.array([index[f"{kind}-{label}"] for label in labels]) for kind in "BILU"}
            out = index["O"]
        except KeyError:
            return None
        known = {out, *(int(i) for arr in table.values() for i in arr)}
        # other classes (the label-less "U-") are never valid without preset entities
        if any(i not in known and not (name.endswith("-") and name[:1] in "BILU") for i, name in enumerate(names)):
            return None
        opening = {int(c): ("U", k) for k, c in enumerate(table["U"])} | {
            int(c): ("B", k) for k, c in enumerate(table["B"])
        }
        return cls(labels, table["B"], table["I"], table["L"], table["U"], out, opening)


def can_decode(ner, docs: Sequence[Doc]) -> bool:
    """Whether :func:`decode` gives spaCy's answer for ``docs`` with ``ner``'s model."""
    model = ner.model
    return (
        not model.attrs.get("has_upper", True)
        # spaCy gives unseen classes the lowest score of the whole batch, not of the state
        and not model.attrs.get("unseen_classes")
        and ner.cfg.get("beam_width", 1) == 1
        and model.get_ref("lower").get_dim("nF") == 3
        and not any(doc.has_annotation("ENT_IOB") for doc in docs)
    )


def decode(ner, docs: Sequence[Doc], actions: ActionTable) -> list[list[tuple[int, int, str]]]:
    """Entities ``(start, end, label)`` (token offsets) the ner's greedy walk finds in each Doc."""
    model = ner.model
    lower = model.get_ref("lower")
    vectors = model.get_ref("tok2vec").predict(list(docs))  # all tokens of all docs, one array
    table = lower.predict(vectors)  # (tokens + 1, 3 features, classes, pieces); row 0 is the padding
    bias = lower.get_param("b")
    found: list[list[tuple[int, int, str]]] = []
    offset = 0
    for doc in docs:
        n = len(doc)
        rows = table[1 + offset : 1 + offset + n]
        offset += n
        found.append(_walk(doc, rows, table[0], bias, actions) if n else [])
    return found


def _walk(
    doc: Doc, rows: np.ndarray, padding: np.ndarray, bias: np.ndarray, actions: ActionTable
) -> list[tuple[int, int, str]]:
    n = len(rows)
    flags = doc.to_array([IS_SPACE, SENT_START])
    is_space = flags[:, 0].astype(bool)
    next_starts = np.zeros(n, dtype=bool)  # token i + 1 opens a sentence
    next_starts[:-1] = flags[1:, 1].astype(np.int64) == 1
    # no entity open: features (i, pad, pad), summed in spaCy's order, then the maxout
    closed = (((rows[:, 0] + padding[1]) + padding[2]) + bias).max(axis=-1)
    valid = np.zeros_like(closed, dtype=bool)
    valid[:, actions.out] = True
    valid[:, actions.unit] = ~is_space[:, None]
    can_begin = ~is_space & ~next_starts
    can_begin[-1] = False
    valid[:, actions.begin] = can_begin[:, None]
    decision = np.where(valid, closed, -np.inf).argmax(axis=1)
    starts = np.flatnonzero(decision != actions.out)
    entities: list[tuple[int, int, str]] = []
    i = 0
    while True:
        at = int(np.searchsorted(starts, i))
        if at == len(starts):
            return entities
        j = int(starts[at])
        move, label = actions.opening[int(decision[j])]
        end = j + 1 if move == "U" else _entity_end(rows, j, label, bias, next_starts, actions)
        entities.append((j, end, actions.labels[label]))
        i = end


def _entity_end(
    rows: np.ndarray,
    j: int,
    label: int,
    bias: np.ndarray,
    next_starts: np.ndarray,
    actions: ActionTable,
) -> int:
    """End (exclusive) of the entity opened at token ``j``: the first token whose best valid move is L."""
    n = len(rows)
    inside, last = int(actions.inside[label]), int(actions.last[label])
    lo = j + 1
    while lo < n:
        tokens = np.arange(lo, min(n, lo + _WINDOW))
        scores = (((rows[tokens, 0] + rows[j, 1]) + rows[tokens - 1, 2]) + bias).max(axis=-1)
        may_continue = (tokens < n - 1) & ~next_starts[tokens]
        # the first best valid class wins ties, as in spaCy's arg_max_if_valid
        stays = scores[:, inside] >= scores[:, last] if inside < last else scores[:, inside] > scores[:, last]
        ends = np.flatnonzero(~(may_continue & stays))
        if ends.size:
            return int(tokens[ends[0]]) + 1
        lo = int(tokens[-1]) + 1
    return n
