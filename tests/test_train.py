"""``lawreport train`` on real reports: a tiny pipeline, refusals, and fine-tuning with ``--base``.

The models here are deliberately small (two epochs, two reports each way) so
the file runs in about a minute; what they show is the direction of the
effects, not the shipped model's accuracy (docs/evaluation.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lawreport
from lawreport.cli import main
from lawreport.evaluation import Scores, evaluate
from lawreport.training.data import Record, load_records
from lawreport.training.train import default_mix, parse_overrides, save_pipeline, train_pipeline

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training_data"
#: Synthetic reports (Shandong province, a Xi'an district) the base model learns from.
BASE_IDS = ("a02", "b05")
#: Real Chongqing reports: the "new annotations" of the fine-tuning.
NEW_IDS = ("seed_000", "seed_001")
#: A real Chongqing report neither model trains on.
HELD_OUT_ID = "seed_003"


def write_jsonl(path: Path, records: list[Record]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def measure_f1(scores: Scores) -> float:
    return scores.entities["MEASURE"].scores("exact")[2]


@pytest.fixture(scope="module")
def gold() -> dict[str, Record]:
    return {r["id"]: r for r in load_records([DATA / "seeds.jsonl", DATA / "synthetic.jsonl"])}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, gold: dict[str, Record]) -> dict[str, Path]:
    """A base pipeline trained from scratch, and the same fine-tuned on new reports with the base data mixed in."""
    root = tmp_path_factory.mktemp("train")
    paths = {
        "base_data": write_jsonl(root / "base.jsonl", [gold[i] for i in BASE_IDS]),
        "new_data": write_jsonl(root / "new.jsonl", [gold[i] for i in NEW_IDS]),
        "base": root / "base_model",
        "tuned": root / "tuned_model",
        "unmixed": root / "unmixed_model",
    }
    assert main(["train", str(paths["base_data"]), "-o", str(paths["base"]), "--epochs", "2",
                 "--set", "training.learn_rate=0.003", "-q"]) == 0
    assert main(["train", str(paths["new_data"]), "-o", str(paths["tuned"]), "--base", str(paths["base"]),
                 "--mix", str(paths["base_data"]), "--epochs", "2", "-q"]) == 0
    assert main(["train", str(paths["new_data"]), "-o", str(paths["unmixed"]), "--base", str(paths["base"]),
                 "--mix", "none", "--epochs", "2", "-q"]) == 0
    return paths


def test_tiny_pipeline_loads_and_annotates_a_report(tiny, gold):
    nlp = lawreport.load(tiny["base"])
    doc = nlp(gold[HELD_OUT_ID]["text"])
    labels = {ent.label_ for ent in doc.ents}
    assert {"MEASURE", "NUMBER", "UNIT", "DISTRICT"} <= labels
    assert any(ent.label_ == "NUMBER" and ent._.value is not None for ent in doc.ents)
    assert {sent._.category for sent in doc.sents} >= {"ACHIEVEMENT", "OTHER"}
    assert doc._.facts


def test_fine_tuning_keeps_the_tokenizer_and_its_pkuseg_model(tiny):
    base_files = sorted(p.relative_to(tiny["base"]) for p in (tiny["base"] / "tokenizer").rglob("*") if p.is_file())
    assert any("pkuseg_model" in str(p) for p in base_files)
    for relative in base_files:
        assert (tiny["tuned"] / relative).read_bytes() == (tiny["base"] / relative).read_bytes(), relative
    assert (tiny["tuned"] / "ner" / "model").read_bytes() != (tiny["base"] / "ner" / "model").read_bytes()


def test_fine_tuning_starts_from_the_base_weights(tiny, gold):
    """With no epochs the ner comes out exactly as it went in: nothing is re-initialised."""
    lines: list[str] = []
    nlp, scores = train_pipeline([tiny["new_data"]], base=tiny["base"], mix=[], epochs=0, log=lines.append)
    assert nlp.get_pipe("ner").model.to_bytes() == lawreport.load(tiny["base"]).get_pipe("ner").model.to_bytes()
    assert any("mixed in: nothing" in line for line in lines)
    assert list(scores) == ["new annotations"]


def test_fine_tuning_improves_a_held_out_report_without_forgetting(tiny, gold):
    base, tuned = lawreport.load(tiny["base"]), lawreport.load(tiny["tuned"])
    held_out = [gold[HELD_OUT_ID]]
    before, after = evaluate(base, held_out), evaluate(tuned, held_out)
    assert measure_f1(after) > measure_f1(before) + 0.1
    assert after.macro_f1() >= before.macro_f1()
    text = held_out[0]["text"]
    assert {e.start_char for e in base(text).ents if e.label_ == "MEASURE"} != {
        e.start_char for e in tuned(text).ents if e.label_ == "MEASURE"
    }
    mixed = [gold[i] for i in BASE_IDS]
    assert measure_f1(evaluate(tuned, mixed)) >= 0.8 * measure_f1(evaluate(base, mixed))


def test_mixing_keeps_what_the_original_data_taught(tiny, gold):
    """Fine-tuned on the new reports alone, the model does worse on the data it was first trained on."""
    mixed = [gold[i] for i in BASE_IDS]
    with_mix, without = evaluate(lawreport.load(tiny["tuned"]), mixed), evaluate(lawreport.load(tiny["unmixed"]), mixed)
    assert measure_f1(with_mix) > measure_f1(without)
    assert with_mix.macro_f1() > without.macro_f1()


def test_train_refuses_to_replace_an_existing_directory(tmp_path, capsys):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["train", str(DATA / "seeds.jsonl"), "-o", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_broken_annotation_file_is_named_with_its_line_and_nothing_is_written(tmp_path, capsys, gold):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(gold["seed_003"], ensure_ascii=False) + "\n{\"id\": \"x\", \"text\": \n",
                   encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", str(bad), "-o", str(out)]) == 2
    assert f"{bad}:2" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_a_record_that_breaks_the_format_is_refused_before_training(tmp_path, capsys, gold):
    record = dict(gold["seed_003"], spans=[{"start": 5, "end": 10**6, "label": "MEASURE"}])
    bad = write_jsonl(tmp_path / "bad.jsonl", [record])
    assert main(["train", str(bad), "-o", str(tmp_path / "model"), "--base", "default"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1 [seed_003] span 5-1000000 MEASURE: offsets out of range" in err
    assert not (tmp_path / "model").exists()


def test_set_overrides_are_typed_and_checked(tmp_path, capsys):
    assert parse_overrides(["training.max_epochs=20", "training.dropout=0.1", 'training.ner_labels=["MEASURE"]']) == {
        "training.max_epochs": 20, "training.dropout": 0.1, "training.ner_labels": ["MEASURE"]}
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_overrides(["training.max_epochs"])
    assert main(["train", str(DATA / "seeds.jsonl"), "-o", str(tmp_path / "m"), "--set", "training.max_epoch=3"]) == 2
    assert "unknown config key 'training.max_epoch'" in capsys.readouterr().err


def test_default_mix_is_the_checkout_training_data():
    assert default_mix() == [DATA / "seeds.jsonl", DATA / "synthetic.jsonl"]


def test_a_failed_save_leaves_no_directory(tmp_path):
    class Breaks:
        def to_disk(self, path: Path) -> None:
            (Path(path) / "half").write_text("written", encoding="utf-8")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_pipeline(Breaks(), tmp_path / "model")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


class WritesFile:
    """Stands in for a pipeline: ``to_disk`` writes one file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def to_disk(self, path: Path) -> None:
        (Path(path) / self.name).write_text("written", encoding="utf-8")


