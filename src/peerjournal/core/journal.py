"""The Journal API: everything the CLI and the TUI do with a journal goes through here.

A Journal owns one unlocked Vault and its single database connection. Every public method
takes the same re-entrant lock, so the TUI can call it from thread workers without two
threads ever sharing the connection at once. Nothing here loads all rows: the timeline pages
by keyset on (time, rowid), search asks FTS5 for the best few, and previews are cut in SQL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlcipher3

from peerjournal.core import schema
from peerjournal.core.changes import SETTING, Action, Change, ChangeListener, JournalChange
from peerjournal.core.errors import (
    InvalidRecord,
    JournalDamaged,
    NotFound,
    SearchCancelled,
    StorageFull,
    WrongPassphrase,
)
from peerjournal.core.kdf import DEFAULT_POLICY, FLOOR, KdfParams, KdfPolicy, derive_keys
from peerjournal.core.models import (
    BY_KIND,
    DELETED_ALIAS_NAME,
    MARKED_KINDS,
    REFLECTION_TEMPLATES,
    TIMELINE_KINDS,
    Alias,
    ConfidentialityEvent,
    FollowUp,
    Record,
    Session,
    Tagged,
    Timestamped,
    now_iso,
    sort_key_micros,
    validate_record,
)
from peerjournal.core.vault import CheckReport, Vault
from peerjournal.core.words import (
    BOUNDARY_WHAT_WORDS,
    OCCASION_LABELS,
    supervision_title,
    words_for,
)

R = TypeVar("R", bound=Record)
P = ParamSpec("P")
T = TypeVar("T")

PREVIEW_CHARS = 240
# Search ranks (bm25) at most this many matches, the most recently written: ranking costs per
# match, and a word in half of 100k notes has 45k of them. Recent notes are the likelier target.
SEARCH_WINDOW = 2000
_HIGHLIGHT_START, _HIGHLIGHT_END = "\x02", "\x03"  # control chars never survive sanitising
# What a search takes from what was typed. FTS5's work grows with the number of terms (and
# faster than linearly for repeated ones: 2,000 repeats of one word took 172 s), so repeats
# are dropped and the rest is capped; anything cut is said (SearchQuery.notice).
MAX_SEARCH_TERMS = 64
MAX_SEARCH_CHARS = 1000
# A running search checks every this many SQLite virtual-machine steps whether the journal is
# being locked, and stops if so: locking must never wait for a long search.
SEARCH_PROGRESS_STEPS = 1000


# The ids of every record marked for supervision: each kind whose model has the field.
_MARKED_IDS = " UNION ALL ".join(
    f"SELECT id FROM {cls.TABLE} WHERE for_supervision = 1"  # noqa: S608 - names are ours
    for cls in MARKED_KINDS
)


def _serialised(method: Callable[P, T]) -> Callable[P, T]:
    """Run the method under the journal's lock: one connection, one user at a time."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        journal = args[0]
        assert isinstance(journal, Journal)
        with journal._mutex:
            try:
                return method(*args, **kwargs)
            except (sqlcipher3.IntegrityError, sqlcipher3.OperationalError):
                raise  # mapped where they happen (invalid record, disk full)
            except sqlcipher3.DatabaseError:
                # A page that fails SQLCipher's HMAC or SQLite's structure checks: damage,
                # named as such, never a traceback or a silently empty result.
                raise JournalDamaged(
                    "Part of the journal database cannot be read: it is damaged. Nothing was "
                    "changed; run 'peerjournal check' and restore from a backup."
                ) from None

    return wrapper


@dataclass(frozen=True)
class Cursor:
    """Where a timeline page ended; pass it back to get the next (older) page."""

    sort_ts: int
    rowid: int


@dataclass(frozen=True)
class Summary:
    """One entry in one line, as the timeline, search and lists show it.

    `label` is the kind's word for a column ("Session"; a confidentiality event says its
    occasion: "Limits" or "Concern"), and `title` the rest, never starting with the kind
    ("in person, individual, 50 min"; a reflection's own title). A screen with no kind column
    writes both: "Session · in person, individual, 50 min".
    """

    when: str
    label: str
    title: str
    preview: str


@dataclass(frozen=True)
class TimelineItem:
    id: str
    kind: str
    when: str  # the record's own time: ISO date or date-time with offset
    alias: str | None
    label: str  # the kind's column word (Summary.label)
    title: str  # one line, without the kind (Summary.title)
    preview: str  # one line, at most PREVIEW_CHARS
    cursor: Cursor


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: Cursor | None  # None when there is nothing older


@dataclass(frozen=True)
class SearchHit:
    id: str
    kind: str
    when: str
    alias: str | None
    label: str  # the kind's column word (Summary.label)
    title: str  # one line, without the kind (Summary.title)
    snippet: list[tuple[str, bool]]  # (text, is_match) parts, ready to highlight

    @property
    def snippet_text(self) -> str:
        return "".join(part for part, _ in self.snippet)


@dataclass(frozen=True)
class Deleted:
    """A record as it was just before `Journal.delete`, and the records that pointed to it
    (their link was set to NULL), so that `restore_deleted` can put everything back."""

    record: Record
    links: tuple[tuple[str, str, str], ...]  # (table, column, id of the row that linked)


@dataclass(frozen=True)
class Draft:
    key: str
    kind: str
    payload: dict[str, Any]
    updated_at: str


_WORD = re.compile(r"\w+", re.UNICODE)
_QUERY_TOKEN = re.compile(r'"([^"]*)"|(\w+)(\*?)', re.UNICODE)


