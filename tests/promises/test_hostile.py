"""Hostile input, property-based: any text, any search, any bytes, any header parameters.

Promises 2 and 4 (design.md section 2) under inputs nobody would type on purpose: text with
every kind of character survives save, export and import exactly as documented (control
characters stripped, nothing else touched) and renders without raising; any search string
returns a list; any bytes offered as an import file, a header.json or a backup give a typed
error and change nothing; header parameters outside the policy are refused before hashing.

Example counts are modest so the default run stays quick; they are the figures quoted in
docs/security.md ("How the promises are tested").
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import re
import shutil
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from peerjournal.core import backup as backup_module
from peerjournal.core import kdf, vault
from peerjournal.core.backup import create_backup, prepare_restore, verify_backup
from peerjournal.core.errors import ImportFailed, JournalDamaged, JournalError
from peerjournal.core.exchange import export_json_bytes, import_records, parse_export
from peerjournal.core.export_versions import sections_in
from peerjournal.core.journal import Journal, SearchHit
from peerjournal.core.jrnl import parse_jrnl
from peerjournal.core.kdf import DEFAULT_POLICY, FLOOR, KdfParams, KdfPolicy
from peerjournal.core.models import (
    Alias,
    Reflection,
    Session,
    new_id,
    now_iso,
)
from peerjournal.core.privacy import sanitize_line
from peerjournal.core.vault import parse_header
from peerjournal.tui.safety import plain, plain_line
from tests.conftest import PASSPHRASE, TEST_PARAMS, TEST_POLICY
from tests.promises.children import CHEAP_POLICY
from tests.promises.state import content, snapshot

# Example counts (quoted in docs/security.md).
ROUND_TRIP_EXAMPLES = 150
RENDER_EXAMPLES = 300
TUI_RENDER_EXAMPLES = 6
SEARCH_EXAMPLES = 300
CLI_SEARCH_EXAMPLES = 60
IMPORT_BYTES_EXAMPLES = 500
IMPORT_DOCUMENT_EXAMPLES = 200
CLI_IMPORT_EXAMPLES = 60
HEADER_BYTES_EXAMPLES = 500
HEADER_OPEN_EXAMPLES = 200
BACKUP_EXAMPLES = 150
BOUNDS_EXAMPLES = 200

FIXTURES_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# ---------------------------------------------------------------------------------------------
# Text strategies

HOSTILE_SAMPLES = [
    "[@click=app.quit]x[/]",
    "[bold]",
    "[",
    "]",
    "[/]",
    "[link=https://example.invalid]x[/link]",
    "\x1b]52;c;aGk=\x07",
    "\x1b]0;window title\x07",
    "\x1b[2J\x1b[31m",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x1bP+q\x1b\\",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\u200f\u200e",
    "שלום עולם",
    "مرحبا",
    "😀",
    "👩‍👩‍👧‍👦",
    "e\u0301",
    "Z̤͔ͧ̑̓ä͢͞l̛g͖̗o",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "\x00",
    "\x7f",
    "\ud800",
    "\udfff",
    "\ufeff",
    "\u200b",
    "\\",
    "${HOME}",
    "%s%n",
    "<script>",
    "'; DROP TABLE sessions; --",
    'NEAR("a" "b")',
    '"',
    "*",
    "\u2028\u2029",
]

# Every code point, surrogates and controls included (st.characters() leaves surrogates out
# unless asked).
ANY_CHARACTER = st.characters(exclude_categories=())
ANY_TEXT = st.lists(
    st.one_of(st.sampled_from(HOSTILE_SAMPLES), st.text(ANY_CHARACTER, max_size=40)),
    max_size=8,
).map("".join)


def expected_text(text: str) -> str:
    """The documented stripping, written independently of the sanitiser's regex.

    Removed: C0 controls except tab, newline and carriage return; DEL; C1 controls; the bidi
    embedding/override/isolate controls; lone surrogates. Then CRLF and CR become LF.
    """

    def kept(char: str) -> bool:
        code = ord(char)
        if code < 0x20:
            return char in "\t\n\r"
        if 0x7F <= code <= 0x9F:
            return False
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return False
        return not 0xD800 <= code <= 0xDFFF

    stripped = "".join(char for char in text if kept(char))
    return stripped.replace("\r\n", "\n").replace("\r", "\n")


def assert_displayable(text: str) -> None:
    """Nothing that a terminal would treat as a command."""
    for char in text:
        code = ord(char)
        assert char in "\t\n" or not (code < 0x20 or 0x7F <= code <= 0x9F), repr(char)
        assert not 0xD800 <= code <= 0xDFFF


@pytest.fixture
def second(tmp_path: Path):
    with Journal.create(tmp_path / "second", PASSPHRASE, policy=TEST_POLICY) as journal:
        yield journal


# ---------------------------------------------------------------------------------------------
# Any text: save -> load -> export -> import -> load


@settings(max_examples=ROUND_TRIP_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(text=ANY_TEXT, line=ANY_TEXT, tag=ANY_TEXT)
def test_any_text_round_trips_through_save_export_and_import(
    journal: Journal, second: Journal, text: str, line: str, tag: str
) -> None:
    assume(len(line) <= 200 and len(tag) <= 200)  # single-line fields are capped at 200
    session = Session(
        id=new_id(),
        occurred_at=now_iso(),
        goal_focus=text,
        notes=text,
        their_words=text,
        tags=[tag],
    )
    reflection = Reflection(id=new_id(), occurred_on="2026-11-20", title=line, body=text)
    journal.save(session)
    journal.save(reflection)

    stored = journal.get(Session, session.id)
    assert stored.notes == stored.goal_focus == stored.their_words == expected_text(text)
    assert_displayable(stored.notes)
    stored_reflection = journal.get(Reflection, reflection.id)
    assert stored_reflection.title == sanitize_line(line)
    assert "\n" not in stored_reflection.title and "\t" not in stored_reflection.title
    assert stored_reflection.body == expected_text(text)
    for stored_tag in stored.tags:
        assert_displayable(stored_tag)
        assert "\n" not in stored_tag

    records = [
        (label, record)
        for label, record in parse_export(export_json_bytes(journal))
        if record.id in (session.id, reflection.id)
    ]
    assert len(records) == 2
    import_records(second, records)
    assert second.get(Session, session.id) == stored
    assert second.get(Reflection, reflection.id) == stored_reflection


def test_a_five_megabyte_hostile_note_round_trips(journal: Journal, second: Journal) -> None:
    """One explicit 5 MB note (not a hypothesis example), every hostile sample inside it."""
    chunk = " ".join(HOSTILE_SAMPLES) + " ordinary words of a long note.\n"
    note = (chunk * (5_000_000 // len(chunk) + 1))[:5_000_000]
    session = journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=note))
    stored = journal.get(Session, session.id)
    assert stored.notes == expected_text(note)
    import_records(second, parse_export(export_json_bytes(journal)))
    assert second.get(Session, session.id).notes == stored.notes
    assert journal.search("ordinary")  # the index took it too


# ---------------------------------------------------------------------------------------------
# Any text renders: as the TUI's literal content, and on real screens


@settings(max_examples=RENDER_EXAMPLES, deadline=None)
@given(text=ANY_TEXT)
def test_any_text_renders_as_literal_content(text: str) -> None:
    expected = expected_text(text)
    segments = plain(text).render_segments()
    assert "".join(segment.text for segment in segments) == expected
    line = plain_line(text)
    assert "\n" not in "".join(segment.text for segment in line.render_segments())
    # What reaches a real terminal: a rich console writing ANSI, as the CLI does.
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=80)
    console.print(Text(sanitize_line(text)), markup=False)
    console.print(Text(expected), markup=False)
    written = out.getvalue()
    assert "\x1b]" not in written and "\x07" not in written  # no OSC (title, clipboard)
    assert not re.search("[\x80-\x9f]", written)  # no 8-bit CSI/OSC either


async def _show_on_screens(journal_home: Path) -> None:
    """Unlock the app on a journal holding `texts`, open each entry and the search screen."""
    from peerjournal.tui.screens.entry import EntryScreen
    from tests.tui.conftest import make_app, settle, unlock

    app = make_app(journal_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        assert app.journal is not None
        for item in app.journal.timeline(limit=20).items:
            app.action_open_entry(item.id)
            await settle(app, pilot)
            assert isinstance(app.screen, EntryScreen) and app.screen.details is not None
            await pilot.press("escape")
            await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        await pilot.press(*"words")
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert app.is_running


@pytest.mark.slow
@settings(max_examples=TUI_RENDER_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(texts=st.lists(ANY_TEXT, min_size=3, max_size=3))
def test_any_text_renders_on_the_timeline_entry_and_search_screens(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    home = tmp_path_factory.mktemp("render") / "journal"
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        alias = journal.save(Alias(id=new_id(), pseudonym=sanitize_line(texts[0])[:200] or "A"))
        for number, text in enumerate(texts):
            journal.save(
                Session(
                    id=new_id(),
                    alias_id=alias.id,
                    occurred_at=now_iso(),
                    goal_focus=f"words {text}",
                    notes=text,
                    tags=[text[:200]],
                )
            )
            journal.save(
                Reflection(
                    id=new_id(), occurred_on="2026-11-20", title=text[:200], body=f"words {number}"
                )
            )
    asyncio.run(_show_on_screens(home))


@pytest.mark.slow
async def test_a_five_megabyte_hostile_note_opens_in_the_entry_view(tmp_path: Path) -> None:
    from peerjournal.tui.screens.entry import EntryScreen
    from tests.tui.conftest import make_app, settle, unlock

    chunk = " ".join(HOSTILE_SAMPLES) + " ordinary words of a long note.\n"
    note = (chunk * (5_000_000 // len(chunk) + 1))[:5_000_000]
    home = tmp_path / "journal"
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        session = journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=note))
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        app.action_open_entry(session.id)
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen) and app.screen.details is not None
        await pilot.press("end")
        await settle(app, pilot)
        assert app.is_running


# ---------------------------------------------------------------------------------------------
# Any search string

FTS_TOKENS = [
    '"',
    "'",
    "*",
    "(",
    ")",
    "NEAR",
    "NEAR(",
    "NEAR/3",
    "AND",
    "OR",
    "NOT",
    "^",
    ":",
    "notes:",
    "entries_fts",
    "rank",
    "-",
    "+",
    "{",
    "}",
    "\\",
    "\x00",
    "housing",
    "hous*",
    '"housing benefits"',
    "é",
    "😀",
    "\ud800",
]
SEARCH_STRINGS = st.one_of(
    st.lists(
        st.one_of(st.sampled_from(FTS_TOKENS), st.text(ANY_CHARACTER, max_size=6)), max_size=10
    ).flatmap(lambda parts: st.sampled_from(["", " "]).map(lambda sep: sep.join(parts))),
    st.text(ANY_CHARACTER, max_size=60),
)


@pytest.fixture
def searchable(journal: Journal) -> Journal:
    journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="housing benefits forms"))
    journal.save(Reflection(id=new_id(), occurred_on="2026-11-20", body="NEAR the end (of) it"))
    return journal


@settings(max_examples=SEARCH_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(query=SEARCH_STRINGS)
def test_any_search_string_returns_a_list(searchable: Journal, query: str) -> None:
    hits = searchable.search(query)
    assert isinstance(hits, list) and all(isinstance(hit, SearchHit) for hit in hits)


@pytest.fixture
def searchable_home(home: Path) -> Path:
    """A closed journal with a few words to find, for the command line to open."""
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="housing benefits forms"))
    return home


@settings(max_examples=CLI_SEARCH_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(query=SEARCH_STRINGS.filter(lambda q: "\x00" not in q and not q.startswith("-")))
def test_any_search_string_on_the_command_line_exits_0(
    searchable_home: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    from tests.clirun import run_cli

    result = run_cli(capsys, "--home", str(searchable_home), "search", query)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err


# ---------------------------------------------------------------------------------------------
# Any bytes as an import file

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
    st.sampled_from(
        [
            "2026-11-20",
            "2026-11-20T14:00:00+01:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "2026-11-20T24:00:00+01:00",
            "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01",
            "6F1C0E0A-6D7C-4C55-9D5E-8B8F0F8F8F01",
            "individual",
            "limits_reached",
            "gibbs",
        ]
    ),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
EDGE_TIMES = st.sampled_from(
    [
        "2026-11-20T14:00:00+01:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "0002-01-01T00:00:00+14:00",
        "2026-11-20T14:00:00Z",
        "2026-11-20T14:00:00.123456-23:59",
    ]
)
EDGE_DAYS = st.sampled_from(["2026-11-20", "0001-01-01", "9999-12-31", "0002-01-01", "2026-02-29"])


def record_dicts(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A record of `cls` that is valid apart from what the fuzzer puts into its fields."""
    time_value = EDGE_DAYS if cls.TIME_FIELD in ("occurred_on", "due_on") else EDGE_TIMES
    base = st.fixed_dictionaries({"id": st.uuids().map(str), cls.TIME_FIELD: time_value})
    if cls is Alias:
        base = st.fixed_dictionaries({"id": st.uuids().map(str), "pseudonym": ANY_TEXT})
    fields = sorted(cls.__dataclass_fields__)
    extra = st.dictionaries(
        st.sampled_from([*fields, "x"]), st.one_of(JSON_SCALARS, JSON_VALUES), max_size=4
    )
    return st.tuples(base, extra).map(lambda pair: {**pair[0], **pair[1]})


