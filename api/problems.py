"""Errors the routers raise for bad requests; api.errors turns each into its status and JSON body."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from reviewer.errors import PmreviewError


class NotFound(PmreviewError):
    """No such incident (or rule): HTTP 404."""


class UnsupportedMediaType(PmreviewError):
    """A body in a format the endpoint does not read: HTTP 415."""


# A location part is shown as sent only when it looks like a field name; any other key a client
# sent (an extra field, a mapping key) is shown as <key>, so that no value comes back.
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,64}$")


def safe_location(parts) -> list[str]:
    return [str(part) if _FIELD_NAME.match(str(part)) else "<key>" for part in parts]


class InvalidField(PmreviewError):
    """One or more fields are wrong: HTTP 422 with each field and the reason.

    `errors` are in pydantic's shape: {"loc": ("body", "text"), "msg": "...", "type": "..."}.
    """

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        summary = "; ".join(f"{'.'.join(safe_location(e['loc']))}: {e['msg']}" for e in errors[:5])
        super().__init__(f"invalid request: {summary}")

    @classmethod
    def one(cls, location: tuple[str, ...], reason: str, kind: str = "value_error") -> InvalidField:
        return cls([{"loc": location, "msg": reason, "type": kind}])


# How deep JSON may nest (objects and arrays). The deepest body the service reads is a config
# override (`config.severity.PM301`, four levels); the limit keeps the parsers (Python's json,
# pydantic) from recursing a thousand levels into a body made of brackets.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OPEN, _CLOSE = np.zeros(256, dtype=np.int8), np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_CLOSE[[ord("]"), ord("}")]] = 1


def json_depth(raw: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not
    count), in one linear pass: strings are cut out, then the brackets are summed."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if b"[" not in data and b"{" not in data:
        return 0
    codes = np.frombuffer(_JSON_STRING.sub(b'""', data), dtype=np.uint8)
    steps = _OPEN[codes].astype(np.int32) - _CLOSE[codes]
    return int(np.cumsum(steps).max(initial=0))


def too_deep(location: tuple[str, ...]) -> InvalidField:
    return InvalidField.one(location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels", "json_too_deep")


def load_json(raw: bytes | str, location: tuple[str, ...]) -> Any:
    """Parse JSON from a client: InvalidField (422) when it is not JSON or nests too deep; never a
    RecursionError. The message says where the JSON broke, never what it held."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise too_deep(location)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidField.one(location, f"not JSON: {exc.msg} at character {exc.pos}", "json_invalid") from None
    except UnicodeDecodeError as exc:
        raise InvalidField.one(location, f"not UTF-8 (byte {exc.start})", "unicode") from None
    except RecursionError:
        raise too_deep(location) from None
