"""Run the service: `serve()` for `pmreview serve` / `make run`, and `python -m api`."""

from __future__ import annotations

import os

from api.logs import LOGGING_ENV, configure_logging
from api.settings import CONFIG_ENV, Settings


def serve(host: str = "127.0.0.1", port: int = 8000, config: str | None = None) -> None:
    """Start uvicorn on host:port with settings from `config` (TOML) and PMREVIEW_* variables.

    Blocks until the server stops (Ctrl-C). Invalid settings raise ConfigError before anything starts.
    """
    import uvicorn

    if config:
        os.environ[CONFIG_ENV] = config  # worker processes read it again from the environment
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings.load(config)
    configure_logging(settings.log_level, settings.log_format)
    os.environ[LOGGING_ENV] = "1"  # worker processes (workers > 1) configure their logging the same way
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=settings.workers,
                access_log=False, log_config=None, log_level=settings.log_level.lower(),
                timeout_graceful_shutdown=10)
