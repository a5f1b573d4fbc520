"""Build the complete default pipeline from annotation files.

    lawreport train training_data/seeds.jsonl training_data/synthetic.jsonl -o models/lawreport_zh --overwrite

Starts from a pipeline's tokenizer and rule components (the shipped one, or
``--base``), trains the ``ner`` and the sentence classifier with the seed
and hyper-parameters of ``lawreport/training/config.cfg``, and writes the
result atomically: a temporary directory renamed into place, an existing
directory replaced only with ``overwrite``.  The same data and seed give
the same model.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..evaluation import Scores, evaluate
from ..pipeline import load
from .data import load_records
from .ner import add_entity_components, train_ner, training_config
from .sentences import fit_classifier, gold_rows

STATISTICAL_PIPES = ("ner", "lawreport_entities", "lawreport_sentence_classes", "lawreport_facts")


def skeleton(base: str | Path | None) -> Language:
    """``base`` (default: the shipped pipeline) without its statistical components."""
    nlp = load(base)
    for name in STATISTICAL_PIPES:
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    return nlp


def train_pipeline(
    data: Sequence[str | Path],
    *,
    base: str | Path | None = None,
    config_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> tuple[Language, Scores]:
    """Train entity and sentence models on ``data``; returns the pipeline and its training-data scores."""
    config = training_config(config_path, overrides)
    settings = config["training"]
    records = load_records(data)
    if not records:
        raise ValueError(f"no annotated reports in {', '.join(map(str, data))}")
    log(f"{len(records)} reports, {sum(len(r.get('spans', [])) for r in records)} entity spans, "
        f"{sum(len(r.get('sentences', [])) for r in records)} sentences; seed {settings['seed']}")
    nlp = skeleton(base)
    add_entity_components(nlp, config)
    train_ner(nlp, records, config, log=log)
    classifier = nlp.add_pipe("lawreport_sentence_classes")
    fit_classifier(classifier, gold_rows(nlp, records), seed=settings["seed"])
    log("sentence classifier fitted")
    nlp.add_pipe("lawreport_facts")
    return nlp, evaluate(nlp, records)


def save_pipeline(nlp: Language, output: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``nlp`` to ``output`` atomically; refuse to replace it unless ``overwrite``."""
    output = Path(output)
    if output.exists() and not overwrite:
        raise FileExistsError(f"{output} exists; pass --overwrite to replace it")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        nlp.to_disk(staging)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return output