def test_overwrite_swaps_the_model_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "model"
    save_pipeline(WritesFile("old.txt"), out)  # type: ignore[arg-type]
    save_pipeline(WritesFile("new.txt"), out, overwrite=True)  # type: ignore[arg-type]
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert list(tmp_path.iterdir()) == [out]


def test_a_failed_overwrite_keeps_the_old_model(tmp_path, monkeypatch):
    out = tmp_path / "model"
    save_pipeline(WritesFile("old.txt"), out)  # type: ignore[arg-type]
    rename = Path.rename

    def refuse_the_new_model(self: Path, target):
        if self.name.startswith(".model-") and not self.name.endswith("-old"):
            raise OSError("rename refused")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refuse_the_new_model)
    with pytest.raises(OSError, match="rename refused"):
        save_pipeline(WritesFile("new.txt"), out, overwrite=True)  # type: ignore[arg-type]
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert list(tmp_path.iterdir()) == [out]


def test_overwrite_replaces_a_symlinked_model_and_leaves_its_target_alone(tmp_path):
    target = tmp_path / "elsewhere"
    save_pipeline(WritesFile("old.txt"), target)  # type: ignore[arg-type]
    out = tmp_path / "model"
    out.symlink_to(target, target_is_directory=True)
    with pytest.raises(FileExistsError):
        save_pipeline(WritesFile("new.txt"), out)  # type: ignore[arg-type]
    save_pipeline(WritesFile("new.txt"), out, overwrite=True)  # type: ignore[arg-type]
    assert not out.is_symlink() and [p.name for p in out.iterdir()] == ["new.txt"]
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "model"]


def test_when_the_old_model_cannot_go_back_it_is_kept_and_named(tmp_path, monkeypatch):
    out = tmp_path / "model"
    save_pipeline(WritesFile("old.txt"), out)  # type: ignore[arg-type]
    rename = Path.rename

    def refuse_both(self: Path, target):
        if Path(target) == out:
            raise OSError("rename refused")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refuse_both)
    with pytest.raises(OSError, match="the old one is at") as caught:
        save_pipeline(WritesFile("new.txt"), out, overwrite=True)  # type: ignore[arg-type]
    kept = Path(str(caught.value).rsplit("the old one is at ", 1)[1])
    assert [p.name for p in kept.iterdir()] == ["old.txt"]
