"""A restore cut off at any step, and backups cut off half-way, are settled at the next start.

A restore used to rename the journal aside and then the restored copy in: a crash between
the two left no journal at all ("There is no journal"; the app offered to create one). Now
the swap is one step where Linux allows (RENAME_EXCHANGE), and in every case a marker in the
restored copy lets `recovery.recover` (run by every CLI command and at the app's start) finish
the restore or put the previous journal back, and say so.

Crashes are simulated in-process at each named step (`backup._restore_step`), then the
process's locks are let go, as the kernel would when it dies.
"""

from __future__ import annotations

import errno
import functools
import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerjournal.core import backup as backup_module
from peerjournal.core import platform
from peerjournal.core.backup import create_backup, prepare_restore
from peerjournal.core.errors import BackupFailed, JournalDamaged, WrongPassphrase
from peerjournal.core.journal import Journal
from peerjournal.core.models import Session, new_id, now_iso
from peerjournal.core.recovery import RESTORE_MARKER, recover
from peerjournal.core.vault import ProcessLock, Vault
from tests.clirun import run_cli
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app


class SimulatedCrash(BaseException):
    """Stands for a kill -9: no except/finally of the code under test handles it."""


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


def make_journal(home: Path, passphrase: str, notes: list[str]) -> None:
    with Journal.create(home, passphrase, policy=TEST_POLICY) as journal:
        for text in notes:
            journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=text))


def notes_of(home: Path, passphrase: str) -> list[str]:
    with Journal.open(home, passphrase, policy=TEST_POLICY) as journal:
        return sorted(s.notes for s in journal.all_records(Session))


@pytest.fixture
def live(tmp_path: Path) -> Path:
    home = tmp_path / "place" / "journal"
    make_journal(home, PASSPHRASE, ["live one"])
    return home


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    other = tmp_path / "other"
    make_journal(other, OTHER_PASSPHRASE, ["from the backup", "also from the backup"])
    target = tmp_path / "other.pjbackup"
    with Journal.open(other, OTHER_PASSPHRASE, policy=TEST_POLICY) as journal:
        create_backup(journal, target)
    return target


def exchange_works(folder: Path) -> bool:
    first, second = folder / "swap-a", folder / "swap-b"
    first.mkdir()
    second.mkdir()
    (first / "a").touch()
    try:
        return platform.exchange_folders(first, second) and (second / "a").exists()
    finally:
        shutil.rmtree(first)
        shutil.rmtree(second)


@pytest.fixture(params=["exchange", "two renames"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    if request.param == "exchange":
        if not exchange_works(tmp_path):
            pytest.skip("this system or file system cannot exchange two folders")
    else:
        monkeypatch.setattr(platform, "exchange_folders", lambda first, second: False)
    return str(request.param)


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ProcessLock]]:
    """Every lock the restore takes, so the test can let them go as a dying process would."""
    taken: list[ProcessLock] = []

    class RecordedLock(ProcessLock):
        def __init__(self, home: Path) -> None:
            super().__init__(home)
            taken.append(self)

    monkeypatch.setattr(backup_module, "ProcessLock", RecordedLock)
    yield taken
    for lock in taken:
        lock.release()


def crash_restore_at(
    point: str,
    live: Path,
    backup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    locks: list[ProcessLock],
    *,
    restored_fails_to_open: bool = False,
) -> None:
    reached: list[str] = []

    def step(name: str) -> None:
        reached.append(name)
        if name == point:
            raise SimulatedCrash(name)

    monkeypatch.setattr(backup_module, "_restore_step", step)
    real_unlock = Vault.unlock_with_keys

    def refuse(self: Vault, keys: object) -> None:
        raise JournalDamaged("simulated")

    prepared = prepare_restore(live, backup_file, OTHER_PASSPHRASE, policy=TEST_POLICY)
    if restored_fails_to_open:
        Vault.unlock_with_keys = refuse  # type: ignore[method-assign]
    try:
        prepared.install()
    except SimulatedCrash:
        pass
    else:
        raise AssertionError(f"the restore never reached {point!r} (it reached {reached})")
    finally:
        Vault.unlock_with_keys = real_unlock  # type: ignore[method-assign]
    # The process "dies": its locks and its open database go.
    del prepared
    gc.collect()
    for lock in locks:
        lock.release()
    monkeypatch.setattr(backup_module, "_restore_step", lambda name: None)


