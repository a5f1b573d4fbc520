"""Throughput and memory of the pipeline, in one run.

    python benchmarks/throughput.py [--repeat 3] [--model PATH] [--stream 2000]

Prints the time ``lawreport.load()`` takes in a fresh interpreter (import
included), characters per second for raw spacy_pkuseg segmentation (the shipped
model, called directly), our tokenizer (segmentation + label post-split), the
whole pipeline (entities, sentence classes, facts included) in one process
and with ``nlp.pipe(n_process=2)``, with their ratios, and the microseconds
per character each component takes; then streams
``--stream`` reports (the corpus cycled) through ``nlp.pipe`` and prints the
resident memory along the way, to show it stays flat.  Texts: every report
under training_data/raw/.  Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

import lawreport

ROOT = Path(__file__).resolve().parent.parent


def best_seconds(func, items: list, repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` passes of ``func`` over ``items``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(item)
        best = min(best, time.perf_counter() - start)
    return best


def best_rate(func, texts: list[str], repeat: int) -> float:
    """Characters per second of the fastest of ``repeat`` passes over ``texts``."""
    return sum(len(t) for t in texts) / best_seconds(func, texts, repeat)


def rss_mb() -> float:
    """Current resident set size of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pipe_rate(nlp, texts: list[str], n_process: int, copies: int) -> float:
    """Characters per second of ``nlp.pipe`` over ``copies`` passes of ``texts``."""
    batch = texts * copies
    start = time.perf_counter()
    for _ in nlp.pipe(batch, n_process=n_process, batch_size=4):
        pass
    return sum(map(len, batch)) / (time.perf_counter() - start)


def stream_memory(nlp, texts: list[str], reports: int) -> list[tuple[int, float]]:
    """RSS after 1, 10%, ..., 100% of ``reports`` streamed through ``nlp.pipe`` (facts kept, docs dropped)."""
    checkpoints = {1, *(reports * k // 10 for k in range(1, 11))}
    marks: list[tuple[int, float]] = []
    facts = 0
    stream = (texts[i % len(texts)] for i in range(reports))
    for n, doc in enumerate(nlp.pipe(stream, batch_size=4), 1):
        facts += len(doc._.facts or [])
        if n in checkpoints:
            marks.append((n, rss_mb()))
    return marks


def component_costs(nlp, texts: list[str], repeat: int) -> dict[str, float]:
    """Microseconds per character spent in the tokenizer and in each pipe (best pass of ``repeat``)."""
    chars = sum(len(t) for t in texts)
    best = dict.fromkeys(["tokenizer", *nlp.pipe_names], float("inf"))
    for _ in range(repeat):
        spent = dict.fromkeys(best, 0.0)
        for text in texts:
            start = time.perf_counter()
            doc = nlp.make_doc(text)
            spent["tokenizer"] += time.perf_counter() - start
            for name, pipe in nlp.pipeline:
                start = time.perf_counter()
                doc = pipe(doc)
                spent[name] += time.perf_counter() - start
        best = {name: min(best[name], spent[name]) for name in best}
    return {name: seconds / chars * 1e6 for name, seconds in best.items()}


def load_seconds(model: str | None, repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` fresh interpreters: seconds to ``import lawreport`` and then to ``lawreport.load()``."""
    probe = (
        "import time; t0 = time.perf_counter(); import lawreport; t1 = time.perf_counter(); "
        f"lawreport.load({model!r}); print(t1 - t0, time.perf_counter() - t1)"
    )
    command = [sys.executable, "-c", probe]
    runs = [
        [float(x) for x in subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()]
        for _ in range(repeat)
    ]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None)
    parser.add_argument("--stream", type=int, default=2000, help="reports to stream for the memory figure (0: skip)")
    parser.add_argument("--copies", type=int, default=2, help="passes over the corpus for the pipe figures")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "training_data" / "raw").rglob("*.txt"))]
    imported, loaded = load_seconds(args.model, args.repeat)
    print(f"fresh interpreter: import lawreport {imported:.2f} s, lawreport.load() {loaded:.2f} s", end="")
    print(f" (best of {args.repeat})")
    nlp = lawreport.load(args.model)
    segmenter = nlp.tokenizer.pkuseg_seg
    nlp(texts[0])  # warm up caches (gazetteer, pkuseg)
    rates = {
        "raw spacy_pkuseg": best_rate(segmenter.cut, texts, args.repeat),
        "lawreport tokenizer": best_rate(nlp.tokenizer, texts, args.repeat),
        "whole pipeline": best_rate(nlp, texts, args.repeat),
        "pipe, 1 process": pipe_rate(nlp, texts, 1, args.copies),
        "pipe, 2 processes": pipe_rate(nlp, texts, 2, args.copies),
    }
    raw = rates["raw spacy_pkuseg"]
    print(f"{len(texts)} reports, {sum(map(len, texts)):,} characters; {platform.processor() or platform.machine()}")
    print(f"pipeline: {', '.join(nlp.pipe_names)}")
    print(f"{'stage':<22}{'chars/s':>12}{'vs raw':>9}")
    for name, rate in rates.items():
        print(f"{name:<22}{rate:>12,.0f}{rate / raw:>9.2f}")
    print(f"2 processes vs 1: {rates['pipe, 2 processes'] / rates['pipe, 1 process']:.2f}x")
    print("where the time goes, single process (µs per character):")
    for name, cost in component_costs(nlp, texts, args.repeat).items():
        print(f"  {name:<32}{cost:6.2f}")
    if args.stream:
        print(f"streaming {args.stream} reports through nlp.pipe (single process): RSS in MB")
        for n, mb in stream_memory(nlp, texts, args.stream):
            print(f"  after {n:>5} reports: {mb:7.0f}")


if __name__ == "__main__":
    main()
