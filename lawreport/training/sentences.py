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


def gold_rows(nlp: Language, records: list[Record]) -> list[dict[str, Any]]:
    """One row per gold sentence: text, class, context."""
    rows = []
    for record in records:
        doc = context_doc(nlp, record["text"])
        lookup = ContextLookup(doc)
        for sentence in record.get("sentences", []):
            start, end = sentence["start"], sentence["end"]
            rows.append(
                {
                    "text": record["text"][start:end],
                    "label": sentence["label"],
                    "context": doc_context(doc, start, end, lookup),
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
    """Fit the logistic regression on ``rows`` (plus context-free copies) and store its weights."""
    rng = random.Random(seed)
    features, labels = [], []
    for row in rows:
        features.append(sentence_features(row["text"], **row["context"]))
        labels.append(row["label"])
        if rng.random() < context_dropout:
            features.append(sentence_features(row["text"], **without_context(row["context"])))
            labels.append(row["label"])
    matrix = classifier.hasher.transform(features)
    model = LogisticRegression(C=regularisation, max_iter=2000, random_state=seed)
    model.fit(matrix, labels)
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