# The documents are version 1 files: that version's sections (kinds added later have none).
SECTIONS = dict(sections_in(1))
SECTION_NAMES = list(SECTIONS)
EXPORT_DOCUMENTS = st.fixed_dictionaries(
    {"format": st.just("peerjournal-export"), "version": st.just(1)},
    optional={
        **{
            name: st.one_of(st.lists(record_dicts(cls), max_size=3), JSON_VALUES)
            for name, cls in SECTIONS.items()
        },
        "exported_at": JSON_VALUES,
        "extra": JSON_VALUES,
    },
)


@settings(max_examples=IMPORT_BYTES_EXAMPLES, deadline=None)
@given(raw=st.one_of(st.binary(max_size=3000), JSON_VALUES.map(lambda v: json.dumps(v).encode())))
def test_any_bytes_as_an_import_file_is_a_clear_error(raw: bytes) -> None:
    with pytest.raises(ImportFailed):
        parse_export(raw)
    with contextlib.suppress(ImportFailed):
        parse_jrnl(raw)  # an empty jrnl export, say, is valid


def test_pathological_json_is_a_clear_error() -> None:
    """The shapes that make Python's json module raise something else than JSONDecodeError."""
    export = b'{"format":"peerjournal-export","version":1,"sessions":[{"duration_min":%s}]}'
    for raw in (b"[" * 100_000, b"9" * 5000, export % (b"9" * 5000)):
        with pytest.raises(ImportFailed):
            parse_export(raw)
        with pytest.raises(ImportFailed):
            parse_jrnl(raw)
        with pytest.raises(JournalDamaged):
            parse_header(raw)


