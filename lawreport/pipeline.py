"""Assemble, save and load the lawreport pipeline.

The default pipeline lives in ``models/lawreport_zh`` of the repository and is
carried into the wheel as the data package ``lawreport.models``, so that
``lawreport.load()`` works offline after a plain ``pip install .``.
"""

from __future__ import annotations

import json
import traceback
from importlib import resources
from pathlib import Path

import spacy
from spacy.lang.zh import Chinese
from spacy.language import Language

from . import __version__
from .ner_pieces import bound_ner
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

    Raises :class:`ModelError` naming the path (and the part of it that is
    broken, where spaCy got that far) when it is missing or broken, rather
    than an error from deep inside spaCy.  The ner is made to work piecewise
    on huge documents (:mod:`lawreport.ner_pieces`), so memory stays bounded.
    """
    target = Path(path) if path is not None else default_model_path()
    if not target.exists():
        raise ModelError(f"no lawreport pipeline at {target}: the directory does not exist")
    if not target.is_dir():
        raise ModelError(f"no lawreport pipeline at {target}: it is a file; pass the directory nlp.to_disk wrote")
    if not (target / "config.cfg").is_file():
        raise ModelError(f"no lawreport pipeline at {target}: config.cfg is missing (saved with nlp.to_disk?)")
    _check_config(target)
    _check_segmenter(target)
    try:
        nlp = spacy.load(target, **kwargs)
    except Exception as err:  # spaCy raises many types; the user needs the path
        part = _failed_part(err)
        raise _broken(target, f"{part} is missing or damaged: {err}" if part else str(err)) from err
    nlp.max_length = max(nlp.max_length, MAX_LENGTH)
    bound_ner(nlp)
    return nlp


def _broken(target: Path, reason: str) -> ModelError:
    return ModelError(f"cannot load the lawreport pipeline at {target}: {reason}")


def _check_config(target: Path) -> None:
    """A config.cfg or meta.json that does not parse gets a message naming it, not a parser's alone."""
    try:
        spacy.util.load_config(target / "config.cfg", interpolate=False)
    except Exception as err:  # thinc and configparser raise many types
        raise _broken(target, f"config.cfg is not a spaCy config ({err})") from err
    meta = target / "meta.json"
    try:
        if meta.exists() and not isinstance(json.loads(meta.read_text(encoding="utf-8")), dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as err:
        raise _broken(target, f"{meta} is damaged ({err})") from err


def _check_segmenter(target: Path) -> None:
    """spaCy reports a missing pkuseg model as an AttributeError on None; say what is missing."""
    try:
        settings = json.loads((target / "tokenizer" / "cfg").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # spaCy reports these itself, and _failed_part names the file
    model = target / "tokenizer" / "pkuseg_model"
    if isinstance(settings, dict) and settings.get("segmenter") == "pkuseg" and not model.exists():
        raise _broken(target, f"the pkuseg segmentation model {model} is missing")


def _failed_part(err: BaseException) -> Path | None:
    """The file or folder spaCy was reading when ``err`` was raised (the innermost
    ``spacy.util.from_disk`` reader on the traceback), or None."""
    part = None
    for frame, _ in traceback.walk_tb(err.__traceback__):
        if frame.f_code is spacy.util.from_disk.__code__:
            part = Path(frame.f_locals["path"]) / frame.f_locals["key"]
    return part
