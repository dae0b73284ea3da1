"""Import from jrnl: its JSON export (`jrnl --export json`) becomes reflections.

jrnl writes ``{"tags": {"@tag": count}, "entries": [{"title", "body", "date": "YYYY-MM-DD",
"time": "HH:MM", "tags": ["@tag"], "starred": bool}]}``, with "uuid" and "creator" on entries
that came from Day One. Each entry becomes a free reflection on that date: title and body as
written, jrnl's tags without their tag symbol, and "starred" as a tag; the entry's time is kept
as the reflection's creation time.

Ids are uuid5 names derived from the entry (its Day One uuid, or its date, time, title and
body), so importing the same file again adds nothing; an entry already in the journal is left
exactly as it is, even if it was edited here since. The whole file is validated before
anything is written, and the error names the first problem and where it is (for example
``entries[3]: field 'date' ...``); nothing is imported then.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from peerjournal.core.errors import ImportFailed, InvalidRecord
from peerjournal.core.exchange import MAX_IMPORT_BYTES, ImportSummary, import_records
from peerjournal.core.journal import Journal
from peerjournal.core.models import MAX_LINE_CHARS, Reflection, validate_record
from peerjournal.core.sanitize import sanitize_line

# Fixed for ever: changing it would make every re-import add the entries again.
JRNL_NAMESPACE = uuid.UUID("34a1e5dd-bdae-4346-886f-d8ab4e3ac2be")
STARRED_TAG = "starred"
_TOP_FIELDS = {"tags", "entries"}
_ENTRY_FIELDS = {"title", "body", "date", "time", "tags", "starred", "uuid", "creator"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")
_TAG_SYMBOLS = re.compile(r"^[^\w]+")
T = TypeVar("T")


def _fail(detail: str) -> ImportFailed:
    return ImportFailed(f"{detail} Nothing was imported.")


def _document(raw: bytes) -> Any:
    if len(raw) > MAX_IMPORT_BYTES:
        raise _fail("The jrnl file is too large.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(f"The jrnl file is not UTF-8 text (byte {error.start}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(
            f"The jrnl file is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); it may be truncated."
        ) from None
    except RecursionError:
        raise _fail("The jrnl file is nested too deeply.") from None
    except ValueError:  # a number with thousands of digits (Python's int conversion limit)
        raise _fail("The jrnl file holds a number far too long to read.") from None


def _field(entry: dict[str, Any], name: str, kind: type, label: str, default: Any) -> Any:
    value = entry.get(name, default)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        expected = {str: "text", bool: "true or false", list: "a list of text"}[kind]
        raise _fail(f"{label}: field '{name}' must be {expected}.")
    return value


def _parsed(text: str, shape: re.Pattern[str], parse: Callable[[str], T], problem: str) -> T:
    """`parse(text)` when `text` has jrnl's exact shape; otherwise the import fails."""
    try:
        if not shape.match(text):
            raise ValueError(text)
        return parse(text)
    except ValueError:
        raise _fail(problem) from None


def _entry_key(entry: dict[str, Any], when: str, title: str, body: str) -> str:
    day_one = entry.get("uuid")
    if isinstance(day_one, str) and day_one:
        return f"uuid:{day_one}"
    return f"{when}\n{title}\n{body}"


def _reflection(entry: Any, label: str, seen: Counter[str]) -> Reflection:
    if not isinstance(entry, dict):
        raise _fail(f"{label}: must be a JSON object.")
    unknown = sorted(set(entry) - _ENTRY_FIELDS)
    if unknown:
        raise _fail(f"{label}: unknown field '{unknown[0]}'.")
    if "date" not in entry:
        raise _fail(f"{label}: field 'date' is missing.")
    day_text = _field(entry, "date", str, label, "")
    time_text = _field(entry, "time", str, label, "00:00")
    title = _field(entry, "title", str, label, "")
    body = _field(entry, "body", str, label, "")
    tags = _field(entry, "tags", list, label, [])
    starred = _field(entry, "starred", bool, label, False)
    if not all(isinstance(tag, str) for tag in tags):
        raise _fail(f"{label}: field 'tags' must be a list of text.")
    day = _parsed(
        day_text,
        _DATE,
        date.fromisoformat,
        f"{label}: field 'date' must be a date like 2020-06-28.",
    )
    moment = _parsed(
        time_text, _TIME, time.fromisoformat, f"{label}: field 'time' must be a time like 18:22."
    )
    when = f"{day_text}T{time_text}"
    key = _entry_key(entry, when, title, body)
    seen[key] += 1
    if seen[key] > 1:
        key += f"\n#{seen[key]}"  # jrnl allows identical entries; keep each of them
    if len(sanitize_line(title)) > MAX_LINE_CHARS:
        # jrnl's title is the first sentence and may be long; keep all of it in the body.
        body = f"{title}\n\n{body}" if body else title
        title = sanitize_line(title)[: MAX_LINE_CHARS - 1].rstrip() + "…"
    created = datetime.combine(day, moment).astimezone().isoformat(timespec="seconds")
    record = Reflection(
        id=str(uuid.uuid5(JRNL_NAMESPACE, key)),
        occurred_on=day.isoformat(),
        template="free",
        title=title,
        body=body,
        tags=[_TAG_SYMBOLS.sub("", tag) for tag in tags] + ([STARRED_TAG] if starred else []),
        created_at=created,
        updated_at=created,
    )
    try:
        validate_record(record, label)
    except InvalidRecord as error:
        raise _fail(error.message) from None
    return record


def parse_jrnl(raw: bytes) -> list[tuple[str, Reflection]]:
    """Validate a jrnl JSON export completely; return (position, reflection) pairs."""
    document = _document(raw)
    if not isinstance(document, dict) or "entries" not in document:
        raise _fail("The file is not a jrnl JSON export (no 'entries').")
    unknown = sorted(set(document) - _TOP_FIELDS)
    if unknown:
        raise _fail(f"The jrnl file has an unknown field '{unknown[0]}'.")
    if not isinstance(document.get("tags", {}), dict):
        raise _fail("The jrnl file's 'tags' must be an object.")
    entries = document["entries"]
    if not isinstance(entries, list):
        raise _fail("The jrnl file's 'entries' must be a list.")
    seen: Counter[str] = Counter()
    return [
        (f"entries[{index}]", _reflection(entry, f"entries[{index}]", seen))
        for index, entry in enumerate(entries)
    ]


def import_jrnl(journal: Journal, records: list[tuple[str, Reflection]]) -> ImportSummary:
    """Add the reflections that are not in the journal yet, in one transaction.

    Ones already here (same id: imported before) are left untouched, even if edited since.
    """
    with journal.transaction():
        fresh = [(label, r) for label, r in records if not journal.exists(Reflection, r.id)]
        summary = import_records(journal, fresh)
    already = len(records) - len(fresh)
    if already:
        summary.unchanged["reflection"] = summary.unchanged.get("reflection", 0) + already
    return summary
