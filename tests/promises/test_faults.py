"""Promise 5 under faults: a full disk while saving, exporting and backing up, and two processes.

A full disk is simulated three ways: SQLite's `max_page_count` on the live connection (a
database that may not grow), a stand-in for the `os` module inside one core module whose
writes fail with ENOSPC after a number of bytes, and, where this process may mount one (root
on Linux), a real tmpfs of a few hundred KiB. Each time: a clear message, nothing committed
lost, no half-written file left behind.

Two processes: a second `peerjournal` on a journal that is in use is refused with exit code 6
(the app shows a clear message) while the first keeps working; the lock of a process killed
with SIGKILL does not block the next start.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from peerjournal.core import backup as backup_module
from peerjournal.core import exchange
from peerjournal.core.backup import create_backup, verify_backup
from peerjournal.core.errors import StorageFull
from peerjournal.core.exchange import export_json_bytes, import_records
from peerjournal.core.journal import Journal
from peerjournal.core.models import Session, new_id, now_iso
from tests.clirun import run_cli as run_cli_here
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.promises.children import Driver, Launch, kill_hard, run_cli
from tests.promises.state import content, content_of, fill

FULL = "disk is full"

# ---------------------------------------------------------------------------------------------
# Ways to fill a disk


class FullDisk:
    """Stands in for the `os` module inside one core module: after `room` bytes, every write
    fails with ENOSPC, through os.write and through files opened with os.fdopen alike."""

    def __init__(self, room: int) -> None:
        self.room = room

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def take(self, size: int) -> int:
        """How many of `size` bytes still fit; raise ENOSPC when none do."""
        if size and self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        granted = min(size, self.room)
        self.room -= granted
        return granted

    def write(self, fd: int, data: bytes | memoryview) -> int:
        return os.write(fd, bytes(data[: self.take(len(data))]))

    def fdopen(self, fd: int, *args: Any, **kwargs: Any) -> Any:
        return _FullFile(os.fdopen(fd, *args, **kwargs), self)


class _FullFile:
    def __init__(self, inner: Any, disk: FullDisk) -> None:
        self._inner, self._disk = inner, disk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def write(self, data: bytes) -> int:
        granted = self._disk.take(len(data))
        self._inner.write(bytes(memoryview(data)[:granted]))
        if granted < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return granted


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """mount(name, size) -> a fresh tmpfs of that size; skipped where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(name: str, size: str) -> Path:
        if not sys.platform.startswith("linux") or os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root on Linux")
        point = tmp_path / name
        point.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(point)], capture_output=True)