@settings(max_examples=IMPORT_DOCUMENT_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(document=EXPORT_DOCUMENTS)
def test_any_export_shaped_document_imports_or_changes_nothing(
    journal: Journal, document: dict[str, Any]
) -> None:
    before = content(journal)
    try:
        records = parse_export(json.dumps(document).encode())
        import_records(journal, records)
    except JournalError:
        assert content(journal) == before
        return
    # Accepted: then it is really there, as a re-export shows.
    ids = {record.id for _, record in records}
    after = content(journal)
    assert ids <= {item["id"] for section in SECTION_NAMES for item in after[section]}


@settings(max_examples=CLI_IMPORT_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(
    raw=st.one_of(st.binary(max_size=2000), EXPORT_DOCUMENTS.map(lambda d: json.dumps(d).encode()))
)
def test_any_bytes_given_to_peerjournal_import_change_no_byte(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], raw: bytes
) -> None:
    from tests.clirun import run_cli

    folder = tmp_path_factory.mktemp("cli-import")
    home = folder / "journal"
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    before = snapshot(home)
    source = folder / "import.json"
    source.write_bytes(raw)
    result = run_cli(capsys, "--home", str(home), "import", str(source))
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    if result.code != 0:
        assert result.code == 2
        assert snapshot(home) == before


# ---------------------------------------------------------------------------------------------
# Any bytes as header.json

# A policy whose cap is small, so a fuzzed header that stays inside it never hashes for long.
FUZZ_POLICY = KdfPolicy(
    floor=TEST_PARAMS, cap=KdfParams(memory_kib=4096, iterations=2, parallelism=2), calibrate=False
)


@settings(max_examples=HEADER_BYTES_EXAMPLES, deadline=None)
@given(raw=st.one_of(st.binary(max_size=2000), JSON_VALUES.map(lambda v: json.dumps(v).encode())))
def test_any_bytes_as_header_json_parse_as_damage(raw: bytes) -> None:
    with pytest.raises(JournalDamaged):
        parse_header(raw)


@pytest.fixture(scope="module")
def closed_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("header") / "journal"
    with Journal.create(home, PASSPHRASE, policy=FUZZ_POLICY) as journal:
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="kept"))
    return home