def siblings(home: Path) -> list[str]:
    return sorted(p.name for p in home.parent.iterdir() if p.name != home.name)


def assert_settled(home: Path) -> None:
    assert not (home / RESTORE_MARKER).exists()
    assert not [name for name in siblings(home) if ".restoring-" in name]
    for name in siblings(home):
        assert not (home.parent / name / RESTORE_MARKER).exists()
    assert recover(home) == []  # nothing more to do


# Where each step leaves the journal after recovery: "old" (put back) or "new" (finished).
STEPS = {
    "exchange": {"marked": "old", "exchanged": "new", "moved_in": "new", "opened": "new"},
    "two renames": {"marked": "old", "moved_aside": "old", "moved_in": "new", "opened": "new"},
}


@pytest.mark.parametrize("point", ["marked", "exchanged", "moved_aside", "moved_in", "opened"])
def test_a_crash_at_any_step_of_a_restore_leaves_one_whole_journal(
    point: str,
    mode: str,
    live: Path,
    backup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    locks: list[ProcessLock],
) -> None:
    if point not in STEPS[mode]:
        pytest.skip(f"{point} is not a step when the swap is done by {mode}")
    crash_restore_at(point, live, backup_file, monkeypatch, locks)
    notices = recover(live)
    assert len(notices) == 1 and "interrupted" in notices[0]
    if STEPS[mode][point] == "old":
        assert notes_of(live, PASSPHRASE) == ["live one"]
        with pytest.raises(WrongPassphrase):
            Journal.open(live, OTHER_PASSPHRASE, policy=TEST_POLICY).close()
        assert "Run the restore again" in notices[0]
        assert siblings(live) == []  # the staged copy is gone; nothing else was made
    else:
        assert notes_of(live, OTHER_PASSPHRASE) == ["also from the backup", "from the backup"]
        assert "finished" in notices[0]
        kept = [name for name in siblings(live) if name.startswith("journal.replaced-")]
        assert len(kept) == 1 and kept[0] in notices[0]
        assert notes_of(live.parent / kept[0], PASSPHRASE) == ["live one"]
    assert_settled(live)


@pytest.mark.parametrize("point", ["failed_exchanged", "failed_moved_out"])
def test_a_crash_while_putting_the_previous_journal_back_is_settled(
    point: str,
    mode: str,
    live: Path,
    backup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    locks: list[ProcessLock],
) -> None:
    if (point == "failed_exchanged") != (mode == "exchange"):
        pytest.skip(f"{point} is not a step when the swap is done by {mode}")
    crash_restore_at(point, live, backup_file, monkeypatch, locks, restored_fails_to_open=True)
    notices = recover(live)
    assert len(notices) == 1 and "did not open" in notices[0]
    assert notes_of(live, PASSPHRASE) == ["live one"]
    kept = [name for name in siblings(live) if name != "other"]
    assert len(kept) == 1 and kept[0] in notices[0]  # the copy that did not open, for a look
    assert_settled(live)


def test_a_restore_into_an_empty_place_cut_off_before_the_swap_leaves_nothing_behind(
    tmp_path: Path, backup_file: Path, monkeypatch: pytest.MonkeyPatch, locks: list[ProcessLock]
) -> None:
    home = tmp_path / "new-laptop" / "journal"
    home.parent.mkdir()

    def crash(name: str) -> None:
        if name == "marked":
            raise SimulatedCrash(name)

    monkeypatch.setattr(backup_module, "_restore_step", crash)
    prepared = prepare_restore(home, backup_file, OTHER_PASSPHRASE, policy=TEST_POLICY)
    with pytest.raises(SimulatedCrash):
        prepared.install()
    for lock in locks:
        lock.release()
    notices = recover(home)
    assert len(notices) == 1 and "not changed" in notices[0]
    assert os.listdir(home.parent) == []


