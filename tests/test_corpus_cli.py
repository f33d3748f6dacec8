"""`pmreview import / similar / causes` through the main Typer app (hashing embedder: no model load)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reviewer.cli import app
from tests.corpus_fixtures import INCIDENTS

runner = CliRunner()


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PMREVIEW_EMBEDDING_MODEL", "hashing-256")
    monkeypatch.setenv("PMREVIEW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    folder = tmp_path / "incidents"
    folder.mkdir()
    for incident_id, text in INCIDENTS.items():
        (folder / f"{incident_id}.md").write_text(text, encoding="utf-8")
    return folder


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_import_then_reimport(env):
    first = invoke("import", str(env), "--format", "json")
    assert first.exit_code == 0, first.output
    assert sorted(json.loads(first.stdout)["imported"]) == sorted(INCIDENTS)
    second = invoke("import", str(env))
    assert second.exit_code == 0
    assert f"imported 0, updated 0, unchanged {len(INCIDENTS)}, skipped 0" in second.stdout


def test_import_reports_a_bad_record_and_exits_2(env, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok-1", "text": "The cache node ran out of memory."}\n{oops\n', encoding="utf-8")
    result = invoke("import", str(bad))
    assert result.exit_code == 2
    assert "imported 1" in result.stdout and "bad.jsonl:2" in result.stdout and "not JSON" in result.stdout


def test_import_of_a_missing_path_is_a_usage_error(env, tmp_path):
    result = invoke("import", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_similar_with_text_and_json(env):
    invoke("import", str(env))
    result = invoke("similar", "--text", "The TLS certificate on the proxy expired.", "--k", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["matches"]) == 2
    assert {m["incident"]["id"] for m in data["matches"]} <= {"inc-a1", "inc-a2", "inc-a3"}
    assert "sections" in data["matches"][0]["reason"] and data["recurrence"]["count"] >= 2


def test_similar_with_a_file_prints_reasons(env, tmp_path):
    invoke("import", str(env))
    draft = tmp_path / "draft.md"
    draft.write_text("# Draft\n\n## Root cause\n\nThe DNS provider outage left our zone without nameservers.\n",
                     encoding="utf-8")
    result = invoke("similar", str(draft), "--k", "2")
    assert result.exit_code == 0, result.output
    assert "1. inc-b1" in result.stdout and "why:" in result.stdout


@pytest.mark.parametrize("args, message", [
    (("similar",), "give one of"),
    (("similar", "--text", "x", "--k", "0"), "--k"),
    (("similar", "--text", "x", "--format", "xml"), "--format"),
    (("similar", "--text", "x", "--since", "yesterday"), "YYYY-MM-DD"),
    (("similar", "/no/such/file.md"), "cannot read"),
    (("causes", "--since", "2020-13-01"), "YYYY-MM-DD"),
    (("causes", "--db", "not a url"), "not a database URL"),
])
def test_bad_input_exits_2_with_a_message(env, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_causes_lists_recurring_groups(env):
    invoke("import", str(env))
    text = invoke("causes", "--no-seed")
    assert text.exit_code == 0, text.output
    assert "expiry" in text.stdout and "3 incidents" in text.stdout
    data = json.loads(invoke("causes", "--format", "json", "--since", "2020-01-01").stdout)
    expiry = next(g for g in data if g["category"] == "expiry")
    assert expiry["incident_ids"] == ["inc-a2", "inc-a3"] and expiry["first_date"] == "2020-06-10"


DRAFT = """# Proxy outage

## Summary

Requests through the edge proxy failed for 40 minutes.

## Root cause

The TLS certificate on the proxy expired: nothing renewed it and no alert watched its expiry date.
"""


def test_check_with_a_store_says_when_the_drafts_cause_recurs(env, tmp_path):
    invoke("import", str(env))
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    as_json = invoke("check", str(draft), "--format", "json", "--fail-on", "never")
    assert as_json.exit_code == 0, as_json.output
    recurrence = json.loads(as_json.stdout)["files"][0]["facts"]["recurrence"]
    assert recurrence["count"] >= 2 and set(recurrence["earlier_incident_ids"]) <= {"inc-a1", "inc-a2", "inc-a3"}
    as_text = invoke("check", str(draft), "--fail-on", "never", "--no-color")
    assert f"{draft}: recurring root cause: {recurrence['message']}" in as_text.stdout


def test_check_without_a_store_reports_no_recurrence(env, tmp_path, monkeypatch):
    monkeypatch.delenv("PMREVIEW_DATABASE_URL")
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = invoke("check", str(draft), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "recurrence" not in json.loads(result.stdout)["files"][0]["facts"]


def test_check_with_a_store_that_cannot_open_still_checks_and_warns(env, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = invoke("check", str(draft), "--db", "postgresql+psycopg://user:s3cret@127.0.0.1:1/none",
                    "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "recurrence" not in json.loads(result.stdout)["files"][0]["facts"]
    assert "no recurrence" in result.output and "s3cret" not in result.output
