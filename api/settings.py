"""Service settings: defaults, then a config file, then environment variables (the last one wins).

The config file is TOML. Its `[service]` table (or `[tool.pmreview.service]` in a
pyproject.toml) holds the settings below, by their lower-case names; everything else in it
is the review configuration (`reviewer.config.Config`: select, ignore, severity, …) used as
the default for every review the service runs.

    # pmreview-service.toml
    [service]
    api_token = "change-me"
    cors_origins = ["https://editor.example.com"]
    max_document_chars = 200000

    select = ["PM"]
    ignore = ["PM305"]

Each setting can also be given as `PMREVIEW_<NAME>` (e.g. `PMREVIEW_API_TOKEN`,
`PMREVIEW_CORS_ORIGINS=https://a.example,https://b.example`). See api/README.md.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reviewer.config import Config, load_dict
from reviewer.errors import ConfigError

ENV_PREFIX = "PMREVIEW_"
CONFIG_ENV = "PMREVIEW_CONFIG"
# prometheus_client's own variable: where worker processes share their metrics (api.metrics).
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Settings(BaseModel):
    """Everything the service can be told; see api/README.md for the table."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    api_token: str | None = Field(None, description="bearer token required for writes (import, delete, feedback)")
    protect_reads: bool = Field(False, description="require the token for reads and reviews too")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS ('*' for any)")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body accepted")
    max_document_chars: int = Field(300_000, ge=100, description="longest document reviewed, in characters")
    max_k: int = Field(20, ge=1, le=100, description="most similar incidents one request may ask for")
    default_k: int = Field(5, ge=1, le=100, description="similar incidents returned when k is not given")
    max_page_size: int = Field(100, ge=1, le=500, description="largest page of incidents")
    review_workers: int = Field(4, ge=1, le=64, description="reviews run at the same time (threads)")
    review_cache_size: int = Field(256, ge=0, le=100_000,
                                   description="finished reviews kept for documents sent again unchanged (0: off)")
    torch_threads: int = Field(1, ge=0, le=64,
                               description="threads of the embedding model per process (0: torch's default); one "
                                           "thread per request is faster than two fighting over shared cores")
    workers: int = Field(1, ge=1, le=32, description="server processes (uvicorn workers)")
    database_url: str | None = Field(None, description="corpus store (SQLAlchemy URL); default: SQLite in the data dir")
    seed_corpus: bool = Field(True, description="import the shipped example corpus into an empty store at start-up")
    similar_in_reviews: bool = Field(True, description="reviews include similar past incidents unless a request opts out")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_format: str = Field("json", description="json (one object per line) or text")
    review_config: Config = Field(default_factory=Config, description="default review configuration")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format")
    @classmethod
    def _format(cls, value: str) -> str:
        fmt = value.strip().lower()
        if fmt not in ("json", "text"):
            raise ValueError("must be json or text")
        return fmt

    @field_validator("api_token")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _default_k_within_max(self) -> Settings:
        if self.default_k > self.max_k:
            raise ValueError(f"default_k ({self.default_k}) must not exceed max_k ({self.max_k})")
        return self

    @property
    def auth_enabled(self) -> bool:
        return self.api_token is not None

    @classmethod
    def load(cls, config_path: str | os.PathLike[str] | None = None,
             environ: dict[str, str] | None = None) -> Settings:
        """Defaults ← config file (`config_path`, else $PMREVIEW_CONFIG) ← PMREVIEW_* variables."""
        environ = dict(os.environ if environ is None else environ)
        path = config_path or environ.get(CONFIG_ENV) or None
        values: dict[str, Any] = {}
        review: dict[str, Any] = {}
        source = "defaults"
        if path:
            values, review = _read_file(Path(path))
            source = str(path)
        for name in cls.model_fields:
            if name == "review_config":
                continue
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = raw
        try:
            config = load_dict(review, source) if review else Config(source=source if path else None)
            return cls.model_validate({**values, "review_config": config})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"invalid service settings ({source} and PMREVIEW_* variables): {problems}") from None


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(service settings, review configuration) from a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    tool = data.get("tool", {}).get("pmreview")
    if isinstance(tool, dict):  # a pyproject.toml (or a file written like one)
        data = dict(tool)
    service = data.pop("service", {})
    if not isinstance(service, dict):
        raise ConfigError(f"{path}: [service] must be a table")
    review = {k.replace("-", "_"): v for k, v in data.items()}
    return {k.replace("-", "_"): v for k, v in service.items()}, review
