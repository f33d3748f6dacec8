"""Rebuild every trained model in models/: `python -m reviewer.training.build [NAME...]`.

Each module listed here has a `build() -> dict` that trains from data/training/, writes its
skops artefact and model card into models/, and returns the figures it measured.
"""

from __future__ import annotations

import importlib
import sys

MODELS = {
    "blame": "reviewer.training.blame",
    "root_causes": "reviewer.training.root_causes",
}


def main(argv: list[str]) -> int:
    names = argv or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    for name in names:
        module = importlib.import_module(MODELS[name])
        figures = module.build()
        print(f"{name}: {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
