"""Render reviews in the formats `pmreview check --format` offers.

    from reviewer.output import FORMATS, render
    report = render("sarif", reviews, color=False)   # reviews: list[reviewer.review.Review]

This package is the only place that turns code-point offsets into lines, columns, UTF-16 or
byte offsets (see `positions.LineIndex`). Each format is one module with
`render(reviews, *, color, options) -> str`; `color` only changes the text format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING

from reviewer.errors import PmreviewError
from reviewer.output.common import RunOptions

if TYPE_CHECKING:
    from reviewer.review import Review

FORMATS = ("text", "json", "sarif", "github", "junit")

# Imported on first use: `pmreview check` loads only the format it prints.
_MODULES = {
    "text": "reviewer.output.text",
    "json": "reviewer.output.json_report",
    "sarif": "reviewer.output.sarif",
    "github": "reviewer.output.github",
    "junit": "reviewer.output.junit",
}


class UnknownFormatError(PmreviewError, ValueError):
    """A format name that is not one of FORMATS."""


def renderer(fmt: str) -> Callable[..., str]:
    key = (fmt or "").strip().lower()
    if key not in _MODULES:
        raise UnknownFormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return import_module(_MODULES[key]).render


def render(fmt: str, reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    """The report for `reviews` in format `fmt` (one of FORMATS), as one string ending in a newline.

    `options` carries what the run knows beyond the reviews (`--fail-on never`, its duration,
    the service URL for rule links); formats that do not report it ignore it.
    """
    return renderer(fmt)(list(reviews), color=color, options=options or RunOptions())


__all__ = ["FORMATS", "RunOptions", "UnknownFormatError", "render", "renderer"]
