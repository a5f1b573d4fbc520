"""Train the statistical entity recogniser (spaCy ``ner``) on annotation records.

The ner learns all four labels; ``lawreport_entities`` then takes, per label,
the source the cross-validation chose (the model for MEASURE, the rules for
the rest by default), so one training run serves the comparison too.

Two ways in: from scratch (``ner.initialize`` on the examples, the shipped
model's recipe) or resumed from a trained ``ner`` (``nlp.resume_training``:
the loaded weights are the starting point, nothing is re-initialised, and
``nlp.initialize`` is never called, which on a loaded Chinese pipeline would
look for the pkuseg model under assets: spaCy issue 13868).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch
from thinc.api import Config, Optimizer
from tqdm.auto import tqdm

from .data import Record, ner_examples

CONFIG_PATH = Path(str(resources.files("lawreport.training").joinpath("config.cfg")))
#: Keys of ``[finetune]`` that replace the ``[training]`` ones when a trained ner is resumed.
FINETUNE_KEYS = ("max_epochs", "learn_rate")


def training_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """The shipped training config (or ``path``), with dotted ``overrides`` applied.

    An override must name a key the config has: a typo (``training.max_epoch``)
    would otherwise be ignored silently and the run would not be the one asked for.
    """
    config = Config().from_disk(path or CONFIG_PATH, interpolate=False)
    if "finetune" not in config:  # a config written before fine-tuning existed
        config["finetune"] = Config().from_disk(CONFIG_PATH, interpolate=False)["finetune"]
    for dotted, value in (overrides or {}).items():
        node: Any = config
        *parents, leaf = dotted.split(".")
        for depth, key in enumerate(parents):
            if not isinstance(node.get(key), dict):
                raise ValueError(f"unknown config section {'.'.join(parents[: depth + 1])!r} in override {dotted!r}")
            node = node[key]
        if leaf not in node:
            raise ValueError(f"unknown config key {dotted!r}; {'.'.join(parents)} has: {', '.join(sorted(node))}")
        node[leaf] = value
    return config


def schedule(config: Config, *, resume: bool) -> dict[str, Any]:
    """The ``[training]`` settings, with ``[finetune]``'s epochs and learn rate when resuming."""
    settings = dict(config["training"])
    if resume:
        settings.update({key: config["finetune"][key] for key in FINETUNE_KEYS})
    return settings


def component_config(config: Config, name: str) -> dict[str, Any]:
    """The ``[components.NAME]`` block without its ``factory`` key."""
    block = dict(config["components"][name])
    block.pop("factory", None)
    return block


def add_entity_components(nlp: Language, config: Config) -> None:
    """(Re)place ``ner`` and ``lawreport_entities`` at the end of the pipeline."""
    for name in ("ner", "lawreport_entities"):
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    factory = config["components"]["ner"].get("factory", "ner")
    nlp.add_pipe(factory, name="ner", config=component_config(config, "ner"))
    nlp.add_pipe("lawreport_entities", config=component_config(config, "lawreport_entities"))


def has_trained_ner(nlp: Language) -> bool:
    """Whether ``nlp`` has a ``ner`` with labels, i.e. weights worth resuming from."""
    return "ner" in nlp.pipe_names and bool(nlp.get_pipe("ner").labels)


def weighted_examples(
    nlp: Language, records: Sequence[Record], labels: Sequence[str], weights: Sequence[int] | None = None
) -> list[Example]:
    """Sentence examples of each record, repeated ``weights[i]`` times (tokenised once)."""
    examples: list[Example] = []
    for i, record in enumerate(records):
        once = ner_examples(nlp, [record], labels)
        examples.extend(once * (weights[i] if weights is not None else 1))
    return examples


def _start_fresh(nlp: Language, ner: EntityRecognizer, examples: list[Example]) -> Optimizer:
    ner.initialize(lambda: examples, nlp=nlp)
    return nlp.create_optimizer()


def _resume(nlp: Language, ner: EntityRecognizer, labels: Sequence[str]) -> Optimizer:
    """Keep the loaded weights; only labels the ner has never seen are added (which widens its output layer)."""
    for label in labels:
        if label not in ner.labels:
            ner.add_label(label)
    return nlp.resume_training()


def train_ner(
    nlp: Language,
    records: Sequence[Record],
    config: Config,
    *,
    log: Callable[[str], None] | None = None,
    resume: bool = False,
    weights: Sequence[int] | None = None,
    progress: bool | None = False,
) -> dict[str, float]:
    """Train ``nlp``'s ``ner`` in place on ``records``; returns the last epoch's losses.

    ``resume`` continues from the ner's current weights with the ``[finetune]``
    schedule; ``weights`` repeats records (new annotations count more than the
    mixed-in originals).  Only the ner's weights change: the tokenizer (and its
    pkuseg model) and the rule components are untouched.  ``progress`` shows a
    bar over epochs (None: when stderr is a terminal); without one each
    epoch's loss goes to ``log``.
    """
    settings = schedule(config, resume=resume)
    fix_random_seed(settings["seed"])
    examples = weighted_examples(nlp, records, settings["ner_labels"], weights)
    ner = nlp.get_pipe("ner")
    optimizer = _resume(nlp, ner, settings["ner_labels"]) if resume else _start_fresh(nlp, ner, examples)
    optimizer.learn_rate = settings["learn_rate"]
    return _run_epochs(ner, examples, optimizer, settings, log, progress)


def _run_epochs(
    ner: EntityRecognizer,
    examples: list[Example],
    optimizer: Optimizer,
    settings: dict[str, Any],
    log: Callable[[str], None] | None,
    progress: bool | None,
) -> dict[str, float]:
    rng = random.Random(settings["seed"])
    epochs = settings["max_epochs"]
    bar = tqdm(range(epochs), desc="ner", unit="epoch", disable=None if progress is None else not progress)
    losses: dict[str, float] = {}
    for epoch in bar:
        rng.shuffle(examples)
        losses = {}
        sizes = compounding(8.0, float(settings["batch_size"]), 1.001)
        for batch in minibatch(examples, size=sizes):
            ner.update(batch, sgd=optimizer, drop=settings["dropout"], losses=losses)
        if not bar.disable:
            bar.set_postfix(loss=f"{losses.get('ner', 0.0):.1f}")
        elif log:
            log(f"ner epoch {epoch + 1}/{epochs}: loss {losses.get('ner', 0.0):.1f}")
    bar.close()
    return losses
