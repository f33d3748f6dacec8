"""The rule registry: every rule has a stable code, a kebab name, a doc and examples.

A rule is a function decorated with `@rule(...)`. It reads the Postmortem (and, when it
declares `needs_nlp=True`, the Analysis) from its CheckContext and yields Hits; the engine
turns Hits into Findings (code, name, section, fingerprint). A rule never parses, never
loads a model and never formats output.

    @rule(code="PM103", name="no-timeline", dimension=Dimension.TIME, severity=Severity.ERROR,
          summary="The document has no timeline.", what=..., why=..., example=..., use_instead=...,
          should_flag=[...], should_pass=[...])
    def no_timeline(ctx):
        if not ctx.doc.timeline:
            yield Hit(0, 0, "No timeline: ...")
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reviewer.findings import Dimension, Severity

if TYPE_CHECKING:
    from reviewer.config import Config
    from reviewer.document import Postmortem, ProseBlock
    from reviewer.nlp.analysis import Analysis


@dataclass(slots=True)
class Hit:
    """What a rule reports: a span and a message; the engine adds the rest."""

    start: int
    end: int
    message: str
    replacements: list[str] = field(default_factory=list)
    confidence: float = 1.0
    severity: Severity | None = None  # overrides the rule's default for this hit
    data: dict[str, Any] = field(default_factory=dict)

    def moved(self, delta: int, block: ProseBlock) -> Hit:
        return replace(self, start=self.start + delta, end=self.end + delta, replacements=list(self.replacements),
                       data=dict(self.data))


@dataclass(slots=True)
class CheckContext:
    doc: Postmortem
    config: Config
    options: dict[str, Any]  # the rule's options: its defaults, overridden by config
    analysis: Analysis | None = None

    @property
    def severity_level(self) -> int | None:
        return self.doc.metadata.severity_level

    @property
    def full_bar(self) -> bool:
        """Does this document get the full bar (by its severity, per config)?"""
        return self.config.needs_full_bar(self.severity_level)

    def per_block(self, name: str, find: Callable[[CheckContext], Iterable[Hit]]) -> list[Hit]:
        """The hits of `find` run on each block alone, kept with the block across reviews
        (Analysis.per_block: `find` may read the block and its section, not the rest of the
        document). A rule whose hits depend only on the paragraph they are in uses this, so a
        re-review after an edit runs it on the edited paragraph only."""
        assert self.analysis is not None, "per_block needs the analysis (declare needs_nlp=True)"
        options = tuple(sorted((k, repr(v)) for k, v in self.options.items()))
        return self.analysis.per_block(name, lambda alone: list(find(replace(self, analysis=alone))), key=options)


CheckFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    dimension: Dimension
    severity: Severity
    summary: str  # one line, shown in `pmreview rules`
    what: str  # What it does
    why: str  # Why it matters
    example: str  # an example that is flagged
    use_instead: str  # what to write instead
    should_flag: tuple[str, ...]  # documents (or sentences) where the rule must report
    should_pass: tuple[str, ...]  # documents (or sentences) where it must not
    check: CheckFunction
    needs_nlp: bool = False
    full_bar_only: bool = False  # applies only to documents that get the full bar
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return {"PM0": "meta", "PM1": "structure", "PM2": "blame", "PM3": "time", "PM4": "metrics",
                "PM5": "detail"}.get(self.code[:3], "other")

    def doc(self) -> str:
        """The rule's documentation as Markdown."""
        flags = "\n".join(f"- `{_one_line(x)}`" for x in self.should_flag[:3])
        passes = "\n".join(f"- `{_one_line(x)}`" for x in self.should_pass[:3])
        return (
            f"# {self.code} {self.name}\n\n"
            f"Dimension: {self.dimension.value} · default severity: {self.severity.value}"
            f"{' · full bar only' if self.full_bar_only else ''}\n\n"
            f"{self.summary}\n\n"
            f"## What it does\n\n{self.what}\n\n"
            f"## Why it matters\n\n{self.why}\n\n"
            f"## Example\n\n{self.example}\n\n"
            f"## Use instead\n\n{self.use_instead}\n\n"
            f"## Flagged\n\n{flags}\n\n## Not flagged\n\n{passes}\n"
            + ("\n## Options\n\n" + "\n".join(f"- `{k}` = `{v!r}`" for k, v in self.options.items()) + "\n"
               if self.options else "")
        )


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:97] + "..."


REGISTRY: dict[str, Rule] = {}


def rule(*, code: str, name: str, dimension: Dimension, severity: Severity, summary: str, what: str, why: str,
         example: str, use_instead: str, should_flag: Iterable[str], should_pass: Iterable[str],
         needs_nlp: bool = False, full_bar_only: bool = False,
         options: dict[str, Any] | None = None) -> Callable[[CheckFunction], Rule]:
    def register(check: CheckFunction) -> Rule:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} is registered twice")
        if any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"rule name {name} is registered twice")
        registered = Rule(code=code, name=name, dimension=dimension, severity=severity, summary=summary, what=what,
                          why=why, example=example, use_instead=use_instead, should_flag=tuple(should_flag),
                          should_pass=tuple(should_pass), check=check, needs_nlp=needs_nlp,
                          full_bar_only=full_bar_only, options=dict(options or {}))
        REGISTRY[code] = registered
        return registered

    return register


_loaded = False


def all_rules() -> dict[str, Rule]:
    """Every rule, by code: imports each module under reviewer.rules once."""
    global _loaded
    if not _loaded:
        import reviewer.rules as package

        for module in pkgutil.walk_packages(package.__path__, prefix="reviewer.rules."):
            importlib.import_module(module.name)
        _loaded = True
    return dict(sorted(REGISTRY.items()))


def find_rule(code_or_name: str) -> Rule | None:
    rules = all_rules()
    key = code_or_name.strip()
    if key.upper() in rules:
        return rules[key.upper()]
    return next((r for r in rules.values() if r.name == key.lower()), None)


def iter_rules(codes: Iterable[str]) -> Iterator[Rule]:
    rules = all_rules()
    for code in codes:
        yield rules[code]
