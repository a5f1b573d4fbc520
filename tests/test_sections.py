"""Sections and report metadata on the five real seed reports."""

from __future__ import annotations

import itertools
import json
from importlib import resources

import pytest

import lawreport
from lawreport.sections import classify_title, load_rules

# What a reader of each seed finds: the parts in order (domain.md), and what
# the title, heading or signature says about the report itself.
EXPECTED_PARTS = {
    "000": ["PREAMBLE", "ACHIEVEMENTS", "RESPONSIBILITY", "SHORTFALLS", "PLANS"],
    "001": ["PREAMBLE", "RESPONSIBILITY", "ACHIEVEMENTS", "SHORTFALLS", "PLANS", "OTHER"],
    "002": ["PREAMBLE", "ACHIEVEMENTS", "SHORTFALLS", "PLANS"],
    "003": ["PREAMBLE", "ACHIEVEMENTS", "RESPONSIBILITY", "SHORTFALLS", "PLANS", "OTHER"],
    "004": ["PREAMBLE", "ACHIEVEMENTS", "RESPONSIBILITY", "SHORTFALLS", "PLANS"],
}
EXPECTED_REPORT = {
    "000": (2023, "沙坪坝区", "500106"),
    "001": (2023, "綦江区", "500110"),
    "002": (2024, "酉阳土家族苗族自治县", "500242"),
    "003": (2023, "回龙坝镇", "500106106"),
    "004": (2022, "**区", None),
}


@pytest.mark.parametrize("key", sorted(EXPECTED_PARTS))
def test_every_top_level_section_found_and_typed(seed_docs, key):
    doc = seed_docs[key]
    assert [s._.section_type for s in doc._.sections] == EXPECTED_PARTS[key]
    for section in doc._.sections:
        if section._.section_type not in ("PREAMBLE", "OTHER"):
            first_line = section.text.split("\n", 1)[0]
            assert section._.title and section._.title in first_line


@pytest.mark.parametrize("key", sorted(EXPECTED_REPORT))
def test_report_year_and_district(seed_docs, key):
    report = seed_docs[key]._.report
    assert (report["year"], report["district"], report["district_code"]) == EXPECTED_REPORT[key]


def test_sections_tile_the_text_in_order(seed_docs):
    for doc in seed_docs.values():
        sections = doc._.sections
        assert all(a.end <= b.start for a, b in itertools.pairwise(sections))
        covered = "".join(s.text for s in sections)
        assert len("".join(covered.split())) >= 0.98 * len("".join(doc.text.split()))


def test_sentences_know_their_section_and_heading(seed_docs):
    doc = seed_docs["004"]
    sentence = next(s for s in doc.sents if s.text.startswith("创新项目、创新点位的培育力度不足"))
    assert sentence._.section_type == "SHORTFALLS"
    assert sentence._.title == "当前工作存在的不足及原因"
    assert sentence._.heading == "基层法治建设力度不足"


def test_stray_arabic_enumerator_in_top_sequence_is_top_level(seed_docs):
    titles = [s._.title for s in seed_docs["000"]._.sections]
    assert "存在不足和原因" in titles


@pytest.mark.parametrize(
    ("title", "section_type"),
    [
        ("下一步工作计划", "PLANS"),
        ("2025年工作思路", "PLANS"),
        ("存在的问题", "SHORTFALLS"),
        ("问题和不足", "SHORTFALLS"),
        ("主要工作及成效", "ACHIEVEMENTS"),
        ("党政主要负责人履行推进法治建设第一责任人职责情况", "RESPONSIBILITY"),
        ("其他需要报告的情况", "OTHER"),
    ],
)
def test_title_rules_cover_heading_variants(title, section_type):
    assert classify_title(title, load_rules()) == section_type


def test_unseen_headings_are_typed(nlp):
    text = (
        "某县2024年法治政府建设情况报告\n"
        "一、主要工作及成效\n全年办理行政复议案件12件。\n"
        "二、存在的问题\n执法队伍专业化水平不高。\n"
        "三、下一步工作计划\n将持续推进综合行政执法改革。\n"
    )
    doc = nlp(text)
    assert [s._.section_type for s in doc._.sections] == ["PREAMBLE", "ACHIEVEMENTS", "SHORTFALLS", "PLANS"]
    assert doc._.report["year"] == 2024


def test_rules_file_is_user_extensible(tmp_path):
    packaged = resources.files("lawreport.data").joinpath("section_rules.json")
    rules = json.loads(packaged.read_text(encoding="utf-8"))
    rules["rules"].insert(0, {"type": "PLANS", "patterns": ["远景"]})
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    nlp = lawreport.create_pipeline(None)
    nlp.replace_pipe("lawreport_sections", "lawreport_sections", config={"rules_path": str(path)})
    doc = nlp("一、主要工作\n办理案件3件。\n二、远景\n继续做好工作。\n")
    assert [s._.section_type for s in doc._.sections] == ["ACHIEVEMENTS", "PLANS"]


def test_broken_rules_file_names_the_problem(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [{"type": "PLANZ", "patterns": ["x"]}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="PLANZ"):
        load_rules(path)
