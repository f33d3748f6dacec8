"""A team's own root-cause categories, mapped onto by the built-in classifier.

Declared in the configuration (`cause-taxonomy`, see README "Configuration"), inline or in a
TOML file, each category with a name, a description, a few example texts and optionally the
built-in categories it corresponds to:

    [[tool.pmreview.cause-taxonomy]]
    name = "CONFIG"
    description = "incorrect system, software or network configuration"
    examples = ["a bad firewall rule was pushed to the edge"]
    built-in = ["config-change", "dns"]

A cause text gets the team category whose description and examples are closest to it in
meaning (the cause embedding against each category's prototypes), combined with the built-in
category probabilities passed through the declared mapping; "unknown" (None) when nothing is
likely. Nothing is trained: the prototypes are embedded once per taxonomy and embedder.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reviewer.corpus.types import ROOT_CAUSE_CATEGORIES
from reviewer.errors import ConfigError

MAX_CATEGORIES = 100
MAX_EXAMPLES = 50
MAX_TEXT = 2000
# Cosines of MiniLM vectors spread over a small range: this temperature turns their differences
# into probabilities (a 0.1 higher cosine ≈ 7× more likely).
TEMPERATURE = 0.05
# Weight of the embedding match against the mapped built-in probabilities, when a mapping is declared.
EMBEDDING_WEIGHT = 0.5
UNKNOWN_BELOW = 0.3


@dataclass(frozen=True, slots=True)
class TeamCategory:
    name: str
    description: str
    examples: tuple[str, ...] = ()
    built_in: tuple[str, ...] = ()  # built-in categories that mean this one

    def prototypes(self) -> list[str]:
        return [f"{self.name.replace('_', ' ').lower()}: {self.description}", *self.examples]


@dataclass(slots=True)
class TeamTaxonomy:
    categories: list[TeamCategory]
    source: str = "configuration"
    _vectors: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.categories]

    def _prototype_vectors(self, embedder) -> tuple[np.ndarray, np.ndarray]:
        """(unit vectors of every prototype, the category index of each), embedded once per embedder."""
        with self._lock:
            if embedder.name not in self._vectors:
                texts, owners = [], []
                for index, category in enumerate(self.categories):
                    for text in category.prototypes():
                        texts.append(text)
                        owners.append(index)
                self._vectors[embedder.name] = (np.asarray(embedder.encode(texts), dtype=np.float32),
                                                np.asarray(owners, dtype=np.int64))
            return self._vectors[embedder.name]

    def embedding_probabilities(self, cause_vectors: np.ndarray, embedder) -> np.ndarray:
        """Per text, a probability per team category from the closeness of its cause to the
        category's prototypes: half the best prototype's cosine, half the prototypes' mean."""
        prototypes, owners = self._prototype_vectors(embedder)
        cosines = np.asarray(cause_vectors, dtype=np.float32) @ prototypes.T
        scores = np.zeros((cosines.shape[0], len(self.categories)), dtype=np.float64)
        for index in range(len(self.categories)):
            own = cosines[:, owners == index]
            scores[:, index] = 0.5 * own.max(axis=1) + 0.5 * own.mean(axis=1)
        scores = (scores - scores.max(axis=1, keepdims=True)) / TEMPERATURE
        out = np.exp(scores)
        return out / out.sum(axis=1, keepdims=True)

    def mapped_probabilities(self, built_in: np.ndarray) -> np.ndarray | None:
        """The built-in probabilities summed into the team categories that declare them (None
        without any mapping). A built-in category mapped to several team categories is split
        evenly; one mapped to none spreads over all."""
        if not any(c.built_in for c in self.categories):
            return None
        n = len(self.categories)
        matrix = np.zeros((len(ROOT_CAUSE_CATEGORIES), n), dtype=np.float64)
        for index, category in enumerate(self.categories):
            for name in category.built_in:
                matrix[ROOT_CAUSE_CATEGORIES.index(name), index] = 1.0
        unmapped = matrix.sum(axis=1) == 0
        matrix[unmapped] = 1.0
        matrix /= matrix.sum(axis=1, keepdims=True)
        return np.asarray(built_in, dtype=np.float64) @ matrix

    def probabilities(self, cause_vectors: np.ndarray, embedder, built_in: np.ndarray | None) -> np.ndarray:
        embedding = self.embedding_probabilities(cause_vectors, embedder)
        mapped = self.mapped_probabilities(built_in) if built_in is not None else None
        if mapped is None:
            return embedding
        return EMBEDDING_WEIGHT * embedding + (1 - EMBEDDING_WEIGHT) * mapped

    def classify(self, cause_vectors: np.ndarray, embedder, built_in: np.ndarray | None = None,
                 ) -> list[tuple[str | None, float]]:
        """(team category or None for "unknown", its probability) per text."""
        probabilities = self.probabilities(cause_vectors, embedder, built_in)
        out = []
        for row in probabilities:
            best = int(row.argmax())
            out.append((self.categories[best].name if row[best] >= UNKNOWN_BELOW else None, float(row[best])))
        return out


