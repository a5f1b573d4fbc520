"""Reports in traditional characters (lawreport/traditional.py): read like their simplified originals."""

from __future__ import annotations

import pytest

from lawreport.entities import rule_spans
from lawreport.traditional import reads_as_traditional, simplified_view, translation


def to_traditional(text: str) -> str:
    """``text`` with every simplified character that has exactly one traditional form in the table
    replaced by it (发 has two, 發 and 髮, and stays), so that the simplified view gives ``text`` back."""
    forms: dict[int, list[int]] = {}
    for traditional, simplified in translation().items():
        forms.setdefault(simplified, []).append(traditional)
    return text.translate({s: t[0] for s, t in forms.items() if len(t) == 1})


@pytest.fixture(scope="module")
def pairs(nlp, seed_texts):
    """(simplified doc, traditional doc) for every seed report."""
    return [(nlp(text), nlp(to_traditional(text))) for text in seed_texts.values()]


def test_seed_reports_converted_read_as_traditional_and_view_back(seed_texts):
    for text in seed_texts.values():
        traditional = to_traditional(text)
        assert traditional != text and reads_as_traditional(traditional)
        assert not reads_as_traditional(text)
        assert simplified_view(traditional) == text


def test_traditional_report_keeps_its_text_and_gets_the_same_tokens(pairs):
    for simplified, traditional in pairs:
        assert traditional.text == to_traditional(simplified.text)
        assert [(t.idx, len(t)) for t in traditional] == [(t.idx, len(t)) for t in simplified]


def test_traditional_report_gets_the_same_entities_values_and_facts(nlp, pairs):
    """Rules read the simplified view and the ner a simplified twin: nothing is lost to the script."""
    gazetteer = nlp.get_pipe("lawreport_entities").gazetteer

    def entities(doc):
        return [(e.start_char, e.end_char, e.label_, e._.value, e._.qualifier, e._.unit_category, e._.district_code)
                for e in doc.ents]

    def facts(doc):
        return [(f["start"], f["measure_start"], f["measure_end"], f["value"], f["district_code"], f["category"])
                for f in doc._.facts]

    for simplified, traditional in pairs:
        assert rule_spans(traditional, gazetteer) == rule_spans(simplified, gazetteer)
        assert entities(traditional) == entities(simplified)
        assert {e.label_ for e in traditional.ents} == {"DISTRICT", "MEASURE", "NUMBER", "UNIT"}
        assert facts(traditional) == facts(simplified)


def test_traditional_report_gets_the_same_report_sections_and_classes(pairs):
    for simplified, traditional in pairs:
        for key in ("district", "district_code", "year"):
            assert traditional._.report[key] == simplified._.report[key]
        assert [(r["start"], r["end"], r["type"]) for r in traditional._.section_records] == [
            (r["start"], r["end"], r["type"]) for r in simplified._.section_records
        ]
        assert [s._.category for s in traditional.sents] == [s._.category for s in simplified.sents]
        assert [s._.category_scores for s in traditional.sents] == [s._.category_scores for s in simplified.sents]


def test_titles_and_facts_quote_the_traditional_text(pairs):
    def compact(text: str) -> str:
        return "".join(text.split())

    seen = 0
    for simplified, traditional in pairs:
        text = traditional.text
        title = traditional._.report["title"]
        if title is None:
            assert simplified._.report["title"] is None
        else:
            assert compact(title) in compact(text)  # a title may be joined across a line break
            assert title.translate(translation()) == simplified._.report["title"]
        titles = [r["title"] for r in traditional._.section_records if r["title"]]
        seen += len(titles) + (title is not None)
        assert all(compact(t) in compact(text) for t in titles)
        assert [t.translate(translation()) for t in titles] == [
            r["title"] for r in simplified._.section_records if r["title"]
        ]
        for fact in traditional._.facts:
            assert fact["sentence"] in text
            assert text[fact["start"] : fact["end"]] in fact["sentence"]
    assert seen >= 10


def test_a_simplified_text_with_a_stray_traditional_name_is_left_alone(nlp):
    text = "2023年，我区与臺灣同胞投资企业座谈3次，办理行政复议案件12件。"
    assert not reads_as_traditional(text)
    doc = nlp(text)
    assert simplified_view(text) is text
    assert "臺" in [t.text[:1] for t in doc]


def test_traditional_names_magnitudes_and_title_are_read(nlp):
    text = (
        "重慶市沙坪壩區人民政府關於2023年法治政府建設情況的報告\n\n"
        "2023年，全區共辦理行政複議案件1.16萬件，同比增長12%。\n\n二、存在的問題\n\n基層執法力量薄弱。"
    )
    doc = nlp(text)
    assert doc.text == text
    assert doc._.report["district_code"] == "500106" and doc._.report["year"] == 2023
    assert doc._.report["title"].endswith("報告")
    found = {(e.text, e.label_): e for e in doc.ents}
    assert found[("重慶市沙坪壩區", "DISTRICT")]._.district_code == "500106"
    assert found[("1.16萬", "NUMBER")]._.value == 11600
    assert found[("件", "UNIT")]._.unit_category == "case"
    assert [r["type"] for r in doc._.section_records][-1] == "SHORTFALLS"
    assert [s._.category for s in doc.sents][-1] == "SHORTFALL"


def _ner_entities(ner, doc):
    return [(e.start, e.end, e.label_) for e in ner(doc).ents]


def test_preset_entities_and_huge_documents_are_read_simplified_too(nlp, seed_texts, monkeypatch):
    """The ner reads a traditional Doc simplified also when entities are preset (spaCy's own decoder)
    and when a huge Doc goes through it piece by piece (here: pieces of 40 tokens)."""
    from spacy.tokens import Span

    from .test_ner_decoding import before_ner

    ner = nlp.get_pipe("ner")
    text = sorted(seed_texts.values())[0][:3000]
    simplified, traditional = before_ner(nlp, text), before_ner(nlp, to_traditional(text))
    for doc in (simplified, traditional):
        doc.set_ents([Span(doc, 0, 2, label="MEASURE")], default="unmodified")
    assert _ner_entities(ner, traditional) == _ner_entities(ner, simplified)
    monkeypatch.setattr(ner, "max_tokens", 40)
    simplified, traditional = before_ner(nlp, text), before_ner(nlp, to_traditional(text))
    assert len(simplified) > 40
    assert _ner_entities(ner, traditional) == _ner_entities(ner, simplified)
