"""One side of the benchmark (SQLCipher or plain SQLite), in a process of its own.

The orchestrator (`run.py`) starts one worker per side and sends each the same commands in
turn, alternating which side goes first, so background noise on a shared machine falls on both
sides alike. A worker owns one journal; every command times the real peerjournal call
(`Journal`, `Vault`, `exchange`) and answers with the sample in milliseconds (or a rate).

The plain worker calls `bench_plain.use_plain_sqlite()` before anything opens a database (see
that module for why it needs a process of its own).
"""

from __future__ import annotations

import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

SIDES = ("sqlcipher", "plain")
DIAGNOSTIC_SIDE = "sqlcipher-memsec"  # --diagnose: encrypted, with memory security on
PAGE_SIZE = 60  # what the TUI's timeline asks for (tui/screens/timeline.py PAGE_SIZE)
SEARCH_LIMIT = 50  # what the TUI's search screen asks for (SearchScreen.LIMIT)


@dataclass
class Setup:
    """What a worker needs to know; the same for both sides except `side` and `home`."""

    side: str
    home: str
    passphrase: str
    kdf: tuple[int, int, int]  # memory_kib, iterations, parallelism the journal is created with
    production_policy: bool  # open with DEFAULT_POLICY (True) or one that accepts `kdf`
    corpus_path: str
    filters: dict[str, Any] = field(default_factory=dict)  # alias id, tags
    search_terms: dict[str, str] = field(default_factory=dict)


