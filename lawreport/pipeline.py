"""Assemble, save and load the lawreport pipeline.

The default pipeline lives in ``models/lawreport_zh`` of the repository and is
carried into the wheel as the data package ``lawreport.models``, so that
``lawreport.load()`` works offline after a plain ``pip install .``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import spacy
from spacy.lang.zh import Chinese
from spacy.language import Language

from . import __version__
from .tokenizer import disable_default_merge

DEFAULT_MODEL = "lawreport_zh"
#: spaCy refuses longer texts by default (1,000,000); reports pasted whole,
#: with attachments, can be longer.  The tokenizer segments line by line.
MAX_LENGTH = 10_000_000
#: Components of the rule-based skeleton, in order.
BASE_COMPONENTS = ("lawreport_sentences", "lawreport_report", "lawreport_sections")


class ModelError(RuntimeError):
    """A pipeline directory is missing or cannot be loaded."""


def create_pipeline(pkuseg_model: str | Path | None, user_dict: str | Path | None = None) -> Language:
    """A fresh pipeline: our tokenizer (pkuseg model from ``pkuseg_model``;
    character segmentation if None) and the rule-based components."""
    segmenter = "pkuseg" if pkuseg_model else "char"
    nlp = Chinese.from_config(
        {"nlp": {"tokenizer": {"@tokenizers": "lawreport.ChineseTokenizer.v1", "segmenter": segmenter}}}
    )
    if pkuseg_model:
        nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model), pkuseg_user_dict=str(user_dict or "default"))
        disable_default_merge(nlp.tokenizer.pkuseg_seg)
    for name in BASE_COMPONENTS:
        nlp.add_pipe(name)
    nlp.max_length = MAX_LENGTH
    nlp.meta.update(
        {
            "name": "lawreport",
            "version": __version__,
            "description": "Rule-of-law government annual reports: entities, sentence classes, sections, facts",
            "license": "MIT",
        }
    )
    return nlp


def default_model_path() -> Path:
    """Where the default pipeline is: in the installed package, else in the checkout."""
    try:
        packaged = Path(str(resources.files("lawreport.models").joinpath(DEFAULT_MODEL)))
        if (packaged / "config.cfg").exists():
            return packaged
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL


def load(path: str | Path | None = None, **kwargs: object) -> Language:
    """Load a lawreport pipeline: the shipped default, or one saved with ``nlp.to_disk``.

    Raises :class:`ModelError` naming the path when it is missing or broken,
    rather than an error from deep inside spaCy.
    """
    target = Path(path) if path is not None else default_model_path()
    if not target.exists():
        raise ModelError(f"no lawreport pipeline at {target}: the directory does not exist")
    if not (target / "config.cfg").is_file():
        raise ModelError(f"no lawreport pipeline at {target}: config.cfg is missing (saved with nlp.to_disk?)")
    try:
        nlp = spacy.load(target, **kwargs)
    except Exception as err:  # spaCy raises many types; the user needs the path
        raise ModelError(f"cannot load the lawreport pipeline at {target}: {err}") from err
    nlp.max_length = max(nlp.max_length, MAX_LENGTH)
    return nlp
