"""Bad input at the reading and processing entry points: read, load, nlp, show, extract, sentences, the CLI.

Each gives a clear error naming the file or path, or a sane result; never a
crash deep in spaCy and never lost text (docs/robustness.md has the table).
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

import lawreport
from lawreport import cli, readers
from lawreport.batch import FACT_COLUMNS, SENTENCE_COLUMNS, BatchErrors, iter_docs
from lawreport.ner_pieces import PiecewiseEntityRecognizer, piece_bounds
from lawreport.pipeline import ModelError
from lawreport.readers import SUFFIXES, ReadError, ReportText, read
from lawreport.readers import _is_utf8 as is_utf8

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "training_data" / "raw" / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
REPORT = "沙坪坝区2023年法治政府建设情况报告\n全年调解矛盾纠纷1.16万件，调解成功率为99.8％。"
TRADITIONAL = (
    "沙坪壩區司法局關於2023年度法治政府建設情況的報告\n一、主要舉措和成效\n"
    "全年辦理行政復議案件49件，調解矛盾糾紛1.16萬件，調解成功率為99.8％。\n"
    "二、存在的不足\n基層法治力量仍較薄弱。\n三、下一步工作安排\n推進嚴格規範公正文明執法。"
)
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh(root: Path) -> Path:
    """A fresh folder per hypothesis example (tmp_path is one per test)."""
    return Path(tempfile.mkdtemp(dir=root))


# --- read() -----------------------------------------------------------------------------------------------------

MAGIC = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<html><p>"])


@FEW
@given(suffix=st.sampled_from([*SUFFIXES, ".xlsx", ""]), head=MAGIC, data=st.binary(max_size=3000))
def test_read_on_arbitrary_bytes_gives_text_or_read_error(tmp_path, suffix, head, data):
    path = _fresh(tmp_path) / f"report{suffix}"
    path.write_bytes(head + data)
    try:
        report = read(path)
    except ReadError as err:
        assert str(path) in str(err)
        return
    assert report.text.strip()
    assert not readers.LONE_SURROGATE.search(report.text)
    report.text.encode("utf-8")  # valid Unicode all through


PIECES = st.tuples(st.integers(0, len(SEED) - 1), st.integers(1, 400)).map(lambda p: SEED[p[0] : p[0] + p[1]])


@FEW
@given(piece=PIECES, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-32"]))
def test_decodable_text_is_read_exactly(tmp_path, piece, encoding):
    assume(piece.strip())
    data = piece.encode(encoding)
    assume(encoding != "gb18030" or data.isascii() or not is_utf8(data))  # GBK bytes that are also UTF-8
    path = _fresh(tmp_path) / "report.txt"
    path.write_bytes(data)
    assert read(path).text == piece


LINES = [line for line in SEED.splitlines() if line.strip() and not is_utf8(line.encode("gb18030"))]


@FEW
@given(st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(["utf-8", "gb18030"])), min_size=1, max_size=8))
def test_lines_in_mixed_encodings_are_each_decoded(tmp_path, lines):
    path = _fresh(tmp_path) / "pasted.txt"
    path.write_bytes(b"\n".join(line.encode(encoding) for line, encoding in lines))
    assert read(path).text == "\n".join(line for line, _ in lines)


@pytest.mark.parametrize(("text", "encoding", "found"), [
    (TRADITIONAL, "cp950", "cp950"),
    (TRADITIONAL, "utf-8", "utf-8"),
    (REPORT, "gbk", "gb18030"),
    (REPORT, "utf-16-le", "utf-16-le"),
    (REPORT, "utf-16-be", "utf-16-be"),
    (REPORT, "utf-32", "utf-32"),
])
def test_encodings_without_a_declaration(tmp_path, text, encoding, found):
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    report = read(path)
    assert (report.text, report.encoding) == (text, found)


def test_a_utf8_mark_on_gbk_text(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xef\xbb\xbf" + REPORT.encode("gbk"))
    assert read(path).text == REPORT


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", " \n\t\u3000\n".encode(), "only whitespace"),
    ("bom.txt", b"\xef\xbb\xbf", "the file is empty"),
    ("text.pdf", REPORT.encode(), "not a PDF file (no %PDF- header): it looks like plain text; rename it to .txt"),
    ("empty.pdf", b"", "it is empty (0 bytes)"),
    ("empty.docx", b"", "not a .docx file: it is empty (0 bytes)"),
    ("text.docx", REPORT.encode(), "rename it to .txt"),
    ("page.docx", b"<html><body>x</body></html>", "it is a web page"),
    ("old.docx", b"\xd0\xcf\x11\xe0" + bytes(64), "old Word (.doc)"),
    ("zip.docx", b"PK\x03\x04" + bytes(64), "not a readable .docx"),
    ("latin1.txt", "Café".encode("latin-1"), "line 1 is neither UTF-8 nor GB18030 nor Big5 text (byte 0xe9"),
    ("odd.txt", b"\xff\xfe" + "法治".encode("utf-16-le") + b"x", "UTF-16 byte-order mark but is not UTF-16"),
    ("junk.txt", bytes(range(256)), "looks binary"),
    ("junk.html", bytes(range(256)), "looks binary"),
    ("script.html", b"<script>var a = 1</script>", "no visible text"),
    ("report.doc", REPORT.encode(), "unsupported file type .doc"),
])
def test_bad_files_name_the_file_and_the_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")) as err:
        read(path)
    assert str(path) in str(err.value)


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "reports.txt").mkdir()
    with pytest.raises(ReadError, match="is a folder, not a file"):
        read(tmp_path / "reports.txt")


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    name = os.fsdecode("报告".encode("gbk") + b".txt")  # a zip made on Chinese Windows, unpacked on Linux
    (tmp_path / name).write_text(REPORT, encoding="utf-8")
    report = read(tmp_path / name)
    assert report.text == REPORT
    assert report.source.endswith(r"\xb1\xa8\xb8\xe6.txt")
    report.source.encode("utf-8")


def test_lone_surrogates_from_a_reader_become_replacement_characters(tmp_path, monkeypatch):
    path = tmp_path / "report.txt"
    path.write_text("x", encoding="utf-8")
    monkeypatch.setattr(readers, "_read_text", lambda p: ReportText("法治\ud800政府", str(p), "text"))
    report = read(path)
    assert report.text == "法治\ufffd政府"
    assert report.meta["replaced_surrogates"] == 1


# --- load() -----------------------------------------------------------------------------------------------------


def _delete(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot what it should be")


def _model_copy(root: Path) -> Path:
    target = Path(tempfile.mkdtemp(dir=root)) / "model"
    shutil.copytree(lawreport.default_model_path(), target)
    return target


@pytest.mark.parametrize(("part", "corrupt", "message"), [
    ("config.cfg", _garbage, "config.cfg is not a spaCy config"),
    ("meta.json", _garbage, "meta.json is damaged"),
    ("ner", _delete, "ner/moves is missing or damaged"),
    ("ner/model", _truncate, "/ner is missing or damaged"),
    ("tokenizer", _delete, "tokenizer/cfg is missing or damaged"),
    ("tokenizer/pkuseg_model", _delete, "the pkuseg segmentation model"),
    ("tokenizer/pkuseg_model/weights.npz", _truncate, "tokenizer/pkuseg_model is missing or damaged"),
    ("lawreport_sentence_classes/weights.npz", _truncate, "lawreport_sentence_classes is missing or damaged"),
    ("vocab/strings.json", _garbage, "vocab is missing or damaged"),
])
def test_a_damaged_model_names_its_path_and_part(tmp_path, part, corrupt, message):
    target = _model_copy(tmp_path)
    corrupt(target / part)
    with pytest.raises(ModelError, match=f"at {target}: .*{message}"):
        lawreport.load(target)


def test_a_file_given_as_the_model(tmp_path):
    (tmp_path / "model.zip").write_bytes(b"PK")
    with pytest.raises(ModelError, match="it is a file"):
        lawreport.load(tmp_path / "model.zip")


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory) -> Path:
    return _model_copy(tmp_path_factory.mktemp("models"))


MODEL_FILES = sorted(str(p.relative_to(lawreport.default_model_path()))
                     for p in lawreport.default_model_path().rglob("*") if p.is_file())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.sampled_from(MODEL_FILES), corrupt=st.sampled_from([_delete, _truncate, _garbage]))
def test_any_damaged_file_gives_a_model_error_or_a_working_pipeline(model_copy, part, corrupt):
    path = model_copy / part
    original = path.read_bytes()
    corrupt(path)
    try:
        nlp = lawreport.load(model_copy)
    except ModelError as err:
        assert str(model_copy) in str(err)
    else:
        text = "一、主要举措和成效\n全年受理法律援助案件660件。"
        assert nlp(text).text == text
    finally:
        path.write_bytes(original)


# --- nlp(text) on huge documents: the ner works piece by piece ---------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 40), min_size=1, max_size=30), limit=st.integers(1, 50))
def test_pieces_cover_the_doc_in_whole_sentences(lengths, limit):
    starts = [flag for n in lengths for flag in [True] + [False] * (n - 1)]
    doc = Doc(spacy.blank("zh").vocab, words=["字"] * len(starts), sent_starts=starts)
    pieces = list(piece_bounds(doc, limit))
    assert [start for start, _ in pieces] == [0, *(end for _, end in pieces[:-1])]
    assert pieces[-1][1] == len(doc)
    ends = {sent.end for sent in doc.sents}
    long_sentences = {(s.start, s.end) for s in doc.sents if len(s) > limit}
    for start, end in pieces:
        assert 0 < end - start <= limit
        assert end in ends or any(s < end < e for s, e in long_sentences)


def test_the_ner_never_sees_more_than_its_limit(nlp, monkeypatch):
    seen: list[int] = []
    predict = PiecewiseEntityRecognizer.predict

    def spy(self, docs):
        seen.extend(len(doc) for doc in docs)
        return predict(self, docs)

    monkeypatch.setattr(PiecewiseEntityRecognizer, "predict", spy)
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, PiecewiseEntityRecognizer)
    whole = {(e.start_char, e.end_char, e.label_) for e in nlp(SEED).ents}
    assert seen == [len(nlp.make_doc(SEED))]
    seen.clear()
    monkeypatch.setattr(ner, "max_tokens", 300)
    doc = nlp(SEED)
    assert seen and max(seen) <= 300 and len(seen) > 1
    pieces = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
    assert doc.text == SEED
    assert len(whole & pieces) >= 0.9 * len(whole)


def test_saved_pipelines_keep_a_plain_ner(nlp, tmp_path):
    nlp.to_disk(tmp_path / "copy")
    assert 'factory = "ner"' in (tmp_path / "copy" / "config.cfg").read_text(encoding="utf-8")
    assert type(spacy.load(tmp_path / "copy").get_pipe("ner")).__name__ == "EntityRecognizer"


def test_traditional_characters_still_give_numbers_units_sections_and_facts(nlp):
    doc = nlp(TRADITIONAL)
    found = {(e.text, e.label_) for e in doc.ents}
    assert {("49", "NUMBER"), ("件", "UNIT"), ("99.8", "NUMBER"), ("％", "UNIT")} <= found
    assert [s._.section_type for s in doc._.sections] == ["PREAMBLE", "ACHIEVEMENTS", "SHORTFALLS", "PLANS"]
    assert {f["value"] for f in doc._.facts} >= {49.0, 99.8}
    assert doc._.report["year"] == 2023


def test_pipe_over_empty_junk_and_reports(nlp):
    texts = ["", " \n", "\x00\x01", REPORT, "😀" * 50, TRADITIONAL]
    assert [doc.text for doc in nlp.pipe(texts)] == texts


# --- show(doc) --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda nlp: nlp(""),
    lambda nlp: nlp(" \n "),
    lambda nlp: nlp.make_doc(REPORT),  # no sentence boundaries
    lambda nlp: spacy.blank("zh")(REPORT),  # not our pipeline at all
])
def test_show_renders_any_doc(nlp, make: Callable):
    doc = make(nlp)
    html = str(lawreport.show(doc))
    assert "lawreport-legend" in html
    assert doc.text.strip()[:4] in html


def test_show_escapes_markup(nlp):
    html = str(lawreport.show(nlp("<script>alert(1)</script>办理案件3件。")))
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- extract / sentences / the extract command ------------------------------------------------------------------

CONTENTS = st.one_of(
    PIECES.map(lambda text: text.encode("utf-8")),
    PIECES.map(lambda text: text.encode("gb18030")),
    st.binary(max_size=500),
    st.just(b""),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), CONTENTS), min_size=1, max_size=5))
def test_a_folder_of_random_files_gives_a_table_and_the_failures(nlp, tmp_path, files):
    root = _fresh(tmp_path)
    for n, (suffix, content) in enumerate(files):
        (root / f"{n}{suffix}").write_bytes(content)
    errors = BatchErrors()
    done = [source for source, _ in iter_docs(root, nlp=nlp, errors=errors, progress=False)]
    failed = [source for source, _ in errors.failures]
    assert sorted(done + failed) == sorted(str(root / f"{n}{suffix}") for n, (suffix, _) in enumerate(files))
    table = lawreport.extract(root, nlp=nlp, progress=False)
    assert list(table.columns) == list(FACT_COLUMNS)


def test_sentences_table_with_a_bad_file(nlp, tmp_path):
    (tmp_path / "good.txt").write_bytes(REPORT.encode("gbk"))
    (tmp_path / "bad.pdf").write_bytes(REPORT.encode())
    errors = BatchErrors()
    table = lawreport.sentences(tmp_path, nlp=nlp, errors=errors, progress=False)
    assert list(table.columns) == list(SENTENCE_COLUMNS) and len(table) == 2
    assert errors.failures == [(str(tmp_path / "bad.pdf"), f"{tmp_path / 'bad.pdf'}: not a PDF file (no %PDF- "
                                "header): it looks like plain text; rename it to .txt")]


def test_cli_output_is_replaced_only_by_a_finished_run(tmp_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "facts.csv"
    out.write_text("earlier results\n", encoding="utf-8")

    def broken_rows(doc, source):
        yield {column: None for column in FACT_COLUMNS}
        raise RuntimeError("interrupted")

    monkeypatch.setattr(cli, "fact_rows", broken_rows)
    with pytest.raises(RuntimeError):
        cli.main(["extract", str(tmp_path / "in"), "-o", str(out), "-q"])
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv", "in"]


def test_cli_writes_file_names_that_are_not_utf8(tmp_path, capsys):
    name = os.fsdecode("报告".encode("gbk") + b".txt")
    (tmp_path / name).write_text(REPORT, encoding="utf-8")
    (tmp_path / (name[:-4] + ".pdf")).write_bytes(b"not a pdf")
    out = tmp_path / "facts.csv"
    assert cli.main(["extract", str(tmp_path), "-o", str(out), "-q"]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["file"].endswith(r"\xb1\xa8\xb8\xe6.txt") for row in rows)
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not the temporary file's mode
    assert r"failed " in capsys.readouterr().err


def test_cli_output_folder_missing(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    code = cli.main(["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "no" / "facts.csv"), "-q"])
    assert code == 2 and "cannot write" in capsys.readouterr().err


def test_cli_parquet_without_an_engine_stops_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(cli, "iter_docs", lambda *a, **k: pytest.fail("reports read before the check"))
    with pytest.raises(SystemExit, match="needs pyarrow"):
        cli.main(["extract", str(tmp_path), "-o", str(tmp_path / "facts.parquet"), "-q"])
    assert not (tmp_path / "facts.parquet").exists()
