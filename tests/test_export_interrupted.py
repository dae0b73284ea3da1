"""An interrupted plaintext export leaves nothing behind (review finding 2026-12, item 1).

Ctrl-C arrives as KeyboardInterrupt, which is not an OSError: the write's clean-up must run on
every way out. Here the interrupt is raised in-process from the fsync of the hidden partial
file (the moment strace catches in tests/promises/test_export_signal.py), for `export -o`,
`digest -o`, `export --split` and the app's export helper. A kill -9 cannot be cleaned up
after, so the next export into that folder removes what it left, and says so.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from peerjournal.core import exchange
from peerjournal.core.errors import UsageError
from peerjournal.core.exchange import (
    partial_name,
    remove_stale_partials,
    write_private_file,
    write_private_folder,
)
from peerjournal.core.journal import Journal
from tests import samples
from tests.clirun import run_cli

SECRET = "SECRET-NOTE-TEXT-7f3a"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


@pytest.fixture
def filled_home(journal: Journal) -> Path:
    """A closed journal holding a session and a reflection for supervision, with SECRET."""
    samples.session(journal, occurred_at="2026-11-20T14:00:00+01:00", support_offered=SECRET)
    samples.reflection(journal, occurred_on="2026-11-21", body=SECRET, for_supervision=True)
    home = journal.home
    journal.close()
    return home


@pytest.fixture
def interrupt_fsync(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make every fsync of a plaintext file raise KeyboardInterrupt, as Ctrl-C would there."""
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(exchange.os, "fsync", fsync)
    return calls


