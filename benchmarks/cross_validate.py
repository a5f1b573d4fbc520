"""Leave-one-report-out cross-validation of the entity recogniser.

    python benchmarks/cross_validate.py training_data/seeds.jsonl training_data/synthetic.jsonl \
        [--folds N] [--jobs 2] [--epochs N] [--set KEY=VALUE ...] [--out benchmarks/results/cv_entities.json]

Each fold trains a fresh ``ner`` on the other reports only, then scores the
held-out report under several source settings of ``lawreport_entities``
(rules only, model only, the shipped mix, rules+model): one training per
fold answers "which wins per label".  Nothing learned comes from the
held-out report: the rules use the nationwide gazetteer and hand-written
patterns, the ner is retrained per fold.  (The pkuseg segmenter is shared by
all folds: it was trained on unlabelled text, including the reports' raw
text, never on their annotations.)  Real and synthetic reports are scored
apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lawreport  # noqa: E402
from lawreport.entities import DEFAULT_SOURCES, EntityMerger, normalise  # noqa: E402
from lawreport.evaluation import Scores, doc_entities  # noqa: E402
from lawreport.facts import doc_facts  # noqa: E402
from lawreport.gazetteer import load_gazetteer  # noqa: E402
from lawreport.training.data import load_records, report_folds  # noqa: E402
from lawreport.training.ner import add_entity_components, train_ner, training_config  # noqa: E402
from lawreport.training.train import parse_overrides  # noqa: E402

VARIANTS: dict[str, dict[str, str]] = {
    "rules": {"NUMBER": "rules", "UNIT": "rules", "DISTRICT": "rules", "MEASURE": "rules"},
    "model": {"NUMBER": "model", "UNIT": "model", "DISTRICT": "model", "MEASURE": "model"},
    "shipped": dict(DEFAULT_SOURCES),
    "both": {"NUMBER": "both", "UNIT": "both", "DISTRICT": "both", "MEASURE": "model"},
}


def gold_entity_facts(nlp: Any, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The fact linker alone: facts from the record's gold entities (no model involved)."""
    with nlp.select_pipes(enable=["lawreport_sentences", "lawreport_report", "lawreport_sections"]):
        doc = nlp(record["text"])
    spans = [doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand") for s in record["spans"]]
    doc.set_ents([s for s in spans if s is not None], default="outside")
    normalise(doc, list(doc.ents), load_gazetteer())
    return doc_facts(doc)


def run_fold(
    job: tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], str | None, str | None],
) -> dict[str, Any]:
    """Train on ``train``, predict ``test``; per-variant entity dicts for each test report."""
    train, test, overrides, base, config_path = job
    config = training_config(config_path, overrides=overrides)
    nlp = lawreport.load(base)
    add_entity_components(nlp, config)
    started = time.time()
    train_ner(nlp, train, config)
    trained = time.time() - started
    mergers = {name: EntityMerger(nlp, "lawreport_entities", sources, ["DISTRICT", "NUMBER", "UNIT", "MEASURE"])
               for name, sources in VARIANTS.items()}
    out = []
    with nlp.select_pipes(disable=["lawreport_entities"]):
        docs = list(nlp.pipe(r["text"] for r in test))
    for record, doc in zip(test, docs, strict=True):
        predictions = {}
        for name, merger in mergers.items():
            merged = merger(doc.copy())
            predictions[name] = doc_entities(merged)
            if name == "shipped":
                facts = doc_facts(merged)
        out.append({"id": record["id"], "synthetic": record["meta"].get("synthetic", False),
                    "predictions": predictions, "facts": facts,
                    "gold_entity_facts": gold_entity_facts(nlp, record)})
    return {"reports": out, "train_seconds": trained}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--folds", type=int, default=None, help="report groups (default: leave one report out)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None, help="override training.max_epochs")
    parser.add_argument("--config", default=None, help="training config (default: the shipped recipe)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="config override for every fold, e.g. --set components.ner.model.tok2vec.width=64")
    parser.add_argument("--base", default=None, help="pipeline to start from (default: the shipped one)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cv_entities.json")
    args = parser.parse_args(argv)
    records = load_records(args.data)
    overrides = parse_overrides(args.set)
    if args.epochs:
        overrides["training.max_epochs"] = args.epochs
    folds = report_folds(records, args.folds)
    jobs = [([records[i] for i in tr], [records[i] for i in te], overrides, args.base, args.config) for tr, te in folds]
    by_id = {r["id"]: r for r in records}
    scores: dict[tuple[str, str], Scores] = {}
    started = time.time()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for n, result in enumerate(pool.map(run_fold, jobs), 1):
            for report in result["reports"]:
                part = "synthetic" if report["synthetic"] else "real"
                gold_spans = by_id[report["id"]]["spans"]
                fact_sets = (("facts", report["facts"]), ("facts-on-gold-entities", report["gold_entity_facts"]))
                for variant, facts in fact_sets:
                    for key in ((variant, part), (variant, "all")):
                        scores.setdefault(key, Scores()).add_facts(gold_spans, facts)
                for variant, predicted in report["predictions"].items():
                    for key in ((variant, part), (variant, "all")):
                        scores.setdefault(key, Scores()).add_entities(by_id[report["id"]]["spans"], predicted)
            print(f"fold {n}/{len(jobs)} done ({result['train_seconds']:.0f} s training)", file=sys.stderr)
    summary = {f"{variant}/{part}": s.as_dict() for (variant, part), s in sorted(scores.items())}
    summary = {k: (v["facts"] if k.startswith("facts") and "facts" in v else v) for k, v in summary.items()
               if not k.startswith("facts") or "facts" in v}
    summary["_meta"] = {"folds": len(jobs), "reports": len(records), "seconds": round(time.time() - started),
                        "data": args.data, "overrides": overrides,
                        "config": args.config}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for (variant, part), s in sorted(scores.items()):
        if variant.startswith("facts"):
            if s.facts["gold"]:
                print(f"\n== {variant}, {part} reports ==")
                print(s.table().splitlines()[-1])
            continue
        print(f"\n== {variant} sources, {part} reports ==")
        print(s.table())
    print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()
