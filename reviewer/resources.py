"""Where the shipped files live: the template and the example corpus in data/.

`PMREVIEW_DATA_DIR` points elsewhere (a packaged install, a team's own corpus).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("PMREVIEW_DATA_DIR") or PROJECT_ROOT / "data")


def template_path() -> Path:
    return data_dir() / "template.md"


def example_corpus_dir() -> Path:
    return data_dir() / "incidents"


def models_dir() -> Path:
    return Path(os.environ.get("PMREVIEW_MODELS_DIR") or PROJECT_ROOT / "models")
