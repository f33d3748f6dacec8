"""The corpus commands of `pmreview`: import, similar, causes. `register(app)` adds them to the main app.

Same conventions as `pmreview check`: `--format text|json`, exit code 2 with a message on bad
input, a progress bar on stderr in a terminal, `--db URL` (default PMREVIEW_DATABASE_URL,
else a SQLite file in the user's data directory).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from reviewer.errors import PmreviewError

EXIT_OK, EXIT_USAGE = 0, 2
FORMATS = ("text", "json")

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="PMREVIEW_DATABASE_URL", show_envvar=True,
    help="Database URL (SQLAlchemy); default: a SQLite file in your data directory.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"pmreview: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _check_format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise _fail(f"--format takes {' or '.join(FORMATS)}; got {output_format!r}")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} takes a date as YYYY-MM-DD; got {value!r}") from None


def open_corpus(db: str | None):
    """The corpus at `db`, with the team's own root-cause categories (`cause-taxonomy`) from the config
    found from here upwards; PmreviewError when it cannot be opened."""
    from reviewer.config import find_config
    from reviewer.corpus.service import Corpus
    from reviewer.corpus.taxonomy import taxonomy_of_config

    return Corpus.open(db, taxonomy=taxonomy_of_config(find_config(Path.cwd())))


def _open(db: str | None):
    try:
        return open_corpus(db)
    except PmreviewError as exc:
        raise _fail(str(exc)) from None


def _seed(corpus) -> None:
    """Load the shipped example corpus into an empty store, saying so (it takes a little while)."""
    if corpus.count() == 0:
        typer.echo("pmreview: the corpus is empty; importing the example incidents first…", err=True)
        corpus.ensure_seeded()


def _emit(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def import_command(
    paths: Annotated[list[str], typer.Argument(help="Markdown files, folders of them, or JSONL files of records.")],
    db: DbOption = None,
    output_format: FormatOption = "text",
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr (only in a terminal).")] = True,
) -> None:
    """Import past incidents into the corpus (idempotent by id: re-importing updates)."""
    _check_format(output_format)
    from reviewer.corpus.service import read_paths

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise _fail("no such file or folder: " + ", ".join(missing))
    corpus = _open(db)
    entries = list(read_paths(paths))
    if not entries:
        raise _fail("no Markdown (*.md) or JSONL (*.jsonl) files in " + ", ".join(paths))
    bar = None
    try:
        if progress and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(transient=True, console=Console(stderr=True))
            task = bar.add_task("Importing", total=len(entries))
            bar.start()
        report = corpus.import_records(entries, on_progress=(lambda n: bar.advance(task, n)) if bar else None)
    except PmreviewError as exc:
        raise _fail(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
        corpus.close()
    if output_format == "json":
        _emit(report.to_dict())
    else:
        typer.echo(f"imported {len(report.imported)}, updated {len(report.updated)}, "
                   f"unchanged {len(report.unchanged)}, skipped {len(report.skipped)}")
        for skipped in report.skipped:
            where = skipped.source or skipped.id or "?"
            typer.echo(f"  skipped {where}{f' ({skipped.id})' if skipped.id and skipped.source else ''}: {skipped.reason}")
    raise typer.Exit(EXIT_USAGE if report.skipped else EXIT_OK)


def similar_command(
    file: Annotated[Optional[str], typer.Argument(help="A postmortem (Markdown); '-' reads stdin.")] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Compare this text instead of a file.")] = None,
    incident: Annotated[Optional[str], typer.Option("--id", help="Compare a stored incident.")] = None,
    k: Annotated[int, typer.Option("--k", "-k", help="How many incidents to show (1-100).")] = 5,
    service: Annotated[Optional[str], typer.Option(help="Only incidents of this service.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only incidents on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only incidents on or before this date.")] = None,
    severity: Annotated[Optional[str], typer.Option(help="Only incidents of this severity (SEV-1, P2, 1).")] = None,
    db: DbOption = None,
    output_format: FormatOption = "text",
    seed: Annotated[bool, typer.Option(help="Load the shipped example corpus when the store is empty.")] = True,
) -> None:
    """Show the past incidents most similar to a postmortem, with why they match."""
    _check_format(output_format)
    if sum(x is not None for x in (file, text, incident)) != 1:
        raise _fail("give one of: a FILE, --text TEXT or --id INCIDENT")
    if not 1 <= k <= 100:
        raise _fail("--k takes a number from 1 to 100")
    from reviewer.corpus.types import IncidentFilters

    filters = IncidentFilters(service=service, since=_date(since, "--since"), until=_date(until, "--until"),
                              severity=severity)
    if file is not None:
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            raise _fail(f"cannot read {file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise _fail(f"{file} is not UTF-8 text (byte {exc.start})") from None
    if text is not None and not text.strip():
        raise _fail("the text to compare is empty")
    corpus = _open(db)
    try:
        if seed:
            _seed(corpus)
        matches = corpus.similar(text, incident_id=incident, k=k, filters=filters)
        recurrence = corpus.recurrence(text) if text is not None else None
        cause = corpus.cause(text) if text is not None else None
    except PmreviewError as exc:
        raise _fail(str(exc)) from None
    finally:
        corpus.close()
    if output_format == "json":
        _emit({"matches": [m.to_dict() for m in matches],
               "recurrence": recurrence.to_dict() if recurrence else None,
               "cause": cause.to_dict() if cause else None})
        return
    if cause is not None:
        team = f"; {cause.team_category or 'unknown'} in your taxonomy" if cause.team_probability is not None else ""
        typer.echo(f"root cause: {cause.category or 'unknown (no category is likely)'}"
                   f"{f' ({cause.probability:.2f})' if cause.category else ''}{team}")
    if not matches:
        typer.echo("no similar incidents (the corpus is empty, nothing passes the filters, "
                   "or no past incident is likely to share this cause)")
    for rank, match in enumerate(matches, 1):
        inc = match.incident
        when = inc.date.isoformat() if inc.date else "undated"
        typer.echo(f"{rank}. {inc.id}  {match.score:.2f}  {when}  {inc.severity or ''}  {inc.title}")
        typer.echo(f"   why: {match.reason.describe()}")
    if recurrence is not None:
        typer.echo(f"\n{recurrence.message}")


def causes_command(
    since: Annotated[Optional[str], typer.Option(help="Only incidents on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only incidents on or before this date.")] = None,
    min_count: Annotated[int, typer.Option(help="Show groups of at least this many incidents.")] = 2,
    db: DbOption = None,
    output_format: FormatOption = "text",
    seed: Annotated[bool, typer.Option(help="Load the shipped example corpus when the store is empty.")] = True,
) -> None:
    """Recurring root causes across the corpus: each group with its incidents and open action items."""
    _check_format(output_format)
    if min_count < 1:
        raise _fail("--min-count takes a number ≥ 1")
    start, end = _date(since, "--since"), _date(until, "--until")
    corpus = _open(db)
    try:
        if seed:
            _seed(corpus)
        groups = corpus.root_causes(since=start, until=end, min_count=min_count)
    except PmreviewError as exc:
        raise _fail(str(exc)) from None
    finally:
        corpus.close()
    if output_format == "json":
        _emit([g.to_dict() for g in groups])
        return
    if not groups:
        typer.echo("no recurring root causes" + (f" since {start}" if start else ""))
    for group in groups:
        span = (f"{group.first_date} … {group.last_date}" if group.first_date else "undated")
        typer.echo(f"{group.label}: {group.count} incidents, {span}")
        typer.echo("   " + ", ".join(group.incident_ids))
        if group.open_action_items:
            typer.echo(f"   open action items: {len(group.open_action_items)}")
            for item in group.open_action_items[:5]:
                owner = f" ({item.owner})" if item.owner else ""
                typer.echo(f"   - [{item.incident_id}] {item.text[:100]}{owner}")
            if len(group.open_action_items) > 5:
                typer.echo(f"   … and {len(group.open_action_items) - 5} more")


def register(app: typer.Typer) -> None:
    """Add `import`, `similar` and `causes` to the main `pmreview` app."""
    app.command("import")(import_command)
    app.command("similar")(similar_command)
    app.command("causes")(causes_command)
