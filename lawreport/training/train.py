"""Build the pipeline's statistical components from annotation files: ``lawreport train``.

    lawreport train training_data/seeds.jsonl training_data/synthetic.jsonl -o models/lawreport_zh --overwrite
    lawreport train corrected.jsonl --base models/lawreport_zh -o models/lawreport_zh_v2

Without ``--base`` the ``ner`` and the sentence classifier are trained from
scratch on the shipped pipeline's tokenizer and rules: the recipe of the
shipped model.  With ``--base`` the base pipeline is fine-tuned: its ``ner``
weights are resumed (``nlp.resume_training``, never re-initialised), its
tokenizer with the pkuseg model and its rule components are kept as they
are, and the new records are mixed with the original training data
(``--mix``) so that the model does not forget what it knew; new records
count ``[finetune] new_weight`` times.  The sentence classifier, a logistic
regression, is refitted on new and mixed sentences with the same weights.

Data is validated first (errors name file and line), the seed and
hyper-parameters come from ``lawreport/training/config.cfg`` (``--set
key=value`` overrides), and the result is written atomically: a temporary
directory renamed into place, an existing directory replaced only with
``overwrite``.  The same data, base and seed give the same model.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..annotation.validate import check_files
from ..evaluation import Scores, evaluate
from ..pipeline import default_model_path, load
from .data import Record, load_records
from .ner import add_entity_components, component_config, has_trained_ner, train_ner, training_config
from .sentences import fit_classifier, gold_rows

STATISTICAL_PIPES = ("ner", "lawreport_entities", "lawreport_sentence_classes", "lawreport_facts")
#: The original training data of a checkout, mixed into fine-tuning by default.
CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "training_data"
DEFAULT_MIX = ("seeds.jsonl", "synthetic.jsonl")
#: Problems shown when the training data does not validate (the rest: ``lawreport validate``).
SHOWN_PROBLEMS = 10

Log = Callable[[str], None]


class TrainingDataError(ValueError):
    """Annotation files that do not validate; the message lists the problems by file and line."""


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``["training.max_epochs=20", ...]`` as a dict; values are read as JSON (``20``, ``0.5``, ``true``,
    ``["A"]``), anything else stays a string."""
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set needs KEY=VALUE (e.g. training.max_epochs=20), got {item!r}")
        try:
            overrides[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key.strip()] = raw
    return overrides


def default_mix() -> list[Path]:
    """The checkout's original training files that exist (none in a wheel install)."""
    return [CHECKOUT_DATA / name for name in DEFAULT_MIX if (CHECKOUT_DATA / name).is_file()]


def validated_records(paths: Sequence[str | Path]) -> list[Record]:
    """All records of ``paths``, after ``lawreport validate``'s checks (without the token check)."""
    _, problems = check_files(paths)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        shown = "\n".join(str(p) for p in errors[:SHOWN_PROBLEMS])
        more = f"\n… and {len(errors) - SHOWN_PROBLEMS} more" if len(errors) > SHOWN_PROBLEMS else ""
        raise TrainingDataError(f"{len(errors)} errors in the training data (lawreport validate FILE):\n{shown}{more}")
    return load_records(paths)


def skeleton(base: str | Path | None) -> Language:
    """``base`` (default: the shipped pipeline) without its statistical components."""
    nlp = load(base)
    for name in STATISTICAL_PIPES:
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    return nlp


def resolve_base(base: str | Path | None) -> Path | None:
    """``default`` names the shipped pipeline (unless a directory of that name exists)."""
    if base is not None and str(base) == "default" and not Path(base).exists():
        return default_model_path()
    return Path(base) if base is not None else None


def starting_pipeline(base: Path | None, log: Log) -> tuple[Language, bool]:
    """The pipeline to train and whether its ner is fine-tuned (a base with a trained ner) or new."""
    if base is None:
        return skeleton(None), False
    nlp = load(base)
    if has_trained_ner(nlp):
        ner = nlp.get_pipe("ner")
        log(f"fine-tuning {base}: its ner ({', '.join(ner.labels)}) is resumed; tokenizer, pkuseg model, "
            "rules and entity sources are kept; the sentence classifier is refitted")
        return nlp, True
    log(f"{base} has no trained ner: training one from scratch on its tokenizer and rules")
    return skeleton(base), False


