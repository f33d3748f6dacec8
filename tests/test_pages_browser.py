"""The review page in a real browser: Debian's Chromium driven by Playwright.

The app runs under uvicorn on 127.0.0.1 (a free port) in a background thread, with the same
small corpus as tests/test_pages.py. A person's path: paste a draft, send it, see the
highlights and the findings, select a highlight and land on its finding. Screenshots go to
/tmp (pmreview-review.png, pmreview-trends.png) for a human look.

Skipped when Playwright or /usr/bin/chromium is missing (scripts/system-deps.sh installs it).
Playwright never downloads a browser here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.test_pages import DRAFT, make_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path("/tmp")

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which("chromium"):
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (run scripts/system-deps.sh)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(app, timeout: float = 60.0):
    """uvicorn in a daemon thread; yields the base URL once the app is started; stops it at the end."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="pages-browser-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        state = app.state.service
        assert state.wait_started(timeout), "the models and the corpus did not load"
        assert state.ready, state.models_error or state.corpus_error
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def base_url(analyzer, tmp_path_factory):
    app = make_app(analyzer, tmp_path_factory.mktemp("browser") / "corpus.sqlite3")
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield chromium
        finally:
            chromium.close()


def submit_draft(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Postmortem (Markdown)").fill(DRAFT)
    page.get_by_label("File name").fill("search-proxy.md")
    with page.expect_navigation():
        page.get_by_role("button", name="Review", exact=True).click()


def test_paste_review_and_jump_from_a_highlight_to_its_finding(browser, base_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        submit_draft(page, base_url)
        assert page.title().startswith("Review of search-proxy.md")
        highlights = page.locator("pre.doc a.hl")
        findings = page.locator("li.finding")
        assert highlights.count() > 0 and findings.count() > 0
        # The document shown is the document sent, character for character.
        shown = page.locator("pre.doc").evaluate(
            "pre => Array.from(pre.childNodes).filter(n => !(n.classList && n.classList.contains('pin')))"
            ".map(n => n.textContent).join('')")
        assert shown == DRAFT

        placeholder = page.locator("pre.doc a.hl", has_text="TBD").first
        number = placeholder.get_attribute("data-finding")
        placeholder.click()
        entry = page.locator(f"#f-{number}")
        sync_api.expect(entry).to_be_focused()
        sync_api.expect(entry).to_be_in_viewport()
        assert "PM103" in entry.inner_text() or "TBD" in entry.inner_text()
        assert page.evaluate("location.hash") == f"#f-{number}"

        page.screenshot(path=str(SCREENSHOTS / "pmreview-review.png"), full_page=True)

        # Back from the finding to the text: every piece of its span is marked, the first one focused.
        entry.locator(f"a[href='#h-{number}']").click()
        marked = page.locator("pre.doc a.hl.current")
        assert marked.count() >= 1
        assert "TBD" in "".join(marked.all_inner_texts())
        sync_api.expect(marked.first).to_be_focused()

        # "Not similar" on the first suggestion: the page comes back without it.
        first = page.locator("li.similar button[name=other_id]").first
        other = first.get_attribute("value")
        with page.expect_navigation():
            first.click()
        assert "will no longer be suggested" in page.locator("p.notice").inner_text()
        assert page.locator(f"li.similar button[value='{other}']").count() == 0
    finally:
        context.close()


def test_core_flow_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        submit_draft(page, base_url)
        assert page.locator("pre.doc a.hl").count() > 0
        link = page.locator("pre.doc a.hl").first
        number = link.get_attribute("data-finding")
        link.click()
        assert page.evaluate("location.hash") == f"#f-{number}"
        sync_api.expect(page.locator(f"#f-{number}")).to_be_in_viewport()
    finally:
        context.close()


def test_trends_and_causes_render(browser, base_url):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + "/trends")
        charts = page.locator("figure.chart svg")
        assert charts.count() == 3
        box = charts.first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        assert page.locator("figure.chart svg rect.bar").count() > 0
        page.screenshot(path=str(SCREENSHOTS / "pmreview-trends.png"), full_page=True)
        page.goto(base_url + "/causes")
        assert page.locator("section.cause").count() >= 1
        page.screenshot(path=str(SCREENSHOTS / "pmreview-causes.png"), full_page=True)
    finally:
        context.close()


# An action item with inline code, a link, emphasis and markup that must never run (our own words).
RICH_ITEM = ("Reject `terraform apply` runs whose plan is older than HEAD; follow the "
             "[apply runbook](https://wiki.example/runbooks/apply) and **never** retry by hand "
             "<img src=x onerror=\"window.__pwned=1\"> [open me](javascript:window.__pwned=2) (@ana, OPS-42)")
RICH_INCIDENT = f"""---
id: inc-rich-actions
title: Stale plans applied after a retry
date: 2024-06-03
severity: SEV-2
---
# Stale plans applied after a retry

## Summary
A retried job applied a plan made for an older commit.

## Action items
- [ ] {RICH_ITEM}
"""


def test_an_action_item_shows_its_code_as_code_and_its_link_as_a_link(browser, base_url):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        response = context.request.post(base_url + "/v1/incidents", data={"text": RICH_INCIDENT})
        assert response.status == 201, response.text()
        page.goto(base_url + "/incidents/inc-rich-actions")
        item = page.locator("ul.actions li").filter(has_text="terraform apply")
        sync_api.expect(item).to_have_count(1)
        code = item.locator("code")
        sync_api.expect(code).to_have_count(1)
        sync_api.expect(code).to_have_text("terraform apply")
        assert code.evaluate("el => getComputedStyle(el).fontFamily").lower().find("mono") >= 0
        link = item.locator("a", has_text="apply runbook")
        sync_api.expect(link).to_have_count(1)
        assert link.get_attribute("href") == "https://wiki.example/runbooks/apply"
        sync_api.expect(item.locator("strong")).to_have_text("never")
        shown = item.inner_text()
        assert "**" not in shown and "`" not in shown and "terraform apply runs" in shown
        # Safe rendering: no raw HTML from the author, no javascript: link, nothing ran.
        assert item.locator("img").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        assert "open me" in shown  # the words stay, as text
        assert page.evaluate("window.__pwned === undefined") and not dialogs
    finally:
        context.close()