def header_mutations(original: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """A real header with one field replaced, removed or added, or random bytes."""
    top = sorted(original)
    inner = sorted(original["kdf"])

    def replace_top(key: str, value: Any) -> bytes:
        changed = dict(original)
        changed[key] = value
        return json.dumps(changed).encode()

    def replace_inner(key: str, value: Any) -> bytes:
        changed = json.loads(json.dumps(original))
        changed["kdf"][key] = value
        return json.dumps(changed).encode()

    def remove(key: str) -> bytes:
        changed = dict(original)
        changed.pop(key)
        return json.dumps(changed).encode()

    small_ints = st.integers(min_value=-(2**40), max_value=2**40)
    return st.one_of(
        st.builds(replace_top, st.sampled_from(top), st.one_of(JSON_VALUES, small_ints)),
        st.builds(replace_inner, st.sampled_from(inner), st.one_of(JSON_VALUES, small_ints)),
        st.builds(remove, st.sampled_from(top)),
        st.builds(replace_top, st.text(max_size=6), JSON_VALUES),
        st.binary(max_size=600),
    )


@settings(max_examples=HEADER_OPEN_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(data=st.data())
def test_any_header_json_opens_cleanly_or_is_refused_and_changes_nothing(
    closed_journal: Path, data: st.DataObject
) -> None:
    header_path = closed_journal / "header.json"
    original = header_path.read_bytes()
    raw = data.draw(header_mutations(json.loads(original)))
    assume(raw != original)
    header_path.write_bytes(raw)
    try:
        before = snapshot(closed_journal)
        try:
            Journal.open(closed_journal, PASSPHRASE, policy=FUZZ_POLICY).close()
        except JournalError:
            assert snapshot(closed_journal) == before  # byte-identical, nothing recreated
    finally:
        header_path.write_bytes(original)


# ---------------------------------------------------------------------------------------------
# Any bytes as a backup


@pytest.fixture(scope="module")
def real_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    """A journal's folder and a real backup of it: (home, header bytes, database bytes)."""
    folder = tmp_path_factory.mktemp("backup")
    home = folder / "journal"
    with Journal.create(home, PASSPHRASE, policy=FUZZ_POLICY) as journal:
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="kept"))
        create_backup(journal, folder / "real.pjbackup")
    with tarfile.open(folder / "real.pjbackup") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isreg()}  # type: ignore[union-attr]
    return home, members["header.json"], members["journal-1.db"]