@dataclass(frozen=True)
class SearchQuery:
    """What a search will look for: the FTS5 query, its terms, and whether some were cut."""

    terms: tuple[str, ...]  # each one quoted FTS5 term, in the order typed, without repeats
    capped: bool  # the text was longer than MAX_SEARCH_CHARS or had more terms than allowed

    @property
    def fts(self) -> str | None:
        return " ".join(self.terms) if self.terms else None

    @property
    def notice(self) -> str | None:
        if not self.capped:
            return None
        return (
            f"Only the first {MAX_SEARCH_TERMS} different words of the search (and at most "
            f"{MAX_SEARCH_CHARS:,} characters) were used."
        )


def parse_query(text: str) -> SearchQuery:
    """Turn what a person typed into a safe FTS5 query (see `fts_query`), bounded.

    A repeated term counts once (FTS5 treats "River river" as the same word twice); at most
    MAX_SEARCH_TERMS terms from the first MAX_SEARCH_CHARS characters are kept, cut at a space
    so no word is halved. `capped` says whether anything that was cut would have added a term.
    """
    kept, rest = text, ""
    if len(text) > MAX_SEARCH_CHARS:
        cut = text.rfind(" ", 0, MAX_SEARCH_CHARS + 1)
        cut = cut if cut > 0 else MAX_SEARCH_CHARS
        kept, rest = text[:cut], text[cut:]
    terms: dict[str, str] = {}  # case-folded term -> term, in the order typed
    for term in _terms(kept):
        if term.casefold() in terms:
            continue
        if len(terms) == MAX_SEARCH_TERMS:
            return SearchQuery(tuple(terms.values()), capped=True)
        terms[term.casefold()] = term
    # Past the length cut: only whether it held anything new (one linear scan, no FTS work).
    capped = any(term.casefold() not in terms for term in _terms(rest))
    return SearchQuery(tuple(terms.values()), capped)


