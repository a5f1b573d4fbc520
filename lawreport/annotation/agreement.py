"""Inter-annotator agreement between two blind annotation passes.

    python -m lawreport.annotation.agreement [--passes training_data/passes]

Entities: F1 of one pass against the other, exact (same start, end, label)
and overlap (same label, overlapping characters), per label. Sentence
classes: observed agreement and Cohen's kappa.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..extensions import ENTITY_LABELS, SENTENCE_CLASSES
from .markup import PASSES, check_file


def _f1(a: int, b: int, both: int) -> float:
    return 2 * both / (a + b) if a + b else 1.0


def entity_agreement(first: list[dict], second: list[dict], label: str) -> tuple[int, int, int, int]:
    """Counts (first, second, exact matches, overlap matches) for one label."""
    one = {(s["start"], s["end"]) for s in first if s["label"] == label}
    two = {(s["start"], s["end"]) for s in second if s["label"] == label}
    overlap = sum(1 for s, e in one if any(s < e2 and s2 < e for s2, e2 in two))
    return len(one), len(two), len(one & two), overlap


def cohen_kappa(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Observed agreement and Cohen's kappa of paired labels."""
    n = len(pairs)
    if not n:
        return 1.0, 1.0
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[c] * right[c] for c in SENTENCE_CLASSES) / (n * n)
    return observed, (observed - expected) / (1 - expected) if expected < 1 else 1.0


def report(passes: Path = PASSES) -> str:
    docs = sorted(p.stem for p in (passes / "pass1").glob("*.txt") if (passes / "pass2" / p.name).exists())
    totals = {label: [0, 0, 0, 0] for label in ENTITY_LABELS}
    pairs: list[tuple[str, str]] = []
    for doc_id in docs:
        one = check_file(passes / "pass1" / f"{doc_id}.txt")
        two = check_file(passes / "pass2" / f"{doc_id}.txt")
        for label in ENTITY_LABELS:
            for i, count in enumerate(entity_agreement(one["spans"], two["spans"], label)):
                totals[label][i] += count
        second = {(s["start"], s["end"]): s["label"] for s in two["sentences"]}
        pairs += [(s["label"], second[(s["start"], s["end"])]) for s in one["sentences"]]
    lines = [
        f"{len(docs)} documents annotated twice, blind",
        "",
        "| label | pass 1 | pass 2 | exact F1 | overlap F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, (a, b, exact, overlap) in totals.items():
        lines.append(f"| {label} | {a} | {b} | {_f1(a, b, exact):.3f} | {_f1(a, b, overlap):.3f} |")
    observed, kappa = cohen_kappa(pairs)
    lines += ["", f"sentence classes: {len(pairs)} sentences, agreement {observed:.3f}, Cohen's kappa {kappa:.3f}"]
    confusion = Counter((a, b) for a, b in pairs if a != b)
    lines.append(
        "most frequent disagreements (pass 1 -> pass 2): "
        + ", ".join(f"{a}->{b} {n}" for (a, b), n in confusion.most_common(6))
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=Path, default=PASSES)
    print(report(parser.parse_args(argv).passes))


if __name__ == "__main__":
    main()
