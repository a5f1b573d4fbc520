"""Token boundaries follow the label boundaries of labels.md."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc

from lawreport.extensions import doc_text, token_bounds
from lawreport.gazetteer import find_mentions, load_gazetteer, prefix_reach
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


def test_cached_doc_text_and_token_bounds_match_spacy(nlp, seed_texts):
    """doc_text/token_bounds are read by every component in place of doc.text and token.idx."""
    text = seed_texts["001"][:3000]
    made = nlp.make_doc(text)  # text remembered by the tokenizer
    # built by hand: not remembered, read once from the tokens
    built = Doc(nlp.vocab, words=[t.text for t in made], spaces=[bool(t.whitespace_) for t in made])
    for doc in (made, built):
        assert doc_text(doc) == doc.text == text
        starts, ends = token_bounds(doc)
        assert starts == [t.idx for t in doc]
        assert ends == [t.idx + len(t) for t in doc]
    with made.retokenize() as retokenizer:  # merging tokens keeps the text, so the cache stays right
        retokenizer.merge(made[0:3])
    assert doc_text(made) == made.text == text
    assert token_bounds(Doc(nlp.vocab, words=[])) == ([], [])


@given(st.text(alphabet="沙坪坝区司法局重庆市回龙坝镇綦江在和的工作", max_size=30))
def test_prefix_reach_bounds_every_name(text):
    """Scanners stop where no name can continue: no known name may end beyond the reach."""
    gazetteer = load_gazetteer()
    for i in range(len(text)):
        reach = prefix_reach(text, i, gazetteer.name_prefixes)
        longer = [end for end in range(reach + 1, len(text) + 1) if gazetteer.is_name(text[i:end])]
        assert not longer, (text[i:], reach)
        assert reach == i or text[i:reach] in gazetteer.name_prefixes
