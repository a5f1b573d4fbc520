"""lawreport: structured data from Chinese rule-of-law government annual reports.

>>> import lawreport
>>> nlp = lawreport.load()
>>> doc = nlp(text)

Importing the package registers the spaCy components and extensions.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import (  # noqa: F401  (register factories)
    entities,
    extensions,
    facts,
    report,
    sections,
    sentence_classes,
    sentence_split,
    tokenizer,
)
from .batch import extract, sentences
from .display import show
from .pipeline import ModelError, create_pipeline, default_model_path, load
from .readers import ReadError, read

__all__ = [
    "ModelError",
    "ReadError",
    "__version__",
    "create_pipeline",
    "default_model_path",
    "extract",
    "load",
    "read",
    "sentences",
    "show",
]
