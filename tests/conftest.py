"""Shared fixtures: one spaCy pipeline per test session, the real documents in ../shared/eval."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def nlp():
    from reviewer.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def analyzer(nlp):
    from reviewer.nlp.analysis import Analyzer

    return Analyzer(nlp)


@pytest.fixture(scope="session")
def review_text(analyzer):
    """review_text(text, select=["PM2"], **config) → Review, with the shared pipeline."""
    from reviewer.config import Config
    from reviewer.review import Reviewer

    def run(text: str, select: list[str] | None = None, **config):
        cfg = Config(select=select or ["PM"], **config)
        return Reviewer(cfg, analyzer=analyzer).review(text)

    return run


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """../shared/eval (real postmortems and labels); tests that need it skip without it."""
    if not (EVAL_DIR / "labels" / "fulltext_labels.jsonl").is_file():
        pytest.skip("../shared/eval is not present")
    return EVAL_DIR
