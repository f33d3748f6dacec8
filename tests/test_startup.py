"""`pmreview check` starts lean: it imports what a review needs and nothing of the service, the
store, the corpus' models, the language server or the old model format (issue 14: a pre-commit
hook pays the start-up on every commit). benchmarks/bench_startup.py measures the time; these
tests say which modules a run imports, each in a fresh interpreter (the test session itself has
imported everything)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Packages the check path has no use for (spaCy itself imports none of them). The old model
# format (skops) imports scikit-learn and SciPy to list its trusted types: that alone cost 3.8 s.
NOT_ON_CHECK_PATH = ("skops", "sklearn", "scipy", "joblib", "sentence_transformers", "transformers",
                     "huggingface_hub", "fastapi", "starlette", "uvicorn", "sqlalchemy", "prometheus_client",
                     "pygls", "lsprotocol", "api")
# pmreview's own modules behind other commands: the corpus store and search, the language server.
OWN_NOT_ON_CHECK_PATH = ("reviewer.corpus.store", "reviewer.corpus.service", "reviewer.corpus.embeddings",
                         "reviewer.corpus.index", "reviewer.corpus.categories", "reviewer.lsp.server")

FORMATS = ("text", "json", "github", "sarif", "junit")  # junit last: only it needs junitparser

# Written for this test: a blameful line, a vague time, a metric, an action item.
FIVE_LINES = """# Queue backlog on Monday
Tom deleted the consumer group by mistake and the queue backed up.
Messages piled up for a while until about noon, 40% of orders were delayed.
The group was recreated at 12:05 UTC.
- [ ] Protect consumer groups from deletion in production.
"""

# Runs `pmreview check` once per format in one interpreter (spaCy is loaded once) and writes,
# after each run, its exit code and the modules imported so far.
RUNNER = textwrap.dedent("""
    import json, sys
    from reviewer.cli import app

    out, target = sys.argv[1], sys.argv[2]
    seen = []
    for fmt in {formats!r}:
        code = app(args=["check", "--format", fmt, target], prog_name="pmreview", standalone_mode=False)
        seen.append({{"format": fmt, "exit": code, "modules": sorted(sys.modules)}})
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(seen, handle)
""")


def _run(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=600)


def _offenders(modules: list[str]) -> list[str]:
    names = set(modules)
    tops = {name.split(".")[0] for name in names}
    return [name for name in NOT_ON_CHECK_PATH if name in tops] + [name for name in OWN_NOT_ON_CHECK_PATH
                                                                     if name in names]


@pytest.fixture(scope="module")
def check_runs(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("startup")
    (folder / "five-lines.md").write_text(FIVE_LINES, encoding="utf-8")
    result = _run(RUNNER.format(formats=FORMATS), str(folder / "runs.json"), "five-lines.md", cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((folder / "runs.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_format_reviews_the_file(check_runs):
    # exit 1: the file has findings at the gate; 2 would be a usage error or an unreadable file
    assert [(run["format"], run["exit"]) for run in check_runs] == [(fmt, 1) for fmt in FORMATS]
    modules = set(check_runs[0]["modules"])
    assert "spacy" in modules and "reviewer.review" in modules, "the check did not analyse the text"


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(FORMATS)), ids=FORMATS)
def test_check_imports_nothing_it_does_not_need(check_runs, index):
    run = check_runs[index]
    assert _offenders(run["modules"]) == [], f"`pmreview check --format {run['format']}` imported these"


@pytest.mark.slow
def test_only_the_junit_report_imports_junitparser(check_runs):
    assert [run["format"] for run in check_runs if "junitparser" in run["modules"]] == ["junit"]


def test_the_command_line_alone_loads_no_model(tmp_path):
    # `pmreview --help`, `rules`, `rule`, `init`, `show-config`: no spaCy, no torch, nothing heavy
    code = textwrap.dedent("""
        import json, sys
        from reviewer.cli import app
        codes = [app(args=args, prog_name="pmreview", standalone_mode=False)
                 for args in (["rules"], ["rule", "PM201"], ["show-config"])]
        json.dump({"exit": codes, "modules": sorted(sys.modules)}, open(sys.argv[1], "w"))
    """)
    result = _run(code, str(tmp_path / "out.json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert seen["exit"] == [None, None, None]
    tops = {name.split(".")[0] for name in seen["modules"]}
    assert sorted(tops & {"spacy", "thinc", "torch", "junitparser"}) == []
    assert _offenders(seen["modules"]) == []
