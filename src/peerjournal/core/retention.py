"""Retention: plan what the retention settings would purge, show it, and purge it for good.

Two rules, each off by default (a setting of None):

- `retention_closed_alias_months`: the sessions, follow-ups, confidentiality events and
  boundary events of an alias closed more than N months ago. An alias has no "closed on"
  field: the months count from its last change (`updated_at`), which is the day it was closed
  unless it was edited after. That errs towards keeping. The alias itself stays; follow-ups
  and events count as the alias's when they name it or one of its sessions. Reflections,
  debriefs and supervisions are the supporter's own and stay (a link to a purged session or
  event is cleared; a supervision keeps the bare id of a purged record it brought, which
  names nothing and is not shown).
- `retention_entry_months`: every entry (session, reflection, check-in, follow-up,
  confidentiality event, debrief, supervision, boundary event) whose own date is more than N
  months ago. The actions agreed in a purged supervision stay by their own dates, unlinked.

`plan_retention` lists exactly what would go, and `purge` deletes exactly that list in one
transaction (secure_delete zeroes the freed pages, so the text is gone from the file at once),
then `Journal.compact()` merges the search index and writes the database afresh, as small as
what is left. Backups made before still hold it.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from peerjournal.core.errors import JournalError, StorageFull, UsageError
from peerjournal.core.journal import Journal
from peerjournal.core.models import BY_KIND, parse_datetime

CLOSED_ALIAS_SETTING = "retention_closed_alias_months"
ENTRY_SETTING = "retention_entry_months"
MAX_MONTHS = 1200
_CHUNK = 500


@dataclass(frozen=True)
class RetentionSettings:
    closed_alias_months: int | None = None  # None: this rule is off
    entry_months: int | None = None

    @property
    def enabled(self) -> bool:
        return self.closed_alias_months is not None or self.entry_months is not None


def _months(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_MONTHS:
        return value
    return None


def retention_settings(journal: Journal) -> RetentionSettings:
    return RetentionSettings(
        _months(journal.setting(CLOSED_ALIAS_SETTING)), _months(journal.setting(ENTRY_SETTING))
    )


def set_retention(journal: Journal, settings: RetentionSettings) -> None:
    for value in (settings.closed_alias_months, settings.entry_months):
        if value is not None and _months(value) is None:
            raise UsageError(f"Retention is counted in months, from 1 to {MAX_MONTHS}.")
    with journal.transaction():
        journal.set_setting(CLOSED_ALIAS_SETTING, settings.closed_alias_months)
        journal.set_setting(ENTRY_SETTING, settings.entry_months)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PurgeItem:
    """One record the plan would delete, described as the timeline shows it."""

    id: str
    kind: str
    when: str
    label: str  # the kind's column word (journal.Summary.label)
    title: str  # without the kind (journal.Summary.title)
    preview: str
    alias: str | None
    reason: str


@dataclass(frozen=True)
class RetentionPlan:
    settings: RetentionSettings
    today: date
    items: tuple[PurgeItem, ...]

    @property
    def empty(self) -> bool:
        return not self.items

    def counts(self) -> dict[str, int]:
        """How many of each kind, in the journal's usual order of kinds."""
        return _in_kind_order(Counter(item.kind for item in self.items))


def _in_kind_order(counts: Mapping[str, int]) -> dict[str, int]:
    return {kind: counts[kind] for kind in BY_KIND if counts.get(kind)}


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


def _closed_alias_records(journal: Journal, months: int, today: date) -> dict[str, tuple[str, str]]:
    """id -> (kind, reason) for the records of aliases closed more than `months` ago."""
    cutoff = datetime.combine(months_before(today, months), time(0, 0)).astimezone()
    found: dict[str, tuple[str, str]] = {}
    for alias in journal.list_aliases(status="closed"):
        try:
            if parse_datetime(alias.updated_at) >= cutoff:
                continue
        except ValueError:
            continue  # no usable time: keep, never guess
        reason = (
            f"{alias.pseudonym} was closed (last changed {alias.updated_at[:10]}), "
            f"more than {_months_text(months)} ago"
        )
        with journal.locked_connection() as conn:
            sessions = [
                row[0]
                for row in conn.execute("SELECT id FROM sessions WHERE alias_id = ?", (alias.id,))
            ]
            found.update((session_id, ("session", reason)) for session_id in sessions)
            for kind, table in (
                ("follow_up", "follow_ups"),
                ("confidentiality_event", "confidentiality_events"),
            ):
                rows = conn.execute(
                    f"SELECT id FROM {table} WHERE alias_id = ? OR session_id IN "  # noqa: S608
                    "(SELECT id FROM sessions WHERE alias_id = ?)",
                    (alias.id, alias.id),
                ).fetchall()
                found.update((row[0], (kind, reason)) for row in rows)
            rows = conn.execute("SELECT id FROM boundary_events WHERE alias_id = ?", (alias.id,))
            found.update((row[0], ("boundary_event", reason)) for row in rows.fetchall())
    return found


