"""`pmreview` as CI uses it: exit codes, formats, folders, stdin, bad input."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reviewer.cli import app

runner = CliRunner()

GOOD = """---
severity: SEV-3
---
# Cache outage

## Summary
Checkout failed for 12 minutes.

## Impact
4,100 failed checkouts.

## Timeline (UTC)
- 10:02 Alert fired.
- 10:14 Rolled back.

## Root cause
An expired certificate on the cache proxy.

## Action items
- [ ] Alert 14 days before expiry (@kim, OPS-12, due 2024-05-01)
"""
BAD = "# Outage\n\n## Summary\nThe API was down. TBD\n"


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "good.md").write_text(GOOD)
    sub = tmp_path / "2024"
    sub.mkdir()
    (sub / "bad.md").write_text(BAD)
    (sub / "notes.txt").write_text("not markdown")
    return tmp_path


def test_exit_codes(docs: Path):
    assert run("check", str(docs / "good.md"), "--select", "PM1").exit_code == 0
    assert run("check", str(docs), "--select", "PM1").exit_code == 1
    assert run("check", str(docs), "--select", "PM1", "--fail-on", "never").exit_code == 0
    assert run("check", str(docs / "good.md"), "--select", "PM1", "--fail-under", "100.1").exit_code == 2
    assert run("check", str(docs / "2024"), "--select", "PM103", "--fail-under-dimension", "detail=90").exit_code == 1
    assert run("check", str(docs / "2024"), "--select", "PM103", "--fail-on", "never",
               "--fail-under-dimension", "detail=80").exit_code == 0


def test_folder_recursion_and_json_offsets(docs: Path):
    result = run("check", str(docs), "--select", "PM1", "-f", "json")
    report = json.loads(result.stdout)
    paths = sorted(Path(f["path"]).name for f in report["files"])
    assert paths == ["bad.md", "good.md"]
    bad = next(f for f in report["files"] if f["path"].endswith("bad.md"))
    tbd = next(f for f in bad["findings"] if f["code"] == "PM103")
    assert BAD[tbd["start"] : tbd["end"]] == "TBD"
    assert (tbd["line"], tbd["column"]) == (4, 19)
    assert bad["scores"]["overall"] < 100


def test_stdin_and_stdin_filename():
    result = run("check", "-", "--select", "PM103", "--stdin-filename", "draft.md", input=BAD)
    assert result.exit_code == 1 and "draft.md:4:19: PM103" in result.stdout


def test_unreadable_input_is_exit_2_and_others_still_reported(docs: Path):
    (docs / "latin1.md").write_bytes("Caf\xe9 outage".encode("latin-1"))
    result = run("check", str(docs / "latin1.md"), str(docs / "2024" / "bad.md"), str(docs / "missing.md"),
                 "--select", "PM103", "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    errors = {Path(f["path"]).name: f["error"] for f in report["files"]}
    assert "not UTF-8" in errors["latin1.md"] and errors["missing.md"] and errors["bad.md"] is None
    assert "Traceback" not in result.output


def test_usage_errors_are_exit_2_with_a_message(docs: Path, tmp_path: Path):
    for args in (["check", str(docs), "-f", "xml"], ["check", str(docs), "--fail-on", "fatal"],
                 ["check", str(docs), "--fail-under-dimension", "speed=3"], ["rule", "PM999"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "error:" in result.output and "Traceback" not in result.output
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("selec = 1\n")
    result = run("check", str(docs), "--config", str(bad_config))
    assert result.exit_code == 2 and "selec" in result.output


def test_too_large_document_is_reported_not_crashed(docs: Path):
    (docs / ".pmreview.toml").write_text("max_chars = 20\n")
    result = run("check", str(docs / "good.md"), "--select", "PM1")
    assert result.exit_code == 2 and "above the limit" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_prints(docs: Path, fmt):
    result = run("check", str(docs), "--select", "PM1", "-f", fmt)
    assert result.exit_code == 1 and "PM103" in result.stdout


def test_config_file_is_found_and_shown(docs: Path):
    (docs / ".pmreview.toml").write_text('ignore = ["PM103"]\n')
    assert run("check", str(docs / "2024" / "bad.md"), "--select", "PM103").exit_code == 0
    shown = run("show-config", str(docs / "2024"), "-f", "json")
    data = json.loads(shown.stdout)
    assert data["ignore"] == ["PM103"] and data["source"].endswith(".pmreview.toml")


def test_rules_and_rule():
    listed = json.loads(run("rules", "-f", "json").stdout)
    assert {"PM101", "PM103"} <= {r["code"] for r in listed}
    doc = run("rule", "PM103").stdout
    for heading in ("What it does", "Why it matters", "Example", "Use instead"):
        assert heading in doc
    assert run("rule", "placeholder-text").exit_code == 0


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path: Path):
    target = tmp_path / "pm.md"
    assert run("init", str(target)).exit_code == 0
    assert target.read_text().startswith("---")
    assert run("init", str(target)).exit_code == 2
    assert run("init", str(target), "--force").exit_code == 0


# --- pre-commit and the GitHub Action ---------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str) -> None:
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(cwd), "PATH": os.environ.get("PATH", "")}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_pre_commit_try_repo_runs_the_hook_on_postmortems(tmp_path: Path):
    import shutil
    import subprocess
    import sys

    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    # The hook repository: this project's .pre-commit-hooks.yaml, committed on its own (try-repo
    # clones it; the shared work tree's other changes stay out of it).
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(REPO_ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    git(hooks, "init", "-q")
    git(hooks, "add", ".")
    git(hooks, "commit", "-q", "-m", "hooks")
    project = tmp_path / "project"
    (project / "docs" / "postmortems").mkdir(parents=True)
    (project / "docs" / "postmortems" / "2024-05-checkout.md").write_text(BAD)
    (project / "README.md").write_text(BAD)  # not a postmortem: the hook's `files` leaves it out
    git(project, "init", "-q")
    git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "try-repo", str(hooks), "pmreview-system", "--all-files", "--verbose"],
                              cwd=project, capture_output=True, text=True, env=env, timeout=600)

    failed = try_repo()
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-3000:]
    assert "docs/postmortems/2024-05-checkout.md" in failed.stdout and "PM103" in failed.stdout
    assert "README.md:" not in failed.stdout
    (project / "docs" / "postmortems" / "2024-05-checkout.md").write_text(GOOD)
    git(project, "add", ".")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout[-3000:] + passed.stderr[-3000:]
    assert "Passed" in passed.stdout


def test_the_hooks_file_declares_both_hooks_like_pre_commit_expects():
    import yaml

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"pmreview", "pmreview-system"}
    assert by_id["pmreview"]["language"] == "python" and by_id["pmreview-system"]["language"] == "system"
    for hook in hooks:
        assert hook["entry"].startswith("pmreview check") and hook["require_serial"] is True
        assert {"name", "entry", "language"} <= set(hook) and hook["types"] == ["markdown"]


def test_action_yml_is_a_composite_action_that_runs_pmreview_check():
    import re

    import yaml

    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env, never pasted into the script (no injection)
            assert "${{" not in step["run"]
    used = {name for step in steps for value in (step.get("env") or {}).values()
            for name in re.findall(r"inputs\.([\w-]+)", str(value))}
    used |= {name for step in steps for value in (step.get("with") or {}).values()
             for name in re.findall(r"inputs\.([\w-]+)", str(value))}
    assert used == set(action["inputs"])  # every input is used, and only declared ones
    assert action["inputs"]["format"]["default"] in ("github", "sarif")
    run = next(step["run"] for step in steps if step.get("id") == "check")
    assert "pmreview check" in run and "--format" in run
    assert action["outputs"]["report"]["value"] == "${{ steps.check.outputs.report }}"


def test_an_empty_server_url_from_ci_is_no_url(docs: Path, monkeypatch):
    monkeypatch.setenv("PMREVIEW_SERVER_URL", "")
    assert run("check", str(docs / "good.md"), "--select", "PM1", "-f", "sarif").exit_code == 0
    assert run("check", str(docs / "good.md"), "--select", "PM1", "--server-url", "ftp://x").exit_code == 2


def test_the_action_check_step_runs_pmreview_and_writes_the_report(tmp_path: Path):
    """The composite action's `check` step, run by bash as the Actions runner runs it."""
    import subprocess
    import sys

    import yaml

    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    step = next(step for step in action["runs"]["steps"] if step.get("id") == "check")
    workspace = tmp_path / "workspace"
    (workspace / "docs" / "postmortems").mkdir(parents=True)
    (workspace / "docs" / "postmortems" / "bad one.md").write_text(BAD)
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_OUTPUT": str(outputs), "HF_HUB_OFFLINE": "1"}
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({"paths": "docs/postmortems", "format": "sarif", "args": "--select PM1"})
    for name, value in step["env"].items():
        env[name] = inputs[value.split("inputs.")[1].rstrip(" }")] if "inputs." in str(value) else str(value)
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                            cwd=workspace, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]  # PM103 is an error: the gate fails the step
    assert "Traceback" not in result.stderr, result.stderr[-2000:]  # a crash exits 1 too
    assert (workspace / "pmreview.sarif").is_file(), result.stderr[-2000:]
    report = json.loads((workspace / "pmreview.sarif").read_text())
    assert {r["ruleId"] for r in report["runs"][0]["results"]} >= {"PM103"}
    assert "report=pmreview.sarif" in outputs.read_text()
