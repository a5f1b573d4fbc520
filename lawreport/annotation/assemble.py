"""Assemble the adjudicated gold files into the training JSONL.

    python -m lawreport.annotation.assemble

Reads ``training_data/passes/gold/ID.txt`` (documents whose adjudication is
finished: no ``<<`` conflict lines left), computes offsets with
:func:`markup.check_file`, fills the normalisation fields with
:mod:`lawreport.normalize`, and writes ``training_data/seeds.jsonl`` (real
reports) and ``training_data/synthetic.jsonl`` (written by the team).
Normalisation is machine-filled from nationwide sources, resolved in the
context of the report's own district; ``validate`` checks its types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..gazetteer import load_gazetteer
from ..normalize import normalise_spans
from ..report import extract_report
from .jsonl import write_records
from .markup import PASSES, ROOT, check_file, raw_path


def manifests() -> dict[str, dict[str, Any]]:
    """Metadata of the synthetic reports, by document id (``a01``)."""
    meta: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "training_data" / "raw" / "synthetic").glob("manifest_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                meta[entry["file"][:3]] = entry
    return meta


def build_record(doc_id: str, synthetic_meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One JSONL record from a finished gold file."""
    gazetteer = load_gazetteer()
    path = raw_path(doc_id)
    text = path.read_text(encoding="utf-8")
    parsed = check_file(PASSES / "gold" / f"{doc_id}.txt")
    if doc_id in synthetic_meta:
        entry = synthetic_meta[doc_id]
        meta = {
            "district": entry["district"],
            "district_code": entry.get("district_code"),
            "year": entry["year"],
            "body": entry.get("body"),
            "synthetic": True,
        }
    else:
        report = extract_report(text, gazetteer)
        meta = {
            "district": report["district"],
            "district_code": report["district_code"],
            "year": report["year"],
            "body": report["body"],
            "synthetic": False,
        }
    meta["source"] = str(path.relative_to(ROOT))
    own = meta.get("district_code")
    context = tuple(d.code for d in gazetteer.chain(own)) if own else ()
    spans = sorted(parsed["spans"], key=lambda s: (s["start"], s["end"]))
    offsets = [(s["start"], s["end"], s["label"]) for s in spans]
    for span, fields in zip(spans, normalise_spans(text, offsets, gazetteer, context), strict=True):
        span.update(fields)
    record = {"id": doc_id, "text": text, "meta": meta, "spans": spans, "sentences": parsed["sentences"]}
    attach_links(record, PASSES / "links" / "gold" / f"{doc_id}.tsv")
    return record


def attach_links(record: dict[str, Any], path: Path) -> None:
    """Add the adjudicated fact links (``SNNNN  Nk  Mj|-`` lines) as ``"measure"`` on NUMBER spans.

    ``SNNNN`` is the sentence's index in the record, ``Nk``/``Mj`` the k-th
    NUMBER and j-th MEASURE inside it, as in the link task files.
    """
    if not path.exists():
        return
    spans = sorted(record["spans"], key=lambda s: s["start"])
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        sentence_id, number_id, measure_id = (field.strip() for field in line.split("\t")[:3])
        sentence = record["sentences"][int(sentence_id[1:])]
        inside = [s for s in spans if sentence["start"] <= s["start"] and s["end"] <= sentence["end"]]
        numbers = [s for s in inside if s["label"] == "NUMBER"]
        measures = [s for s in inside if s["label"] == "MEASURE"]
        try:
            number = numbers[int(number_id[1:]) - 1]
            measure = None if measure_id == "-" else measures[int(measure_id[1:]) - 1]
        except (IndexError, ValueError) as err:
            raise ValueError(f"{path}:{line_no}: link {line!r} does not fit sentence {sentence_id}") from err
        number["measure"] = None if measure is None else {"start": measure["start"], "end": measure["end"]}


def main() -> None:
    synthetic_meta = manifests()
    finished = sorted(p.stem for p in (PASSES / "gold").glob("*.txt") if "<<" not in p.read_text(encoding="utf-8"))
    records = [build_record(doc_id, synthetic_meta) for doc_id in finished]
    unparsed = [r["id"] for r in records for s in r["spans"] if s["label"] == "NUMBER" and s["value"] is None]
    real = [r for r in records if not r["meta"]["synthetic"]]
    written = [r for r in records if r["meta"]["synthetic"]]
    out = ROOT / "training_data"
    print(f"seeds.jsonl: {write_records(out / 'seeds.jsonl', real)} records")
    print(f"synthetic.jsonl: {write_records(out / 'synthetic.jsonl', written)} records")
    if unparsed:
        print(f"NUMBER spans without a value in: {sorted(set(unparsed))}")


if __name__ == "__main__":
    main()
