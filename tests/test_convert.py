"""Converters: a real report goes out to every format and comes back unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from lawreport.annotation.convert import (
    PAYLOAD_KEY,
    ConversionError,
    docbin_to_records,
    from_labelstudio,
    from_prodigy,
    guess_format,
    labelstudio_config,
    main,
    read_file,
    record_to_doc,
    records_to_docbin,
    to_prodigy,
    write_file,
)
from lawreport.annotation.jsonl import NORMALISATION_FIELDS, read_records, write_records
from lawreport.annotation.validate import validate_record
from lawreport.extensions import ENTITY_LABELS, QUALIFIERS, SENTENCE_CLASSES, UNIT_CATEGORIES
from lawreport.sentence_split import sentence_spans

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "training_data" / "raw" / "seeds").glob("003_*.txt"))
SUFFIX = {"jsonl": ".jsonl", "spacy": ".spacy", "prodigy": ".jsonl", "labelstudio": ".json", "doccano": ".jsonl"}


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """Order of spans and sentences carries no meaning; converters sort them."""
    def order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda s: (s["start"], s["end"], s["label"]))

    return {**record, "spans": order(record["spans"]), "sentences": order(record["sentences"])}


def seed_record() -> dict[str, Any]:
    """Seed 003 with a handful of entities found by code and sentences from our splitter."""
    text = SEED.read_text(encoding="utf-8")
    spans: list[dict[str, Any]] = []

    def add(needle: str, label: str, after: int = 0, **norm: Any) -> int:
        start = text.index(needle, after)
        spans.append({"start": start, "end": start + len(needle), "label": label, **norm})
        return start + len(needle)

    add("重庆市沙坪坝区回龙坝镇", "DISTRICT", district_name="回龙坝镇", district_code="500106106",
        district_parents=["重庆市", "沙坪坝区"])
    end = add("规范性文件合法性审查", "MEASURE")
    end = add("280", "NUMBER", end, value=280.0, qualifier="exact")
    add("次", "UNIT", end, unit_category="event")
    end = add("法律咨询", "MEASURE", text.index("法律咨询1200余"))
    end = add("1200余", "NUMBER", end, value=1200.0, qualifier="at_least")
    add("人次", "UNIT", end, unit_category="person")
    end = add("调解成功率", "MEASURE")
    end = add("96.73", "NUMBER", end, value=96.73, qualifier="exact")
    add("%", "UNIT", end, unit_category="percent")

    sentences, section = [], "OTHER"  # title and preamble, up to the first part
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if sentence.startswith("#"):
            if "不足" in sentence:
                section = "SHORTFALL"
            elif "安排" in sentence:
                section = "PLAN"
            elif "一、" in sentence:
                section = "ACHIEVEMENT"
        sentences.append({"start": start, "end": end, "label": "OTHER" if sentence.startswith("#") else section})
    return {
        "id": "seed_003",
        "text": text,
        "meta": {"source": SEED.name, "district": "回龙坝镇", "year": 2023, "body": "重庆市沙坪坝区回龙坝镇人民政府",
                 "synthetic": False},
        "spans": spans,
        "sentences": sentences,
    }


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    built = seed_record()
    assert [str(p) for p in validate_record(built)] == []
    assert {s["label"] for s in built["sentences"]} == set(SENTENCE_CLASSES)
    return built


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_round_trip_through_every_format(fmt, record, nlp, tmp_path):
    out = tmp_path / f"out{SUFFIX[fmt]}"
    extended = {**record, "relations": [], "spans": [*record["spans"][:1], {**record["spans"][1], "id": "m1"},
                                                      *record["spans"][2:]]}
    write_file(out, [extended], fmt, nlp)
    assert guess_format(out) == fmt
    assert [canonical(r) for r in read_file(out, nlp=nlp)] == [canonical(extended)]


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio", "doccano"])
def test_offsets_labels_and_sentences_survive_without_our_payload(fmt, record, tmp_path):
    """What the tool itself holds, when its free-form slot was dropped (e.g. re-annotated from scratch)."""
    out = tmp_path / f"out{SUFFIX[fmt]}"
    write_file(out, [record], fmt)
    _drop_payload(out)
    back = read_file(out, fmt)[0]
    assert [(s["start"], s["end"], s["label"]) for s in back["spans"]] == sorted(
        (s["start"], s["end"], s["label"]) for s in record["spans"])
    assert back["sentences"] == canonical(record)["sentences"]
    assert back["text"] == record["text"] and back["id"] == record["id"]
    assert back["meta"]["source"] == out.name
    assert all(set(s) == {"start", "end", "label"} for s in back["spans"])


def _drop_payload(path: Path) -> None:
    def strip(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k != PAYLOAD_KEY}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    if path.suffix == ".json":
        path.write_text(json.dumps(strip(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False))
    else:
        write_records(path, [strip(obj) for _, obj in read_records(path)])


def test_docbin_carries_entities_sentences_and_normalisation_natively(record, nlp):
    doc = record_to_doc(record, nlp)
    ents = {(e.start_char, e.end_char): e for e in doc.ents}
    number = ents.get((record["spans"][5]["start"], record["spans"][5]["end"]))  # 1200余
    if number is not None:  # aligned with this tokenizer
        assert number.label_ == "NUMBER" and number._.value == 1200.0 and number._.qualifier == "at_least"
    district = ents[(record["spans"][0]["start"], record["spans"][0]["end"])]
    assert district._.district_code == "500106106" and district._.district_parents == ["重庆市", "沙坪坝区"]
    assert [s._.category for s in doc.sents if s.text.strip()] == [s["label"] for s in record["sentences"]]
    assert doc.user_data[PAYLOAD_KEY]["id"] == "seed_003"


def test_docbin_keeps_spans_that_cut_tokens_exactly(nlp):
    text = "沙坪坝区办理案件280件。"
    record = {
        "id": "cut", "text": text,
        "meta": {"source": "t", "district": None, "year": None, "body": None, "synthetic": True},
        "spans": [{"start": 1, "end": 3, "label": "MEASURE"}],
        "sentences": [{"start": 0, "end": len(text), "label": "ACHIEVEMENT"}],
    }
    doc = record_to_doc(record, nlp)
    assert not doc.ents and [(s.start_char, s.end_char) for s in doc.spans["sc"]] == [(0, 4)]
    docbin = DocBin().from_bytes(records_to_docbin([record], nlp).to_bytes())
    assert docbin_to_records(docbin, nlp) == [record]


def test_labelstudio_utf16_offsets_are_repaired():
    text = "𠮷沙坪坝区办理案件。"
    task = {"data": {"text": text}, "id": 7, "annotations": [
        {"was_cancelled": True, "result": []},
        {"result": [
            {"type": "labels", "from_name": "label", "to_name": "text",
             "value": {"start": 2, "end": 6, "text": "沙坪坝区", "labels": ["DISTRICT"]}},
            {"type": "labels", "from_name": "whatever", "to_name": "text",
             "value": {"start": 0, "end": 11, "text": text, "labels": ["ACHIEVEMENT"]}},
        ]},
    ]}
    record = from_labelstudio([task])[0]
    assert record["id"] == "labelstudio_7"
    assert record["spans"] == [{"start": 1, "end": 5, "label": "DISTRICT"}]
    assert record["sentences"] == [{"start": 0, "end": len(text), "label": "ACHIEVEMENT"}]
    task["annotations"][1]["result"][0]["value"]["text"] = "别的"
    with pytest.raises(ConversionError, match="should be '别的'"):
        from_labelstudio([task])
    assert 'name="sentence_class"' in labelstudio_config()


def test_convert_command(record, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_records(source, [record])
    exported = tmp_path / "tasks.json"
    assert main([str(source), str(exported), "--to", "labelstudio"]) == 0
    back = tmp_path / "back.jsonl"
    assert main([str(exported), str(back), "--to", "jsonl"]) == 0
    assert [r for _, r in read_records(back)] == [canonical(record)]
    broken = tmp_path / "broken.jsonl"
    write_records(broken, [{**record, "spans": [{"start": 0, "end": 1, "label": "ORG"}]}])
    assert main([str(broken), str(tmp_path / "never.json"), "--to", "labelstudio"]) == 1
    assert not (tmp_path / "never.json").exists()
    assert "unknown label 'ORG'" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl"), str(back), "--to", "doccano"]) == 1
    assert "cannot read" in capsys.readouterr().err


# --- property: random valid records survive JSONL and DocBin ---------------------------------------------------

ALPHABET = "区县镇街道办理案件调解法治建设推进一二三四五六七八九十百万余元人次"
ALPHABET += "0123456789.%，、；：“”《》（）。！？\n \u3000𠮷"


def _normalisation(draw: st.DrawFn, label: str) -> dict[str, Any]:
    fields = {
        "value": st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-10**6, 10**6),
        "qualifier": st.sampled_from(QUALIFIERS),
        "unit_category": st.sampled_from(UNIT_CATEGORIES),
        "district_name": st.text(alphabet="沙坪坝区回龙镇", min_size=1, max_size=6),
        "district_code": st.none() | st.from_regex(r"\A[0-9]{6}([0-9]{3})?\Z"),
        "district_parents": st.lists(st.text(alphabet="重庆市沙坪坝区", min_size=1, max_size=5), max_size=3),
    }
    return {field: draw(fields[field]) for field in NORMALISATION_FIELDS[label]}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=80))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            label = draw(st.sampled_from(ENTITY_LABELS))
            spans.append({"start": start, "end": end, "label": label, **_normalisation(draw, label)})
    sentences = [{"start": s, "end": e, "label": draw(st.sampled_from(SENTENCE_CLASSES))}
                 for s, e in sentence_spans(text)]
    meta = {"source": draw(st.text(max_size=5)), "district": draw(st.none() | st.text(max_size=4)),
            "year": draw(st.none() | st.integers(1990, 2030)), "body": None, "synthetic": draw(st.booleans())}
    return {"id": draw(st.text(alphabet="abc_0123456789", min_size=1, max_size=8)), "text": text,
            "meta": meta, "spans": spans, "sentences": sentences}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(records(), min_size=1, max_size=3))
def test_random_records_round_trip_through_jsonl_and_docbin(batch, nlp, tmp_path):
    for item in batch:
        assert [p for p in validate_record(item) if p.severity == "error"] == []
    path = tmp_path / "random.jsonl"
    write_records(path, batch)
    assert [r for _, r in read_records(path)] == batch
    docbin = DocBin().from_bytes(records_to_docbin(batch, nlp).to_bytes())
    assert docbin_to_records(docbin, nlp) == [canonical(r) for r in batch]


def _choose(tasks: list[dict[str, Any]], chosen: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The stream as Prodigy's textcat.manual choice view exports it: ``options`` and the chosen ``accept``."""
    out, n = [], 0
    for task in tasks:
        if "doc_id" in task.get("meta", {}):
            task = {**task, "options": [{"id": c, "text": c} for c in SENTENCE_CLASSES], "accept": chosen.get(n, [])}
            n += 1
        out.append(task)
    return out


def test_prodigy_choice_answers_set_the_sentence_class(record):
    tasks = to_prodigy([record])
    old = record["sentences"][1]["label"]
    new = next(c for c in SENTENCE_CLASSES if c != old)
    back = from_prodigy(_choose(tasks, {1: [new]}))[0]
    assert back["sentences"][1]["label"] == new
    assert [s["label"] for s in back["sentences"][2:]] == [s["label"] for s in record["sentences"][2:]]


@pytest.mark.parametrize("chosen, message", [
    (["PLAN", "OTHER"], "2 classes chosen"),
    (["GOAL"], "unknown class 'GOAL'"),
])
def test_prodigy_choice_answers_that_are_not_one_class_name_the_task(record, chosen, message):
    tasks = _choose(to_prodigy([record]), {0: chosen})
    with pytest.raises(ConversionError, match=message) as caught:
        from_prodigy(tasks)
    assert caught.value.index == 1  # the report's ner task is 0, the first sentence task 1
