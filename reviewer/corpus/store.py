"""Where incidents live: SQLAlchemy 2 tables behind one `Store` interface.

The embedded default is a SQLite file in the user's data directory; any SQLAlchemy URL
works (PMREVIEW_DATABASE_URL). Vectors are stored as float32 bytes next to the model name
that made them; search runs on in-memory matrices (see `reviewer.corpus.index`), so a
PostgreSQL + pgvector store can be added later as another implementation of this interface
without touching the service.

Several processes may share one store (service workers, replicas, a CLI import next to a
running service), each with its own in-memory indexes. Every write and delete therefore
appends the incident's id to the `changes` table, in commit order, and each process asks
for the changes after the last one it applied (`changed_since`) before it searches.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    text as sql,
    delete,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DataError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from reviewer.corpus.errors import CorpusError, StoreError, StoreRefused, StoreUnavailable
from reviewer.corpus.types import FIELD_LIMITS, ActionItemState, Incident, IncidentFilters

SCHEMA_VERSION = "1"
_SCHEMA_LOCK = 0x706D7265  # any fixed number: the PostgreSQL advisory lock around creating the tables


def _store_error(exc: SQLAlchemyError) -> StoreError:
    """The safe error for a database failure: a refused value (DataError) or a store that is not
    there or not answering (every other kind: connection, lock, pool timeout, a race to retry)."""
    return StoreRefused() if isinstance(exc, DataError) else StoreUnavailable()


def _guarded(method: Callable) -> Callable:
    """Database errors leave a store method as StoreError (fixed words, the original chained)."""
    @functools.wraps(method)
    def guarded(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as exc:
            raise _store_error(exc) from exc
    return guarded


def default_url() -> str:
    """PMREVIEW_DATABASE_URL, else a SQLite file in the user's data directory."""
    url = os.environ.get("PMREVIEW_DATABASE_URL")
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("pmreview", appauthor=False))
    return f"sqlite:///{folder / 'corpus.sqlite3'}"


class Base(DeclarativeBase):
    pass


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(FIELD_LIMITS["id"]), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date, index=True)
    severity: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["severity"]))
    severity_level: Mapped[int | None] = mapped_column(Integer, index=True)
    category: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["root_cause_category"]), index=True)
    category_source: Mapped[str | None] = mapped_column(String(16))
    owner: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["owner"]))
    services: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    prose: Mapped[str] = mapped_column(Text, default="")  # the whole document's prose, for the lexical index
    text: Mapped[str] = mapped_column(Text)
    action_items: Mapped[list] = mapped_column(JSON, default=list)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceRow(Base):
    """One row per (incident, service), so that the service filter is an indexed lookup."""

    __tablename__ = "incident_services"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(FIELD_LIMITS["service"]), primary_key=True, index=True)