def grow(point: Path, size: str) -> None:
    """Make room on a tmpfs mounted by tiny_disk (as deleting files would)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(point)], check=True)


@pytest.fixture
def filled(home: Path) -> Path:
    """A closed journal holding a few hundred KiB of notes."""
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal, seed="faults", sessions=150)
    return home


def big_session(number: int = 0) -> Session:
    return Session(id=new_id(), occurred_at=now_iso(), notes=f"note {number} " * 8000)


# ---------------------------------------------------------------------------------------------
# Saving


def test_saving_into_a_database_that_cannot_grow_keeps_everything_committed(
    filled: Path,
) -> None:
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        before = content(journal)
        connection = journal.vault.connection
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

        with pytest.raises(StorageFull) as refused:
            journal.save(big_session())
        assert FULL in refused.value.message and "Nothing already saved was lost" in (
            refused.value.message
        )
        # An import of many records: all or nothing, here nothing.
        records = [(f"sessions[{n}]", big_session(n)) for n in range(5)]
        with pytest.raises(StorageFull):
            import_records(journal, records)
        with pytest.raises(StorageFull):  # an autosaved draft of a long note
            journal.save_draft("form", "session", {"values": {"notes": "words " * 200_000}})
        assert content(journal) == before and journal.drafts() == []
        assert journal.check().problems == []

        connection.execute("PRAGMA max_page_count = 1073741823")  # space freed
        saved = journal.save(big_session(99))
    after = content_of(filled, PASSPHRASE, TEST_POLICY)
    assert [s for s in after["sessions"] if s["id"] != saved.id] == before["sessions"]


def test_a_real_full_disk_loses_nothing_committed(
    tiny_disk: Callable[[str, str], Path],
) -> None:
    disk = tiny_disk("disk", "1m")
    home = disk / "journal"
    journal = Journal.create(home, PASSPHRASE, policy=TEST_POLICY)
    saved: list[str] = []
    with pytest.raises(StorageFull) as refused:
        for number in range(1000):
            saved.append(journal.save(big_session(number)).id)
    assert FULL in refused.value.message and saved
    with pytest.raises(StorageFull):
        import_records(journal, [("sessions[0]", big_session(-1))])
    with pytest.raises(StorageFull):
        journal.check()  # not "damaged": full
    # Locking (the app's idle lock) and closing work on a full disk, and nothing is lost.
    journal.lock()
    journal.unlock(PASSPHRASE)
    assert journal.counts()["session"] == len(saved)
    journal.close()

    # The command line on the full disk: reading works, check says "full", not "damaged".
    found = run_cli("--home", str(home), "search", "note", passphrases=[PASSPHRASE])
    assert found.code == 0 and "session" in found.out
    checked = run_cli("--home", str(home), "check", passphrases=[PASSPHRASE])
    assert checked.code == 1 and FULL in checked.err and "damaged" not in checked.err
    assert "Traceback" not in checked.err

    grow(disk, "16m")
    checked = run_cli("--home", str(home), "check", passphrases=[PASSPHRASE])
    assert checked.code == 0, checked.out + checked.err
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as reopened:
        assert sorted(s.id for s in reopened.all_records(Session)) == sorted(saved)


# ---------------------------------------------------------------------------------------------
# Exporting


def test_an_export_that_fills_the_disk_leaves_nothing_behind(
    filled: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = content_of(filled, PASSPHRASE, TEST_POLICY)
    folder = tmp_path / "exports"
    folder.mkdir()
    for args in (
        ["export", "--format", "json", "-o", str(folder / "notes.json"), "--yes"],
        ["export", "--format", "markdown", "-o", str(folder / "notes.md"), "--yes"],
        ["export", "--format", "markdown", "--split", str(folder / "notes"), "--yes"],
    ):
        monkeypatch.setattr(exchange, "os", FullDisk(room=64 * 1024))
        result = run_cli_here(capsys, "--home", str(filled), *args)
        assert result.code == 1, result.err
        assert FULL in result.err and "Nothing was left behind" in result.err
        assert list(folder.iterdir()) == []  # no partial file, no partial folder
    monkeypatch.undo()
    assert content_of(filled, PASSPHRASE, TEST_POLICY) == before


def test_an_export_onto_a_real_full_disk_leaves_nothing_behind(
    filled: Path, tiny_disk: Callable[[str, str], Path]
) -> None:
    before = content_of(filled, PASSPHRASE, TEST_POLICY)
    disk = tiny_disk("stick", "64k")
    for args in (
        ["export", "--format", "json", "-o", str(disk / "notes.json"), "--yes"],
        ["export", "--format", "markdown", "--split", str(disk / "notes"), "--yes"],
    ):
        result = run_cli("--home", str(filled), *args, passphrases=[PASSPHRASE])
        assert result.code == 1 and FULL in result.err, result.err
        assert list(disk.iterdir()) == []
    assert content_of(filled, PASSPHRASE, TEST_POLICY) == before
    assert run_cli("--home", str(filled), "check", passphrases=[PASSPHRASE]).code == 0


# ---------------------------------------------------------------------------------------------
# Backing up


def test_a_backup_that_fills_the_disk_leaves_nothing_behind(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        before = content(journal)
        size = create_backup(journal, tmp_path / "measure.pjbackup").size_bytes
        # Full while writing the tar's header, its database, and the verification copy.
        for room in (1000, size // 2, size + size // 2):
            monkeypatch.setattr(backup_module, "os", FullDisk(room=room))
            with pytest.raises(StorageFull) as refused:
                create_backup(journal, folder / "journal.pjbackup")
            monkeypatch.undo()
            assert FULL in refused.value.message
            assert list(folder.iterdir()) == []
            assert [p.name for p in filled.iterdir() if p.name.startswith(".")] == []
        assert content(journal) == before and journal.check().problems == []
        create_backup(journal, folder / "journal.pjbackup")  # with room again, it works
    # Verifying a backup needs a working copy; on a full disk that is a clear error too.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(backup_module, "os", FullDisk(room=4096))
    with pytest.raises(StorageFull):
        verify_backup(folder / "journal.pjbackup", PASSPHRASE, policy=TEST_POLICY, scratch=scratch)
    assert list(scratch.iterdir()) == []


def test_a_backup_onto_a_real_full_disk_leaves_nothing_behind(
    filled: Path, tiny_disk: Callable[[str, str], Path]
) -> None:
    before = content_of(filled, PASSPHRASE, TEST_POLICY)
    disk = tiny_disk("stick", "64k")
    result = run_cli(
        "--home", str(filled), "backup", str(disk / "b.pjbackup"), passphrases=[PASSPHRASE]
    )
    assert result.code == 1 and FULL in result.err, result.err
    assert list(disk.iterdir()) == []
    assert [p.name for p in filled.iterdir() if p.name.startswith(".")] == []
    assert content_of(filled, PASSPHRASE, TEST_POLICY) == before

    # The journal's own disk full: the encrypted working copy does not fit beside it.
    journal_disk = tiny_disk("home", "2m")
    home = journal_disk / "journal"
    shutil.copytree(filled, home)
    ballast = journal_disk / "ballast"
    free = shutil.disk_usage(journal_disk).free
    ballast.write_bytes(b"\0" * max(0, free - 64 * 1024))
    target = filled.parent / "roomy.pjbackup"
    result = run_cli("--home", str(home), "backup", str(target), passphrases=[PASSPHRASE])
    assert result.code == 1 and FULL in result.err, result.err
    assert not target.exists()
    assert [p.name for p in home.iterdir() if p.name.startswith(".")] == []
    ballast.unlink()
    assert content_of(home, PASSPHRASE, TEST_POLICY) == before


# ---------------------------------------------------------------------------------------------
# Two processes on one journal


def test_a_second_command_is_refused_with_6_while_the_first_keeps_working(
    filled: Path, tmp_path: Path
) -> None:
    source = tmp_path / "more.json"
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        fill(other, seed="more", sessions=30)
        source.write_bytes(export_json_bytes(other))
    before = content_of(filled, PASSPHRASE, TEST_POLICY)
    # The first holds the journal (it locks before it asks for the passphrase).
    first = Launch(["--home", str(filled), "import", str(source)], [PASSPHRASE], capture=True)
    try:
        first.ready()
        for args in (["check"], ["search", "housing"], ["backup", str(tmp_path / "b.pjbackup")]):
            second = run_cli("--home", str(filled), *args, passphrases=[PASSPHRASE])
            assert second.code == 6, second
            assert "another" in second.err and "Traceback" not in second.err
        first.go()
        out, err = first.process.communicate(timeout=60)
    finally:
        kill_hard(first.process)
    assert first.process.returncode == 0, err
    assert "Imported" in out
    after = content_of(filled, PASSPHRASE, TEST_POLICY)
    assert len(after["sessions"]) == len(before["sessions"]) + 30
    assert not (tmp_path / "b.pjbackup").exists()


@pytest.mark.slow
async def test_the_app_and_the_command_line_refuse_each_other_and_a_killed_app_frees_the_journal(
    filled: Path,
) -> None:
    from tests.tui.conftest import make_app

    driver = Driver(filled)
    try:
        driver.send(f"unlock {PASSPHRASE}")
        refused = run_cli("--home", str(filled), "search", "housing", passphrases=[PASSPHRASE])
        assert refused.code == 6 and "another" in refused.err
        app = make_app(filled)  # a second app window
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
        assert app.return_code == 6 and app.exit_message and "another" in app.exit_message
        # The first keeps working: it saves a session after both refusals.
        driver.send("new session")
        driver.send("type written while the others were refused")
        driver.send("save")
    finally:
        kill_hard(driver.process)  # SIGKILL: its lock is left behind, stale
    assert (filled / "lock").exists()
    checked = run_cli("--home", str(filled), "check", passphrases=[PASSPHRASE])
    assert checked.code == 0, checked.err
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.search("refused")
    app = make_app(filled)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen.id == "unlock"