def test_the_cli_says_what_was_recovered(
    live: Path,
    backup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    locks: list[ProcessLock],
    run,
) -> None:
    monkeypatch.setattr(platform, "exchange_folders", lambda first, second: False)
    crash_restore_at("moved_aside", live, backup_file, monkeypatch, locks)
    assert not live.exists()  # the moment the old code left: "There is no journal"
    result = run("--home", str(live), "check")
    assert result.code == 0, result.err
    assert "put back" in result.err
    assert notes_of(live, PASSPHRASE) == ["live one"]


async def test_the_app_says_what_was_recovered(
    live: Path, backup_file: Path, monkeypatch: pytest.MonkeyPatch, locks: list[ProcessLock]
) -> None:
    crash_restore_at("moved_in", live, backup_file, monkeypatch, locks)
    app = make_app(live)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen.id == "unlock"
        messages = [n.message for n in app._notifications]
        assert any("has been finished" in m for m in messages), messages
    assert notes_of(live, OTHER_PASSPHRASE) == ["also from the backup", "from the backup"]


def test_a_restore_at_work_in_another_process_is_left_alone(live: Path, backup_file: Path) -> None:
    with prepare_restore(live, backup_file, OTHER_PASSPHRASE, policy=TEST_POLICY) as prepared:
        staged = sorted(name for name in siblings(live) if ".restoring-" in name)
        assert staged
        assert recover(live) == []  # its staging folder is locked: at work, not left over
        assert sorted(name for name in siblings(live) if ".restoring-" in name) == staged
        result = prepared.install()
        result.journal.close()
    assert notes_of(live, OTHER_PASSPHRASE) == ["also from the backup", "from the backup"]
    assert not (live / RESTORE_MARKER).exists()


def test_exchange_falls_back_when_the_system_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctypes

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()

    def refusing(*args: object) -> int:
        ctypes.set_errno(errno.EINVAL)  # e.g. a file system without RENAME_EXCHANGE
        return -1

    monkeypatch.setattr(platform, "_renameat2", lambda: refusing)
    assert platform.exchange_folders(first, second) is False
    monkeypatch.setattr(platform, "_renameat2", lambda: None)  # another OS, or an old C library
    assert platform.exchange_folders(first, second) is False

    def failing(*args: object) -> int:
        ctypes.set_errno(errno.ENOENT)
        return -1

    monkeypatch.setattr(platform, "_renameat2", lambda: failing)
    with pytest.raises(FileNotFoundError):
        platform.exchange_folders(first, tmp_path / "missing")


# --------------------------------------------------------------------------------------------
# Backups cut off half-way


