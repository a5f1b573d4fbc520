"""Bad annotation files at every entry point: read_records, validate, convert, evaluate.

Every error names the file and line (and the span, where there is one);
nothing raises out of the validator, and nothing is half-written
(docs/robustness.md).  test_validate.py has one test per kind of error.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawreport.annotation import convert
from lawreport.annotation.jsonl import AnnotationFileError, read_records
from lawreport.annotation.validate import Problem, check_files, validate_record
from lawreport.cli import main as cli_main

from .test_validate import clean_record

FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
#: Any JSON value, lone surrogates included (JSON spells them ``"\ud800"``).
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6) | st.just("\ud800"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _fresh_file(root: Path, name: str = "data.jsonl") -> Path:
    """A new file per hypothesis example (tmp_path is one per test)."""
    return Path(tempfile.mkdtemp(dir=root)) / name


def _paths(record: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a JSON value."""
    found = [prefix]
    if isinstance(record, dict):
        for key, value in record.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(record, list):
        for n, value in enumerate(record):
            found += _paths(value, (*prefix, n))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, Any]:
    """A clean record with one to three values replaced or deleted anywhere in it."""
    record = clean_record()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(record) if p]))
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON)
    return record


def _where_ok(problem: Problem, path: Path) -> bool:
    """A problem names the file, and the line unless it is about the whole file."""
    return problem.file == str(path) and (problem.line is not None or problem.message.startswith(("giving up", "no ")))


@FEW
@given(record=mutated_records())
def test_mutated_records_give_problems_with_file_and_line_never_exceptions(tmp_path, nlp, record):
    path = _fresh_file(tmp_path)
    path.write_text(json.dumps(clean_record("r0")) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    count, problems = check_files([path], nlp)
    assert count == 2
    assert all(_where_ok(p, path) and p.line in (2, None) for p in problems)
    assert all(str(p).encode("utf-8") for p in problems)  # printable, lone surrogates included
    assert all(isinstance(p, Problem) for p in validate_record(copy.deepcopy(record)))


@FEW
@given(lines=st.lists(st.text(max_size=60) | JSON.map(json.dumps), min_size=1, max_size=6))
def test_any_lines_are_reported_by_line(tmp_path, lines):
    path = _fresh_file(tmp_path)
    path.write_text("\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines), encoding="utf-8",
                    errors="surrogatepass")
    _, problems = check_files([path])
    assert all(_where_ok(p, path) for p in problems)


@pytest.mark.parametrize(("line", "expected"), [
    ("[" * 100_000, ":1: invalid JSON: maximum recursion depth exceeded"),
    ('{"id": ' + "9" * 5000 + "}", ":1: invalid JSON: Exceeds the limit"),
    ("\ufeff" + json.dumps(clean_record()), None),  # a byte-order mark (Windows editors) is accepted
])
def test_lines_the_json_parser_chokes_on(tmp_path, line, expected):
    path = tmp_path / "data.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    _, problems = check_files([path])
    if expected is None:
        assert problems == []
        assert [r["id"] for _, r in read_records(path)] == ["r1"]
    else:
        assert [str(p) for p in problems] and expected in str(problems[0])
        with pytest.raises(AnnotationFileError, match=r"data\.jsonl:1: invalid JSON"):
            list(read_records(path))


def test_a_lone_surrogate_in_the_text_is_an_error_not_a_crash(tmp_path, nlp):
    record = clean_record()
    record["text"] = record["text"][:4] + "\ud800" + record["text"][5:]
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    _, problems = check_files([path], nlp)
    shown = [str(p) for p in problems]
    assert f"{path}:1 [r1] text 4-5: text has a lone surrogate '\\ud800' at character 4: not valid Unicode" in shown


def test_an_unknown_label_that_is_not_a_string(tmp_path):
    record = clean_record()
    record["spans"][1]["label"] = ["MEASURE"]
    record["spans"][1]["value"] = 1
    problems = [str(p) for p in validate_record(record)]
    expected = "<record> [r1] span 6-8: unknown label ['MEASURE']; expected one of DISTRICT, MEASURE, NUMBER, UNIT"
    assert expected in problems


# --- convert: foreign files with any content; nothing half-written ---------------------------------------------

SUFFIX = {"jsonl": ".jsonl", "prodigy": ".jsonl", "doccano": ".jsonl", "labelstudio": ".json"}


@FEW
@given(fmt=st.sampled_from(sorted(SUFFIX)), to=st.sampled_from(sorted(SUFFIX)),
       objects=st.lists(st.dictionaries(st.sampled_from(["text", "data", "label", "spans", "meta", "entities",
                                                          "sentences", "id", "answer", "lawreport"]), JSON,
                                        max_size=5), min_size=1, max_size=3))
def test_convert_any_objects_exits_cleanly_and_keeps_the_old_output(tmp_path, capsys, fmt, to, objects):
    source = _fresh_file(tmp_path, f"in{SUFFIX[fmt]}")
    text = json.dumps(objects) if fmt == "labelstudio" else "\n".join(json.dumps(o) for o in objects)
    source.write_text(text, encoding="utf-8")
    target = source.with_name(f"out{SUFFIX[to]}")
    target.write_text("earlier", encoding="utf-8")
    code = convert.main([str(source), str(target), "--from", fmt, "--to", to])
    err = capsys.readouterr().err
    assert code in (0, 1)
    if code:
        assert target.read_text(encoding="utf-8") == "earlier" and str(source) in err
    assert sorted(p.name for p in target.parent.iterdir()) == sorted({source.name, target.name})


@pytest.mark.parametrize(("fmt", "content", "message"), [
    ("labelstudio", [{"annotations": []}], "task #1: missing key 'data'"),
    ("doccano", {"doc_id": "x", "label": []}, "line 1: 'text' is missing or not a string"),
    ("doccano", {"text": "abc", "label": [[0, 1]]}, "line 1: ValueError: not enough values to unpack"),
    ("prodigy", {"text": "abc", "spans": [], "meta": [1]}, "line 1: AttributeError"),
    ("prodigy", {"text": "abc", "spans": [{"start": 0}]}, "line 1: missing key 'end'"),
])
def test_convert_names_the_task_or_line(tmp_path, capsys, fmt, content, message):
    source = tmp_path / f"in{SUFFIX[fmt]}"
    source.write_text(json.dumps(content), encoding="utf-8")
    assert convert.main([str(source), str(tmp_path / "out.jsonl"), "--from", fmt, "--to", "jsonl"]) == 1
    assert f"cannot read {source}: {message}" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


# --- evaluate ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"sentences": None}, ":1 [r1]: 'sentences' must be a list, got NoneType"),
    ({"text": 5}, ":1 [r1]: 'text' must be a string, got int"),
    ({"spans": [{"start": 0, "end": 99, "label": "UNIT", "unit_category": "case"}]},
     ":1 [r1] span 0-99 UNIT: offsets out of range"),
])
def test_evaluate_refuses_broken_records_naming_file_line_and_span(tmp_path, capsys, change, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({**clean_record(), **change}) + "\n", encoding="utf-8")
    assert cli_main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}{message}" in err and "nothing evaluated" in err


def test_evaluate_on_a_missing_file(tmp_path, capsys):
    assert cli_main(["evaluate", str(tmp_path / "absent.jsonl")]) == 2
    assert f"{tmp_path / 'absent.jsonl'}: cannot open" in capsys.readouterr().err
