"""The `pmreview` command: check, rules, rule, init, show-config, serve (+ import, similar, causes).

Exit codes: 0 nothing reaches the bar; 1 a finding reaches `--fail-on` or a score is under
`--fail-under`; 2 usage error or unreadable input (the other files are still checked).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reviewer import __version__
from reviewer.config import Config, find_config, read_file
from reviewer.errors import PmreviewError
from reviewer.findings import Dimension, Severity
from reviewer.resources import template_path

app = typer.Typer(
    name="pmreview",
    help="Review incident postmortems: blameful phrasing, vague times, missing metrics, thin detail.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
BATCH = 16


def fail_usage(message: str) -> typer.Exit:
    typer.echo(f"pmreview: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _discover(paths: list[str], include: list[str], exclude: list[str]) -> tuple[list[str], list[str]]:
    """Files to check (in a stable order) and paths that do not exist."""
    files: list[str] = []
    missing: list[str] = []
    for raw in paths:
        if raw == "-":
            files.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if any(fnmatch.fnmatch(name, pattern) for pattern in include) and not any(
                            fnmatch.fnmatch(full, pattern) or fnmatch.fnmatch(name, pattern) for pattern in exclude):
                        files.append(full)
        elif path.exists():
            files.append(raw)
        else:
            missing.append(raw)
    return files, missing


def _read(path: str) -> tuple[str | None, str | None]:
    """The file's text, or an error that says why it cannot be read."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror or exc}"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"{path} is not UTF-8 text (byte {exc.start})"


