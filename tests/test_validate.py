"""`lawreport validate`: every kind of broken file is reported with its file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lawreport.annotation.jsonl import AnnotationFileError, read_records, write_records
from lawreport.annotation.validate import Problem, main, validate_files, validate_record
from lawreport.extensions import ENTITY_LABELS, QUALIFIERS, SENTENCE_CLASSES, UNIT_CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
TEXT = "沙坪坝区办理案件280件。\n\n二、存在不足"


def clean_record(record_id: str = "r1") -> dict[str, Any]:
    return {
        "id": record_id,
        "text": TEXT,
        "meta": {"source": "test", "district": "沙坪坝区", "year": 2023, "body": None, "synthetic": True},
        "spans": [
            {"start": 0, "end": 4, "label": "DISTRICT", "district_name": "沙坪坝区",
             "district_code": "500106", "district_parents": ["重庆市"]},
            {"start": 6, "end": 8, "label": "MEASURE"},
            {"start": 8, "end": 11, "label": "NUMBER", "value": 280.0, "qualifier": "exact"},
            {"start": 11, "end": 12, "label": "UNIT", "unit_category": "case"},
        ],
        "sentences": [{"start": 0, "end": 13, "label": "ACHIEVEMENT"}, {"start": 15, "end": 21, "label": "OTHER"}],
    }


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_clean_record_passes(tmp_path, capsys):
    path = write_jsonl(tmp_path / "ok.jsonl", [clean_record()])
    code, out = run([str(path), "--no-tokens"], capsys)
    assert code == 0
    assert out.strip() == "1 records, 0 errors, 0 warnings"


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(key)


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "missing key": (_delete("sentences"), "[r1]: missing key 'sentences'"),
    "wrong top-level type": (_set(["spans"], {}), "'spans' must be a list"),
    "wrong meta type": (_set(["meta", "year"], "2023"), "meta: 'year' must be an integer or null"),
    "offset out of range": (_set(["spans", 3, "end"], 99), "span 11-99 UNIT: offsets out of range"),
    "offsets not integers": (_set(["spans", 1, "start"], "6"), "span 6-8 MEASURE: start and end must be integers"),
    "empty span": (_set(["spans", 1, "end"], 6), "span 6-6 MEASURE: offsets out of range"),
    "span on whitespace": (_set(["sentences", 0, "end"], 14), "sentence 0-14 ACHIEVEMENT: ends on whitespace"),
    "overlapping entities": (_set(["spans", 1, "end"], 9), "span 8-11 NUMBER: overlaps span 6-9 MEASURE"),
    "uncovered characters": (_set(["sentences", 1, "start"], 17), "text 15-17: not covered by any sentence: '二、'"),
    "overlapping sentences": (_set(["sentences", 1, "start"], 12), "sentence 12-21 OTHER: overlaps sentence 0-13"),
    "unknown entity label": (_set(["spans", 1, "label"], "ORG"), "span 6-8 ORG: unknown label 'ORG'"),
    "unknown sentence class": (_set(["sentences", 1, "label"], "TITLE"), "sentence 15-21 TITLE: unknown label"),
    "wrong value type": (_set(["spans", 2, "value"], "280"), "span 8-11 NUMBER: 'value' must be a finite number"),
    "infinite value": (_set(["spans", 2, "value"], float("inf")), "'value' must be a finite number"),
    "bad qualifier": (_set(["spans", 2, "qualifier"], "roughly"), "'qualifier' must be one of exact"),
    "bad unit category": (_set(["spans", 3, "unit_category"], "cases"), "'unit_category' must be one of"),
    "missing normalisation": (lambda r: r["spans"][2].pop("qualifier"), "NUMBER needs 'qualifier'"),
    "bad district code": (_set(["spans", 0, "district_code"], 500106), "'district_code' must be null or a string"),
    "short district code": (_set(["spans", 0, "district_code"], "5001"), "'district_code' must be null or a string"),
    "bad parents": (_set(["spans", 0, "district_parents"], "重庆市"), "'district_parents' must be a list of strings"),
    "wrong optional key type": (_set(["relations"], "none"), "'relations' must be a list"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_record_is_reported_with_file_and_line(kind, tmp_path, capsys):
    mutate, expected = BROKEN[kind]
    broken = clean_record("r1")
    mutate(broken)
    path = write_jsonl(tmp_path / "data.jsonl", [clean_record("r0"), broken])
    code, out = run([str(path), "--no-tokens"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith(f"{path}:2 ") and expected in line for line in lines), out
    assert not any(line.startswith(f"{path}:1 ") for line in lines), out
    assert lines[-1].startswith("2 records, ")


def test_bad_json_line_is_reported_and_the_rest_still_checked(tmp_path, capsys):
    broken = clean_record("r2")
    broken["spans"][1]["label"] = "ORG"
    path = write_jsonl(tmp_path / "data.jsonl", [clean_record(), '{"id": "x", "text": ', "", broken])
    code, out = run([str(path), "--no-tokens"], capsys)
    assert code == 1
    assert f"{path}:2: invalid JSON at column" in out
    assert f"{path}:4 [r2] span 6-8 ORG: unknown label" in out
    assert out.splitlines()[-1] == "2 records, 2 errors, 0 warnings"


def test_line_that_is_not_an_object(tmp_path, capsys):
    path = write_jsonl(tmp_path / "data.jsonl", [[1, 2]])
    code, out = run([str(path), "--no-tokens"], capsys)
    assert code == 1 and f"{path}:1: expected one JSON object per line, got list" in out


def test_duplicate_ids_across_files(tmp_path, capsys):
    first = write_jsonl(tmp_path / "a.jsonl", [clean_record("same")])
    second = write_jsonl(tmp_path / "b.jsonl", [clean_record("other"), clean_record("same")])
    code, out = run([str(first), str(second), "--no-tokens"], capsys)
    assert code == 1
    assert f"{second}:2 [same]: duplicate id, first at {first}:1" in out


def test_missing_and_binary_files_are_errors_not_tracebacks(tmp_path, capsys):
    missing = tmp_path / "missing.jsonl"
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\x80\x81\xfe\x00" * 10)
    code, out = run([str(missing), str(binary), "--no-tokens"], capsys)
    assert code == 1
    assert f"{missing}: cannot open" in out
    assert f"{binary}:1: not UTF-8 text" in out


def test_a_pretty_printed_json_file_is_not_jsonl(tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([clean_record()] * 30, indent=2), encoding="utf-8")
    code, out = run([str(path), "--no-tokens"], capsys)
    assert code == 1 and "does not look like a JSONL file" in out


def test_misaligned_span_is_a_warning_naming_the_tokens(tmp_path, capsys):
    record = clean_record()
    record["spans"][0]["end"] = 3  # 沙坪坝 cuts the token 沙坪坝区
    path = write_jsonl(tmp_path / "data.jsonl", [record])
    code, out = run([str(path)], capsys)
    assert code == 0, out
    warning = next(line for line in out.splitlines() if "token boundaries" in line)
    assert warning.startswith(f"{path}:1 [r1] span 0-3 DISTRICT: warning: '沙坪坝' does not fall on token boundaries")
    assert "沙坪坝区" in warning
    assert out.splitlines()[-1] == "1 records, 0 errors, 1 warnings"


def test_validate_files_and_problem_str(tmp_path, nlp):
    record = clean_record()
    record["spans"][2]["start"] = 7
    path = write_jsonl(tmp_path / "data.jsonl", [record])
    problems = validate_files([path], nlp=nlp)
    errors = [p for p in problems if p.severity == "error"]
    assert [str(p) for p in errors] == [f"{path}:1 [r1] span 7-11 NUMBER: overlaps span 6-8 MEASURE"]
    assert errors[0] == Problem(file=str(path), line=1, record_id="r1", span=(7, 11, "NUMBER"),
                                message="overlaps span 6-8 MEASURE")


def test_validate_record_takes_token_offsets():
    record = clean_record()
    assert validate_record(record, tokens=[(0, 4), (4, 6), (6, 8), (8, 11), (11, 12), (12, 13)]) == []
    problems = validate_record(record, tokens=[(0, 2), (2, 4), (4, 8), (8, 12)])
    assert {p.span for p in problems} == {(6, 8, "MEASURE"), (8, 11, "NUMBER"), (11, 12, "UNIT")}
    assert all(p.severity == "warning" for p in problems)


def test_read_records_raises_with_file_and_line(tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", [clean_record(), "", "{oops"])
    records = read_records(path)
    assert next(records)[0] == 1
    with pytest.raises(AnnotationFileError, match=r"data\.jsonl:3: invalid JSON"):
        next(records)


def test_write_records_is_atomic(tmp_path):
    path = tmp_path / "out.jsonl"
    write_records(path, [clean_record()])

    def broken_records():
        yield clean_record("new")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_records(path, broken_records())
    assert [r["id"] for _, r in read_records(path)] == ["r1"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_schema_is_json_and_matches_the_constants():
    schema = json.loads((ROOT / "lawreport" / "data" / "annotation.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    span = schema["$defs"]["span"]["properties"]
    assert tuple(span["label"]["enum"]) == ENTITY_LABELS
    assert tuple(span["qualifier"]["enum"]) == QUALIFIERS
    assert tuple(span["unit_category"]["enum"]) == UNIT_CATEGORIES
    assert tuple(schema["$defs"]["sentence"]["properties"]["label"]["enum"]) == SENTENCE_CLASSES
    required = {c["if"]["properties"]["label"]["const"]: set(c["then"]["required"])
                for c in schema["$defs"]["span"]["allOf"]}
    from lawreport.annotation.jsonl import NORMALISATION_FIELDS, RECORD_KEYS

    assert required == {k: set(v) for k, v in NORMALISATION_FIELDS.items() if v}
    assert set(schema["required"]) == set(RECORD_KEYS)

