"""Structured logs: one line per request (route, status, duration), never the document text."""

from __future__ import annotations

import json
import logging
import sys
import time

ACCESS_LOGGER = "pmreview.access"
LOGGING_ENV = "PMREVIEW_SERVER_LOGGING"  # set by api.server: the app configures logging in each worker


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {}) or {}
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        line = f"{self.formatTime(record)} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        line = f"{line} {extra}" if extra else line
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Send pmreview's loggers to stderr in the chosen format (called by the server, not by tests)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    for name in ("pmreview", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def log_request(method: str, route: str, status: int, seconds: float, request_id: str, client: str | None) -> None:
    logging.getLogger(ACCESS_LOGGER).info(
        "request", extra={"fields": {"method": method, "route": route, "status": status,
                                     "duration_ms": round(seconds * 1000, 1), "request_id": request_id,
                                     "client": client}})
