"""Adjudication of two blind passes into one gold annotation per document.

    python -m lawreport.annotation.adjudicate draft ID...   # write passes/gold/ID.txt

The draft copies every line both passes agree on and, for each sentence
where they differ, keeps both lines marked ``<<1`` and ``<<2`` for the
adjudicator, who replaces the pair by one line (either, or a corrected one)
following docs/annotation.md, and checks the result with
``python -m lawreport.annotation.markup passes/gold/ID.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .markup import PASSES


def draft(doc_id: str, passes: Path = PASSES) -> tuple[int, int]:
    """Write the draft gold file; returns (sentences, conflicts)."""
    one = (passes / "pass1" / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
    second = (passes / "pass2" / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
    two = {line.split("\t", 1)[0]: line for line in second}
    out: list[str] = []
    conflicts = 0
    for line in one:
        other = two.get(line.split("\t", 1)[0], "")
        if line == other:
            out.append(line)
        else:
            conflicts += 1
            out += [f"<<1 {line}", f"<<2 {other}"]
    target = passes / "gold" / f"{doc_id}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(one), conflicts


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) < 2 or args[0] != "draft":
        print(__doc__)
        return 2
    for doc_id in args[1:]:
        sentences, conflicts = draft(doc_id)
        print(f"{doc_id}: {sentences} sentences, {conflicts} to adjudicate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
