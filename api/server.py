"""Run the service: `serve()` for `pmreview serve` / `make run`, and `python -m api`."""

from __future__ import annotations

import os
import shutil
import tempfile

from api.logs import LOGGING_ENV, configure_logging
from api.settings import CONFIG_ENV, METRICS_DIR_ENV, Settings


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
    metrics_dir = None
    if settings.workers > 1 and not os.environ.get(METRICS_DIR_ENV):
        # Every worker writes its metrics here and a scrape of any one adds them up (api.metrics);
        # a new directory per run, as prometheus_client requires, removed when the server stops.
        metrics_dir = tempfile.mkdtemp(prefix="pmreview-metrics-")
        os.environ[METRICS_DIR_ENV] = metrics_dir
    try:
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=settings.workers,
                    access_log=False, log_config=None, log_level=settings.log_level.lower(),
                    timeout_graceful_shutdown=10)
    finally:
        if metrics_dir is not None:
            os.environ.pop(METRICS_DIR_ENV, None)
            shutil.rmtree(metrics_dir, ignore_errors=True)