def tar_bytes(members: list[tuple[str, bytes, bytes]]) -> bytes:
    """A tar of (name, type, data) members; type is a tarfile type flag."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.REGTYPE:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                info.linkname = "header.json"
                tar.addfile(info)
    return out.getvalue()


def flipped(data: bytes, position: int) -> bytes:
    if not data:
        return data
    index = position % len(data)
    return data[:index] + bytes([data[index] ^ 0x41]) + data[index + 1 :]


def backup_files(header: bytes, database: bytes) -> st.SearchStrategy[bytes]:
    names = st.sampled_from(
        [
            "header.json",
            "journal-1.db",
            "journal-2.db",
            "../header.json",
            "/journal-1.db",
            "a/b",
            "x",
        ]
    )
    payloads = st.one_of(
        st.just(header),
        st.just(database),
        st.builds(flipped, st.just(header), st.integers(min_value=0)),
        st.builds(flipped, st.just(database), st.integers(min_value=0)),
        st.builds(lambda n: database[:n], st.integers(min_value=0, max_value=len(database))),
        st.binary(max_size=300),
    )
    kinds = st.sampled_from(
        [tarfile.REGTYPE] * 6 + [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.DIRTYPE]
    )
    tars = st.lists(st.tuples(names, kinds, payloads), max_size=4).map(tar_bytes)
    real = tar_bytes(
        [("header.json", tarfile.REGTYPE, header), ("journal-1.db", tarfile.REGTYPE, database)]
    )
    return st.one_of(
        st.binary(max_size=3000),
        tars,
        st.builds(lambda n: real[:n], st.integers(min_value=0, max_value=len(real) - 1)),
        st.builds(flipped, st.just(real), st.integers(min_value=0)),
    )


@settings(max_examples=BACKUP_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(data=st.data())
def test_any_bytes_as_a_backup_are_refused_and_change_nothing(
    real_backup: tuple[Path, bytes, bytes],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    home, header, database = real_backup
    raw = data.draw(backup_files(header, database))
    folder = tmp_path_factory.mktemp("candidate")
    candidate = folder / "candidate.pjbackup"
    candidate.write_bytes(raw)
    scratch = folder / "scratch"
    scratch.mkdir()
    before = snapshot(home.parent)
    try:
        verify_backup(candidate, PASSPHRASE, policy=FUZZ_POLICY, scratch=scratch)
        verified = True
    except JournalError:
        verified = False
    assert list(scratch.iterdir()) == []  # no working copy left behind
    try:
        with prepare_restore(home, candidate, PASSPHRASE, policy=FUZZ_POLICY):
            staged = True  # leaving the block discards the staged copy
    except JournalError:
        staged = False
    assert staged == verified  # restore accepts exactly what verify accepts
    assert snapshot(home.parent) == before  # the journal and its neighbours: byte-identical
    shutil.rmtree(folder)


# ---------------------------------------------------------------------------------------------
# Header parameters past their bounds: refused before any hashing


def out_of_bounds(policy: KdfPolicy) -> st.SearchStrategy[tuple[int, int, int, int]]:
    """(m, t, p, salt length) with at least one outside the policy or the salt rules."""
    floor, cap = policy.floor, policy.cap
    m = st.one_of(
        st.integers(min_value=cap.memory_kib + 1, max_value=2**62),
        st.integers(min_value=-(2**31), max_value=floor.memory_kib - 1),
        st.integers(min_value=floor.memory_kib, max_value=cap.memory_kib),
    )
    t = st.one_of(
        st.integers(min_value=cap.iterations + 1, max_value=2**62),
        st.integers(min_value=-(2**31), max_value=floor.iterations - 1),
        st.integers(min_value=floor.iterations, max_value=cap.iterations),
    )
    p = st.one_of(
        st.integers(min_value=cap.parallelism + 1, max_value=2**62),
        st.integers(min_value=-(2**31), max_value=floor.parallelism - 1),
        st.integers(min_value=floor.parallelism, max_value=cap.parallelism),
    )
    salt = st.one_of(st.integers(0, 15), st.integers(65, 512), st.just(16))
    return st.tuples(m, t, p, salt).filter(
        lambda v: not policy.accepts(KdfParams(*v[:3])) or not 16 <= v[3] <= 64
    )


@pytest.fixture(scope="module")
def production_header_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal folder whose header is rewritten by each example (never unlocked)."""
    home = tmp_path_factory.mktemp("bounds") / "journal"
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY):
        pass
    return home


