"""Token boundaries follow the label boundaries of labels.md."""

from __future__ import annotations

import re

import pytest

from lawreport.gazetteer import find_mentions, load_gazetteer
from lawreport.tokenizer import split_word

NUMBER_UNIT = re.compile(
    r"(?<![0-9.])([0-9０-９]+(?:\.[0-9]+)?(?:万|亿)?(?:余|多)?)\s*(件次|人次|场次|户次|件|次|人|名|个|项|家|场|条|张|份|期|篇|%|％|元|天|小时)"
)


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("99.8％", ["99.8", "％"]),
        ("660件", ["660", "件"]),
        ("1.16万件", ["1.16万", "件"]),
        ("500余场次", ["500余", "场次"]),
        ("三十余家", ["三十余", "家"]),
        ("12,345人次", ["12,345", "人次"]),
        ("沙坪坝区司法局", ["沙坪坝区", "司法局"]),
        ("**区司法局", ["**区", "司法局"]),
        ("酉阳县人民法院", ["酉阳县", "人民法院"]),
        ("重庆市沙坪坝区回龙坝镇", ["重庆市", "沙坪坝区", "回龙坝镇"]),
        ("在綦江区", ["在", "綦江区"]),
        ("綦江辨识度", ["綦江", "辨识度"]),
    ],
)
def test_post_split_cuts_at_label_boundaries(word, pieces):
    assert split_word(word) == pieces


@pytest.mark.parametrize("word", ["一是", "第五次", "百分之百", "十分", "社区矫正", "沙坪坝区", "全区"])
def test_post_split_leaves_whole_words_alone(word):
    assert split_word(word) == [word]


def _boundaries(doc) -> set[int]:
    return {t.idx for t in doc} | {t.idx + len(t) for t in doc}


def test_number_never_shares_a_token_with_its_unit(seed_docs):
    checked = 0
    for doc in seed_docs.values():
        bounds = _boundaries(doc)
        for match in NUMBER_UNIT.finditer(doc.text):
            assert match.start(1) in bounds and match.end(1) in bounds, match.group(0)
            assert match.start(2) in bounds and match.end(2) in bounds, match.group(0)
            checked += 1
    assert checked > 100


def test_division_names_are_whole_tokens(seed_docs):
    gazetteer = load_gazetteer()
    checked = 0
    for doc in seed_docs.values():
        bounds = _boundaries(doc)
        for mention in find_mentions(doc.text, gazetteer):
            assert mention.start in bounds and mention.end in bounds, mention.text
            checked += 1
    assert checked > 20


def test_tokens_reproduce_the_text(seed_docs, seed_texts):
    for key, doc in seed_docs.items():
        assert doc.text == seed_texts[key]


def test_pkuseg_segments_words_not_characters(nlp):
    doc = nlp("受理法律援助案件660件，调解成功率为99.8％。")
    words = [t.text for t in doc]
    assert len(words) < len(doc.text) * 0.7, words
    assert "660" in words and "件" in words and "99.8" in words
