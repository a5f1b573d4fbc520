"""Normalised values, qualifiers, unit categories and districts of real report phrases."""

from __future__ import annotations

import pytest

from lawreport.gazetteer import load_gazetteer
from lawreport.normalize import district_normalisation, number_qualifier, number_value, unit_category


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.16万", 11600.0), ("5万余", 50000.0), ("500余", 500.0), ("百分之百", 100.0), ("三", 3.0),
        ("12，345", 12345.0), ("1,234", 1234.0), ("１５６", 156.0), ("558.82万", 5588200.0),
        ("13\n\n2", 132.0), ("三十余", 30.0), ("两千余", 2000.0), ("一百二十余", 120.0), ("3.2亿", 3.2e8),
    ],
)
def test_number_values(text, value):
    assert number_value(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("before", "text", "after", "qualifier"),
    [
        ("开展普法活动", "500余", "场次", "at_least"),
        ("化解率达", "85", "%以上", "at_least"),
        ("较上年增加约", "三", "成", "about"),
        ("败诉率不超过", "5", "%", "at_most"),
        ("受理法律援助案件", "660", "件", "exact"),
        ("覆盖率", "95", "%左右", "about"),
    ],
)
def test_number_qualifiers(before, text, after, qualifier):
    assert number_qualifier(text, before, after) == qualifier


@pytest.mark.parametrize(
    ("before", "text", "after", "unit", "qualifier"),
    [
        ("审批时限压缩至", "30", "个工作日以内。", "个工作日", "at_most"),
        ("建成", "66", "个市级以上民主法治示范村", "个", "exact"),  # 以上 belongs to 市级
        ("化解率达", "85", "％以上", "％", "at_least"),
    ],
)
def test_qualifier_words_follow_the_unit(before, text, after, unit, qualifier):
    assert number_qualifier(text, before, after, unit) == qualifier


def test_magnitudes_are_exact_decimals():
    """4.6亿 is 460000000 exactly, not the float product 459999999.99999994."""
    assert number_value("4.6亿") == 460_000_000.0
    assert number_value("1.38万") == 13_800.0
    assert number_value("558.82万") == 5_588_200.0


def test_pipeline_qualifier_after_a_long_unit(nlp):
    doc = nlp("力争全省环评审批时限压缩至30个工作日以内，罚没金额约4.6亿元。")
    numbers = {e.text: e for e in doc.ents if e.label_ == "NUMBER"}
    assert numbers["30"]._.qualifier == "at_most"
    assert (numbers["4.6亿"]._.value, numbers["4.6亿"]._.qualifier) == (460_000_000.0, "about")


@pytest.mark.parametrize(
    ("unit", "category"),
    [("％", "percent"), ("元", "currency_cny"), ("人次", "person"), ("件", "case"), ("场次", "event"),
     ("项", "item"), ("家", "organisation"), ("份", "document"), ("个月", "duration"), ("个百分点", "other")],
)
def test_unit_categories(unit, category):
    assert unit_category(unit) == category


@pytest.mark.parametrize(
    ("text", "context", "name", "code"),
    [
        ("重庆市沙坪坝区回龙坝镇", (), "回龙坝镇", "500106106"),
        ("綦江", (), "綦江区", "500110"),
        ("酉阳", (), "酉阳土家族苗族自治县", "500242"),
        ("鼓楼区", ("350000", "350100"), "鼓楼区", "350102"),
        ("鼓楼区", ("320000",), "鼓楼区", "320106"),
        ("拜\n城县", (), "拜城县", "652926"),
        ("**区", (), "**区", None),
    ],
)
def test_district_normalisation(text, context, name, code):
    result = district_normalisation(text, load_gazetteer(), context)
    assert (result["district_name"], result["district_code"]) == (name, code)