def dead_pid() -> int:
    """The id of a process that has just exited."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def everything_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "command",
    [
        ("export", "--format", "json", "-o", "{out}/export.json"),
        ("export", "--format", "markdown", "-o", "{out}/export.md"),
        ("export", "--format", "markdown", "--split", "{out}/entries"),
        ("digest", "-o", "{out}/digest.md"),
    ],
    ids=["export-json", "export-markdown", "export-split", "digest"],
)
def test_ctrl_c_during_the_write_leaves_no_file(
    run, filled_home: Path, tmp_path: Path, interrupt_fsync: list[int], command: tuple[str, ...]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    argv = [part.format(out=out) for part in command]
    result = run("--home", str(filled_home), *argv, "--yes")
    assert interrupt_fsync, "the interrupt never fired: the test proves nothing"
    assert result.code == 1
    assert "Interrupted" in result.err
    assert everything_in(out) == []


def test_the_app_export_helper_leaves_no_file_either(
    journal: Journal, tmp_path: Path, interrupt_fsync: list[int]
) -> None:
    from peerjournal.tui.screens.backup import write_export

    samples.session(journal, occurred_at="2026-11-20T14:00:00+01:00", notes=SECRET)
    for fmt in ("json", "markdown"):
        with pytest.raises(KeyboardInterrupt):
            write_export(journal, fmt, tmp_path / f"export.{fmt}", overwrite=False)
    assert len(interrupt_fsync) == 2
    assert [p.name for p in tmp_path.iterdir()] == [journal.home.name]


@pytest.mark.parametrize("error", [SystemExit(1), MemoryError(), ValueError("boom")])
def test_every_exception_removes_the_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    def fsync(fd: int) -> None:
        raise error

    monkeypatch.setattr(exchange.os, "fsync", fsync)
    with pytest.raises(type(error)):
        write_private_file(tmp_path / "export.json", SECRET.encode())
    with pytest.raises(type(error)):
        write_private_folder(tmp_path / "entries", [("a.md", SECRET.encode())])
    assert list(tmp_path.iterdir()) == []


def test_a_killed_exports_leftovers_are_removed_by_the_next_export(
    run, filled_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    gone = dead_pid()
    stale_file = out / partial_name("export.json", gone)
    stale_file.write_text(SECRET)
    stale_folder = out / partial_name("entries", gone)
    stale_folder.mkdir()
    (stale_folder / "a.md").write_text(SECRET)
    # Not ours by name, or still being written by a live process: left alone.
    kept = [
        out / ".notes.partial-abc",
        out / "notes.partial-123",
        out / partial_name("x", 1),  # pid 1 is running
        out / partial_name("b.pjbackup", gone),  # an (encrypted) backup's: not an export
    ]
    for path in kept:
        path.write_text("keep")

    result = run("--home", str(filled_home), "digest", "-o", str(out / "digest.md"), "--yes")

    assert result.code == 0, result.err
    assert "Removed 2 unfinished exports that an interrupted run had left in" in result.err
    assert not stale_file.exists() and not stale_folder.exists()
    assert all(path.read_text() == "keep" for path in kept)
    again = run("--home", str(filled_home), "digest", "-o", str(out / "digest2.md"), "--yes")
    assert again.code == 0 and "unfinished" not in again.err


def test_stale_partials_are_matched_by_our_exact_name_only(tmp_path: Path) -> None:
    gone = dead_pid()
    target = tmp_path / "elsewhere.json"
    target.write_text("not ours")
    link = tmp_path / partial_name("link.json", gone)
    link.symlink_to(target)
    # We never write a link under that name, so one is not ours: it and its target stay.
    assert remove_stale_partials(tmp_path) == 0
    assert target.read_text() == "not ours" and link.is_symlink()
    assert remove_stale_partials(tmp_path / "missing") == 0


def test_a_long_name_gets_a_hidden_name_that_fits(tmp_path: Path) -> None:
    name = "é" * 120 + ".json"  # 245 bytes: fits, but ".NAME.partial-PID" would not
    assert len(os.fsencode(partial_name(name))) <= 255
    write_private_file(tmp_path / name, b"{}")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    with pytest.raises(UsageError, match="too long"):
        write_private_file(tmp_path / ("a" * 300 + ".json"), b"{}")


@pytest.mark.parametrize("command", ["export", "digest"])
def test_clear_messages_for_a_folder_target_and_a_long_name(
    run, filled_home: Path, tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    into_folder = run(
        "--home", str(filled_home), command, "-o", str(folder), "--overwrite", "--yes"
    )
    assert into_folder.code == 2, into_folder.err
    assert "is a folder; give a file name" in into_folder.err
    assert "unexpected" not in into_folder.err
    long_name = run("--home", str(filled_home), command, "-o", str(tmp_path / ("n" * 250)), "--yes")
    assert long_name.code == 0, long_name.err  # 250 characters fit in a file name
    too_long = run("--home", str(filled_home), command, "-o", str(tmp_path / ("n" * 300)), "--yes")
    assert too_long.code == 2, too_long.err
    assert "too long" in too_long.err and "unexpected" not in too_long.err
    missing = run(
        "--home", str(filled_home), command, "-o", str(tmp_path / "nope" / "x.md"), "--yes"
    )
    assert missing.code == 2 and "does not exist" in missing.err


def test_sigterm_during_the_write_is_cleaned_up_like_ctrl_c(
    run, filled_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    sent: list[int] = []

    def fsync(fd: int) -> None:
        sent.append(fd)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` from another terminal would
        real_fsync(fd)

    monkeypatch.setattr(exchange.os, "fsync", fsync)

    # Without the CLI's own handler, this one would swallow the signal and the test fails
    # cleanly (rather than SIGTERM ending the test run).
    def ignore(signum: int, frame: object) -> None:
        pass

    before = signal.signal(signal.SIGTERM, ignore)
    before_cli = signal.getsignal(signal.SIGTERM)
    result = run("--home", str(filled_home), "export", "-o", str(tmp_path / "e.json"), "--yes")
    assert sent and result.code == 1 and "Interrupted" in result.err
    assert not [p for p in tmp_path.iterdir() if p.name != filled_home.name]
    assert signal.getsignal(signal.SIGTERM) == before_cli  # the handler was put back
    signal.signal(signal.SIGTERM, before)
