"""Folders of reports to tables, the CLI's main job, and the notebook view."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import lawreport
from lawreport.batch import FACT_COLUMNS, SENTENCE_COLUMNS, BatchErrors
from lawreport.cli import main
from lawreport.normalize import number_value

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_extract_table_rows_point_into_the_reports(nlp) -> None:
    table = lawreport.extract(EXAMPLES, nlp=nlp, progress=False)
    assert list(table.columns) == list(FACT_COLUMNS)
    assert set(table["file"]) == {str(p) for p in sorted(EXAMPLES.glob("*.txt"))}
    for row in table.itertuples():
        text = Path(row.file).read_text(encoding="utf-8")
        assert number_value(text[row.start : row.end]) == row.value
    assert table["report_district"].nunique() == 3


def test_sentences_table(nlp) -> None:
    table = lawreport.sentences(EXAMPLES / "chongqing_huilongba_2023.txt", nlp=nlp, progress=False)
    assert list(table.columns) == list(SENTENCE_COLUMNS)
    text = (EXAMPLES / "chongqing_huilongba_2023.txt").read_text(encoding="utf-8")
    assert all(text[r.start : r.end] == r.sentence for r in table.itertuples())
    assert set(table["category"]) <= {"ACHIEVEMENT", "SHORTFALL", "PLAN", "OTHER"}
    assert {"ACHIEVEMENT", "SHORTFALL", "PLAN"} <= set(table["category"])


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path, nlp) -> None:
    (tmp_path / "good.txt").write_text("一、主要举措和成效\n办理行政复议案件3件。", encoding="gb18030")
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    errors = BatchErrors()
    table = lawreport.extract(tmp_path, nlp=nlp, errors=errors, progress=False)
    assert [Path(source).name for source, _ in errors.failures] == ["bad.docx"]
    assert list(table["value"]) == [3.0]


def test_cli_extract_facts_csv_and_summary(tmp_path, capsys) -> None:
    out = tmp_path / "facts.csv"
    assert main(["extract", str(EXAMPLES), "-o", str(out), "-q"]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == list(FACT_COLUMNS)
    err = capsys.readouterr().err
    assert f"3 files, 3 reports processed, {len(rows)} facts, 0 failures" in err


def test_cli_extract_sentences_jsonl(tmp_path) -> None:
    out = tmp_path / "sentences.jsonl"
    assert main(["extract", str(EXAMPLES / "chongqing_huilongba_2023.txt"), "--sentences", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and set(rows[0]) == set(SENTENCE_COLUMNS)


def test_show_renders_entities_and_classes(nlp) -> None:
    doc = nlp("一、主要举措和成效\n全年受理法律援助案件660件。\n二、存在的不足\n基层法治力量仍较薄弱。")
    rendering = lawreport.show(doc)
    html = rendering._repr_html_()
    assert "NUMBER" in html and "660" in html
    assert "ACHIEVEMENT" in html and "SHORTFALL" in html and "lawreport-legend" in html
    assert str(rendering) == html
