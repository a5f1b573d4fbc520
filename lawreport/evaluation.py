"""Scores of a pipeline against annotation records: entities, normalisation, sentence classes.

    lawreport evaluate training_data/seeds.jsonl [--model PATH]

Entities are scored per label, exact (same offsets and label) and overlap
(a predicted span counts when it overlaps a gold span of its label, a gold
span when some prediction of its label overlaps it).  Normalisation is
scored on the exactly matched spans.  Sentence classes are scored on gold
sentences, each taking the class of the predicted sentence that covers most
of it; the Brier score measures how well the probabilities are calibrated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .extensions import ENTITY_LABELS, SENTENCE_CLASSES

Span3 = tuple[int, int, str]


@dataclass
class Tally:
    """Counts for one label: exact and overlap matches."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap_predicted: int = 0
    overlap_gold: int = 0

    def scores(self, mode: str) -> tuple[float, float, float]:
        if mode == "exact":
            p = self.exact / self.predicted if self.predicted else 0.0
            r = self.exact / self.gold if self.gold else 0.0
        else:
            p = self.overlap_predicted / self.predicted if self.predicted else 0.0
            r = self.overlap_gold / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    """Accumulated evaluation over many documents."""

    entities: dict[str, Tally] = field(default_factory=lambda: {label: Tally() for label in ENTITY_LABELS})
    normalisation: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0] for k in ("NUMBER", "UNIT", "DISTRICT")}
    )
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    brier: dict[str, list[float]] = field(default_factory=lambda: {c: [0.0, 0.0] for c in SENTENCE_CLASSES})
    #: fact links: gold links, predicted facts (on annotated reports), exact and overlap matches
    facts: dict[str, int] = field(default_factory=lambda: {"gold": 0, "predicted": 0, "exact": 0, "overlap": 0})

    def add_facts(self, gold_spans: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> None:
        """Score predicted facts against the NUMBER spans' ``measure`` links (reports without links are skipped).

        A fact is right when its NUMBER has the gold offsets and its measure the
        gold MEASURE's offsets (or both have none); ``overlap`` accepts a
        measure that overlaps the gold one.
        """
        links = {(s["start"], s["end"]): s["measure"] for s in gold_spans if s["label"] == "NUMBER" and "measure" in s}
        if not links:
            return
        self.facts["gold"] += len(links)
        self.facts["predicted"] += len(predicted)
        for fact in predicted:
            key = (fact["start"], fact["end"])
            if key not in links:
                continue
            gold = links[key]
            start, end = fact.get("measure_start"), fact.get("measure_end")
            if gold is None or start is None:
                hit = gold is None and start is None
                self.facts["exact"] += hit
                self.facts["overlap"] += hit
                continue
            self.facts["exact"] += (start, end) == (gold["start"], gold["end"])
            self.facts["overlap"] += start < gold["end"] and gold["start"] < end

    def fact_scores(self, mode: str) -> tuple[float, float, float]:
        hits, gold, predicted = self.facts[mode], self.facts["gold"], self.facts["predicted"]
        p = hits / predicted if predicted else 0.0
        r = hits / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def add_entities(self, gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> None:
        """Add one document's gold and predicted spans (dicts with start/end/label + normalisation)."""
        for label in ENTITY_LABELS:
            g = [s for s in gold if s["label"] == label]
            p = [s for s in predicted if s["label"] == label]
            tally = self.entities[label]
            tally.gold += len(g)
            tally.predicted += len(p)
            gold_keys = {(s["start"], s["end"]): s for s in g}
            for s in p:
                match = gold_keys.get((s["start"], s["end"]))
                if match is not None:
                    tally.exact += 1
                    self._add_normalisation(label, match, s)
            tally.overlap_predicted += sum(any(_overlaps(s, t) for t in g) for s in p)
            tally.overlap_gold += sum(any(_overlaps(s, t) for t in p) for s in g)

    def _add_normalisation(self, label: str, gold: dict[str, Any], predicted: dict[str, Any]) -> None:
        if label == "NUMBER":
            value_ok = gold.get("value") is not None and predicted.get("value") is not None and abs(
                gold["value"] - predicted["value"]
            ) <= 1e-6 * max(1.0, abs(gold["value"]))
            ok = value_ok and gold.get("qualifier") == predicted.get("qualifier")
        elif label == "UNIT":
            ok = gold.get("unit_category") == predicted.get("unit_category")
        elif label == "DISTRICT":
            ok = gold.get("district_code") == predicted.get("district_code")
        else:
            return
        self.normalisation[label][0] += int(ok)
        self.normalisation[label][1] += 1

    def add_sentences(self, gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> None:
        """Gold sentences vs predicted sentences (dicts with start/end/label and optional scores)."""
        for sentence in gold:
            best, best_overlap = None, 0
            for candidate in predicted:
                overlap = min(sentence["end"], candidate["end"]) - max(sentence["start"], candidate["start"])
                if overlap > best_overlap:
                    best, best_overlap = candidate, overlap
            label = best["label"] if best else "OTHER"
            self.confusion[(sentence["label"], label)] += 1
            probabilities = (best or {}).get("scores") or {label: 1.0}
            for cls in SENTENCE_CLASSES:
                target = 1.0 if sentence["label"] == cls else 0.0
                self.brier[cls][0] += (probabilities.get(cls, 0.0) - target) ** 2
                self.brier[cls][1] += 1

    def class_scores(self, cls: str) -> tuple[float, float, float, int]:
        tp = self.confusion[(cls, cls)]
        predicted = sum(n for (g, p), n in self.confusion.items() if p == cls)
        gold = sum(n for (g, p), n in self.confusion.items() if g == cls)
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, gold

    def macro_f1(self) -> float:
        present = [c for c in SENTENCE_CLASSES if self.class_scores(c)[3]]
        return sum(self.class_scores(c)[2] for c in present) / len(present) if present else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers, for JSON output and tables in docs."""
        out: dict[str, Any] = {"entities": {}, "normalisation": {}, "sentences": {}}
        for label, tally in self.entities.items():
            out["entities"][label] = {
                "gold": tally.gold,
                "predicted": tally.predicted,
                "exact": dict(zip("prf", tally.scores("exact"), strict=True)),
                "overlap": dict(zip("prf", tally.scores("overlap"), strict=True)),
            }
        for label, (ok, total) in self.normalisation.items():
            out["normalisation"][label] = {"accuracy": ok / total if total else None, "n": total}
        for cls in SENTENCE_CLASSES:
            p, r, f, n = self.class_scores(cls)
            squared, count = self.brier[cls]
            out["sentences"][cls] = {"p": p, "r": r, "f": f, "n": n, "brier": squared / count if count else None}
        out["sentences_macro_f1"] = self.macro_f1()
        if self.facts["gold"]:
            out["facts"] = {
                "gold": self.facts["gold"],
                "predicted": self.facts["predicted"],
                **{mode: dict(zip("prf", self.fact_scores(mode), strict=True)) for mode in ("exact", "overlap")},
            }
        return out

    def table(self) -> str:
        """The printed report of ``lawreport evaluate``."""
        lines = ["entities            exact P    R     F1  | overlap P    R     F1  | gold  pred"]
        for label, tally in self.entities.items():
            ep, er, ef = tally.scores("exact")
            op, orr, of = tally.scores("overlap")
            lines.append(
                f"  {label:<10}        {ep:6.3f} {er:5.3f} {ef:5.3f} |        {op:6.3f} {orr:5.3f} {of:5.3f} "
                f"| {tally.gold:5d} {tally.predicted:5d}"
            )
        lines.append("normalisation (on exact matches)")
        names = {"NUMBER": "value+qualifier", "UNIT": "unit category", "DISTRICT": "district code"}
        for label, (ok, total) in self.normalisation.items():
            accuracy = f"{ok / total:.3f}" if total else "  n/a"
            lines.append(f"  {names[label]:<18} {accuracy}  ({ok}/{total})")
        if self.facts["gold"]:
            ep, er, ef = self.fact_scores("exact")
            op, orr, of = self.fact_scores("overlap")
            lines.append(
                f"facts (NUMBER -> MEASURE links)  exact P {ep:.3f} R {er:.3f} F1 {ef:.3f} | "
                f"overlap P {op:.3f} R {orr:.3f} F1 {of:.3f} | gold {self.facts['gold']} pred {self.facts['predicted']}"
            )
        if sum(self.confusion.values()):
            lines.append("sentence classes      P      R      F1   Brier     n")
            for cls in SENTENCE_CLASSES:
                p, r, f, n = self.class_scores(cls)
                squared, count = self.brier[cls]
                lines.append(f"  {cls:<14} {p:7.3f} {r:6.3f} {f:6.3f} {squared / max(count, 1):7.3f} {n:5d}")
            lines.append(f"  macro-F1       {self.macro_f1():.3f}")
            lines.append("confusion (rows gold, columns predicted)")
            lines.append("  " + " " * 12 + "".join(f"{c[:6]:>8}" for c in SENTENCE_CLASSES))
            for g in SENTENCE_CLASSES:
                lines.append(f"  {g:<12}" + "".join(f"{self.confusion[(g, p)]:8d}" for p in SENTENCE_CLASSES))
        return "\n".join(lines)


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def doc_entities(doc: Any, offset: int = 0) -> list[dict[str, Any]]:
    """The doc's entities as plain dicts with their normalisation."""
    out = []
    for ent in doc.ents:
        item: dict[str, Any] = {"start": ent.start_char + offset, "end": ent.end_char + offset, "label": ent.label_}
        if ent.label_ == "NUMBER":
            item.update(value=ent._.value, qualifier=ent._.qualifier)
        elif ent.label_ == "UNIT":
            item["unit_category"] = ent._.unit_category
        elif ent.label_ == "DISTRICT":
            item["district_code"] = ent._.district_code
        out.append(item)
    return out


def doc_sentences(doc: Any) -> list[dict[str, Any]]:
    """The doc's sentences with class and probabilities (label None if unclassified)."""
    return [
        {"start": s.start_char, "end": s.end_char, "label": s._.category or "OTHER", "scores": s._.category_scores}
        for s in doc.sents
    ]


def evaluate(nlp: Any, records: Iterable[dict[str, Any]], *, batch_size: int = 4) -> Scores:
    """Run ``nlp`` over the records' texts and score against their annotations."""
    records = list(records)
    scores = Scores()
    docs = nlp.pipe((r["text"] for r in records), batch_size=batch_size)
    for record, doc in zip(records, docs, strict=True):
        scores.add_entities(record.get("spans", []), doc_entities(doc))
        if doc.has_extension("facts") and doc._.facts is not None:
            scores.add_facts(record.get("spans", []), doc._.facts)
        if record.get("sentences") and doc.has_annotation("SENT_START"):
            scores.add_sentences(record["sentences"], doc_sentences(doc))
    return scores
