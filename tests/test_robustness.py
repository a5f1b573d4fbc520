"""Any text gives a Doc with the same text and valid sentences and sections."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPORTISH = st.sampled_from(
    list("一二三四五、（）()。，；：！？\n \u3000报告存在问题计划成效年区县镇1234567890.%％万余件次人#*“”《》")
)


def _check(doc, text):
    assert doc.text == text
    if len(doc):
        assert "".join(s.text_with_ws for s in doc.sents) == text
    for section in doc._.sections or []:
        assert 0 <= section.start_char < section.end_char <= len(text)
        assert section._.section_type in {"PREAMBLE", "ACHIEVEMENTS", "RESPONSIBILITY", "SHORTFALLS", "PLANS", "OTHER"}
    assert set(doc._.report) == {"title", "body", "district", "district_code", "year"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_unicode_text(nlp, text):
    _check(nlp(text), text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(REPORTISH, max_size=400).map("".join))
def test_report_like_noise(nlp, text):
    _check(nlp(text), text)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_binary_junk_decoded_as_latin1(nlp, data):
    text = data.decode("latin-1")
    _check(nlp(text), text)


def test_empty_whitespace_and_emoji(nlp):
    for text in ["", " ", "\n\n\n", "\u3000\t", "😀🎉 法治 😀", "\x00\x01\x02"]:
        _check(nlp(text), text)


def test_one_megabyte_document(nlp, seed_texts):
    text = "\n".join(seed_texts.values())
    text = (text * (1_000_000 // len(text) + 1))[:1_000_000]
    doc = nlp(text)
    _check(doc, text)
    assert len(list(doc.sents)) > 1000


def test_lone_surrogates_get_a_clear_error(nlp):
    with pytest.raises(ValueError, match=r"lone surrogate .* at character 2"):
        nlp("法治\ud800政府")


def test_traditional_characters(nlp):
    text = "二〇二三年，本縣辦理行政複議案件12件，調解成功率為99.8％。"
    doc = nlp(text)
    _check(doc, text)
    assert {"12", "件", "99.8", "％"} <= {t.text for t in doc}
