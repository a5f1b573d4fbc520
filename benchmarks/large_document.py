"""Time and peak memory of one huge document through ``nlp(text)`` or ``lawreport.extract``.

    python benchmarks/large_document.py [--chars 5000000] [--via nlp|extract]

The document is the seed reports joined and repeated to ``--chars``
characters (written to a temporary .txt file for ``--via extract``).  Peak
memory is the process's ``ru_maxrss`` (Linux: kilobytes), printed before and
after, so the figure for the document is the difference.  Run one
measurement per process: the peak never goes down.  Figures go to
docs/robustness.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

import lawreport

ROOT = Path(__file__).resolve().parent.parent


def document(chars: int) -> str:
    """The seed reports, joined and repeated to exactly ``chars`` characters."""
    seeds = sorted((ROOT / "training_data" / "raw" / "seeds").glob("*.txt"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in seeds)
    return (text * (chars // len(text) + 1))[:chars]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(nlp, text: str, via: str) -> int:
    """Facts found in ``text`` by the chosen entry point."""
    if via == "nlp":
        return len(nlp(text)._.facts)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.txt"
        path.write_text(text, encoding="utf-8")
        del text
        return len(lawreport.extract(path, nlp=nlp, progress=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=5_000_000)
    parser.add_argument("--via", choices=("nlp", "extract"), default="nlp")
    args = parser.parse_args()
    nlp = lawreport.load()
    nlp("一、主要举措和成效\n办理案件3件。")  # warm up: lazy tables and the gazetteer
    text = document(args.chars)
    before = peak_mb()
    start = time.perf_counter()
    facts = run(nlp, text, args.via)
    seconds = time.perf_counter() - start
    after = peak_mb()
    print(f"{platform.machine()}, {platform.python_version()}: {args.via} on {args.chars:,} characters: "
          f"{seconds:.1f} s, {facts:,} facts, peak RSS {before:.0f} MB before, {after:.0f} MB after "
          f"(+{after - before:.0f} MB)")


if __name__ == "__main__":
    main()
