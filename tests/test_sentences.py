"""Sentence boundaries as labels.md defines them, on the real seed reports."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from lawreport.sentence_classes import _gram_counts
from lawreport.sentence_split import sentence_spans

from .test_tokenizer import NUMBER_UNIT


def _sentences(doc) -> list[str]:
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def test_pdf_line_break_inside_a_sentence_does_not_split_it(seed_docs):
    doc = seed_docs["003"]
    joined = [s for s in _sentences(doc) if "280\n\n次" in s]
    assert len(joined) == 1
    assert joined[0].endswith("。")
    assert any("目前共计执法证持证\n\n人员 18 人" in s for s in _sentences(doc))


def test_headings_on_their_own_line_are_sentences(seed_docs):
    sentences = set(_sentences(seed_docs["002"]))
    assert "二、存在的主要问题" in sentences
    assert "三、2025年工作思路" in sentences
    assert "3、 存在不足和原因" in set(_sentences(seed_docs["000"]))
    assert "### **三、2023 年度推进法治政府建设存在的不足**" in set(_sentences(seed_docs["003"]))


def test_sentences_end_at_full_stops_not_at_semicolons(seed_docs):
    for doc in seed_docs.values():
        for sent in _sentences(doc):
            inner = sent[:-1]
            assert not re.search(r"[。！？](?![”’」』）)】》。！？])", inner), sent
    assert any("；" in s for s in _sentences(seed_docs["002"]))


def test_no_sentence_boundary_inside_number_and_unit(seed_docs):
    for doc in seed_docs.values():
        starts = {s.start_char for s in doc.sents}
        for match in NUMBER_UNIT.finditer(doc.text):
            assert not any(match.start() < s < match.end() for s in starts), match.group(0)


def test_sentences_cover_every_character_once(seed_texts):
    for text in seed_texts.values():
        spans = sentence_spans(text)
        covered = "".join(text[s:e] for s, e in spans)
        assert "".join(covered.split()) == "".join(text.split())
        assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(spans))
        assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)


def test_web_furniture_lines_are_their_own_sentences(seed_docs):
    sentences = _sentences(seed_docs["001"])
    assert "扫一扫在手机打开当前页" in sentences
    assert "日期:2024-03-01" in sentences


@given(st.text(alphabet="依法行政全区县共办理件12.%，。 \n", max_size=40))
def test_sentence_gram_counts_are_every_one_to_three_gram_in_first_seen_order(text):
    """The classifier's n-gram counts, built with C-level maps, are the plain definition's
    (same grams, same counts, same order: the hashed features and their sums do not change)."""
    compact = "".join(text.split())
    grams = [compact[i : i + n] for n in (1, 2, 3) for i in range(len(compact) - n + 1)]
    assert list(_gram_counts(compact).items()) == list(Counter(grams).items())