def test_working_folders_left_by_a_crashed_backup_are_removed_at_the_next_start(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()

    def crash(*args: object) -> None:
        raise SimulatedCrash("during the tar")

    monkeypatch.setattr(backup_module, "_write_tar", crash)
    monkeypatch.setattr(backup_module.shutil, "rmtree", lambda *a, **k: None)  # died: no cleanup
    journal = Journal.open(live, PASSPHRASE, policy=TEST_POLICY)
    with pytest.raises(SimulatedCrash):
        create_backup(journal, stick / "b.pjbackup")
    monkeypatch.undo()
    journal.close()
    left = [p.name for p in live.iterdir() if p.name.startswith(".backup-")]
    assert len(left) == 1  # the working copy a crash used to leave in the journal folder
    # One left by a process still at work (its lock held) is not touched.
    busy = live / ".backup-stillbusy"
    busy.mkdir()
    busy_lock = ProcessLock(busy)
    try:
        result = run("--home", str(live), "check")
    finally:
        busy_lock.release()
    assert result.code == 0
    assert "Removed 1 working folder" in result.err and left[0] in result.err
    assert sorted(p.name for p in live.iterdir() if p.name.startswith(".")) == [busy.name]


def test_a_partial_backup_left_by_a_crash_is_removed_by_the_next_backup(
    live: Path, tmp_path: Path, run
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "journal.pjbackup"
    assert run("--home", str(live), "backup", str(target)).code == 0
    dead_pid = 2**22 + 12345  # above Linux's pid_max default range: no such process
    with pytest.raises(ProcessLookupError):
        os.kill(dead_pid, 0)
    # What a crash mid-write leaves: the start of a backup under the hidden partial name ...
    stale = stick / f".monday.pjbackup.partial-{dead_pid}"
    stale.write_bytes(target.read_bytes()[:4096])
    empty = stick / f".tuesday.pjbackup.partial-{dead_pid}"
    empty.touch()
    # ... and what is not ours to remove: a live process's partial, someone else's file.
    alive = stick / f".wednesday.pjbackup.partial-{os.getpid()}"
    alive.write_bytes(target.read_bytes()[:4096])
    foreign = stick / f".notes.txt.partial-{dead_pid}"
    foreign.write_text("not a backup")
    result = run("--home", str(live), "backup", str(stick / "again.pjbackup"))
    assert result.code == 0, result.err
    assert "Removed 2 unfinished backup files" in result.err
    assert not stale.exists() and not empty.exists()
    assert alive.exists() and foreign.exists()


def failing_renames(monkeypatch: pytest.MonkeyPatch, *rules: tuple[str, str]) -> list[str]:
    """Make renames fail (EIO), once per rule: (source name prefix, target name prefix)."""
    real_rename = os.rename
    pending, failed = list(rules), []

    def rename(source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        names = (Path(source).name, Path(target).name)
        for rule in pending:
            if names[0].startswith(rule[0]) and names[1].startswith(rule[1]):
                pending.remove(rule)
                failed.append(" -> ".join(names))
                raise OSError(errno.EIO, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    return failed


def test_a_swapped_journal_that_cannot_be_moved_aside_is_never_removed(
    live: Path, backup_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not exchange_works(tmp_path):
        pytest.skip("this system or file system cannot exchange two folders")
    failed = failing_renames(monkeypatch, (".journal.restoring-", "journal.replaced-"))
    prepared = prepare_restore(live, backup_file, OTHER_PASSPHRASE, policy=TEST_POLICY)
    with prepared, pytest.raises(BackupFailed, match="could not be moved aside"):
        prepared.install()
    monkeypatch.undo()
    assert failed  # the rename did fail
    staged = [name for name in siblings(live) if ".restoring-" in name]
    assert len(staged) == 1  # the replaced journal, still under the staging name: kept
    assert notes_of(live.parent / staged[0], PASSPHRASE) == ["live one"]
    notices = recover(live)
    assert len(notices) == 1 and "finished" in notices[0]
    assert notes_of(live, OTHER_PASSPHRASE) == ["also from the backup", "from the backup"]
    kept = [name for name in siblings(live) if name.startswith("journal.replaced-")]
    assert len(kept) == 1 and notes_of(live.parent / kept[0], PASSPHRASE) == ["live one"]
    assert_settled(live)


def test_two_renames_that_fail_half_way_put_the_journal_back_at_once(
    live: Path, backup_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(platform, "exchange_folders", lambda first, second: False)
    # Moving the copy in fails, and so does the first attempt to move the journal back.
    failed = failing_renames(
        monkeypatch, (".journal.restoring-", "journal"), ("journal.replaced-", "journal")
    )
    prepared = prepare_restore(live, backup_file, OTHER_PASSPHRASE, policy=TEST_POLICY)
    with prepared, pytest.raises(BackupFailed, match="put back"):
        prepared.install()
    monkeypatch.undo()
    assert len(failed) == 2
    assert notes_of(live, PASSPHRASE) == ["live one"]
    assert siblings(live) == []
    assert_settled(live)
