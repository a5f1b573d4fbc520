"""What ``lawreport train --base`` fine-tuning buys on real reports it has not seen, and what mixing keeps.

    python benchmarks/finetune.py training_data/seeds.jsonl training_data/synthetic.jsonl \
        [--out benchmarks/results/finetune.json]

A base pipeline is trained from scratch on the synthetic reports only (the
shipped recipe).  Then, for each real report in turn, the base is fine-tuned
on the other real reports (the "new annotations") with the synthetic ones
mixed in (the default of ``--mix``), and again without mixing; the held-out
real report is scored before and after, and the synthetic reports (the mixed
data) are scored to see whether the model forgot them.  Everything uses the
config's seed and schedules (``[training]``, ``[finetune]``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lawreport  # noqa: E402
from lawreport.evaluation import Scores, evaluate  # noqa: E402
from lawreport.training.data import Record, load_records  # noqa: E402
from lawreport.training.train import save_pipeline, train_pipeline  # noqa: E402

VARIANTS = {"fine-tuned, mixed": None, "fine-tuned, no mix": []}


def figures(scores: Scores) -> dict[str, float]:
    """MEASURE exact/overlap F1 and sentence-class macro-F1, the parts training changes."""
    measure = scores.entities["MEASURE"]
    return {"measure_exact_f1": measure.scores("exact")[2], "measure_overlap_f1": measure.scores("overlap")[2],
            "sentence_macro_f1": scores.macro_f1()}


def write_jsonl(path: Path, records: list[Record]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def run(records: list[Record], work: Path, log: Any) -> dict[str, Any]:
    real = [r for r in records if not r["meta"].get("synthetic")]
    synthetic = write_jsonl(work / "synthetic.jsonl", [r for r in records if r["meta"].get("synthetic")])
    mixed = load_records([synthetic])
    base_dir = work / "base"
    save_pipeline(train_pipeline([synthetic], log=log)[0], base_dir)
    base = lawreport.load(base_dir)
    results: dict[str, Any] = {"mixed data": {"base": [figures(evaluate(base, mixed))]}, "held out": {}}
    for held in real:
        new = write_jsonl(work / "new.jsonl", [r for r in real if r is not held])
        row = {"base": figures(evaluate(base, [held]))}
        for name, mix in VARIANTS.items():
            nlp, _ = train_pipeline([new], base=base_dir, mix=[synthetic] if mix is None else mix, log=log)
            row[name] = figures(evaluate(nlp, [held]))
            results["mixed data"].setdefault(name, []).append(figures(evaluate(nlp, mixed)))
        results["held out"][held["id"]] = row
        print(held["id"], json.dumps(row), file=sys.stderr)
    return results


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(r[k] for r in rows) / len(rows), 3) for k in rows[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "finetune.json")
    args = parser.parse_args(argv)
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        results = run(load_records(args.data), Path(tmp), log=lambda line: None)
    held, names = results["held out"].values(), ("base", *VARIANTS)
    summary = {
        "held out (mean over real reports)": {name: mean([row[name] for row in held]) for name in names},
        "mixed data (synthetic; mean over folds)": {name: mean(results["mixed data"][name]) for name in names},
        "per report": results["held out"],
        "_meta": {"seconds": round(time.time() - started), "data": args.data},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for part in ("held out (mean over real reports)", "mixed data (synthetic; mean over folds)"):
        print(part)
        for name, row in summary[part].items():
            print(f"  {name:<20} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()))


if __name__ == "__main__":
    main()