class _Worker:
    def __init__(self, setup: Setup) -> None:
        from peerjournal.core.kdf import DEFAULT_POLICY, KdfParams, KdfPolicy

        self.setup = setup
        self.home = Path(setup.home)
        params = KdfParams(*setup.kdf)
        self.create_policy = KdfPolicy(floor=params, calibrate=False)
        self.open_policy = DEFAULT_POLICY if setup.production_policy else self.create_policy
        self.journal: Any = None
        self.keys: Any = None
        self.deep_cursor: Any = None
        self.edit_ids: list[str] = []
        self.delete_ids: list[str] = []
        self.supervision_ids: list[str] = []

    # ---- building and opening

    def build(self) -> dict[str, Any]:
        """Create the journal and import the corpus through parse_export + import_records."""
        from peerjournal.core.exchange import import_records, parse_export
        from peerjournal.core.journal import Journal

        journal = Journal.create(self.home, self.setup.passphrase, policy=self.create_policy)
        raw = Path(self.setup.corpus_path).read_bytes()
        started = time.perf_counter()
        records = parse_export(raw)
        parsed = time.perf_counter()
        summary = import_records(journal, records)
        imported = time.perf_counter()
        del records, raw
        journal.close()  # checkpoint (TRUNCATE), so both sides start from a folded WAL
        closed = time.perf_counter()
        return {
            "records": summary.total_added,
            "parse_s": parsed - started,
            "import_s": imported - parsed,
            "close_s": closed - imported,
            "files": {p.name: p.stat().st_size for p in sorted(self.home.iterdir())},
        }

    def _derive(self) -> Any:
        from peerjournal.core.kdf import derive_keys
        from peerjournal.core.vault import parse_header, read_header_file

        header = parse_header(read_header_file(self.home))
        return derive_keys(self.setup.passphrase, header.salt, header.params)

    def open(self) -> dict[str, Any]:
        """Derive the keys once (untimed) and open the journal for the query measurements."""
        from peerjournal.core.journal import Cursor
        from peerjournal.core.models import Session

        self.keys = self._derive()
        self._open_with_keys()
        conn = self.journal.vault.connection
        count = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        row = conn.execute(
            "SELECT sort_ts, rowid FROM entries WHERE kind IN ('session','reflection','checkin') "
            "ORDER BY sort_ts DESC, rowid DESC LIMIT 1 OFFSET ?",
            (int(count * 0.9),),
        ).fetchone()
        self.deep_cursor = Cursor(row[0], row[1]) if row else None
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {Session.TABLE} ORDER BY id")]
        chooser = random.Random(7)  # noqa: S311 - reproducible choice
        chosen = chooser.sample(ids, min(len(ids), 400))
        self.edit_ids, self.delete_ids = chosen[::2], chosen[1::2]
        header = self.journal.vault.header
        searches = {}
        for name, text in self.setup.search_terms.items():
            from peerjournal.core.journal import fts_query

            searches[name] = conn.execute(
                "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?", (fts_query(text),)
            ).fetchone()[0]
        tags = {
            name: conn.execute("SELECT count(*) FROM tags WHERE tag = ?", (tag,)).fetchone()[0]
            for name, tag in self.setup.filters.items()
            if name.endswith("tag")
        }
        alias_entries = conn.execute(
            "SELECT count(*) FROM entries WHERE alias_id = ?", (self.setup.filters["alias"],)
        ).fetchone()[0]
        return {
            "entries": count,
            "kdf": [header.params.memory_kib, header.params.iterations, header.params.parallelism],
            "search_matches": searches,
            "tag_entries": tags,
            "alias_entries": alias_entries,
            "page_size": conn.execute("PRAGMA page_size").fetchone()[0],
            "cache_size": conn.execute("PRAGMA cache_size").fetchone()[0],
        }

    def _open_with_keys(self) -> tuple[float, float, float]:
        from peerjournal.core.journal import Journal
        from peerjournal.core.vault import Vault

        started = time.perf_counter()
        vault = Vault.locate(self.home, policy=self.open_policy)
        located = time.perf_counter()
        vault.unlock_with_keys(self.keys)
        unlocked = time.perf_counter()
        self.journal = Journal(vault)
        ready = time.perf_counter()
        return located - started, unlocked - located, ready - unlocked

    def close(self) -> dict[str, Any]:
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        return {}

    # ---- measurements (each returns {"value": number, ...})

    def argon2(self) -> dict[str, Any]:
        started = time.perf_counter()
        self._derive()
        return {"value": (time.perf_counter() - started) * 1000}

    def unlock(self) -> dict[str, Any]:
        """Close, then time locate + open the database with the keys + Journal(), then the
        first timeline page on the fresh connection (its page cache is empty)."""
        self.journal.close()
        self.journal = None
        locate, connect, migrate = self._open_with_keys()
        started = time.perf_counter()
        self.journal.timeline(limit=PAGE_SIZE)
        first = time.perf_counter() - started
        return {
            "value": (locate + connect + migrate) * 1000,
            "first_page_cold": first * 1000,
            "parts": {
                "locate": locate * 1000,
                "connect": connect * 1000,
                "migrate": migrate * 1000,
            },
        }

    def _timed(self, call: Any) -> dict[str, Any]:
        started = time.perf_counter()
        result = call()
        return {"value": (time.perf_counter() - started) * 1000, "result": result}

    def first_page(self) -> dict[str, Any]:
        timed = self._timed(lambda: len(self.journal.timeline(limit=PAGE_SIZE).items))
        return timed

    def deep_page(self) -> dict[str, Any]:
        return self._timed(
            lambda: len(self.journal.timeline(limit=PAGE_SIZE, before=self.deep_cursor).items)
        )

    def filtered_page(self, filter_name: str) -> dict[str, Any]:
        value = self.setup.filters[filter_name]
        key = "alias_id" if filter_name == "alias" else "tag"
        return self._timed(
            lambda: len(self.journal.timeline(limit=PAGE_SIZE, **{key: value}).items)
        )

    def search(self, name: str) -> dict[str, Any]:
        text = self.setup.search_terms[name]
        return self._timed(lambda: len(self.journal.search(text, limit=SEARCH_LIMIT)))

    def wellbeing(self, weeks: int) -> dict[str, Any]:
        """The "My wellbeing" summary (core/wellbeing.py) for the last `weeks` weeks, as the
        screen asks for it; "today" is the corpus's last day, so every week holds entries."""
        from datetime import date

        from peerjournal.core.wellbeing import wellbeing_summary

        today = date(2026, 6, 30)  # bench_corpus.build_corpus: the corpus ends on this day
        return self._timed(
            lambda: sum(
                week.checkins
                for week in wellbeing_summary(self.journal, weeks=weeks, today=today).weeks
            )
        )

    def supervision_items(self) -> dict[str, Any]:
        """The Prepare-for-supervision list (core/supervision.py): every record marked for
        supervision and not yet discussed. Measured as `supervision_cycle` leaves the journal
        (one month waiting), or without it: nothing discussed, every marked record listed (a
        journal that marked things for years before supervisions were recorded)."""
        from peerjournal.core.supervision import items_for_supervision

        return self._timed(lambda: len(items_for_supervision(self.journal)))

    def supervision_cycle(self, add: bool) -> dict[str, Any]:
        """Add (or remove again) supervisions held on 2026-06-01 that discussed everything
        marked before them, as a supporter who records a monthly supervision would have."""
        from peerjournal.core.models import Supervision, new_id
        from peerjournal.core.supervision import items_for_supervision

        with self.journal.transaction():
            if add:
                ids = [
                    item.id
                    for item in items_for_supervision(self.journal)
                    if item.when[:10] < "2026-06-01"
                ]
                for start in range(0, len(ids), 500):  # models.MAX_SUPERVISION_ITEMS
                    record = Supervision(
                        id=new_id(), occurred_on="2026-06-01", items=ids[start : start + 500]
                    )
                    self.supervision_ids.append(self.journal.save(record).id)
            else:
                for record_id in self.supervision_ids:
                    self.journal.delete(Supervision, record_id)
                self.supervision_ids.clear()
        return {"value": 0.0, "result": len(self.supervision_ids)}

    def period_summary(self) -> dict[str, Any]:
        """The digest's opening figures for the whole journal (no supervision yet: the digest's
        default), weekly mood and stress included: the most a digest asks for."""
        from datetime import date

        from peerjournal.core.supervision import period_summary

        today = date(2026, 6, 30)  # bench_corpus.build_corpus: the corpus ends on this day
        return self._timed(
            lambda: period_summary(self.journal, None, today, wellbeing=True).sessions
        )

    def save(self, record: dict[str, Any]) -> dict[str, Any]:
        from peerjournal.core.models import Session

        session = Session(**record)
        return self._timed(lambda: self.journal.save(session).id)

    def edit(self, index: int) -> dict[str, Any]:
        """Read a session, change its notes, save it (an UPDATE: FTS row out and back in)."""
        from peerjournal.core.models import Session

        record_id = self.edit_ids[index % len(self.edit_ids)]

        def edit() -> str:
            session = self.journal.get(Session, record_id)
            session.notes += f" Edited for the benchmark, pass {index}."
            return str(self.journal.save(session).id)

        return self._timed(edit)

    def delete(self, index: int) -> dict[str, Any]:
        from peerjournal.core.models import Session

        if index >= len(self.delete_ids):  # a session deleted twice would fail as NotFound
            raise ValueError(
                f"only {len(self.delete_ids)} sessions set aside to delete: use a smaller --repeat"
            )
        record_id = self.delete_ids[index]
        return self._timed(lambda: self.journal.delete(Session, record_id))

    def compact(self) -> dict[str, Any]:
        """`Journal.compact()`, the last step of a retention purge, with this process's RSS
        before, its highest while it ran, and after (None where /proc/self cannot tell)."""
        from bench_memory import reset_peak, status_kib

        before = status_kib("VmRSS") / 1024 or None
        peak_known = reset_peak()
        answer = self._timed(self.journal.compact)
        answer["rss_before_mib"] = before
        answer["peak_rss_mib"] = status_kib("VmHWM") / 1024 if peak_known else None
        answer["rss_after_mib"] = status_kib("VmRSS") / 1024 or None
        return answer

    def import_batch(self, raw: bytes) -> dict[str, Any]:
        from peerjournal.core.exchange import import_records, parse_export

        started = time.perf_counter()
        summary = import_records(self.journal, parse_export(raw))
        seconds = time.perf_counter() - started
        return {"value": summary.total_added / seconds, "seconds": seconds}

    def export(self) -> dict[str, Any]:
        from peerjournal.core.exchange import export_json_bytes

        started = time.perf_counter()
        data = export_json_bytes(self.journal)
        seconds = time.perf_counter() - started
        records = sum(self.journal.counts().values())
        return {"value": records / seconds, "seconds": seconds, "bytes": len(data)}

    def plans(self) -> dict[str, Any]:
        """EXPLAIN QUERY PLAN of the main query each operation really runs (traced, so the
        report follows the code as it changes)."""
        journal, conn = self.journal, self.journal.vault.connection
        filters, terms = self.setup.filters, self.setup.search_terms
        operations: dict[str, Callable[[], object]] = {
            "first_page": lambda: journal.timeline(limit=PAGE_SIZE),
            "deep_page": lambda: journal.timeline(limit=PAGE_SIZE, before=self.deep_cursor),
            "alias_page": lambda: journal.timeline(limit=PAGE_SIZE, alias_id=filters["alias"]),
            "tag_page": lambda: journal.timeline(limit=PAGE_SIZE, tag=filters["tag"]),
            "search_common": lambda: journal.search(terms["common"], limit=SEARCH_LIMIT),
            "search_prefix": lambda: journal.search(terms["prefix"], limit=SEARCH_LIMIT),
        }
        plans: dict[str, Any] = {}
        for name, operation in operations.items():
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            try:
                operation()
            finally:
                conn.set_trace_callback(None)
            main = next(
                (
                    sql
                    for sql in statements
                    if sql.lstrip().upper().startswith("SELECT")
                    and ("FROM entries" in sql or "FROM tags" in sql)
                ),
                None,
            )
            if main is None:
                continue
            rows = conn.execute("EXPLAIN QUERY PLAN " + main).fetchall()
            plans[name] = [row[-1] for row in rows]
        return {"plans": plans}


def serve(setup: Setup, channel: Connection) -> None:
    """Worker process entry point: answer commands until told to stop."""
    if setup.side == "plain":
        from bench_plain import use_plain_sqlite

        use_plain_sqlite()
    elif setup.side == DIAGNOSTIC_SIDE:
        from bench_plain import use_sqlcipher_with_memory_security

        use_sqlcipher_with_memory_security()
    worker = _Worker(setup)
    while True:
        message = channel.recv()
        if message is None:
            worker.close()
            channel.send({"ok": True})
            return
        name, args = message
        try:
            channel.send({"ok": True, **getattr(worker, name)(*args)})
        except Exception as error:  # reported to the orchestrator, which stops the run
            channel.send(
                {
                    "ok": False,
                    "error": f"{type(error).__name__}: {error}",
                    "trace": traceback.format_exc(),
                }
            )