class EmbeddingRow(Base):
    __tablename__ = "embeddings"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    model: Mapped[str] = mapped_column(String(256))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class FeedbackRow(Base):
    """A pair marked "not similar"; stored once with the two ids in sorted order."""

    __tablename__ = "feedback"

    first_id: Mapped[str] = mapped_column(String(FIELD_LIMITS["id"]), primary_key=True)
    second_id: Mapped[str] = mapped_column(String(FIELD_LIMITS["id"]), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChangeRow(Base):
    """One write or delete of an incident. `seq` grows in commit order (see SqlStore.write)."""

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(String(FIELD_LIMITS["id"]))


class MetaRow(Base):
    __tablename__ = "corpus_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass(slots=True)
class StoredItem:
    """What one import writes for one incident, in one transaction with the others of its batch."""

    incident: Incident
    prose: str
    content_hash: str
    vectors: dict[str, np.ndarray]  # field → unit vector
    model: str


def _metrics_to_json(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in metrics.items()}


def _metrics_from_json(metrics: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in (metrics or {}).items():
        if k in ("started", "detected", "mitigated", "resolved") and isinstance(v, str):
            try:
                v = datetime.fromisoformat(v)
            except ValueError:
                v = None
        out[k] = v
    return out


def _row_to_incident(row: IncidentRow, with_text: bool) -> Incident:
    return Incident(
        id=row.id, title=row.title, date=row.date, severity=row.severity, severity_level=row.severity_level,
        services=list(row.services or []), tags=list(row.tags or []), category=row.category,
        category_source=row.category_source, summary=row.summary, root_cause=row.root_cause,
        resolution=row.resolution,
        action_items=[ActionItemState(text=a.get("text", ""), owner=a.get("owner"), ticket=a.get("ticket"),
                                      due=date.fromisoformat(a["due"]) if a.get("due") else None, done=a.get("done"),
                                      markdown=a.get("markdown") or "")
                      for a in row.action_items or []],
        metrics=_metrics_from_json(row.metrics), owner=row.owner, text=row.text if with_text else None,
        source=row.source, updated_at=_utc(row.updated_at))


def _utc(moment: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite hands them back without the zone, PostgreSQL with it."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


class Store(Protocol):
    """What the service needs of a store. `SqlStore` implements it for every SQLAlchemy database;
    a PostgreSQL + pgvector store would implement the same methods (and may search in SQL)."""

    url: str

    def close(self) -> None: ...
    def hashes(self, ids: Sequence[str]) -> dict[str, tuple[str, set[str]]]: ...
    def write(self, items: Iterable[StoredItem]) -> tuple[int, int] | None: ...
    def delete(self, incident_id: str) -> bool: ...
    def last_change(self) -> int: ...
    def changed_since(self, seq: int) -> tuple[set[str], int] | None: ...
    def add_feedback(self, first_id: str, second_id: str, verdict: str) -> None: ...
    def not_similar_to(self, incident_id: str) -> set[str]: ...
    def rederive(self, version: str, derive: Callable[[Incident], dict[str, Any] | None]) -> list[str] | None: ...
    def categories(self, ids: Sequence[str] | None = None) -> dict[str, str | None]: ...
    def get(self, incident_id: str, *, with_text: bool = True) -> Incident | None: ...
    def get_many(self, ids: Sequence[str]) -> dict[str, Incident]: ...
    def list(self, filters: IncidentFilters | None, offset: int, limit: int) -> tuple[list[Incident], int]: ...
    def ids(self, filters: IncidentFilters | None) -> set[str]: ...
    def count(self) -> int: ...
    def all_incidents(self, filters: IncidentFilters | None = None) -> list[Incident]: ...
    def lexical_texts(self, ids: Sequence[str] | None = None) -> list[tuple[str, str, str]]: ...
    def vectors(self, field: str, model: str, ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray | None]: ...


def open_store(url: str | None = None) -> Store:
    """The store for a URL. Every SQLAlchemy URL gets `SqlStore` (PostgreSQL included, vectors as bytes)."""
    return SqlStore(url)


class SqlStore:
    """The SQLAlchemy store (SQLite by default; any SQLAlchemy dialect with JSON support)."""

    # The change log keeps the latest KEEP_CHANGES changes, trimmed every PRUNE_EVERY; a process
    # further behind than that loads everything again (changed_since says so).
    KEEP_CHANGES = 100_000
    PRUNE_EVERY = 1_000

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise CorpusError("the database URL (--db or PMREVIEW_DATABASE_URL) is not a database URL "
                              "(e.g. sqlite:///path/corpus.sqlite3)") from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database not in (None, "", ":memory:"):
            try:
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CorpusError(f"cannot create the folder of the SQLite database: {exc.strerror or 'error'}") from None
        try:
            kwargs: dict[str, Any] = {}
            if self.is_sqlite:
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
                if parsed.database in (None, "", ":memory:"):
                    from sqlalchemy.pool import StaticPool

                    kwargs["poolclass"] = StaticPool  # one shared in-memory database, not one per connection
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, SQLAlchemyError, ImportError) as exc:
            driver = f" (is the driver for {parsed.get_backend_name()} installed?)" if isinstance(exc, ImportError) else ""
            raise CorpusError(f"cannot open the store{driver}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            with Session(self.engine) as session, session.begin():
                if self.engine.dialect.name == "postgresql":
                    # Replicas starting together on a new database: one creates the tables, the others wait.
                    session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
                Base.metadata.create_all(session.connection())
                version = session.get(MetaRow, "schema_version")
                if version is None:
                    session.add(MetaRow(key="schema_version", value=SCHEMA_VERSION))
                elif version.value != SCHEMA_VERSION:
                    raise CorpusError(f"the store has schema version {version.value}; "
                                      f"this pmreview reads version {SCHEMA_VERSION}")
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise _store_error(exc) from exc

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------
    @_guarded
    def hashes(self, ids: Sequence[str]) -> dict[str, tuple[str, set[str]]]:
        """For stored ids: the content hash and the models of its stored vectors."""
        if not ids:
            return {}
        with Session(self.engine) as session:
            rows = session.execute(select(IncidentRow.id, IncidentRow.content_hash).where(IncidentRow.id.in_(ids))).all()
            models = session.execute(select(EmbeddingRow.incident_id, EmbeddingRow.model)
                                     .where(EmbeddingRow.incident_id.in_(ids))).all()
        out = {row.id: (row.content_hash, set()) for row in rows}
        for incident_id, model in models:
            if incident_id in out:
                out[incident_id][1].add(model)
        return out

    def _in_commit_order(self, session: Session) -> None:
        """Writers one at a time until commit, so that a change numbered lower is never committed
        after a reader has seen a higher one (SQLite already writes one transaction at a time)."""
        if not self.is_sqlite and self.engine.dialect.name == "postgresql":
            session.execute(sql("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE"))

    @_guarded
    def write(self, items: Iterable[StoredItem]) -> tuple[int, int] | None:
        """Insert or replace these incidents and their vectors, all in one transaction.
        Returns the first and last change numbers it recorded (None when it wrote nothing)."""
        changes: list[ChangeRow] = []
        with Session(self.engine) as session, session.begin():
            self._in_commit_order(session)
            for item in items:
                inc = item.incident
                session.execute(delete(ServiceRow).where(ServiceRow.incident_id == inc.id))
                session.execute(delete(EmbeddingRow).where(EmbeddingRow.incident_id == inc.id))
                session.merge(IncidentRow(
                    id=inc.id, title=inc.title, date=inc.date, severity=inc.severity,
                    severity_level=inc.severity_level, category=inc.category, category_source=inc.category_source,
                    owner=inc.owner, services=inc.services, tags=inc.tags, summary=inc.summary,
                    root_cause=inc.root_cause, resolution=inc.resolution, prose=item.prose, text=inc.text or "",
                    action_items=[a.to_dict() for a in inc.action_items], metrics=_metrics_to_json(inc.metrics),
                    source=inc.source, content_hash=item.content_hash,
                    updated_at=inc.updated_at or datetime.now(timezone.utc)))
                session.flush()  # the incident row first: services and vectors refer to it
                for service in dict.fromkeys(inc.services):
                    session.add(ServiceRow(incident_id=inc.id, service=service))
                for name, vector in item.vectors.items():
                    session.add(EmbeddingRow(incident_id=inc.id, field=name, model=item.model,
                                             vector=np.asarray(vector, dtype=np.float32).tobytes()))
                changes.append(ChangeRow(incident_id=inc.id))
            session.add_all(changes)
            session.flush()
            numbers = [change.seq for change in changes]
            if numbers:
                self._prune(session, min(numbers), max(numbers))
        return (min(numbers), max(numbers)) if numbers else None

    def _prune(self, session: Session, first: int, last: int) -> None:
        """Trim the change log when these changes crossed a multiple of PRUNE_EVERY."""
        if last // self.PRUNE_EVERY == (first - 1) // self.PRUNE_EVERY or last <= self.KEEP_CHANGES:
            return
        through = last - self.KEEP_CHANGES
        session.execute(delete(ChangeRow).where(ChangeRow.seq <= through))
        session.merge(MetaRow(key="changes_pruned_through", value=str(through)))

    @_guarded
    def delete(self, incident_id: str) -> bool:
        with Session(self.engine) as session, session.begin():
            self._in_commit_order(session)
            session.execute(delete(ServiceRow).where(ServiceRow.incident_id == incident_id))
            session.execute(delete(EmbeddingRow).where(EmbeddingRow.incident_id == incident_id))
            session.execute(delete(FeedbackRow).where(or_(FeedbackRow.first_id == incident_id,
                                                          FeedbackRow.second_id == incident_id)))
            deleted = session.execute(delete(IncidentRow).where(IncidentRow.id == incident_id)).rowcount
            if deleted:
                change = ChangeRow(incident_id=incident_id)
                session.add(change)
                session.flush()
                self._prune(session, change.seq, change.seq)
        return bool(deleted)

    @_guarded
    def last_change(self) -> int:
        """The number of the latest write or delete (0 for none)."""
        with Session(self.engine) as session:
            return session.scalar(select(func.max(ChangeRow.seq))) or 0

    @_guarded
    def changed_since(self, seq: int) -> tuple[set[str], int] | None:
        """The ids written or deleted after change `seq`, and the number of the latest change;
        None when the log no longer reaches back to `seq` (the caller must load everything)."""
        with Session(self.engine) as session:
            pruned = session.get(MetaRow, "changes_pruned_through")
            if pruned is not None and seq < int(pruned.value):
                return None
            rows = session.execute(select(ChangeRow.seq, ChangeRow.incident_id).where(ChangeRow.seq > seq)).all()
        return {row.incident_id for row in rows}, max((row.seq for row in rows), default=seq)

    @_guarded
    def add_feedback(self, first_id: str, second_id: str, verdict: str) -> None:
        a, b = sorted((first_id, second_id))
        with Session(self.engine) as session, session.begin():
            session.merge(FeedbackRow(first_id=a, second_id=b, verdict=verdict, created_at=datetime.now(timezone.utc)))

    @_guarded
    def not_similar_to(self, incident_id: str) -> set[str]:
        """The ids marked "not similar" to this one (in either order)."""
        with Session(self.engine) as session:
            rows = session.execute(select(FeedbackRow.first_id, FeedbackRow.second_id).where(
                or_(FeedbackRow.first_id == incident_id, FeedbackRow.second_id == incident_id))).all()
        return {b if a == incident_id else a for a, b in rows}

    @_guarded
    def categories(self, ids: Sequence[str] | None = None) -> dict[str, str | None]:
        statement = select(IncidentRow.id, IncidentRow.category)
        if ids is not None:
            statement = statement.where(IncidentRow.id.in_(list(ids)))
        with Session(self.engine) as session:
            return {row[0]: row[1] for row in session.execute(statement)}

    # -- reading ---------------------------------------------------------------------------
    @_guarded
    def get(self, incident_id: str, *, with_text: bool = True) -> Incident | None:
        with Session(self.engine) as session:
            row = session.get(IncidentRow, incident_id)
            return _row_to_incident(row, with_text) if row is not None else None

    @_guarded
    def get_many(self, ids: Sequence[str]) -> dict[str, Incident]:
        if not ids:
            return {}
        with Session(self.engine) as session:
            rows = session.scalars(select(IncidentRow).where(IncidentRow.id.in_(list(ids)))).all()
            return {row.id: _row_to_incident(row, False) for row in rows}

    def _filtered(self, statement, filters: IncidentFilters | None):
        if filters is None:
            return statement
        if filters.service:
            statement = statement.where(IncidentRow.id.in_(
                select(ServiceRow.incident_id).where(ServiceRow.service == filters.service)))
        if filters.since:
            statement = statement.where(IncidentRow.date >= filters.since)
        if filters.until:
            statement = statement.where(IncidentRow.date <= filters.until)
        if filters.severity:
            from reviewer.document.metadata import severity_level

            level = severity_level(filters.severity)
            statement = statement.where(IncidentRow.severity_level == level if level is not None
                                        else func.lower(IncidentRow.severity) == filters.severity.lower())
        if filters.category:
            statement = statement.where(IncidentRow.category == filters.category)
        return statement

    @_guarded
    def list(self, filters: IncidentFilters | None, offset: int, limit: int) -> tuple[list[Incident], int]:
        with Session(self.engine) as session:
            total = session.scalar(self._filtered(select(func.count(IncidentRow.id)), filters)) or 0
            rows = session.scalars(self._filtered(select(IncidentRow), filters)
                                   .order_by(IncidentRow.date.desc().nulls_last(), IncidentRow.id)
                                   .offset(offset).limit(limit)).all()
            return [_row_to_incident(r, False) for r in rows], total

    @_guarded
    def ids(self, filters: IncidentFilters | None) -> set[str]:
        with Session(self.engine) as session:
            return set(session.scalars(self._filtered(select(IncidentRow.id), filters)))

    @_guarded
    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count(IncidentRow.id))) or 0

    @_guarded
    def all_incidents(self, filters: IncidentFilters | None = None) -> list[Incident]:
        with Session(self.engine) as session:
            rows = session.scalars(self._filtered(select(IncidentRow), filters).order_by(IncidentRow.id)).all()
            return [_row_to_incident(r, False) for r in rows]

    @_guarded
    def lexical_texts(self, ids: Sequence[str] | None = None) -> list[tuple[str, str, str]]:
        """(id, whole prose with title, root-cause text) for every incident (or these), for the lexical index."""
        statement = select(IncidentRow.id, IncidentRow.title, IncidentRow.prose, IncidentRow.root_cause)
        if ids is not None:
            statement = statement.where(IncidentRow.id.in_(list(ids)))
        with Session(self.engine) as session:
            return [(r.id, f"{r.title}\n{r.prose}", r.root_cause or r.prose)
                    for r in session.execute(statement.order_by(IncidentRow.id))]

    @_guarded
    def vectors(self, field: str, model: str, ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray | None]:
        """Every stored vector (or those of these ids) of this field made by this model: ids and a
        (n, d) float32 matrix."""
        statement = select(EmbeddingRow.incident_id, EmbeddingRow.vector).where(EmbeddingRow.field == field,
                                                                                 EmbeddingRow.model == model)
        if ids is not None:
            statement = statement.where(EmbeddingRow.incident_id.in_(list(ids)))
        with Session(self.engine) as session:
            rows = session.execute(statement.order_by(EmbeddingRow.incident_id)).all()
        if not rows:
            return [], None
        matrix = np.vstack([np.frombuffer(r.vector, dtype=np.float32) for r in rows])
        return [r.incident_id for r in rows], matrix

    # Fields `rederive` may replace: derived from the stored text, neither given nor embedded apart.
    REDERIVED = ("title", "summary", "root_cause", "resolution", "action_items")

    def rederive(self, version: str, derive: Callable[[Incident], dict[str, Any] | None],
                 batch: int = 200) -> list[str] | None:
        """Once per `version` of the extraction: replace what `derive(incident)` returns for each
        stored incident (fields of REDERIVED only), in one transaction, each change logged for
        the other processes. Returns the changed ids; None when this version already ran."""
        with Session(self.engine) as session:
            done = session.get(MetaRow, "derived_version")
            if done is not None and done.value == version:
                return None
        changed: list[str] = []
        with Session(self.engine) as session, session.begin():
            self._in_commit_order(session)
            if self.engine.dialect.name == "postgresql":
                session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK + 1})
            else:
                # SQLite takes its write lock at the first write: take it before reading the mark,
                # so that processes opening the store together re-derive it once.
                session.execute(update(MetaRow).where(MetaRow.key == "schema_version").values(value=MetaRow.value))
            done = session.get(MetaRow, "derived_version")
            if done is not None and done.value == version:
                return None  # another process did it while this one waited
            ids = list(session.scalars(select(IncidentRow.id).order_by(IncidentRow.id)))
            for first in range(0, len(ids), batch):
                for row in session.scalars(select(IncidentRow).where(IncidentRow.id.in_(ids[first : first + batch]))):
                    fields = derive(_row_to_incident(row, with_text=True)) or {}
                    fields = {k: v for k, v in fields.items() if k in self.REDERIVED}
                    if not fields:
                        continue
                    for name, value in fields.items():
                        setattr(row, name, [a.to_dict() for a in value] if name == "action_items" else value)
                    changed.append(row.id)
                session.flush()
                session.expunge_all()
            session.add_all([ChangeRow(incident_id=i) for i in changed])
            session.merge(MetaRow(key="derived_version", value=version))
        return changed


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers keep reading while an import writes
    except Exception:  # noqa: BLE001 - in-memory databases have no WAL; nothing to do
        pass
    cursor.close()
