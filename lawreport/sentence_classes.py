"""Sentence classes ACHIEVEMENT / SHORTFALL / PLAN / OTHER from the sentence and its context.

A linear model (scikit-learn logistic regression) over hashed features:
character 1–3-grams of the sentence, of its opening, and of the heading
above it; the section type; cue words of plans (将, 要, 下一步 …) and
shortfalls (不够, 有待, 差距 …); whether the sentence is itself a heading;
its relative position.  The section is one feature among many, so a target
stated among the achievements can still come out PLAN.  Training drops the
context of a share of the sentences (no section, no heading), so a pasted
paragraph with no report around it is classified from its words alone.

The weights are stored as plain numpy arrays (``to_disk``), no pickles.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from operator import add
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import SENTENCE_CLASSES, doc_text, rule_text
from .sections import heading_title
from .text import looks_like_heading

N_FEATURES = 2**18
#: Sentences featurised at once: the feature dicts of a whole 5 MB document take gigabytes.
BATCH_SENTENCES = 1000
#: Weight of the context features (section, heading-ness) against the n-grams.
CONTEXT_WEIGHT = 2.0
PLAN_CUES = (
    "将", "要", "持续", "进一步", "下一步", "计划", "力争", "拟", "继续", "着力", "加快", "努力", "确保",
    "推动", "深化", "坚持", "聚焦", "全力", "切实", "不断",
)
SHORTFALL_CUES = (
    "不够", "有待", "仍需", "差距", "薄弱", "不足", "短板", "欠缺", "滞后", "不强", "不高", "不到位", "不平衡",
    "不充分", "问题", "困难", "尚未", "还存在", "仍存在", "亟需", "亟待", "偏少", "较少", "不完善", "不规范",
    "不健全", "参差不齐", "缺乏",
)
ACHIEVEMENT_CUES = (
    "全年", "累计", "共", "完成", "办理", "受理", "开展", "组织", "获评", "荣获", "建成", "出台", "印发",
    "实现", "达到", "同比", "已", "了", "先后", "成功",
)
_NUMBER = re.compile(r"[0-9０-９]")
_YEAR = re.compile(r"(20[0-9]{2})\s*年")
_LEAD = re.compile(r"^[\s#*]*(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十0-9]+[）)、.．])")


def _ngrams(prefix: str, text: str, n_max: int = 3) -> list[str]:
    """Character 1..``n_max``-grams of ``text`` without its whitespace, each behind ``prefix``."""
    text = "".join(text.split())
    return [prefix + text[i : i + n] for n in range(1, n_max + 1) for i in range(len(text) - n + 1)]


def _gram_counts(text: str) -> Counter[str]:
    """How often each character 1-, 2- and 3-gram occurs in ``text``, grams in first-seen order
    (unigrams, then bigrams, then trigrams), as :func:`_ngrams` lists them; built in C."""
    bigrams = list(map(add, text, text[1:]))
    return Counter(chain(text, bigrams, map(add, bigrams, text[2:])))


def sentence_features(
    text: str,
    *,
    section_type: str | None,
    heading: str | None,
    is_heading: bool,
    position: float | None,
    report_year: int | None = None,
) -> dict[str, float]:
    """The feature dict of one sentence (context arguments may be None)."""
    compact = "".join(text.split())
    norm = max(1.0, len(compact)) ** 0.5
    features = {f"c:{gram}": count / norm for gram, count in _gram_counts(compact).items()}
    for gram in _ngrams("o:", _LEAD.sub("", compact)[:6], 2):
        features[gram] = 1.0
    for gram in _ngrams("h:", heading or "", 2):
        features[gram] = 0.5
    features[f"section={section_type or 'NONE'}"] = CONTEXT_WEIGHT
    features[f"heading={'yes' if is_heading else 'no'}"] = CONTEXT_WEIGHT
    if position is not None:
        features[f"position={min(4, int(position * 5))}"] = 1.0
    for name, cues in (("plan", PLAN_CUES), ("shortfall", SHORTFALL_CUES), ("achievement", ACHIEVEMENT_CUES)):
        hits = sum(cue in compact for cue in cues)
        if hits:
            features[f"cue={name}"] = min(hits, 3) / 3
    features["has_number"] = float(bool(_NUMBER.search(compact)))
    features[f"length={min(5, len(compact) // 20)}"] = 1.0
    if report_year:
        for year in _YEAR.findall(compact):
            relation = "next" if int(year) > report_year else "same" if int(year) == report_year else "past"
            features[f"year={relation}"] = 1.0
    return features


class ContextLookup:
    """Section and heading lookups for one doc, by binary search (linear on huge documents)."""

    def __init__(self, doc: Doc) -> None:
        self.sections = doc._.section_records or []
        self.section_starts = [r["start"] for r in self.sections]
        self.text = rule_text(doc)
        self.headings = doc._.heading_records or []
        if self.text is not doc_text(doc):  # titles are kept as published; the features read them simplified
            self.headings = [{**h, "title": heading_title(self.text[h["start"] : h["end"]])} for h in self.headings]
        self.heading_starts = [r["start"] for r in self.headings]
        self.heading_set = set(self.heading_starts)
        self.report = doc._.report or {}

    def section_type(self, start: int) -> str | None:
        i = bisect_right(self.section_starts, start) - 1
        return self.sections[i]["type"] if i >= 0 and start < self.sections[i]["end"] else None

    def heading(self, start: int) -> str | None:
        i = bisect_right(self.heading_starts, start) - 1
        return self.headings[i]["title"] if i >= 0 else None


def doc_context(doc: Doc, start: int, end: int, lookup: ContextLookup | None = None) -> dict[str, Any]:
    """Section, heading, heading-ness and position of the sentence at ``start``–``end`` of ``doc``."""
    lookup = lookup or ContextLookup(doc)
    section_type = lookup.section_type(start)
    heading = lookup.heading(start)
    text = lookup.text[start:end]
    stripped = start + (len(text) - len(text.lstrip()))
    is_heading = stripped in lookup.heading_set or looks_like_heading(text.strip())
    report = lookup.report
    return {
        "section_type": section_type,
        "heading": heading if heading and heading.strip() != text.strip() else None,
        "is_heading": is_heading,
        "position": start / max(1, len(lookup.text)),
        "report_year": report.get("year"),
    }


class SentenceClassifier:
    """Sets ``sent._.category`` and ``sent._.category_scores`` on every sentence."""

    def __init__(self, nlp: Language, name: str, n_features: int = N_FEATURES) -> None:
        self.name = name
        self.hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
        self.classes: list[str] = list(SENTENCE_CLASSES)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    @property
    def is_trained(self) -> bool:
        return self.coef is not None

    def predict_proba(self, features: Sequence[dict[str, float]]) -> np.ndarray:
        """Class probabilities, one row per feature dict, columns in ``self.classes``."""
        if self.coef is None or self.intercept is None:
            raise ValueError(f"{self.name}: the sentence classifier has no trained weights (lawreport train)")
        matrix = self.hasher.transform(features)
        logits = matrix @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def set_weights(self, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes = list(classes)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)

    def __call__(self, doc: Doc) -> Doc:
        sentences = [s for s in doc.sents]
        if not sentences or not self.is_trained:
            return doc
        lookup = ContextLookup(doc)
        for start in range(0, len(sentences), BATCH_SENTENCES):
            self._classify(doc, sentences[start : start + BATCH_SENTENCES], lookup)
        return doc

    def _classify(self, doc: Doc, sentences: list[Span], lookup: ContextLookup) -> None:
        texts = [lookup.text[s.start_char : s.end_char] for s in sentences]
        features = [
            sentence_features(text, **doc_context(doc, s.start_char, s.end_char, lookup))
            for s, text in zip(sentences, texts, strict=True)
        ]
        probabilities = self.predict_proba(features)
        for sent, text, row in zip(sentences, texts, probabilities, strict=True):
            scores = {cls: round(float(p), 6) for cls, p in zip(self.classes, row, strict=True)}
            sent._.category_scores = scores
            sent._.category = self.classes[int(row.argmax())] if text.strip() else "OTHER"

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {"classes": self.classes, "n_features": self.hasher.n_features, "trained": self.is_trained}
        (path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if self.coef is not None and self.intercept is not None:
            np.savez_compressed(path / "weights.npz", coef=self.coef, intercept=self.intercept)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SentenceClassifier:
        path = Path(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        self.hasher = FeatureHasher(n_features=meta["n_features"], input_type="dict", alternate_sign=False)
        if meta.get("trained"):
            with np.load(path / "weights.npz") as weights:
                self.set_weights(meta["classes"], weights["coef"], weights["intercept"])
        return self


@Language.factory(
    "lawreport_sentence_classes",
    default_config={"n_features": N_FEATURES},
    assigns=["span._.category", "span._.category_scores"],
    requires=["token.is_sent_start"],
)
def make_sentence_classifier(nlp: Language, name: str, n_features: int) -> SentenceClassifier:
    return SentenceClassifier(nlp, name, n_features)