def _strings(value: Any, what: str, limit: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"cause-taxonomy: {what} must be a list of strings")
    if len(value) > limit:
        raise ConfigError(f"cause-taxonomy: {what} has more than {limit} entries")
    return tuple(v.strip()[:MAX_TEXT] for v in value if v.strip())


def taxonomy_from_tables(tables: Any, source: str = "configuration") -> TeamTaxonomy:
    """Validated categories from a list of tables; ConfigError says what is wrong (never echoing
    more than a category's name)."""
    if not isinstance(tables, list) or not tables:
        raise ConfigError("cause-taxonomy must be a non-empty list of categories (tables with name and description)")
    if len(tables) > MAX_CATEGORIES:
        raise ConfigError(f"cause-taxonomy has more than {MAX_CATEGORIES} categories")
    categories, seen = [], set()
    for number, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise ConfigError(f"cause-taxonomy: category {number} must be a table")
        table = {str(k).replace("-", "_"): v for k, v in table.items()}
        unknown = sorted(set(table) - {"name", "description", "examples", "built_in"})
        if unknown:
            raise ConfigError(f"cause-taxonomy: category {number}: unknown key(s) {', '.join(unknown)} "
                              "(known: name, description, examples, built-in)")
        name, description = table.get("name"), table.get("description")
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise ConfigError(f"cause-taxonomy: category {number} needs a name (1-64 characters)")
        if not isinstance(description, str) or not description.strip():
            raise ConfigError(f"cause-taxonomy: category {number} needs a description")
        if name.strip() in seen:
            raise ConfigError(f"cause-taxonomy: category {number}: the name is used twice")
        seen.add(name.strip())
        built_in = _strings(table.get("built_in"), f"category {number} built-in", len(ROOT_CAUSE_CATEGORIES))
        wrong = [b for b in built_in if b not in ROOT_CAUSE_CATEGORIES]
        if wrong:
            raise ConfigError(f"cause-taxonomy: category {number}: built-in must name built-in categories "
                              f"({', '.join(ROOT_CAUSE_CATEGORIES)})")
        categories.append(TeamCategory(name=name.strip(), description=description.strip()[:MAX_TEXT],
                                       examples=_strings(table.get("examples"), f"category {number} examples",
                                                         MAX_EXAMPLES),
                                       built_in=built_in))
    return TeamTaxonomy(categories, source=source)


def taxonomy_of_config(config) -> TeamTaxonomy | None:
    """The taxonomy a `Config` declares (a file path is relative to the config file's folder)."""
    source = getattr(config, "source", None)
    base = Path(source).parent if source and Path(source).suffix == ".toml" else None
    return load_taxonomy(config.cause_taxonomy, base)


def load_taxonomy(value: str | list | None, base: Path | None = None) -> TeamTaxonomy | None:
    """The taxonomy a `cause-taxonomy` value declares: inline tables, or the path (relative to
    the config file's folder) of a TOML file with `[[category]]` tables."""
    if value is None:
        return None
    if isinstance(value, str):
        path = Path(value)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError:
            raise ConfigError("cause-taxonomy: cannot read the taxonomy file") from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            raise ConfigError("cause-taxonomy: the taxonomy file is not valid TOML") from None
        return taxonomy_from_tables(data.get("category"), source=path.name)
    return taxonomy_from_tables(value)
