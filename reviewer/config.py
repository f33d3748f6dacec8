"""Configuration: `[tool.pmreview]` in pyproject.toml or a `.pmreview.toml`, found from the
checked file upwards, or given with `--config`. Unknown keys are errors, not silence."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reviewer.errors import ConfigError
from reviewer.findings import Dimension, Severity

CONFIG_FILES = (".pmreview.toml", "pmreview.toml", "pyproject.toml")

DEFAULT_REQUIRED = ["summary", "impact", "timeline", "root_cause", "action_items"]
DEFAULT_REQUIRED_FULL_BAR = ["detection", "resolution", "lessons"]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    select: list[str] = Field(default_factory=lambda: ["PM"], description="rule codes or prefixes to run")
    ignore: list[str] = Field(default_factory=list, description="rule codes or prefixes to skip")
    severity: dict[str, Severity] = Field(default_factory=dict, description="severity per rule code")
    required_sections: list[str] = Field(default_factory=lambda: list(DEFAULT_REQUIRED))
    required_sections_full_bar: list[str] = Field(default_factory=lambda: list(DEFAULT_REQUIRED_FULL_BAR),
                                                  description="also required when the document gets the full bar")
    full_bar_severities: list[int] = Field(default_factory=lambda: [1, 2],
                                           description="severity levels (1 = SEV-1) held to the full bar")
    full_bar_when_unknown: bool = Field(False, description="hold documents with no severity to the full bar")
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict, description="options per rule code")
    fail_on: Severity = Severity.ERROR
    fail_under: float | None = Field(None, ge=0, le=100, description="fail when the overall score is below")
    fail_under_dimension: dict[Dimension, float] = Field(default_factory=dict)
    max_chars: int = Field(2_000_000, gt=0, description="documents above this many characters are refused")
    max_findings_per_rule: int = Field(50, ge=0, description="findings shown per rule per document; the rest are "
                                                             "counted in one summary finding (0: no limit)")
    review_budget_seconds: float = Field(30.0, ge=0, description="CPU seconds one document's review may take before "
                                                                 "it is stopped as too complex (0: no limit)")
    nlp_model: str | None = Field(None, description="spaCy pipeline name or path (default: en_core_web_sm)")
    blame_allowlist: list[str] = Field(default_factory=list,
                                       description="names or team words never treated as blamed people")
    include: list[str] = Field(default_factory=lambda: ["*.md", "*.markdown"])
    exclude: list[str] = Field(default_factory=list)
    cause_taxonomy: str | list[dict[str, Any]] | None = Field(
        None, description="a team's root-cause categories: a TOML file or inline tables (reviewer/corpus/taxonomy.py)")
    source: str | None = Field(None, description="where this configuration was read from")

    @field_validator("select", "ignore")
    @classmethod
    def _upper(cls, values: list[str]) -> list[str]:
        return [v.strip().upper() for v in values if v.strip()]

    @field_validator("severity", "rules")
    @classmethod
    def _upper_keys(cls, values: dict) -> dict:
        return {k.strip().upper(): v for k, v in values.items()}

    @field_validator("cause_taxonomy")
    @classmethod
    def _taxonomy(cls, value):
        if isinstance(value, list):  # inline tables: checked now (a file is read when used)
            from reviewer.corpus.taxonomy import taxonomy_from_tables

            try:
                taxonomy_from_tables(value)
            except ConfigError as exc:
                raise ValueError(str(exc)) from None
        return value

    def enabled(self, code: str) -> bool:
        """Selected, unless a more specific ignore says otherwise (like ruff)."""
        selected = max((len(p) for p in self.select if code.startswith(p) or p == "ALL"), default=-1)
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return selected >= 0 and selected > ignored

    def needs_full_bar(self, severity_level: int | None) -> bool:
        if severity_level is None:
            return self.full_bar_when_unknown
        return severity_level in self.full_bar_severities

    def rule_options(self, code: str, defaults: dict[str, Any]) -> dict[str, Any]:
        options = dict(defaults)
        options.update(self.rules.get(code, {}))
        return options

    def merged(self, overrides: dict[str, Any]) -> Config:
        """A copy with `overrides` applied (CLI flags, API request options), validated."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        return load_dict(data, self.source or "overrides")


def load_dict(data: dict[str, Any], source: str) -> Config:
    try:
        config = Config.model_validate({**data, "source": source})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid configuration in {source}: {problems}") from None
    return config


def read_file(path: Path) -> Config | None:
    """The config in `path`, or None for a pyproject.toml with no [tool.pmreview]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("pmreview")
        if section is None:
            return None
        data = section
    else:
        data = data.get("tool", {}).get("pmreview", data)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.pmreview] must be a table")
    return load_dict({k.replace("-", "_"): v for k, v in data.items()}, str(path))


def find_config(start: Path) -> Config:
    """The nearest config from `start` (a file or folder) upwards; the defaults if none."""
    folder = start if start.is_dir() else start.parent
    for directory in [folder.resolve(), *folder.resolve().parents]:
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                config = read_file(candidate)
                if config is not None:
                    return config
    return Config()
