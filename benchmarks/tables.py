"""Markdown tables for docs/evaluation.md from the cross-validation results.

    python benchmarks/tables.py [benchmarks/results/cv_entities.json] [benchmarks/results/cv_sentences.json]
    python benchmarks/tables.py benchmarks/results/ner_choice/    # candidate ners, seed by seed

Prints the tables; the figures in the docs are pasted from this output, never
typed by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("DISTRICT", "MEASURE", "NUMBER", "UNIT")
CLASSES = ("ACHIEVEMENT", "SHORTFALL", "PLAN", "OTHER")


def entity_tables(results: dict) -> str:
    out = []
    for part in ("real", "synthetic", "all"):
        key = f"shipped/{part}"
        if key not in results:
            continue
        out.append(f"\n**Shipped pipeline, {part} reports** (held out, leave-one-report-out)\n")
        out.append("| label | gold | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label in LABELS:
            e = results[key]["entities"][label]
            out.append(
                f"| {label} | {e['gold']} | {e['exact']['p']:.3f} | {e['exact']['r']:.3f} | {e['exact']['f']:.3f} "
                f"| {e['overlap']['p']:.3f} | {e['overlap']['r']:.3f} | {e['overlap']['f']:.3f} |"
            )
        norm = results[key]["normalisation"]
        out.append("")
        out.append("| normalisation (on exact matches) | accuracy | n |")
        out.append("| --- | ---: | ---: |")
        for label, name in (("NUMBER", "value + qualifier"), ("UNIT", "unit category"), ("DISTRICT", "district code")):
            accuracy = norm[label]["accuracy"]
            shown = f"{accuracy:.3f}" if accuracy is not None else "n/a"
            out.append(f"| {name} | {shown} | {norm[label]['n']} |")
    out.append("\n**Which source wins, per label** (exact F1 / overlap F1, all 25 reports)\n")
    variants = [v for v in ("rules", "model", "both", "shipped") if f"{v}/all" in results]
    out.append("| label | " + " | ".join(variants) + " |")
    out.append("| --- |" + " ---: |" * len(variants))
    for label in LABELS:
        cells = []
        for variant in variants:
            e = results[f"{variant}/all"]["entities"][label]
            cells.append(f"{e['exact']['f']:.3f} / {e['overlap']['f']:.3f}")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    fact_rows = [k for k in results if k.startswith("facts")]
    if fact_rows:
        out.append("\n**Facts** (NUMBER -> governing MEASURE links, the five real reports)\n")
        out.append("| setting | gold | predicted | exact P | exact R | exact F1 | overlap F1 |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for key in sorted(fact_rows):
            if not key.endswith("/all"):
                continue
            f = results[key]
            out.append(
                f"| {key.split('/')[0]} | {f['gold']} | {f['predicted']} | {f['exact']['p']:.3f} "
                f"| {f['exact']['r']:.3f} | {f['exact']['f']:.3f} | {f['overlap']['f']:.3f} |"
            )
    return "\n".join(out)


def sentence_tables(results: dict) -> str:
    out = []
    methods = [m for m in ("sections", "linear", "linear-no-context", "textcat-bow", "textcat-ensemble")
               if f"{m}/all" in results]
    for part in ("real", "synthetic", "all"):
        out.append(f"\n**{part} reports** (macro-F1; per class F1 / Brier)\n")
        out.append("| method | macro-F1 | " + " | ".join(CLASSES) + " |")
        out.append("| --- | ---: |" + " ---: |" * len(CLASSES))
        for method in methods:
            r = results.get(f"{method}/{part}")
            if r is None:
                continue
            cells = [f"{r[c]['f']:.3f} / {r[c]['brier']:.3f}" for c in CLASSES]
            out.append(f"| {method} | {r['macro_f1']:.3f} | " + " | ".join(cells) + " |")
    r = results.get("linear/all")
    if r:
        out.append("\n**Shipped classifier (linear), all reports: precision / recall**\n")
        out.append("| class | P | R | F1 | Brier | n |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for c in CLASSES:
            row = [f"{r[c][k]:.3f}" for k in ("p", "r", "f", "brier")]
            out.append(f"| {c} | " + " | ".join(row) + f" | {r[c]['n']} |")
    return "\n".join(out)


def _seed(path: Path) -> str:
    return path.stem.rsplit("_seed", 1)[1]


def candidate_table(folder: Path) -> str:
    """One row per 5-fold run in ``folder`` (files ``CANDIDATE_seedN.json``), and the mean per candidate."""
    runs: dict[str, list[tuple[str, dict]]] = {}
    for path in sorted(folder.glob("*_seed*.json")):
        runs.setdefault(path.stem.rsplit("_seed", 1)[0], []).append(
            (_seed(path), json.loads(path.read_text(encoding="utf-8")))
        )
    out = [
        "| candidate | seed | MEASURE exact F1 all / real | MEASURE overlap F1 all / real | facts exact / overlap F1 |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, seeded in runs.items():
        rows = []
        for seed, r in seeded:
            m_all, m_real = r["shipped/all"]["entities"]["MEASURE"], r["shipped/real"]["entities"]["MEASURE"]
            rows.append((m_all["exact"]["f"], m_real["exact"]["f"], m_all["overlap"]["f"], m_real["overlap"]["f"],
                         r["facts/all"]["exact"]["f"], r["facts/all"]["overlap"]["f"]))
            out.append(f"| {name} | {seed} | {rows[-1][0]:.3f} / {rows[-1][1]:.3f} | {rows[-1][2]:.3f} / "
                       f"{rows[-1][3]:.3f} | {rows[-1][4]:.3f} / {rows[-1][5]:.3f} |")
        if len(rows) > 1:
            mean = [sum(col) / len(col) for col in zip(*rows, strict=True)]
            out.append(f"| **{name}** | mean of {len(rows)} | {mean[0]:.3f} / {mean[1]:.3f} | {mean[2]:.3f} / "
                       f"{mean[3]:.3f} | {mean[4]:.3f} / {mean[5]:.3f} |")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or [
        ROOT / "benchmarks" / "results" / "cv_entities.json",
        ROOT / "benchmarks" / "results" / "cv_sentences.json",
    ]
    for path in paths:
        if path.is_dir():
            print(f"## {path.name}/ (5-fold report-grouped runs)\n")
            print(candidate_table(path))
            continue
        if not path.exists():
            print(f"(missing {path})")
            continue
        results = json.loads(path.read_text(encoding="utf-8"))
        print(f"## {path.name}: {results.get('_meta')}")
        print(entity_tables(results) if "shipped/all" in results else sentence_tables(results))


if __name__ == "__main__":
    main(sys.argv[1:])
