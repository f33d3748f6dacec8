"""The author's inline Markdown (an action item) as safe HTML for the pages.

Built from markdown-it's inline tokens, element by element, so nothing written by an author
reaches the page as markup: text is escaped; code spans become <code>, emphasis <em>/<strong>,
strikethrough <del>; links become <a> only with an http(s) or mailto address (anything else,
javascript: included, is shown as its text); raw HTML, comments and images are left out.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from reviewer.document.shown import plain, resolve_reference_links

_md = MarkdownIt("commonmark", {"html": True}).enable(["strikethrough"])
_SAFE_SCHEMES = {"http", "https", "mailto"}
_TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>", "strong_close": "</strong>",
         "s_open": "<del>", "s_close": "</del>"}
MAX_CHARS = 4000  # an action item longer than this is shown as its plain text


def safe_href(url: str) -> str | None:
    """The link's address when a page may link to it: http(s) or mailto, no credentials."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or any(ord(ch) < 32 for ch in url):
        return None
    if parts.scheme.lower() != "mailto" and (not parts.netloc or "@" in parts.netloc):
        return None
    return url


def inline_html(markdown: str | None, fallback: str = "") -> Markup:
    """Inline Markdown → escaped HTML; `fallback` (plain text) when there is no Markdown."""
    if not markdown:
        return Markup(escape(fallback))
    if len(markdown) > MAX_CHARS:
        return Markup(escape(plain(markdown)))
    try:
        tokens = _md.parseInline(resolve_reference_links(markdown))
    except Exception:  # noqa: BLE001 - a parser oddity shows the words, not an error page
        return Markup(escape(plain(markdown) or fallback))
    out: list[str] = []
    open_links: list[bool] = []  # per open link: whether an <a> was written for it
    for block in tokens:
        for token in block.children or []:
            kind = token.type
            if kind == "text":
                out.append(str(escape(token.content)))
            elif kind == "code_inline":
                out.append(f"<code>{escape(token.content)}</code>")
            elif kind in ("softbreak", "hardbreak"):
                out.append(" ")
            elif kind in _TAGS:
                out.append(_TAGS[kind])
            elif kind == "link_open":
                href = safe_href(str(token.attrs.get("href", "")))
                open_links.append(href is not None)
                if href is not None:
                    out.append(f'<a href="{escape(href)}" rel="nofollow noopener noreferrer">')
            elif kind == "link_close":
                if open_links and open_links.pop():
                    out.append("</a>")
            # html_inline, image: left out
    return Markup("".join(out).strip())
