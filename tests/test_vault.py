"""The vault: permissions, opening order, typed errors, damage detection, atomic re-keying."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from peerjournal.core import platform as platform_module
from peerjournal.core import vault as vault_module
from peerjournal.core.errors import (
    JournalDamaged,
    JournalExists,
    JournalInUse,
    NoJournal,
    WrongPassphrase,
)
from peerjournal.core.journal import Journal
from peerjournal.core.models import Session, new_id, now_iso
from peerjournal.core.vault import Vault
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def make_journal(home: Path, sessions: int = 0) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        for i in range(sessions):
            j.save(Session(id=new_id(), occurred_at=now_iso(), notes=f"note {i} " * 50))


def test_permissions_are_private_even_under_a_permissive_umask(home: Path) -> None:
    old = os.umask(0o022)
    try:
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
            j.save(Session(id=new_id(), occurred_at=now_iso(), notes="x"))
            names = {p.name for p in home.iterdir()}
            assert {"header.json", "journal-1.db", "journal-1.db-wal", "lock"} <= names
            assert stat.S_IMODE(home.stat().st_mode) == 0o700
            for entry in home.iterdir():
                assert stat.S_IMODE(entry.stat().st_mode) == 0o600, entry.name
    finally:
        os.umask(old)


def test_opening_never_creates_a_journal(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    with pytest.raises(NoJournal):
        Journal.open(missing, PASSPHRASE, policy=TEST_POLICY)
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoJournal):
        Journal.open(empty, PASSPHRASE, policy=TEST_POLICY)
    assert list(empty.iterdir()) == []


def test_create_refuses_an_existing_journal_or_a_foreign_folder(home: Path, tmp_path: Path) -> None:
    make_journal(home)
    with pytest.raises(JournalExists):
        Journal.create(home, PASSPHRASE, policy=TEST_POLICY)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(JournalExists):
        Journal.create(busy, PASSPHRASE, policy=TEST_POLICY)


def test_create_cleans_up_after_an_init_that_crashed_before_its_header(home: Path) -> None:
    home.mkdir(mode=0o700)
    (home / "journal-1.db").write_bytes(b"half-made")
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        assert j.check().problems == []


def test_wrong_passphrase_changes_no_byte(home: Path) -> None:
    make_journal(home, sessions=3)
    before = snapshot(home)
    with pytest.raises(WrongPassphrase):
        Journal.open(home, "not the passphrase at all", policy=TEST_POLICY)
    assert snapshot(home) == before
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:
        assert j.counts()["session"] == 3


def test_second_opener_is_refused_while_the_first_keeps_working(home: Path) -> None:
    make_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as first:
        with pytest.raises(JournalInUse):
            Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
        first.save(Session(id=new_id(), occurred_at=now_iso()))
        assert first.counts()["session"] == 1


def test_a_lock_held_by_another_process_is_refused_and_a_killed_holder_frees_it(
    home: Path,
) -> None:
    make_journal(home)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from peerjournal.core.vault import ProcessLock
            from pathlib import Path
            lock = ProcessLock(Path({str(home)!r}))
            print("locked", flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(JournalInUse):
            Vault.locate(home, policy=TEST_POLICY)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:  # the stale lock is no obstacle
        assert j.is_unlocked


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_the_header_mac_reads_as_a_wrong_passphrase(home: Path) -> None:
    make_journal(home)
    header = json.loads((home / "header.json").read_text())
    header["generation"] = 1
    header["created_at"] = "2020-01-01T00:00:00+00:00"  # tampered, still well-formed
    (home / "header.json").write_text(json.dumps(header))
    with pytest.raises(WrongPassphrase):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)


@pytest.mark.parametrize("offset", [0, 10, 40, 100, -3])
def test_a_flipped_byte_anywhere_in_the_header_is_refused_cleanly(home: Path, offset: int) -> None:
    make_journal(home)
    path = home / "header.json"
    flip_byte(path, offset % path.stat().st_size)
    with pytest.raises((WrongPassphrase, JournalDamaged)):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"\xff\xfe", b"{}" * 40000, b'{"format": 1}'])
def test_a_malformed_header_is_damage(home: Path, raw: bytes) -> None:
    make_journal(home)
    (home / "header.json").write_bytes(raw)
    with pytest.raises(JournalDamaged):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)


def test_a_header_asking_for_absurd_costs_is_refused_before_hashing(home: Path) -> None:
    make_journal(home)
    header = json.loads((home / "header.json").read_text())
    header["kdf"]["m"] = 2**40
    (home / "header.json").write_text(json.dumps(header))
    with pytest.raises(JournalDamaged):
        Vault.locate(home, policy=TEST_POLICY)


def test_damage_to_page_one_is_named_as_damage(home: Path) -> None:
    make_journal(home, sessions=5)
    flip_byte(home / "journal-1.db", 100)
    with pytest.raises(JournalDamaged):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)


def test_damage_to_a_later_page_fails_the_check(home: Path) -> None:
    make_journal(home, sessions=40)
    db = home / "journal-1.db"
    assert db.stat().st_size > 5 * 4096
    flip_byte(db, 4 * 4096 + 200)
    try:
        with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:
            assert j.check().problems
    except JournalDamaged:
        pass  # also acceptable: refused at open


def test_truncation_fails_the_check(home: Path) -> None:
    make_journal(home, sessions=40)
    db = home / "journal-1.db"
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size - 4096 - 100)
    try:
        with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:
            assert j.check().problems
    except JournalDamaged:
        pass


def test_a_missing_database_with_a_good_header_is_damage(home: Path) -> None:
    make_journal(home)
    (home / "journal-1.db").unlink()
    with pytest.raises(JournalDamaged):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    assert not (home / "journal-1.db").exists()  # never recreated


def test_plain_sqlite_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from peerjournal.core.errors import CipherUnavailable

    make_journal(home)
    monkeypatch.setattr(vault_module, "_driver", lambda: sqlite3)
    with pytest.raises(CipherUnavailable):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)


def test_close_checkpoints_the_wal(home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        for _ in range(10):
            j.save(Session(id=new_id(), occurred_at=now_iso(), notes="x" * 1000))
        assert (home / "journal-1.db-wal").stat().st_size > 0
    wal = home / "journal-1.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_lock_drops_the_connection_and_unlock_restores_it(journal: Journal) -> None:
    journal.save(Session(id=new_id(), occurred_at=now_iso()))
    journal.lock()
    assert not journal.is_unlocked
    with pytest.raises(RuntimeError):
        journal.counts()
    with pytest.raises(WrongPassphrase):
        journal.unlock("wrong wrong wrong")
    journal.unlock(PASSPHRASE)
    assert journal.counts()["session"] == 1


# ---------------------------------------------------------------------------------------------
# Passphrase change


def test_passphrase_change_switches_generation_and_keeps_content(home: Path) -> None:
    make_journal(home, sessions=7)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:
        salt_before = j.vault.header.salt
        j.change_passphrase(OTHER_PASSPHRASE)
        assert j.counts()["session"] == 7  # keeps working on the new generation
        assert j.vault.header.salt != salt_before
    assert (
        sorted(p.name for p in home.iterdir() if p.name.startswith("journal-")) == ["journal-2.db"]
        or (home / "journal-2.db").exists()
    )
    assert not (home / "journal-1.db").exists()
    with pytest.raises(WrongPassphrase):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    with Journal.open(home, OTHER_PASSPHRASE, policy=TEST_POLICY) as j:
        assert j.counts()["session"] == 7
        assert j.check().problems == []


class SimulatedCrash(BaseException):
    """BaseException, so the code's own `except Exception` clean-up does not run: a crash."""