def _months_text(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def _old_entries(journal: Journal, months: int, today: date) -> dict[str, tuple[str, str]]:
    cutoff_day = months_before(today, months)
    cutoff = int(datetime.combine(cutoff_day, time(0, 0)).astimezone().timestamp() * 1_000_000)
    reason = f"dated before {cutoff_day.isoformat()} (more than {_months_text(months)} ago)"
    with journal.locked_connection() as conn:
        rows = conn.execute("SELECT id, kind FROM entries WHERE sort_ts < ?", (cutoff,))
        return {entry_id: (kind, reason) for entry_id, kind in rows.fetchall()}


def plan_retention(
    journal: Journal,
    settings: RetentionSettings | None = None,
    *,
    today: date | None = None,
) -> RetentionPlan:
    """Everything the retention settings (the journal's, unless given) would purge today."""
    settings = settings if settings is not None else retention_settings(journal)
    today = today or date.today()
    chosen: dict[str, tuple[str, str]] = {}
    if settings.entry_months is not None:
        chosen.update(_old_entries(journal, settings.entry_months, today))
    if settings.closed_alias_months is not None:
        # The alias rule's reason wins where both apply: it is the more specific one.
        chosen.update(_closed_alias_records(journal, settings.closed_alias_months, today))
    items = _describe(journal, chosen) if chosen else ()
    return RetentionPlan(settings, today, items)


def _describe(journal: Journal, chosen: dict[str, tuple[str, str]]) -> tuple[PurgeItem, ...]:
    ids = list(chosen)
    order: dict[str, tuple[int, int, str | None]] = {}
    with journal.locked_connection() as conn:
        for chunk in _chunks(ids):
            rows = conn.execute(
                f"SELECT id, sort_ts, rowid, alias_id FROM entries WHERE id IN ({_marks(chunk)})",  # noqa: S608
                chunk,
            )
            for entry_id, sort_ts, rowid, alias_id in rows.fetchall():
                order[entry_id] = (sort_ts, rowid, alias_id)
    ids = sorted((entry_id for entry_id in ids if entry_id in order), key=lambda i: order[i][:2])
    summaries = journal.summarise(ids)
    names = journal.alias_names()
    return tuple(
        PurgeItem(
            id=entry_id,
            kind=chosen[entry_id][0],
            when=summaries[entry_id].when,
            label=summaries[entry_id].label,
            title=summaries[entry_id].title,
            preview=summaries[entry_id].preview,
            alias=names.get(order[entry_id][2] or ""),
            reason=chosen[entry_id][1],
        )
        for entry_id in ids
    )


class NotCompacted(JournalError):
    """The records were purged (committed), but compacting the journal afterwards failed.

    `deleted` says what went, as `purge` would have returned it; the journal stays usable on
    its current file, which shrinks at the next purge.
    """

    def __init__(self, deleted: dict[str, int], cause: JournalError) -> None:
        self.deleted = deleted
        self.exit_code = cause.exit_code
        count = sum(deleted.values())
        full = isinstance(cause, StorageFull)
        why = "the disk is full" if full else "its new copy could not be written or checked"
        super().__init__(
            f"Purged {count} {'entry' if count == 1 else 'entries'}, but the journal file could "
            f"not be made smaller afterwards: {why}. The purged entries are gone either way; "
            "the file shrinks at the next purge."
        )


def purge(journal: Journal, items: Iterable[PurgeItem]) -> dict[str, int]:
    """Delete exactly these records, permanently; return how many of each kind went.

    One transaction (all or none), with secure_delete on, so no copy of the text is left in
    the journal's files; then `Journal.compact()` shrinks the file to what is left. If that
    last step fails, `NotCompacted` says so, and what was purged.
    """
    by_kind: dict[str, list[str]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item.id)
    deleted: dict[str, int] = {}
    if not by_kind:
        return deleted
    with journal.transaction(), journal.locked_connection() as conn:
        for kind, ids in by_kind.items():
            table = BY_KIND[kind].TABLE
            for chunk in _chunks(ids):
                cursor = conn.execute(
                    f"DELETE FROM {table} WHERE id IN ({_marks(chunk)})",  # noqa: S608
                    chunk,
                )
                deleted[kind] = deleted.get(kind, 0) + cursor.rowcount
            for record_id in ids:
                journal.note_change("deleted", kind, record_id)
    try:
        journal.compact()
    except JournalError as error:
        raise NotCompacted(_in_kind_order(deleted), error) from None
    return _in_kind_order(deleted)