def mix_records(paths: Sequence[str | Path], new: list[Record], log: Log) -> list[Record]:
    """Records of ``paths`` to mix in, less those whose id is among the new ones (they were corrected)."""
    if not paths:
        log("mixed in: nothing (the model may forget what the original data taught it)")
        return []
    records = validated_records(paths)
    taken = {r["id"] for r in new}
    mixed = [r for r in records if r["id"] not in taken]
    dropped = f", {len(records) - len(mixed)} left out (same id as a new record)" if len(mixed) < len(records) else ""
    log(f"mixed in: {len(mixed)} records, {count(mixed, 'sentences')} sentences, {count(mixed, 'spans')} entity "
        f"spans from {', '.join(map(str, paths))}{dropped}")
    return mixed


def count(records: list[Record], key: str) -> int:
    return sum(len(r.get(key, [])) for r in records)


def train_pipeline(
    data: Sequence[str | Path],
    *,
    base: str | Path | None = None,
    mix: Sequence[str | Path] | None = None,
    config_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    epochs: int | None = None,
    log: Log = print,
    progress: bool | None = False,
) -> tuple[Language, dict[str, Scores]]:
    """Train or fine-tune on ``data``; returns the pipeline and its scores on the data trained on.

    ``mix`` (fine-tuning only; None: :func:`default_mix`, ``[]``: nothing) is
    the original data mixed with the new records; ``epochs`` sets the ner
    epochs of whichever schedule runs.  Scores come per group (``training
    data``; when fine-tuning ``new annotations`` and ``mixed original data``),
    so a fine-tuning that makes the model forget the original data shows.
    """
    config = training_config(config_path, overrides)
    records = validated_records(data)
    if not records:
        raise TrainingDataError(f"no annotated records in {', '.join(map(str, data))}")
    nlp, finetune = starting_pipeline(resolve_base(base), log)
    mixed = mix_records(default_mix() if mix is None else mix, records, log) if finetune else []
    if mix and not finetune:
        log("--mix is for fine-tuning a trained base and is ignored: to train from scratch, give every file as DATA")
    weight = int(config["finetune"]["new_weight"]) if mixed else 1
    if epochs is not None:
        config["finetune" if finetune else "training"]["max_epochs"] = epochs
    log(f"new: {len(records)} records, {count(records, 'sentences')} sentences, {count(records, 'spans')} entity "
        f"spans{f', each seen {weight} times' if weight != 1 else ''}; seed {config['training']['seed']}")
    if not finetune:
        add_entity_components(nlp, config)
    train_ner(nlp, records + mixed, config, log=log, resume=finetune,
              weights=[weight] * len(records) + [1] * len(mixed), progress=progress)
    fit_sentences(nlp, records, mixed, weight, config)
    log("sentence classifier fitted")
    return nlp, training_scores(nlp, records, mixed, finetune)


def training_scores(nlp: Language, new: list[Record], mixed: list[Record], finetune: bool) -> dict[str, Scores]:
    """Scores on what was trained on, the new and the mixed records apart when fine-tuning."""
    if not finetune:
        return {"training data": evaluate(nlp, new)}
    scores = {"new annotations": evaluate(nlp, new)}
    if mixed:
        scores["mixed original data"] = evaluate(nlp, mixed)
    return scores


def fit_sentences(nlp: Language, new: list[Record], mixed: list[Record], weight: int, config: Any) -> None:
    """Refit the sentence classifier (added if the pipeline has none) and make sure the fact linker follows."""
    previous = "ner"
    for name in ("lawreport_entities", "lawreport_sentence_classes", "lawreport_facts"):
        if name not in nlp.pipe_names:
            block = component_config(config, name) if name in config["components"] else {}
            nlp.add_pipe(name, config=block, after=previous)
        previous = name
    rows = gold_rows(nlp, new, weight=float(weight)) + gold_rows(nlp, mixed)
    fit_classifier(nlp.get_pipe("lawreport_sentence_classes"), rows, seed=config["training"]["seed"])


def save_pipeline(nlp: Language, output: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``nlp`` to ``output`` atomically; refuse to replace it unless ``overwrite``."""
    output = Path(output)
    if (output.exists() or output.is_symlink()) and not overwrite:
        raise FileExistsError(f"{output} exists; pass --overwrite to replace it")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    retired = output.parent / f"{staging.name}-old"
    try:
        nlp.to_disk(staging)
        if output.exists() or output.is_symlink():
            # two renames, never a half-deleted model: the old one is removed only once
            # the new one is in place, and put back if that fails (if even that fails,
            # it stays at `retired` and the error says so)
            output.rename(retired)
        try:
            staging.rename(output)
        except OSError as err:
            if retired.exists() or retired.is_symlink():
                try:
                    retired.rename(output)
                except OSError:
                    raise OSError(f"could not install the new model at {output} ({err}); "
                                  f"the old one is at {retired}") from err
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    if retired.is_symlink() or retired.is_file():
        retired.unlink()
    elif retired.exists():
        shutil.rmtree(retired)
    return output
