"""lawreport: structured data from Chinese rule-of-law government annual reports.

>>> import lawreport
>>> nlp = lawreport.load()
>>> doc = nlp(text)

Importing the package registers the spaCy components and extensions.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import (  # noqa: F401  (register factories)
    extensions,
    report,
    sections,
    sentences,
    tokenizer,
)
from .pipeline import ModelError, create_pipeline, default_model_path, load

__all__ = ["ModelError", "__version__", "create_pipeline", "default_model_path", "load"]