@settings(max_examples=BOUNDS_EXAMPLES, deadline=None, suppress_health_check=FIXTURES_OK)
@given(values=out_of_bounds(DEFAULT_POLICY))
def test_header_parameters_past_their_bounds_are_refused_before_hashing(
    production_header_journal: Path, monkeypatch: pytest.MonkeyPatch, values: tuple[int, ...]
) -> None:
    m, t, p, salt_length = values
    home = production_header_journal
    header = json.loads((home / "header.json").read_text())
    header["kdf"].update(m=m, t=t, p=p, salt=base64.b64encode(os.urandom(salt_length)).decode())
    (home / "header.json").write_text(json.dumps(header))

    def no_hashing(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 ran on parameters that should have been refused")

    monkeypatch.setattr(vault, "derive_keys", no_hashing)
    monkeypatch.setattr(kdf, "hash_secret_raw", no_hashing)
    monkeypatch.setattr(backup_module, "derive_keys", no_hashing)
    started = time.perf_counter()
    with pytest.raises(JournalDamaged):
        Journal.open(home, PASSPHRASE, policy=DEFAULT_POLICY)
    candidate = home.parent / "bounds.pjbackup"
    candidate.write_bytes(
        tar_bytes(
            [
                ("header.json", tarfile.REGTYPE, json.dumps(header).encode()),
                ("journal-1.db", tarfile.REGTYPE, (home / "journal-1.db").read_bytes()),
            ]
        )
    )
    with pytest.raises(JournalDamaged):
        verify_backup(candidate, PASSPHRASE, policy=DEFAULT_POLICY)
    assert time.perf_counter() - started < 1.0


def test_the_cheap_child_policy_is_the_suites_test_policy() -> None:
    assert CHEAP_POLICY == TEST_POLICY
    assert FLOOR.at_least(TEST_PARAMS)
