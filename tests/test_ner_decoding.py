"""The vectorised ner decoder (lawreport/ner_greedy.py) against spaCy's own greedy walk."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span

from lawreport.ner_greedy import ActionTable, can_decode, decode
from lawreport.ner_pieces import DecodedEntities


def before_ner(nlp, text: str) -> Doc:
    """``text`` through the tokenizer and every component before the ner."""
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == "ner":
            return doc
        doc = component(doc)
    raise AssertionError("the pipeline has no ner")


def spacy_entities(ner, doc: Doc) -> list[tuple[int, int, str]]:
    """The entities spaCy's own decoder sets on a copy of ``doc``."""
    copy = doc.copy()
    EntityRecognizer.set_annotations(ner, [copy], EntityRecognizer.predict(ner, [copy]))
    return [(e.start, e.end, e.label_) for e in copy.ents]


@pytest.fixture(scope="module")
def ner(nlp):
    return nlp.get_pipe("ner")


def test_shipped_ner_takes_the_vectorised_path(nlp, ner, seed_texts):
    doc = before_ner(nlp, next(iter(seed_texts.values())))
    assert ActionTable.of(ner.moves) is not None
    assert isinstance(ner.predict([doc]), DecodedEntities)


def test_same_entities_as_spacy_on_every_seed_report(nlp, ner, seed_texts):
    actions = ActionTable.of(ner.moves)
    docs = [before_ner(nlp, text) for text in seed_texts.values()]
    found = decode(ner, docs, actions)  # one batch: the docs share one feature table
    assert sum(map(len, found)) > 100
    for doc, spans in zip(docs, found, strict=True):
        assert spans == spacy_entities(ner, doc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_same_entities_as_spacy_on_pieces_and_noise(nlp, ner, seed_texts, data):
    """Any stretch of a report, with spaces, line breaks and stray characters mixed in."""
    text = data.draw(st.sampled_from(sorted(seed_texts.values())))
    start = data.draw(st.integers(0, len(text) - 1))
    piece = text[start : start + data.draw(st.integers(1, 400))]
    noise = data.draw(st.text(alphabet=" \n\u3000共计件项%12。，区县", max_size=12))
    where = data.draw(st.integers(0, len(piece)))
    doc = before_ner(nlp, piece[:where] + noise + piece[where:])
    assert decode(ner, [doc], ActionTable.of(ner.moves))[0] == spacy_entities(ner, doc)


def test_preset_entities_go_to_spacys_decoder_and_are_kept(nlp, ner, seed_texts):
    doc = before_ner(nlp, next(iter(seed_texts.values()))[:300])
    preset = Span(doc, 2, 4, label="MEASURE")
    doc.set_ents([preset], default="unmodified")
    assert not can_decode(ner, [doc])
    doc = ner(doc)
    assert (preset.start, preset.end, "MEASURE") in [(e.start, e.end, e.label_) for e in doc.ents]


def test_a_model_with_unseen_classes_goes_to_spacys_decoder(nlp, ner, seed_texts):
    """spaCy scores unseen classes with the batch's minimum, which a per-Doc decoder cannot match."""
    doc = before_ner(nlp, next(iter(seed_texts.values()))[:300])
    assert can_decode(ner, [doc])
    unseen = ner.model.attrs["unseen_classes"]
    ner.model.attrs["unseen_classes"] = {0}
    try:
        assert not can_decode(ner, [doc])
        assert not isinstance(ner.predict([doc]), DecodedEntities)
    finally:
        ner.model.attrs["unseen_classes"] = unseen