CRASH_POINTS = ["derived", "exported", "verified", "header_tmp_written", "header_replaced"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_at_any_step_of_a_passphrase_change_leaves_one_working_passphrase(
    home: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    make_journal(home, sessions=5)

    def crash(name: str) -> None:
        if name == point:
            raise SimulatedCrash(name)

    monkeypatch.setattr(vault_module, "_crash_point", crash)
    j = Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    with pytest.raises(SimulatedCrash):
        j.change_passphrase(OTHER_PASSPHRASE)
    # Die without any clean-up: drop the connection and the lock as the kernel would.
    j.vault._conn.close()
    j.vault._lock.release()
    monkeypatch.setattr(vault_module, "_crash_point", lambda name: None)

    opened = []
    for passphrase in (PASSPHRASE, OTHER_PASSPHRASE):
        try:
            with Journal.open(home, passphrase, policy=TEST_POLICY) as again:
                opened.append(passphrase)
                assert again.counts()["session"] == 5
                assert again.check().problems == []
        except WrongPassphrase:
            pass
    assert len(opened) == 1
    expected_new = CRASH_POINTS.index(point) >= CRASH_POINTS.index("header_replaced")
    assert opened == [OTHER_PASSPHRASE if expected_new else PASSPHRASE]
    # The stray generation was cleaned up by the successful open.
    generations = {p.name for p in home.iterdir() if p.name.endswith(".db")}
    assert len(generations) == 1
    assert not (home / "header.json.tmp").exists()


@pytest.mark.parametrize("point", CRASH_POINTS[1:])  # "derived" is the passphrase change's
def test_a_crash_at_any_step_of_a_compaction_leaves_the_whole_journal(
    home: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    make_journal(home, sessions=5)
    reached = []

    def crash(name: str) -> None:
        reached.append(name)
        if name == point:
            raise SimulatedCrash(name)

    monkeypatch.setattr(vault_module, "_crash_point", crash)
    j = Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    with pytest.raises(SimulatedCrash):
        j.compact()
    assert reached[-1] == point
    j.vault._conn.close()
    j.vault._lock.release()
    monkeypatch.setattr(vault_module, "_crash_point", lambda name: None)

    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as again:
        assert again.counts()["session"] == 5
        assert again.check().problems == []
        switched = CRASH_POINTS.index(point) >= CRASH_POINTS.index("header_replaced")
        assert again.vault.header.generation == (2 if switched else 1)
    assert [p.name for p in home.glob("*.db")] == [f"journal-{2 if switched else 1}.db"]
    assert not (home / "header.json.tmp").exists()


def test_compact_shrinks_the_file_and_keeps_every_record(journal: Journal) -> None:
    for i in range(40):
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=f"kept {i} " * 200))
    doomed = [
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=f"gone {i} " * 400)).id
        for i in range(40)
    ]
    for record_id in doomed:
        journal.delete(Session, record_id)
    journal.vault.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    before = (journal.home / "journal-1.db").stat().st_size
    with journal.locked_connection() as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 0  # so the check can fail

    journal.compact()

    after = (journal.home / "journal-2.db").stat().st_size
    assert after < before * 0.75
    assert not (journal.home / "journal-1.db").exists()
    assert journal.counts()["session"] == 40
    assert len(journal.search("kept")) == 40 and journal.search("gone") == []
    journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="after"))  # still writable
    assert journal.check().problems == []


