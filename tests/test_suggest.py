"""``lawreport suggest`` on the example reports: ranking, tasks that validate, convert and train."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import lawreport
from lawreport.annotation.convert import read_file
from lawreport.annotation.jsonl import read_records
from lawreport.annotation.suggest import (
    WEIGHTS,
    class_uncertainty,
    disagreement,
    rank,
    score_doc,
    split_uncertainty,
    write_tasks,
)
from lawreport.annotation.validate import check_files
from lawreport.cli import main
from lawreport.training.sentences import gold_rows

ROOT = Path(__file__).resolve().parent.parent
REPORTS = [ROOT / "examples" / "chongqing_huilongba_2023.txt", ROOT / "examples" / "anhui_huoqiu_county_synthetic.txt"]
N = 12


@pytest.fixture(scope="module")
def scored(nlp):
    """Every sentence of the two reports, scored by the shipped pipeline."""
    texts = {str(p): p.read_text(encoding="utf-8") for p in REPORTS}
    return [s for source, text in texts.items() for s in score_doc(nlp, nlp(text), source, Path(source).stem)]


@pytest.fixture(scope="module")
def tasks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("suggest") / "tasks.jsonl"
    assert main(["suggest", *map(str, REPORTS), "-n", str(N), "-o", str(out), "-q"]) == 0
    return out


def records_of(path: Path) -> list[dict]:
    return [record for _, record in read_records(path)]


def test_uncertainty_signals():
    assert class_uncertainty({"ACHIEVEMENT": 0.5, "PLAN": 0.5, "OTHER": 0.0}) == pytest.approx(1.0)
    assert class_uncertainty({"ACHIEVEMENT": 1.0, "PLAN": 0.0}) == pytest.approx(0.0)
    assert class_uncertainty({"ACHIEVEMENT": 0.7, "PLAN": 0.2, "OTHER": 0.1}) == pytest.approx(0.5)
    assert split_uncertainty([1.0, 0.0, 0.5]) == pytest.approx(1.0)
    assert split_uncertainty([1.0, 0.0]) == pytest.approx(0.0)
    assert split_uncertainty([]) == 0.0
    rules, model = {(0, 2, "NUMBER"), (2, 3, "UNIT")}, {(0, 2, "NUMBER")}
    assert disagreement(rules, model) == pytest.approx(0.5)
    assert disagreement(set(), set()) == 0.0


def test_every_sentence_is_scored_from_its_parts(scored, nlp):
    sentences = sum(1 for p in REPORTS for s in nlp(p.read_text(encoding="utf-8")).sents if s.text.strip())
    assert len(scored) == sentences
    for suggestion in scored:
        parts = suggestion.record["uncertainty"]
        assert suggestion.uncertainty == pytest.approx(sum(WEIGHTS[k] * parts[k] for k in WEIGHTS), abs=1e-3)
    # the signals vary on real text: the ranking separates sentences
    assert max(s.uncertainty for s in scored) - min(s.uncertainty for s in scored) > 0.2
    assert max(s.record["uncertainty"]["sentence_class"] for s in scored) > 0.1
    assert max(s.record["uncertainty"]["model_entities"] for s in scored) > 0.5


def test_the_most_uncertain_sentences_are_chosen_first(scored):
    chosen = rank(scored, N)
    assert len(chosen) == N
    assert rank(scored, 0) == []
    values = [s.uncertainty for s in chosen]
    assert values == sorted(values, reverse=True)
    taken = {"".join(c.record["text"].split()) for c in chosen}
    left = [s.uncertainty for s in scored if "".join(s.record["text"].split()) not in taken]
    assert min(values) >= max(left)

    top = chosen[0]
    again = replace(top, record={**top.record, "id": "elsewhere@0-9", "text": top.record["text"] + "\n"})
    assert rank([*scored, again], len(scored) + 1) == rank(scored, len(scored))


def test_a_task_is_the_sentence_with_the_pipeline_annotation(scored, nlp):
    docs = {str(p): nlp(p.read_text(encoding="utf-8")) for p in REPORTS}
    for suggestion in rank(scored, N):
        record = suggestion.record
        excerpt = record["excerpt"]
        doc = docs[excerpt["source"]]
        assert record["text"] == doc.text[excerpt["start"] : excerpt["end"]]
        label = record["sentences"][0]["label"]
        assert record["sentences"] == [{"start": 0, "end": len(record["text"]), "label": label}]
        assert label == next(doc.char_span(excerpt["start"], excerpt["end"]).sents)._.category
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        for span in record["spans"]:
            assert (span["start"] + excerpt["start"], span["end"] + excerpt["start"], span["label"]) in ents


def test_cli_writes_n_tasks_that_validate(tasks, nlp):
    records = records_of(tasks)
    assert len(records) == N
    scores = [r["uncertainty"]["score"] for r in records]
    assert scores == sorted(scores, reverse=True)
    count, problems = check_files([tasks], nlp)
    assert count == N
    assert [p for p in problems if p.severity == "error"] == []
    assert main(["validate", str(tasks), "--no-tokens"]) == 0


@pytest.mark.parametrize("fmt, name", [("prodigy", "tasks.prodigy.jsonl"), ("labelstudio", "tasks.json")])
def test_tool_formats_come_back_through_convert(tasks, tmp_path, fmt, name):
    records = records_of(tasks)
    exported, back = tmp_path / name, tmp_path / "back.jsonl"
    write_tasks(exported, records, fmt)
    if fmt == "labelstudio":
        task = json.loads(exported.read_text(encoding="utf-8"))[0]
        assert "annotations" not in task
        assert task["predictions"][0]["score"] == pytest.approx(1 - records[0]["uncertainty"]["score"])
    assert read_file(exported) == records
    assert main(["convert", str(exported), str(back), "--to", "jsonl"]) == 0
    assert records_of(back) == records


def test_a_task_trains_with_the_context_of_its_report(tasks, nlp):
    records = records_of(tasks)
    rows = gold_rows(nlp, records)
    assert [row["context"] for row in rows] == [r["excerpt"]["context"] for r in records]
    alone = gold_rows(nlp, [{k: v for k, v in r.items() if k != "excerpt"} for r in records])
    assert [row["context"] for row in rows] != [row["context"] for row in alone]


def test_corrected_tasks_train_with_base_and_mixing(tasks, tmp_path, capsys):
    records = records_of(tasks)
    records[0]["sentences"][0]["label"] = "SHORTFALL"  # an annotator's correction
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    mix = tmp_path / "mix.jsonl"
    mix.write_text(next(line for line in (ROOT / "training_data" / "seeds.jsonl").open(encoding="utf-8")),
                   encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", str(corrected), "--base", "default", "--mix", str(mix), "-o", str(out), "--epochs", "1",
                 "-q"]) == 0
    err = capsys.readouterr().err
    assert "mixed in: 1 records, " in err and f"new: {N} records" in err
    tuned = lawreport.load(out)
    doc = tuned(records[1]["text"])
    assert doc.ents and all(sent._.category for sent in doc.sents)
