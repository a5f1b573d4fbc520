"""Shared fixtures: the shipped pipeline and the real seed reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import lawreport

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "training_data" / "raw" / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def nlp():
    return lawreport.load()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    assert SEEDS, "the seed reports are missing from training_data/raw/seeds"
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS}


@pytest.fixture(scope="session")
def seed_docs(nlp, seed_texts):
    return {key: nlp(text) for key, text in seed_texts.items()}
