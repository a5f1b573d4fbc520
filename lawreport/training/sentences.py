"""Train the sentence classifier and the baselines it is compared with.

Features are computed on the gold sentences of each record, with the
context (section, heading, report year) the rule components find in the
full report text, exactly as at prediction time.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from spacy.language import Language

from ..sentence_classes import ContextLookup, SentenceClassifier, doc_context, sentence_features
from .data import Record

#: Components that give a sentence its context; everything else is skipped.
CONTEXT_PIPES = ("lawreport_sentences", "lawreport_report", "lawreport_sections")
#: Section type -> class, the "section rules alone" baseline.
SECTION_BASELINE = {
    "ACHIEVEMENTS": "ACHIEVEMENT",
    "RESPONSIBILITY": "ACHIEVEMENT",
    "SHORTFALLS": "SHORTFALL",
    "PLANS": "PLAN",
    "PREAMBLE": "OTHER",
    "OTHER": "OTHER",
}


def context_doc(nlp: Language, text: str) -> Any:
    """The report with sentences, report metadata and sections only."""
    disabled = [name for name in nlp.pipe_names if name not in CONTEXT_PIPES]
    with nlp.select_pipes(disable=disabled):
        return nlp(text)


def excerpt_context(record: Record) -> dict[str, Any] | None:
    """The context stored with a sentence cut from its report (``lawreport suggest``), if any.

    Such a record's text is one sentence, so the section, heading and position
    it had in its report cannot be found again from the text alone.
    """
    excerpt = record.get("excerpt")
    context = excerpt.get("context") if isinstance(excerpt, dict) else None
    return dict(context) if isinstance(context, dict) else None


def gold_rows(nlp: Language, records: list[Record], weight: float = 1.0) -> list[dict[str, Any]]:
    """One row per gold sentence: text, class, context and the row's sample weight."""
    rows = []
    for record in records:
        stored = excerpt_context(record)
        doc = context_doc(nlp, record["text"]) if stored is None else None
        lookup = ContextLookup(doc) if doc is not None else None
        for sentence in record.get("sentences", []):
            start, end = sentence["start"], sentence["end"]
            rows.append(
                {
                    "text": record["text"][start:end],
                    "label": sentence["label"],
                    "context": stored if stored is not None else doc_context(doc, start, end, lookup),
                    "weight": weight,
                }
            )
    return rows


def without_context(context: dict[str, Any]) -> dict[str, Any]:
    """The same sentence as a pasted passage: no section, no heading, no position."""
    return {**context, "section_type": None, "heading": None, "position": None, "report_year": None}


def fit_classifier(
    classifier: SentenceClassifier,
    rows: list[dict[str, Any]],
    *,
    seed: int,
    regularisation: float = 4.0,
    context_dropout: float = 0.3,
) -> None:
    """Fit the logistic regression on ``rows`` (plus context-free copies) and store its weights.

    A row's ``weight`` (default 1) is its sample weight, so new annotations can
    count more than the original data they are mixed with.
    """
    rng = random.Random(seed)
    features, labels, weights = [], [], []
    for row in rows:
        contexts = [row["context"]]
        if rng.random() < context_dropout:
            contexts.append(without_context(row["context"]))
        for context in contexts:
            features.append(sentence_features(row["text"], **context))
            labels.append(row["label"])
            weights.append(row.get("weight", 1.0))
    matrix = classifier.hasher.transform(features)
    model = LogisticRegression(C=regularisation, max_iter=2000, random_state=seed)
    uniform = all(w == 1.0 for w in weights)  # None then: the shipped model's exact fit, bit for bit
    model.fit(matrix, labels, sample_weight=None if uniform else np.asarray(weights, dtype=float))
    classifier.set_weights([str(c) for c in model.classes_], model.coef_, model.intercept_)


def section_baseline(context: dict[str, Any]) -> str:
    """The class the section alone gives (headings are OTHER)."""
    if context["is_heading"]:
        return "OTHER"
    return SECTION_BASELINE.get(context["section_type"] or "OTHER", "OTHER")


def classifier_scores(
    classifier: SentenceClassifier, rows: list[dict[str, Any]], *, context: bool = True
) -> np.ndarray:
    """Probabilities for rows (optionally with their context removed)."""
    features = [
        sentence_features(r["text"], **(r["context"] if context else without_context(r["context"]))) for r in rows
    ]
    return classifier.predict_proba(features)
