"""`pmreview check` over the real postmortems in ../shared/eval: no crash, every format, offsets."""

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from reviewer.cli import app

pytestmark = pytest.mark.eval


@pytest.fixture(scope="module")
def json_report(eval_dir):
    result = CliRunner().invoke(app, ["check", str(eval_dir / "fulltext"), "-f", "json", "--no-progress"])
    assert result.exit_code in (0, 1), result.output[-2000:]
    return json.loads(result.stdout)


def test_every_real_document_is_reviewed_with_offsets(json_report, eval_dir):
    files = json_report["files"]
    assert len(files) == len(list((eval_dir / "fulltext").rglob("*.md")))
    for report in files:
        assert report["error"] is None, report["path"]
        text = open(report["path"], encoding="utf-8").read()
        for finding in report["findings"]:
            assert 0 <= finding["start"] <= finding["end"] <= len(text)
            assert finding["line"] == text.count("\n", 0, finding["start"]) + 1


@pytest.mark.parametrize("fmt", ["text", "sarif", "github", "junit"])
def test_every_format_on_real_documents(eval_dir, fmt):
    result = CliRunner().invoke(app, ["check", str(eval_dir / "fulltext"), "-f", fmt, "--no-progress"])
    assert result.exit_code in (0, 1), result.output[-2000:]
    if fmt == "sarif":
        assert json.loads(result.stdout)["version"] == "2.1.0"
    elif fmt == "junit":
        ET.fromstring(result.stdout)
    elif fmt == "github":
        assert all(line.startswith(("::", "pmreview:")) for line in result.stdout.splitlines() if line.strip())
