"""Throughput of segmentation, tokenizer and whole pipeline, in one run.

    python benchmarks/throughput.py [--repeat 3] [--model PATH]

Prints characters per second for raw spacy_pkuseg segmentation (the shipped
model, called directly), our tokenizer (segmentation + label post-split), and
the whole pipeline, with their ratios.  Texts: every report under
training_data/raw/.  Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import lawreport

ROOT = Path(__file__).resolve().parent.parent


def best_rate(func, texts: list[str], repeat: int) -> float:
    """Characters per second of the fastest of ``repeat`` passes over ``texts``."""
    chars = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            func(text)
        best = min(best, time.perf_counter() - start)
    return chars / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "training_data" / "raw").rglob("*.txt"))]
    nlp = lawreport.load(args.model)
    segmenter = nlp.tokenizer.pkuseg_seg
    nlp(texts[0])  # warm up caches (gazetteer, pkuseg)
    rates = {
        "raw spacy_pkuseg": best_rate(segmenter.cut, texts, args.repeat),
        "lawreport tokenizer": best_rate(nlp.tokenizer, texts, args.repeat),
        "whole pipeline": best_rate(nlp, texts, args.repeat),
    }
    raw = rates["raw spacy_pkuseg"]
    print(f"{len(texts)} reports, {sum(map(len, texts)):,} characters; {platform.processor() or platform.machine()}")
    print(f"pipeline: {', '.join(nlp.pipe_names)}")
    print(f"{'stage':<22}{'chars/s':>12}{'vs raw':>9}")
    for name, rate in rates.items():
        print(f"{name:<22}{rate:>12,.0f}{rate / raw:>9.2f}")


if __name__ == "__main__":
    main()