def _parse_dimension_bars(values: list[str] | None) -> dict[Dimension, float]:
    bars: dict[Dimension, float] = {}
    for value in _split(values):
        name, _, number = value.partition("=")
        try:
            bars[Dimension(name.strip().lower())] = float(number)
        except ValueError:
            raise fail_usage(f"--fail-under-dimension takes DIMENSION=SCORE with a dimension of "
                             f"{', '.join(d.value for d in Dimension)}; got {value!r}") from None
    return bars


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"pmreview {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    """pmreview: review postmortems from the command line, in CI, or as a service (`pmreview serve`)."""


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (recursing into *.md); '-' reads stdin.")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json, sarif, github or junit.")] = "text",
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this config file (TOML).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    fail_on: Annotated[Optional[str], typer.Option(help="Exit 1 on findings of this severity or worse: "
                                                        "error, warning, suggestion, or never.")] = None,
    fail_under: Annotated[Optional[float], typer.Option(help="Exit 1 when the overall score is below this.")] = None,
    fail_under_dimension: Annotated[Optional[list[str]], typer.Option(
        help="Exit 1 when a dimension scores below: blame=90 (repeatable).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    stdin_filename: Annotated[Optional[str], typer.Option(help="The name to report for '-'.")] = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr (only in a terminal).")] = True,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", help="Colour the text output.")] = None,
    server_url: Annotated[Optional[str], typer.Option(
        envvar="PMREVIEW_SERVER_URL",
        help="Base URL of your pmreview service: SARIF links each rule to its /rules/CODE page there.")] = None,
    db: Annotated[Optional[str], typer.Option(
        "--db", envvar="PMREVIEW_DATABASE_URL", show_envvar=True,
        help="A corpus of past incidents (SQLAlchemy URL): say when a draft's root cause recurs there. "
             "Without it, check opens no store and loads no embedding model.")] = None,
) -> None:
    """Review postmortems and report what needs work."""
    import time

    from reviewer.output import FORMATS, RunOptions, render
    from reviewer.output.common import Gate, is_http_url
    from reviewer.review import Document, Reviewer

    if output_format not in FORMATS:
        raise fail_usage(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
    never = fail_on is not None and fail_on.lower() == "never"
    overrides: dict = {}
    if select:
        overrides["select"] = _split(select)
    if ignore:
        overrides["ignore"] = _split(ignore)
    if fail_on and not never:
        try:
            overrides["fail_on"] = Severity(fail_on.lower())
        except ValueError:
            raise fail_usage(f"--fail-on takes error, warning, suggestion or never; got {fail_on!r}") from None
    if fail_under is not None:
        if not 0 <= fail_under <= 100:
            raise fail_usage("--fail-under takes a score from 0 to 100")
        overrides["fail_under"] = fail_under
    if fail_under_dimension:
        overrides["fail_under_dimension"] = _parse_dimension_bars(fail_under_dimension)
    if not paths:
        raise fail_usage("give files, folders or '-' for stdin")
    server_url = server_url or None  # an empty PMREVIEW_SERVER_URL (a CI input left blank) is no URL
    if server_url is not None and not is_http_url(server_url):
        raise fail_usage("--server-url takes an http:// or https:// URL")
    started = time.perf_counter()

    try:
        fixed = read_file(config_file) if config_file else None
        if config_file and fixed is None:
            raise PmreviewError(f"{config_file} has no [tool.pmreview] section")
        configs: dict[str, Config] = {}

        def config_for(path: str) -> Config:
            if fixed is not None:
                base = fixed
            else:
                where = Path.cwd() if path == "-" else Path(path).resolve().parent
                key = str(where)
                if key not in configs:
                    configs[key] = find_config(where)
                base = configs[key]
            return base.merged(overrides) if overrides else base

        first = config_for(paths[0] if paths[0] != "-" else "-")
        files, missing = _discover(paths, first.include, first.exclude)
    except PmreviewError as exc:
        raise fail_usage(str(exc)) from None
    if not files and not missing:
        raise fail_usage("no Markdown files found in " + ", ".join(paths))

    reviewer = Reviewer(first)
    reviews = []
    unreadable = bool(missing)
    for path in missing:
        from reviewer.review import Review

        reviews.append(Review(path=path, text="", error=f"{path}: no such file or folder"))

    show_progress = progress and sys.stderr.isatty() and len(files) > 1
    try:
        config_per_file = {path: config_for(path) for path in files}
    except PmreviewError as exc:
        raise fail_usage(str(exc)) from None
    batches = [files[i : i + BATCH] for i in range(0, len(files), BATCH)]
    progress_bar = None
    if show_progress:
        from rich.progress import Progress

        progress_bar = Progress(transient=True, console=_stderr_console())
        task = progress_bar.add_task("Reviewing", total=len(files))
        progress_bar.start()
    try:
        for batch in batches:
            documents, errors = [], {}
            for path in batch:
                text, error = _read(path)
                name = (stdin_filename or "-") if path == "-" else path
                if error:
                    errors[name] = error
                    unreadable = True
                else:
                    documents.append(Document(text, name, config_per_file[path]))
            try:
                reviewed = reviewer.review_many(documents)
            except PmreviewError as exc:  # e.g. no spaCy model installed
                raise fail_usage(str(exc)) from None
            by_name = {r.path: r for r in reviewed}
            for path in batch:
                name = (stdin_filename or "-") if path == "-" else path
                if name in errors:
                    from reviewer.review import Review

                    reviews.append(Review(path=name, text="", error=errors[name]))
                else:
                    reviews.append(by_name[name])
            if progress_bar is not None:
                progress_bar.advance(task, len(batch))
    finally:
        if progress_bar is not None:
            progress_bar.stop()

    if db:
        _add_recurrence(db, reviews)
    use_color = color if color is not None else (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    options = RunOptions(fail_on_never=never, elapsed=time.perf_counter() - started, rules_url=server_url)
    report = render(output_format, reviews, color=use_color and output_format == "text", options=options)
    if output is not None:
        try:
            output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise fail_usage(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(report)
        if report and not report.endswith("\n"):
            sys.stdout.write("\n")
    if unreadable or any(r.error for r in reviews):
        raise typer.Exit(EXIT_USAGE)
    # `--fail-on never` turns off the findings' part of the gate only: score bars still apply.
    if any(Gate.of(r, options, fallback=first).fails(r) for r in reviews):
        raise typer.Exit(EXIT_FAIL)
    raise typer.Exit(EXIT_OK)


def _add_recurrence(db: str, reviews: list) -> None:
    """Each reviewed draft's recurrence in the corpus at `db`, as the fact `recurrence`.

    Information only, as in the service: a store that cannot answer is a warning on stderr, never a
    failed check, and the gate does not read it.
    """
    from reviewer.corpus.commands import open_corpus

    try:
        corpus = open_corpus(db)
    except PmreviewError as exc:
        typer.echo(f"pmreview: warning: no recurrence: {exc}", err=True)
        return
    try:
        for review in reviews:
            if review.error or not review.text:
                continue
            review.facts["recurrence"] = corpus.recurrence(review.text).to_dict()
    except PmreviewError as exc:
        typer.echo(f"pmreview: warning: no recurrence: {exc}", err=True)
    finally:
        corpus.close()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
) -> None:
    """List every rule: code, name, dimension, default severity, summary (`--format markdown`: every doc)."""
    from reviewer.rules.base import all_rules

    rules = all_rules()
    if output_format == "markdown":
        typer.echo(rules_markdown(rules.values()), nl=False)
        return
    if output_format == "json":
        typer.echo(json.dumps([{"code": r.code, "name": r.name, "dimension": r.dimension.value,
                                "severity": r.severity.value, "category": r.category, "summary": r.summary,
                                "full_bar_only": r.full_bar_only} for r in rules.values()], indent=2))
        return
    if output_format != "text":
        raise fail_usage("--format takes text, json or markdown")
    width = max((len(r.name) for r in rules.values()), default=10)
    for r in rules.values():
        typer.echo(f"{r.code}  {r.name:<{width}}  {r.dimension.value:<7}  {r.severity.value:<10}  {r.summary}")


def rules_markdown(rules) -> str:
    """docs/rules.md: every rule's documentation under a heading whose anchor is its code (#pm201)."""
    lines = ["# pmreview rules", "",
             "Written by `pmreview rules --format markdown > docs/rules.md`; `pmreview rule CODE` prints one.", ""]
    for rule in rules:
        lines.append(f"- [{rule.code} {rule.name}](#{rule.code.lower()}): {rule.summary}")
    for rule in rules:
        doc = rule.doc().strip()
        # The rule's own title becomes the anchor heading; its sections move one level down.
        body = "\n".join(("#" + line) if line.startswith("#") else line for line in doc.splitlines()[1:])
        lines += ["", f"## {rule.code}", "", f"**{rule.name}** ({rule.dimension.value}, {rule.severity.value})",
                  body.rstrip()]
    return "\n".join(lines) + "\n"


