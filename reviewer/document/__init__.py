"""The postmortem document model and its parser."""

from reviewer.document.model import (
    ActionItem,
    BlockKind,
    ClockTime,
    Comment,
    Link,
    Metadata,
    Postmortem,
    ProseBlock,
    Section,
    SectionKind,
    Span,
    Table,
    TimelineEntry,
)
from reviewer.document.parse import DEFAULT_MAX_CHARS, parse

__all__ = [
    "ActionItem", "BlockKind", "ClockTime", "Comment", "DEFAULT_MAX_CHARS", "Link", "Metadata", "Postmortem",
    "ProseBlock", "Section", "SectionKind", "Span", "Table", "TimelineEntry", "parse",
]
