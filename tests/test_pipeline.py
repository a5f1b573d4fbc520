"""Loading, saving and carrying results across processes and DocBin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

import lawreport
from lawreport.pipeline import ModelError

ROOT = Path(__file__).resolve().parent.parent


def _summary(doc):
    return (
        doc.text,
        [(s.start_char, s.end_char) for s in doc.sents],
        [(s.start_char, s.end_char, s._.section_type, s._.title) for s in doc._.sections],
        doc._.report,
    )


def test_default_pipeline_components(nlp):
    assert nlp.lang == "zh"
    assert {"lawreport_sentences", "lawreport_report", "lawreport_sections"} <= set(nlp.pipe_names)
    assert nlp.tokenizer.segmenter == "pkuseg"


def test_to_disk_and_load_round_trip(nlp, seed_texts, tmp_path):
    nlp.to_disk(tmp_path / "copy")
    again = lawreport.load(tmp_path / "copy")
    text = seed_texts["001"]
    assert _summary(again(text)) == _summary(nlp(text))
    assert [t.text for t in again(text)] == [t.text for t in nlp(text)]


def test_docbin_round_trip_keeps_sections_and_report(nlp, seed_docs):
    doc = seed_docs["003"]
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert _summary(restored) == _summary(doc)


def test_pipe_with_two_processes_matches_one(nlp, seed_texts):
    texts = list(seed_texts.values())
    single = [_summary(d) for d in nlp.pipe(texts)]
    double = [_summary(d) for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert double == single


def test_missing_model_directory_is_named(tmp_path):
    with pytest.raises(ModelError, match="does not exist") as err:
        lawreport.load(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(err.value)


def test_corrupted_model_directory_is_named(nlp, tmp_path):
    target = tmp_path / "broken"
    nlp.to_disk(target)
    (target / "config.cfg").write_text("[nlp\nnot a config", encoding="utf-8")
    with pytest.raises(ModelError, match="broken"):
        lawreport.load(target)
    (target / "config.cfg").unlink()
    with pytest.raises(ModelError, match=r"config\.cfg is missing"):
        lawreport.load(target)


def test_spacy_load_finds_components_without_importing_lawreport(tmp_path):
    script = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp('一、主要举措和成效\\n办理案件3件。');"
        "print(doc._.sections[0]._.section_type)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(lawreport.default_model_path())],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ACHIEVEMENTS"


def test_load_works_from_any_working_directory(tmp_path):
    script = "import lawreport; nlp = lawreport.load(); print(len(nlp('调解成功率为99.8％。')))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 4


def test_spacy_default_load(nlp):
    assert isinstance(nlp, spacy.language.Language)