@app.command("rule")
def show_rule(code: Annotated[str, typer.Argument(help="A rule code (PM101) or name (missing-section).")]) -> None:
    """Print a rule's documentation."""
    from reviewer.rules.base import find_rule

    found = find_rule(code)
    if found is None:
        raise fail_usage(f"no rule {code!r}; `pmreview rules` lists them")
    doc = found.doc()
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(doc))
    else:
        typer.echo(doc)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the template (a file, or a folder).")] = Path("postmortem.md"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write the postmortem template: every section, ready to fill in."""
    target = path / "postmortem.md" if path.is_dir() else path
    if target.exists() and not force:
        raise fail_usage(f"{target} exists; use --force to overwrite it")
    try:
        target.write_text(template_path().read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise fail_usage(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {target}")


@app.command("show-config")
def show_config(
    path: Annotated[Path, typer.Argument(help="The file or folder whose effective config to show.")] = Path("."),
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this config file.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="toml or json.")] = "toml",
) -> None:
    """Print the effective configuration (defaults + the config file found)."""
    try:
        config = (read_file(config_file) if config_file else None) or find_config(path)
    except PmreviewError as exc:
        raise fail_usage(str(exc)) from None
    data = config.model_dump(mode="json")
    source = data.pop("source") or "defaults (no config file found)"
    if output_format == "json":
        typer.echo(json.dumps({"source": source, **data}, indent=2))
    elif output_format == "toml":
        typer.echo(f"# effective configuration; from: {source}\n[tool.pmreview]")
        typer.echo(_toml(data))
    else:
        raise fail_usage("--format takes toml or json")


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value))


def _toml(data: dict) -> str:
    return "\n".join(f"{key} = {_toml_value(value)}" for key, value in data.items() if value is not None)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.", envvar="PMREVIEW_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", envvar="PMREVIEW_PORT")] = 8000,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Config file for the service.")] = None,
) -> None:
    """Start the review service (HTTP API and pages) on the embedded default store."""
    try:
        from api.server import serve as run_server
    except ImportError as exc:
        raise fail_usage(f"the service is not available: {exc}") from None
    run_server(host=host, port=port, config=str(config_file) if config_file else None)


@app.command()
def lsp() -> None:
    """Run the language server on stdin/stdout (for editors: diagnostics, quick fixes, rule docs on hover)."""
    try:
        from reviewer.lsp.server import main as serve_lsp
    except ImportError as exc:
        raise fail_usage(f"the language server is not available: {exc}") from None
    serve_lsp()


def _register_corpus_commands() -> None:
    import importlib
    import importlib.util

    if importlib.util.find_spec("reviewer.corpus.commands") is not None:
        importlib.import_module("reviewer.corpus.commands").register(app)


_register_corpus_commands()

if __name__ == "__main__":
    app()
