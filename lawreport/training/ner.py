"""Train the statistical entity recogniser (spaCy ``ner``) on annotation records.

The ner learns all four labels; ``lawreport_entities`` then takes, per label,
the source the cross-validation chose (the model for MEASURE, the rules for
the rest by default), so one training run serves the comparison too.
"""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.util import compounding, fix_random_seed, minibatch
from thinc.api import Config

from .data import Record, ner_examples

CONFIG_PATH = Path(str(resources.files("lawreport.training").joinpath("config.cfg")))


def training_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """The shipped training config (or ``path``), with dotted ``overrides`` applied."""
    config = Config().from_disk(path or CONFIG_PATH, interpolate=False)
    for dotted, value in (overrides or {}).items():
        node: Any = config
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return config


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
    nlp.add_pipe("ner", config=component_config(config, "ner"))
    nlp.add_pipe("lawreport_entities", config=component_config(config, "lawreport_entities"))


def train_ner(
    nlp: Language,
    records: list[Record],
    config: Config,
    *,
    log: Any = None,
) -> dict[str, float]:
    """Train ``nlp``'s ``ner`` in place on ``records``; returns the last epoch's losses.

    Only the ner's weights change: the tokenizer (and its pkuseg model) and
    the rule components are untouched, which is what keeps a fine-tuned
    pipeline's segmentation intact (spaCy issue 13868).
    """
    settings = config["training"]
    fix_random_seed(settings["seed"])
    examples = ner_examples(nlp, records, settings["ner_labels"])
    ner = nlp.get_pipe("ner")
    ner.initialize(lambda: examples, nlp=nlp)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = settings["learn_rate"]
    rng = random.Random(settings["seed"])
    losses: dict[str, float] = {}
    for epoch in range(settings["max_epochs"]):
        rng.shuffle(examples)
        losses = {}
        sizes = compounding(8.0, float(settings["batch_size"]), 1.001)
        for batch in minibatch(examples, size=sizes):
            ner.update(batch, sgd=optimizer, drop=settings["dropout"], losses=losses)
        if log:
            log(f"ner epoch {epoch + 1}/{settings['max_epochs']}: loss {losses.get('ner', 0.0):.1f}")
    return losses