def test_a_failed_passphrase_change_leaves_the_journal_usable(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.save(Session(id=new_id(), occurred_at=now_iso()))

    def fail(name: str) -> None:
        if name == "verified":
            raise OSError("simulated I/O error")

    monkeypatch.setattr(vault_module, "_crash_point", fail)
    with pytest.raises(OSError):
        journal.change_passphrase(OTHER_PASSPHRASE)
    assert journal.counts()["session"] == 1
    assert not (journal.home / "journal-2.db").exists()


def test_a_failure_after_the_header_switch_keeps_the_new_generation(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_journal(home, sessions=2)
    calls = []

    def failing_fsync(directory: Path) -> None:
        calls.append(directory)
        raise OSError("simulated EIO on the directory fsync")

    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as j:
        monkeypatch.setattr(platform_module, "fsync_directory", failing_fsync)
        j.change_passphrase(OTHER_PASSPHRASE)  # the rename happened: the change stands
        monkeypatch.undo()
        assert calls
        assert j.counts()["session"] == 2
    with Journal.open(home, OTHER_PASSPHRASE, policy=TEST_POLICY) as j:
        assert j.counts()["session"] == 2


def test_process_hardening_in_a_child() -> None:
    code = textwrap.dedent("""
        import ctypes, os, resource
        from peerjournal.core.platform import harden_process
        harden_process()
        libc = ctypes.CDLL(None, use_errno=True)
        print(libc.prctl(3, 0, 0, 0, 0), resource.getrlimit(resource.RLIMIT_CORE),
              oct(os.umask(0)))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "(0,", "0)", "0o77"]


def test_the_open_sequence_leaves_the_connection_as_documented(journal: Journal) -> None:
    # docs/security.md, "The vault format": each setting and why. Memory security stays at
    # SQLCipher's default (off) on purpose; see "Secrets in memory" before changing that.
    conn = journal.vault.connection

    def pragma(name: str) -> object:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]

    assert pragma("cipher_version")
    assert str(pragma("cipher_memory_security")) in {"0", "off", "OFF"}
    assert pragma("temp_store") == 2  # MEMORY
    assert pragma("cache_size") == -vault_module.PAGE_CACHE_KIB
    assert pragma("secure_delete") == 1
    assert pragma("foreign_keys") == 1
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert conn.execute(
        "SELECT 1 FROM entries_fts_config WHERE k = 'secure-delete' AND v = 1"
    ).fetchone()