def _terms(text: str) -> Iterator[str]:
    """The quoted FTS5 terms in `text`, repeats included."""
    for match in _QUERY_TOKEN.finditer(text):
        phrase, word, star = match.groups()
        if phrase is not None:
            words = _WORD.findall(phrase)
            if words:
                yield '"' + " ".join(words) + '"'
        elif word:
            yield f'"{word}"' + ("*" if star else "")


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query, or None when nothing is searchable.

    Words are ANDed; "double quotes" make a phrase; a trailing * makes a prefix. Every term is
    re-quoted from word characters only, so FTS5 syntax in the input (NEAR, AND, parentheses,
    column filters, stray quotes) is searched for as words and can never raise. Repeats are
    dropped and the length is bounded (`parse_query`).
    """
    return parse_query(text).fts


def _split_snippet(snippet: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    snippet = _HEADING_MARK.sub("", snippet)  # "## Description": the words, not the marks
    for index, piece in enumerate(re.split(f"[{_HIGHLIGHT_START}{_HIGHLIGHT_END}]", snippet)):
        if piece:
            parts.append((re.sub(r"\s+", " ", piece), index % 2 == 1))
    return parts


_TEMPLATE_HEADINGS = frozenset(
    section.casefold() for _, sections in REFLECTION_TEMPLATES.values() for section in sections
)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(.*?)[ \t#]*$", re.MULTILINE)
_HEADING_MARK = re.compile(r"(?<!\w)#{1,6}[ \t]+")


def _without_headings(text: str) -> str:
    """A reflection's text for a preview: the template's prompts ("## Description") left
    out, and the marks of any other Markdown heading."""

    def heading(match: re.Match[str]) -> str:
        words = match.group(1)
        return "" if words.casefold() in _TEMPLATE_HEADINGS else words

    return _HEADING.sub(heading, text)


def _one_line(text: str, limit: int = PREVIEW_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class Journal:
    """An unlocked journal. Create with `Journal.create` or `Journal.open`; close when done."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._mutex = threading.RLock()
        self._transaction_depth = 0
        # Stopping searches (see `cancel_searches`): read by the search's progress handler
        # without the mutex, changed under this small lock of their own.
        self._stop_guard = threading.Lock()
        self._search_epoch = 0  # a search started in an older epoch stops
        self._locks_waiting = 0  # while a lock() or close() waits, every search stops
        # What the open transaction changed, told to the listeners once it commits.
        self._changes: list[Change] = []
        self._listeners: list[ChangeListener] = []
        schema.migrate(vault.connection)

    # ---- lifecycle

    @classmethod
    def create(cls, home: Path, passphrase: str, *, policy: KdfPolicy = DEFAULT_POLICY) -> Journal:
        vault = Vault.create(Path(home), passphrase, policy=policy, initialise=schema.migrate)
        return cls(vault)

    @classmethod
    def open(cls, home: Path, passphrase: str, *, policy: KdfPolicy = DEFAULT_POLICY) -> Journal:
        vault = Vault.locate(Path(home), policy=policy)
        try:
            vault.unlock(passphrase)
            return cls(vault)
        except BaseException:
            vault.close()
            raise

    @property
    def home(self) -> Path:
        return self._vault.home

    @property
    def vault(self) -> Vault:
        return self._vault

    @property
    def is_unlocked(self) -> bool:
        return self._vault.is_unlocked

    def lock(self) -> None:
        """Checkpoint, close the database and drop the key; keep the directory lock.

        A search running in another thread is stopped first (it raises SearchCancelled), and
        so is any search that starts while this waits: locking never waits behind a search.
        """
        with self._searches_stopped():
            self._lock()

    @_serialised
    def _lock(self) -> None:
        self._vault.lock()

    @contextlib.contextmanager
    def _searches_stopped(self) -> Iterator[None]:
        """While the block runs (waiting for the journal's lock), every search stops."""
        with self._stop_guard:
            self._locks_waiting += 1
            self._search_epoch += 1
        try:
            yield
        finally:
            with self._stop_guard:
                self._locks_waiting -= 1

    def cancel_searches(self) -> None:
        """Stop the search running now, if any (it raises SearchCancelled). From any thread,
        at once: it does not wait for the journal's lock. Later searches run normally."""
        with self._stop_guard:
            self._search_epoch += 1

    def _search_stopped(self, epoch: int) -> bool:
        """Whether a search started in `epoch` must stop (a lock waits, or it was cancelled)."""
        return self._locks_waiting > 0 or self._search_epoch != epoch

    def _search_progress(self, epoch: int) -> int:
        """SQLite's progress handler during a search: non-zero interrupts the query."""
        return 1 if self._search_stopped(epoch) else 0

    @_serialised
    def unlock(self, passphrase: str) -> None:
        self._vault.unlock(passphrase)
        schema.migrate(self._vault.connection)

    def close(self) -> None:
        """Lock, and let go of the directory lock. Like `lock()`, stops a running search."""
        with self._searches_stopped():
            self._close()

    @_serialised
    def _close(self) -> None:
        self._vault.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_serialised
    def check(self, floor: KdfParams = FLOOR) -> CheckReport:
        return self._vault.check(floor)

    @_serialised
    def change_passphrase(
        self, new_passphrase: str, policy: KdfPolicy | None = None, *, current: str | None = None
    ) -> None:
        """Re-key under `new_passphrase`. With `current` (the app asks for it, so a walk-away
        moment cannot change it), only if that opens this journal: else WrongPassphrase and
        nothing changes."""
        if current is not None:
            header = self._vault.header
            if not header.verifies(derive_keys(current, header.salt, header.params)):
                raise WrongPassphrase()
        self._vault.change_passphrase(new_passphrase, policy)

    # ---- telling what changed

    def add_listener(self, listener: ChangeListener) -> None:
        """Call `listener` after every committed transaction that changed a record or a
        setting, with what it changed. It runs in the thread that wrote, right after the
        commit: it must be quick and must not raise (the app hands it to its event loop)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def note_change(self, action: Action, kind: str, record_id: str) -> None:
        """Record that the open transaction changed a record. `save`, `delete` and
        `set_setting` do this themselves; a core module that writes rows with its own SQL
        (a purge) calls it inside its transaction."""
        self._changes.append(Change(action, kind, record_id))

    def _tell(self, changes: list[Change]) -> None:
        if changes:
            change = JournalChange(tuple(changes))
            for listener in list(self._listeners):
                listener(change)

    # ---- transactions and errors

    @property
    def _conn(self) -> Any:
        return self._vault.connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (nesting joins the outer one)."""
        with self._mutex:
            if self._transaction_depth:
                self._transaction_depth += 1
                try:
                    yield
                finally:
                    self._transaction_depth -= 1
                return
            with _storage_errors():
                self._conn.execute("BEGIN IMMEDIATE")
            self._transaction_depth = 1
            self._changes = []
            try:
                with _storage_errors():
                    yield
            except BaseException:
                self._transaction_depth = 0
                self._changes = []
                # SQLite may already have rolled back by itself (it does on some "disk full"
                # errors); a second ROLLBACK would hide the real error behind another.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._transaction_depth = 0
            changes, self._changes = self._changes, []
            try:
                with _storage_errors():
                    self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._tell(changes)

    # ---- records

    @_serialised
    def save(self, record: R, *, keep_times: bool = False) -> R:
        """Validate and insert or update `record`; return it as stored.

        `keep_times` keeps created_at/updated_at as given (import); otherwise they are set now.
        """
        validate_record(record)
        with self.transaction(), _record_errors(record):
            stored = self._timestamps(record)
            if isinstance(record, Timestamped):
                if not keep_times:
                    stamp = now_iso()
                    record.created_at = stored[0] if stored else (record.created_at or stamp)
                    record.updated_at = stamp
                # An import may leave the timestamps out: keep the stored ones, else use now.
                if not record.created_at:
                    record.created_at = stored[0] if stored else now_iso()
                if not record.updated_at:
                    record.updated_at = stored[1] if stored else record.created_at
            columns, values = _row_of(record)
            assignments = ", ".join(f"{name} = excluded.{name}" for name in columns if name != "id")
            sql = (
                f"INSERT INTO {record.TABLE} ({', '.join(columns)}) "  # noqa: S608 - names are ours
                f"VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT(id) DO UPDATE SET {assignments}"
            )
            self._conn.execute(sql, values)
            if isinstance(record, Tagged):
                self._conn.execute("DELETE FROM tags WHERE entry_id = ?", (record.id,))
            if isinstance(record, Tagged) and record.tags:  # (older schemas in tests lack sort_ts)
                self._conn.executemany(
                    "INSERT INTO tags (entry_id, tag, position, sort_ts, entry_rowid) "
                    "SELECT ?1, ?2, ?3, sort_ts, rowid FROM entries WHERE id = ?1",
                    [(record.id, tag, i) for i, tag in enumerate(record.tags)],
                )
            self.note_change("updated" if stored else "created", record.KIND, record.id)
        return record

    def _timestamps(self, record: Record) -> tuple[str, str] | None:
        """The stored record's (created_at, updated_at), ("", "") when it has none; None when
        it is not stored yet."""
        if not isinstance(record, Timestamped):
            found = self._conn.execute(
                f"SELECT 1 FROM {record.TABLE} WHERE id = ?",  # noqa: S608
                (record.id,),
            ).fetchone()
            return ("", "") if found else None
        row = self._conn.execute(
            f"SELECT created_at, updated_at FROM {record.TABLE} WHERE id = ?",  # noqa: S608
            (record.id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    @_serialised
    def get(self, cls: type[R], record_id: str) -> R:
        row = self._conn.execute(
            f"SELECT {', '.join(_columns(cls))} FROM {cls.TABLE} WHERE id = ?",  # noqa: S608
            (record_id,),
        ).fetchone()
        if row is None:
            raise NotFound()
        return self._record_from_row(cls, row)

    @_serialised
    def exists(self, cls: type[Record], record_id: str) -> bool:
        sql = f"SELECT 1 FROM {cls.TABLE} WHERE id = ?"  # noqa: S608
        return self._conn.execute(sql, (record_id,)).fetchone() is not None

    @_serialised
    def get_entry(self, record_id: str) -> Record:
        """Any dated record by id, whatever its kind."""
        row = self._conn.execute("SELECT kind FROM entries WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise NotFound()
        return self.get(BY_KIND[row[0]], record_id)

    @_serialised
    def delete(self, cls: type[Record], record_id: str) -> Deleted:
        """Delete permanently (secure_delete overwrites the freed pages).

        Returns what was deleted, which only lives in memory: the app keeps it a few seconds
        so that the person can undo (`restore_deleted`), then lets it go.
        """
        with self.transaction():
            record = self.get(cls, record_id)
            links = self._links_to(cls.TABLE, record_id)
            cursor = self._conn.execute(
                f"DELETE FROM {cls.TABLE} WHERE id = ?",
                (record_id,),  # noqa: S608
            )
            if cursor.rowcount == 0:
                raise NotFound()
            self.note_change("deleted", cls.KIND, record_id)
        return Deleted(record, links)

    def _links_to(self, table: str, record_id: str) -> tuple[tuple[str, str, str], ...]:
        """Rows of record tables whose `ON DELETE SET NULL` link points to this record."""
        links: list[tuple[str, str, str]] = []
        for other in sorted({c.TABLE for c in BY_KIND.values()} | {Alias.TABLE}):
            for fk in self._conn.execute(f"PRAGMA foreign_key_list({other})"):
                if fk[2] != table or fk[6] != "SET NULL":
                    continue
                column = fk[3]
                rows = self._conn.execute(
                    f"SELECT id FROM {other} WHERE {column} = ?",  # noqa: S608 - names are ours
                    (record_id,),
                )
                links.extend((other, column, row_id) for (row_id,) in rows)
        return tuple(links)

    @_serialised
    def restore_deleted(self, deleted: Deleted) -> None:
        """Put a deleted record back as it was, with the links that pointed to it."""
        with self.transaction():
            self.save(deleted.record, keep_times=True)
            for table, column, row_id in deleted.links:
                self._conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE id = ? AND {column} IS NULL",  # noqa: S608
                    (deleted.record.id, row_id),
                )

    def _record_from_row(self, cls: type[R], row: tuple[Any, ...]) -> R:
        values: dict[str, Any] = {}
        for f, value in zip(_fields(cls), row, strict=True):
            if f.type == "bool":
                value = bool(value)
            elif f.name in _JSON_LIST_COLUMNS:
                value = json.loads(value)
            values[f.name] = value
        if cls.HAS_TAGS:
            values["tags"] = [
                tag
                for (tag,) in self._conn.execute(
                    "SELECT tag FROM tags WHERE entry_id = ? ORDER BY position", (values["id"],)
                )
            ]
        return cls(**values)

    @_serialised
    def all_records(self, cls: type[R]) -> list[R]:
        """Every record of a kind, oldest first, read in one consistent snapshot (export)."""
        order = "created_at, id" if cls is Alias else "sort_ts, id"
        sql = f"SELECT {', '.join(_columns(cls))} FROM {cls.TABLE} ORDER BY {order}"  # noqa: S608
        records: list[R] = []
        with self.transaction():
            cursor = self._conn.execute(sql)
            while rows := cursor.fetchmany(500):
                records.extend(self._record_from_row(cls, row) for row in rows)
        return records

    # ---- aliases

    @_serialised
    def list_aliases(self, status: str | None = None) -> list[Alias]:
        """The aliases with `status`; by default every one a person can still pick (active
        and closed), never the placeholders of deleted ones (`delete_alias`)."""
        where, params = (
            ("WHERE status = ?", (status,)) if status else ("WHERE status <> 'deleted'", ())
        )
        rows = self._conn.execute(
            f"SELECT {', '.join(_columns(Alias))} FROM aliases {where} "  # noqa: S608
            "ORDER BY pseudonym COLLATE NOCASE",
            params,
        ).fetchall()
        return [self._record_from_row(Alias, row) for row in rows]

    @_serialised
    def alias_by_pseudonym(self, pseudonym: str) -> Alias | None:
        row = self._conn.execute(
            "SELECT id FROM aliases WHERE pseudonym = ? COLLATE NOCASE", (pseudonym.strip(),)
        ).fetchone()
        return self.get(Alias, row[0]) if row else None

    @_serialised
    def alias_entry_count(self, alias_id: str) -> int:
        """How many entries (of any kind, reflections through their session) have this alias."""
        row = self._conn.execute(
            "SELECT count(*) FROM entries WHERE alias_id = ?", (alias_id,)
        ).fetchone()
        return int(row[0])

    @_serialised
    def delete_alias(self, alias_id: str) -> Deleted | Alias:
        """Delete an alias. One with no entries goes entirely, like any record (the `Deleted`
        returned can undo it for a while). One with entries leaves them in place, marked
        "alias deleted N": its row keeps only its id, its creation time and that numbered
        placeholder; the pseudonym, nicknames, themes and notes are overwritten (secure_delete
        zeroes the old cells) and it leaves every list of aliases. That cannot be undone; the
        placeholder is returned. Exports carry it as an alias with status "deleted"."""
        with self.transaction():
            alias = self.get(Alias, alias_id)
            if alias.status == "deleted":
                return alias
            if not self.alias_entry_count(alias_id):
                return self.delete(Alias, alias_id)
            taken = {
                name.casefold()
                for (name,) in self._conn.execute(
                    "SELECT pseudonym FROM aliases WHERE pseudonym LIKE ?",
                    (DELETED_ALIAS_NAME + " %",),
                )
            }
            number = 1
            while f"{DELETED_ALIAS_NAME} {number}" in taken:
                number += 1
            placeholder = Alias(
                id=alias.id,
                pseudonym=f"{DELETED_ALIAS_NAME} {number}",
                status="deleted",
                created_at=alias.created_at,
            )
            # An unsaved alias form would keep the pseudonym in the drafts table.
            self._conn.execute("DELETE FROM drafts WHERE key = ?", (f"alias:{alias_id}",))
            return self.save(placeholder)

    @_serialised
    def alias_names(self) -> dict[str, str]:
        """id -> pseudonym, for display (aliases are few; sessions are many)."""
        return dict(self._conn.execute("SELECT id, pseudonym FROM aliases").fetchall())

    @_serialised
    def sessions_for_alias(self, alias_id: str, limit: int = 200) -> list[Session]:
        rows = self._conn.execute(
            f"SELECT {', '.join(_columns(Session))} FROM sessions WHERE alias_id = ? "  # noqa: S608
            "ORDER BY sort_ts DESC LIMIT ?",
            (alias_id, limit),
        ).fetchall()
        return [self._record_from_row(Session, row) for row in rows]

    @_serialised
    def confidentiality_events(
        self, *, alias_id: str | None = None, session_id: str | None = None, limit: int = 200
    ) -> list[ConfidentialityEvent]:
        """The confidentiality events of an alias or of a session, newest first."""
        column, value = ("session_id", session_id) if session_id else ("alias_id", alias_id)
        if not value:
            return []
        rows = self._conn.execute(
            f"SELECT {', '.join(_columns(ConfidentialityEvent))} FROM confidentiality_events "  # noqa: S608
            f"WHERE {column} = ? ORDER BY sort_ts DESC LIMIT ?",
            (value, limit),
        ).fetchall()
        return [self._record_from_row(ConfidentialityEvent, row) for row in rows]

    # ---- follow-ups

    @_serialised
    def follow_ups(
        self,
        *,
        due_until: date | None = None,
        alias_id: str | None = None,
        session_id: str | None = None,
        status: str | None = "open",
        limit: int = 200,
    ) -> list[FollowUp]:
        """Follow-ups, soonest first: open ones due by `due_until` by default."""
        clauses, params = [], []
        if status:
            clauses.append("status = ?")
            params.append(status)
        if due_until:
            clauses.append("due_on <= ?")
            params.append(due_until.isoformat())
        if alias_id:
            clauses.append("alias_id = ?")
            params.append(alias_id)
        if session_id:
            clauses.append("session_id = ?")
            params.append(session_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._conn.execute(
            f"SELECT {', '.join(_columns(FollowUp))} FROM follow_ups {where} "  # noqa: S608
            "ORDER BY due_on, id LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [self._record_from_row(FollowUp, row) for row in rows]

    # ---- timeline

    @_serialised
    def timeline(
        self,
        *,
        limit: int = 50,
        before: Cursor | None = None,
        kinds: Iterable[str] = TIMELINE_KINDS,
        alias_id: str | None = None,
        tag: str | None = None,
        since: date | None = None,
        until: date | None = None,
        for_supervision: bool = False,
        not_discussed: bool = False,
    ) -> TimelinePage:
        """One page of entries, newest first, starting after `before`.

        `for_supervision` keeps only the records marked for supervision (of every kind that
        can be marked: reflections, confidentiality events, boundary events); `not_discussed`
        keeps those of them that no supervision has named yet (`core.supervision`)."""
        kinds = [kind for kind in kinds if kind in BY_KIND]
        if not kinds:
            return TimelinePage([], None)
        # Query shapes chosen so SQLite walks an index in time order and stops after one
        # page, instead of sorting every match: one kind -> (kind, sort_ts, rowid); otherwise
        # the unary + keeps the planner off the kind index and on the time (or alias) index.
        # A tag filter walks tags_by_time (tag, sort_ts, entry_rowid) instead, and joins each
        # tagged entry by rowid.
        if tag:
            source, time_col, rowid_col = (
                "tags t JOIN entries e ON e.rowid = t.entry_rowid",
                "t.sort_ts",
                "t.entry_rowid",
            )
        else:
            source, time_col, rowid_col = "entries e", "e.sort_ts", "e.rowid"
        if len(kinds) == 1 and not tag:
            clauses = ["e.kind = ?"]
        else:
            clauses = [f"+e.kind IN ({', '.join('?' for _ in kinds)})"]
        params: list[Any] = list(kinds)
        if alias_id:
            clauses.append("e.alias_id = ?")
            params.append(alias_id)
        if tag:
            clauses.append("t.tag = ?")
            params.append(tag.lstrip("#").lower())
        if for_supervision or not_discussed:
            clauses.append(f"e.id IN ({_MARKED_IDS})")
        if not_discussed:
            clauses.append("e.id NOT IN (SELECT record_id FROM supervision_items)")
        if since:
            clauses.append(f"{time_col} >= ?")
            params.append(_day_start_micros(since))
        if until:
            clauses.append(f"{time_col} < ?")
            params.append(_day_start_micros(until, next_day=True))
        if before:
            clauses.append(f"({time_col}, {rowid_col}) < (?, ?)")
            params.extend((before.sort_ts, before.rowid))
        # Unfiltered, this reads only the index entries_by_time, which holds each entry's
        # summary (schema version 5).
        rows = self._conn.execute(
            "SELECT e.rowid, e.id, e.kind, e.sort_ts, e.alias_id, e.summary "  # noqa: S608
            f"FROM {source} WHERE {' AND '.join(clauses)} "
            f"ORDER BY {time_col} DESC, {rowid_col} DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        names = self._names_for({row[4] for row in rows if row[4]})
        items = []
        for rowid, entry_id, kind, sort_ts, alias_id_, summary in rows:
            line = _summarise(kind, summary)
            items.append(
                TimelineItem(
                    id=entry_id,
                    kind=kind,
                    when=line.when,
                    alias=names.get(alias_id_) if alias_id_ else None,
                    label=line.label,
                    title=line.title,
                    preview=line.preview,
                    cursor=Cursor(sort_ts, rowid),
                )
            )
        return TimelinePage(items, items[-1].cursor if more and items else None)

    def _names_for(self, alias_ids: set[str]) -> dict[str, str]:
        if not alias_ids:
            return {}
        marks = ", ".join("?" for _ in alias_ids)
        # INDEXED BY: the planner would pick the primary key's index and then read each
        # alias's row; aliases_names (id, pseudonym) answers from the index alone.
        return dict(
            self._conn.execute(
                "SELECT id, pseudonym FROM aliases INDEXED BY aliases_names "  # noqa: S608
                f"WHERE id IN ({marks})",
                tuple(alias_ids),
            ).fetchall()
        )

    # ---- search

    @_serialised
    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Best matches first (bm25), each with a highlighted snippet. Never raises on input.

        When more than SEARCH_WINDOW entries match, only the SEARCH_WINDOW most recently
        written (or `limit`, if that is more) are ranked. Repeated words count once and long
        queries are cut (`parse_query`; its `notice` says so). Raises SearchCancelled when
        `lock()` or `cancel_searches()` stops it.
        """
        query = parse_query(text).fts
        if query is None or limit <= 0:
            return []
        epoch = self._search_epoch
        if self._search_stopped(epoch):
            raise SearchCancelled()
        self._conn.set_progress_handler(
            functools.partial(self._search_progress, epoch), SEARCH_PROGRESS_STEPS
        )
        try:
            return self._search(text[:MAX_SEARCH_CHARS], query, limit)
        except sqlcipher3.DatabaseError:
            # An interrupted query says "interrupted", or, when it stopped while FTS5 was
            # setting up its table on a fresh connection, "vtable constructor failed".
            if self._search_stopped(epoch):
                raise SearchCancelled() from None
            raise
        finally:
            self._conn.set_progress_handler(None, 0)

    def _search(self, text: str, query: str, limit: int) -> list[SearchHit]:
        # Entries of an alias whose pseudonym, or with a tag that, a word names ("river",
        # "hous*"), come first: the person asked for them by name.
        named = self._named_entries(text, limit)
        # Three cheap steps instead of one query that does everything for every match:
        # 1. rank: bm25 of the SEARCH_WINDOW matches with the highest rowids (the most recently
        #    written; FTS5 walks rowids in order for free), keeping the best `limit`.
        #    `ORDER BY bm25(...)` and not `ORDER BY rank`: FTS5 answers the latter with a
        #    sorted sub-query of its own, measured 1.7x slower (7x with memory security on).
        ranked = [
            rowid
            for (rowid,) in self._conn.execute(
                "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1 AND rowid >= ("
                "SELECT coalesce(min(rowid), 0) FROM (SELECT rowid FROM entries_fts "
                "WHERE entries_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)) "
                "ORDER BY bm25(entries_fts), rowid DESC LIMIT ?2",
                (query, limit, max(limit, SEARCH_WINDOW)),
            )
        ]
        # Named entries first (those whose text matches too, first of all), then the rest.
        lit, named_set = set(ranked), set(named)
        named.sort(key=lambda rowid: rowid not in lit)  # stable: newest first within each
        ranked, text_ranked = (named + [r for r in ranked if r not in named_set])[:limit], ranked
        if not ranked:
            return []
        # 2. snippets, built for those rows only. Asking FTS5 for them by rowid would
        #    evaluate the whole query once per rowid (slow for prefixes); walking the matches
        #    between the lowest and highest rowid is cheap when nothing else is computed.
        #    (Rows found by name only are not walked: they show the start of their text.)
        wanted = json.dumps(ranked)
        with_text = [rowid for rowid in ranked if rowid in lit] or text_ranked[:1]
        snippets: dict[int, str] = dict(
            self._conn.execute(
                "SELECT rowid, CASE WHEN rowid IN (SELECT value FROM json_each(?4)) THEN "
                f"snippet(entries_fts, -1, '{_HIGHLIGHT_START}', '{_HIGHLIGHT_END}', '…', 16) "
                "END FROM entries_fts WHERE entries_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3",
                (query, min(with_text, default=0), max(with_text, default=-1), wanted),
            ).fetchall()
        )
        # 3. what each entry is, by rowid (joining entries_fts would re-run the MATCH per row).
        entries = {
            row[0]: row[1:]
            for row in self._conn.execute(
                "SELECT rowid, id, kind, alias_id, summary FROM entries "
                "WHERE rowid IN (SELECT value FROM json_each(?))",
                (wanted,),
            )
        }
        rows = [(*entries[r], snippets.get(r) or "") for r in ranked if r in entries]
        names = self._names_for({row[2] for row in rows if row[2]})
        hits = []
        for entry_id, kind, alias_id, summary, snippet in rows:
            line = _summarise(kind, summary)
            hits.append(
                SearchHit(
                    id=entry_id,
                    kind=kind,
                    when=line.when,
                    alias=names.get(alias_id) if alias_id else None,
                    label=line.label,
                    title=line.title,
                    # Found by its alias or a tag only: the start of its text, nothing lit.
                    snippet=_split_snippet(snippet) if snippet else [(line.preview, False)],
                )
            )
        return hits

    def _named_entries(self, text: str, limit: int) -> list[int]:
        """Rowids of the newest entries whose alias or a tag one of the words of `text`
        names, the other words matching their text. "river" names River; "hous*" (the app
        sends the word being typed with a star) names the tag housing. Newest first for each
        word, at most `limit` for one word and max(limit, SEARCH_WINDOW) for more."""
        # Each word once, at most MAX_SEARCH_TERMS of them, as `parse_query` bounds the text
        # search: every word costs a query or two here.
        unique: dict[tuple[str | None, str, str], tuple[str | None, str, str]] = {}
        for match in _QUERY_TOKEN.finditer(text):
            phrase, word, star = match.groups()
            key = (phrase and phrase.casefold(), (word or "").casefold(), star or "")
            unique.setdefault(key, (phrase, word, star))
        tokens = list(unique.values())[:MAX_SEARCH_TERMS]
        # One word: only `limit` of them can be shown. More words: the text has to match as
        # well, so look further back.
        window = limit if len(tokens) == 1 else max(limit, SEARCH_WINDOW)
        pseudonyms = self._conn.execute(
            "SELECT id, pseudonym FROM aliases INDEXED BY aliases_names"
        ).fetchall()
        found: dict[int, None] = {}
        for index, (phrase, word, star) in enumerate(tokens):
            if phrase is not None or not word:
                continue
            rowids = self._entries_named(word.casefold(), bool(star), pseudonyms, window)
            others = [
                f'"{p}"' if p is not None else w + s
                for i, (p, w, s) in enumerate(tokens)
                if i != index
            ]
            rest = fts_query(" ".join(others))
            if rowids and rest is not None:
                rowids = self._text_matches(rest, rowids)
            found.update(dict.fromkeys(rowids))
        return list(found)[:window]

    def _entries_named(
        self, word: str, prefix: bool, pseudonyms: list[tuple[str, str]], window: int
    ) -> list[int]:
        """Rowids of the newest entries of the aliases that `word` names, or tagged with it."""

        def named(name: str) -> bool:
            parts = _WORD.findall(name.casefold())
            return any(part.startswith(word) if prefix else part == word for part in parts)

        alias_ids = [alias_id for alias_id, pseudonym in pseudonyms if named(pseudonym)]
        # Each walks an index (tags_by_time, entries_by_alias); an OR of both would not.
        rows = self._conn.execute(
            "SELECT entry_rowid, sort_ts FROM tags WHERE tag BETWEEN ? AND ? "
            "ORDER BY sort_ts DESC LIMIT ?",
            (word, word + "\U0010ffff" if prefix else word, window),
        ).fetchall()
        if alias_ids:
            rows += self._conn.execute(
                "SELECT rowid, sort_ts FROM entries "
                "WHERE alias_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY sort_ts DESC LIMIT ?",
                (json.dumps(alias_ids), window),
            ).fetchall()
        rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
        return list(dict.fromkeys(rowid for rowid, _ in rows))[:window]

    def _text_matches(self, query: str, rowids: list[int]) -> list[int]:
        """Those of `rowids` whose text matches `query`, in the order given."""
        matched = {
            rowid
            for (rowid,) in self._conn.execute(
                "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1 "
                "AND rowid IN (SELECT value FROM json_each(?2))",
                (query, json.dumps(rowids)),
            )
        }
        return [rowid for rowid in rowids if rowid in matched]

    # ---- drafts and settings

    @_serialised
    def save_draft(self, key: str, kind: str, payload: dict[str, Any]) -> None:
        """Keep an unsaved form, encrypted like everything else, until it is saved or discarded."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO drafts (key, kind, payload, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, "
                "payload = excluded.payload, updated_at = excluded.updated_at",
                (key, kind, json.dumps(payload), now_iso()),
            )

    @_serialised
    def drafts(self) -> list[Draft]:
        rows = self._conn.execute(
            "SELECT key, kind, payload, updated_at FROM drafts ORDER BY updated_at DESC"
        ).fetchall()
        return [Draft(key, kind, json.loads(payload), stamp) for key, kind, payload, stamp in rows]

    @_serialised
    def discard_draft(self, key: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM drafts WHERE key = ?", (key,))

    @_serialised
    def setting(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    @_serialised
    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
            self.note_change("updated", SETTING, key)

    @_serialised
    def counts(self) -> dict[str, int]:
        """How many records of each kind (for check, backup summaries and the UI)."""
        return {
            kind: self._conn.execute(f"SELECT count(*) FROM {cls.TABLE}").fetchone()[0]  # noqa: S608
            for kind, cls in BY_KIND.items()
        }

    # ---- maintenance (backups, retention)

    @_serialised
    def change_count(self) -> int:
        """A number that grows with every write to a record (drafts and settings excluded)."""
        row = self._conn.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    @_serialised
    def write_encrypted_copy(self, target: Path, settings: dict[str, Any]) -> dict[str, int]:
        """Copy the whole journal, encrypted with its own key, to the new file `target`.

        `settings` go into the copy only. Returns the counts of what was copied, read under
        the same lock, so a verifier can compare them with what the copy holds.
        """
        self._vault.write_encrypted_copy(Path(target), settings)
        return self.counts()

    @_serialised
    def summarise(self, entry_ids: Iterable[str]) -> dict[str, Summary]:
        """id -> Summary (when, label, title, preview) for these entries, as on the timeline.
        Ids that are not entries are left out."""
        wanted = json.dumps(list(entry_ids))
        return {
            entry_id: _summarise(kind, summary)
            for entry_id, kind, summary in self._conn.execute(
                "SELECT id, kind, summary FROM entries "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (wanted,),
            )
        }

    @contextlib.contextmanager
    def locked_connection(self) -> Iterator[Any]:
        """The connection, under the journal's lock, for core modules with their own queries.

        For the core only (retention, digest); the UI calls methods and never runs SQL.
        """
        with self._mutex:
            yield self._conn

    @_serialised
    def compact(self) -> None:
        """Make the file as small as the data: merge the search index, then write the database
        afresh into the next generation (`Vault.rewrite`), verified before it replaces this one.

        Deletions are already permanent: secure_delete zeroes freed pages, and FTS5's
        secure-delete takes a deleted row's words out of the index at once. What is left is
        the space they took. 'optimize' merges the index into one segment: smaller after a
        purge, and later edits and deletes were measured 12-38% faster (docs/benchmarks.md).
        The rewrite replaces `VACUUM`, which with `temp_store = MEMORY` held a copy of the whole
        database in memory.
        """
        with _storage_errors():
            self._conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
        self._vault.rewrite()


# --------------------------------------------------------------------------------------------
# Row mapping


# List fields stored as a JSON array in their own column (tags have a table of their own).
_JSON_LIST_COLUMNS = ("themes", "also_known_as", "items", "dual_relationships")


def _fields(cls: type[Record]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.name != "tags"]


def _columns(cls: type[Record]) -> list[str]:
    return [f.name for f in _fields(cls)]


def _row_of(record: Record) -> tuple[list[str], list[Any]]:
    columns, values = [], []
    for f in _fields(type(record)):
        value = getattr(record, f.name)
        if f.name in _JSON_LIST_COLUMNS:
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = int(value)
        columns.append(f.name)
        values.append(value)
    if not isinstance(record, Alias):
        columns.append("sort_ts")
        values.append(sort_key_micros(record))
    return columns, values


def _summarise(kind: str, summary: str, *, say_marked: bool = True) -> Summary:
    """An entry's Summary from its stored summary (schema.SUMMARY_TEXT_CHARS). A reflection
    or boundary event marked for supervision says so at the end of its title, unless
    `say_marked` is False (a list of marked records, where it goes without saying)."""
    fields = json.loads(summary)
    marked = " · for supervision" if say_marked else ""
    label = words_for(kind).short
    if kind == "session":
        when, duration, modality, method, flag, text = fields
        parts = [method.replace("_", " "), modality]
        if duration:
            parts.append(f"{duration} min")
        if flag != "none":
            parts.append("safety: " + flag.replace("_", " "))
        return Summary(when, label, ", ".join(parts), _one_line(text))
    if kind == "reflection":
        when, template, title, supervision, text = fields
        if not title:  # untitled: the template's name, as the Markdown export heads it
            known = REFLECTION_TEMPLATES.get(template)
            title = known[0] if known else template.replace("_", " ")
        title += marked if supervision else ""
        return Summary(when, label, title, _one_line(_without_headings(text)))
    if kind == "checkin":
        when, mood, energy, stress, text = fields
        return Summary(
            when, label, f"mood {mood}, energy {energy}, stress {stress}", _one_line(text)
        )
    if kind == "follow_up":
        when, owner, status, text = fields
        return Summary(when, label, f"{owner}, {status}", _one_line(text))
    if kind == "debrief":
        when, activation, talk_to, _talk_by, text = fields
        parts = [
            f"activation {activation}/10" if activation is not None else "activation not noted"
        ]
        if talk_to:  # by when is on the follow-up it made; the line stays short
            parts.append(f"talk to {talk_to}")
        return Summary(when, label, ", ".join(parts), _one_line(text))
    if kind == "supervision":
        when, format_, role, items, next_on, text = fields
        return Summary(
            when, label, supervision_title(format_, role, items, next_on), _one_line(text)
        )
    if kind == "boundary_event":
        when, what, supervision, text = fields
        title = BOUNDARY_WHAT_WORDS.get(what, what.replace("_", " "))
        return Summary(when, label, title + (marked if supervision else ""), _one_line(text))
    if len(fields) == 3:  # written before schema version 6; the migration rewrites them
        fields = [fields[0], fields[1], "limits_reached", fields[2]]
    when, category, occasion, text = fields
    title = category.replace("_", " ")
    if occasion == "concern":
        title = "consultation, " + title
    label = OCCASION_LABELS.get(occasion, label)
    return Summary(when, label, title, _one_line(text))


def _day_start_micros(day: date, *, next_day: bool = False) -> int:
    if next_day:
        day = day + timedelta(days=1)
    return int(datetime.combine(day, time(0, 0)).astimezone().timestamp() * 1_000_000)


@contextlib.contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except sqlcipher3.OperationalError as error:
        if "full" in str(error).lower():
            raise StorageFull() from None
        raise


@contextlib.contextmanager
def _record_errors(record: Record) -> Iterator[None]:
    """Turn constraint failures into messages that name the field, never its text."""
    label = record.KIND.replace("_", " ")
    try:
        with _storage_errors():
            yield
    except sqlcipher3.IntegrityError as error:
        detail = str(error)
        if "UNIQUE" in detail and "pseudonym" in detail:
            raise InvalidRecord("An alias with that pseudonym already exists.") from None
        if "FOREIGN KEY" in detail:
            raise InvalidRecord(
                f"This {label} refers to an alias, session or supervision that does not exist."
            ) from None
        raise InvalidRecord(f"This {label} could not be saved: {detail}.") from None
