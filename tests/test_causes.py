"""Cause spans, the team taxonomy and its configuration, the arrays-and-settings model files:
with the tiny hashing embedder (no neural model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reviewer.config import load_dict, read_file
from reviewer.corpus.categories import ARRAYS_FILE, SETTINGS_FILE, decided
from reviewer.corpus.causes import cause_spans, cause_text
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.taxonomy import load_taxonomy, taxonomy_from_tables
from reviewer.corpus.types import ROOT_CAUSE_CATEGORIES
from reviewer.errors import ConfigError
from reviewer.resources import models_dir

TABLES = [
    {"name": "CERTS", "description": "certificates and keys that ran out",
     "examples": ["the tls certificate expired on the proxy", "a signing key passed its end date"],
     "built-in": ["expiry"]},
    {"name": "CAPACITY", "description": "more traffic than the servers could take",
     "examples": ["a traffic spike overloaded the web servers", "demand exceeded the cluster capacity"],
     "built-in": ["capacity-overload", "resource-exhaustion"]},
    {"name": "PEOPLE", "description": "a person ran the wrong command",
     "examples": ["an operator deleted the production volume by mistake"]},
]


def test_a_root_cause_section_gives_the_spans_sentence_by_sentence():
    spans = cause_spans("The certificate expired. Renewal was manual.", "A summary.", "Whole prose here.")
    assert spans == ["The certificate expired.", "Renewal was manual."]


def test_without_a_section_the_causal_sentences_are_the_spans():
    prose = ("The checkout page was down for an hour on Monday. Customers saw errors at checkout. "
             "This happened because a config push set the pool size to zero. We are sorry.")
    spans = cause_spans("", "", prose)
    assert spans == ["This happened because a config push set the pool size to zero."]
    assert cause_text("", "", "Nothing at all to see in this one. Another plain line.")  # falls back to the text


def test_the_cause_text_is_bounded():
    prose = " ".join(f"Service {n} failed because disk {n} filled up." for n in range(200))
    assert len(cause_spans("", "", prose)) <= 6 and len(cause_text("", "", prose)) <= 1500


def test_a_team_taxonomy_maps_by_examples_and_by_the_built_in_mapping():
    taxonomy = taxonomy_from_tables(TABLES)
    embedder = HashingEmbedder()
    vectors = embedder.encode(["the tls certificate on the proxy expired overnight",
                               "an operator deleted the production volume"])
    names = [name for name, _ in taxonomy.classify(vectors, embedder)]
    assert names == ["CERTS", "PEOPLE"]
    # The built-in probabilities count through the mapping: all mass on capacity-overload → CAPACITY.
    built_in = np.zeros((1, len(ROOT_CAUSE_CATEGORIES)))
    built_in[0, ROOT_CAUSE_CATEGORIES.index("capacity-overload")] = 1.0
    mapped = taxonomy.mapped_probabilities(built_in)
    assert taxonomy.names[int(mapped.argmax())] == "CAPACITY" and np.isclose(mapped.sum(), 1.0)
    neutral = embedder.encode(["zzz qqq"])
    assert taxonomy.classify(neutral, embedder, built_in)[0][0] == "CAPACITY"


@pytest.mark.parametrize("tables, message", [
    ([], "non-empty list"),
    ([{"name": "A"}], "needs a description"),
    ([{"name": "A", "description": "x"}, {"name": "A", "description": "y"}], "used twice"),
    ([{"name": "A", "description": "x", "colour": "red"}], "unknown key"),
    ([{"name": "A", "description": "x", "built-in": ["not-a-category-xyz"]}], "built-in must name"),
    ([{"name": "A", "description": "x", "examples": [1, 2]}], "list of strings"),
])
def test_a_bad_taxonomy_is_a_clear_config_error_that_does_not_echo_values(tables, message):
    with pytest.raises(ConfigError, match=message) as raised:
        taxonomy_from_tables(tables)
    assert "not-a-category-xyz" not in str(raised.value) and "red" not in str(raised.value)


def test_the_config_key_inline_and_as_a_file(tmp_path: Path):
    config = load_dict({"cause_taxonomy": TABLES}, "test")
    assert config.cause_taxonomy[0]["name"] == "CERTS"
    with pytest.raises(ConfigError, match="cause_taxonomy"):
        load_dict({"cause_taxonomy": [{"name": "A"}]}, "test")
    with pytest.raises(ConfigError):
        load_dict({"cause_taxonomie": TABLES}, "test")  # unknown keys stay errors
    (tmp_path / "causes.toml").write_text(
        '[[category]]\nname = "NET"\ndescription = "the network failed"\nexamples = ["a router died"]\n'
        'built-in = ["network"]\n', encoding="utf-8")
    (tmp_path / ".pmreview.toml").write_text('[tool.pmreview]\ncause-taxonomy = "causes.toml"\n', encoding="utf-8")
    config = read_file(tmp_path / ".pmreview.toml")
    taxonomy = load_taxonomy(config.cause_taxonomy, tmp_path)
    assert taxonomy.names == ["NET"] and taxonomy.categories[0].built_in == ("network",)
    with pytest.raises(ConfigError, match="cannot read"):
        load_taxonomy("missing.toml", tmp_path)


def test_unknown_when_no_category_is_likely():
    flat = np.full((1, len(ROOT_CAUSE_CATEGORIES)), 1 / len(ROOT_CAUSE_CATEGORIES))
    sure = np.zeros((1, len(ROOT_CAUSE_CATEGORIES)))
    sure[0, ROOT_CAUSE_CATEGORIES.index("dns")] = 0.9
    assert decided(flat, 0.25)[0][0] is None and decided(sure, 0.25)[0][0] == "dns"


def test_the_shipped_model_is_arrays_and_settings_without_pickle():
    settings = json.loads((models_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert settings["classes"] == list(ROOT_CAUSE_CATEGORIES)
    with np.load(models_dir() / ARRAYS_FILE, allow_pickle=False) as arrays:
        assert arrays["lexical_coef"].shape == (len(ROOT_CAUSE_CATEGORIES), len(settings["terms"]))
        assert arrays["embedding_coef"].shape == (len(ROOT_CAUSE_CATEGORIES), settings["dimension"])
        assert all(arrays[name].dtype != object for name in arrays.files)
    assert 0 < settings["unknown_below"] < 1 and settings["temperature"] > 0


def test_the_cli_reads_the_team_taxonomy_from_the_config(tmp_path, monkeypatch):
    """`pmreview similar --text` names the built-in and the team category; a bad taxonomy exits 2."""
    from typer.testing import CliRunner

    from reviewer.cli import app

    monkeypatch.setenv("PMREVIEW_EMBEDDING_MODEL", "hashing-256")
    monkeypatch.setenv("PMREVIEW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".pmreview.toml").write_text(
        '[[tool.pmreview.cause-taxonomy]]\nname = "CERTS"\ndescription = "certificates that ran out"\n'
        'examples = ["the tls certificate expired on the proxy"]\nbuilt-in = ["expiry"]\n'
        '[[tool.pmreview.cause-taxonomy]]\nname = "PEOPLE"\ndescription = "a person ran the wrong command"\n'
        'examples = ["an operator deleted the production volume by mistake"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["similar", "--text", "The root cause: the TLS certificate on the proxy expired.",
                                      "--no-seed", "--format", "json"])
    assert result.exit_code == 0, result.output
    cause = json.loads(result.stdout)["cause"]
    assert cause["category"] == "expiry" and cause["team_category"] == "CERTS"
    (tmp_path / ".pmreview.toml").write_text('[tool.pmreview]\ncause-taxonomy = "nowhere/secret.toml"\n',
                                             encoding="utf-8")
    result = CliRunner().invoke(app, ["similar", "--text", "The certificate expired.", "--no-seed"])
    assert result.exit_code == 2 and "secret" not in result.output and "Traceback" not in result.output
