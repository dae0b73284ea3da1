"""header.json that is not a plain, well-formed file: a FIFO, a symbolic link, duplicate keys.

Each is refused with one sentence and exit code 4, at once: a FIFO used to block the CLI and
the app at start until something wrote to it. The FIFO tests carry a guard that unblocks a
hanging open after a while, so a regression fails (the guard fired) instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerjournal.core.errors import JournalDamaged
from peerjournal.core.journal import Journal
from peerjournal.core.vault import Vault, parse_header
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app

GUARD_SECONDS = 20.0  # only ever reached by a regression


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


@pytest.fixture
def existing(home: Path) -> Path:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    return home


@contextlib.contextmanager
def fifo_guard(fifo: Path) -> Iterator[threading.Event]:
    """If something blocks opening `fifo` for reading, open it for writing after a while
    (which lets the reader through) and record that the guard had to fire."""
    done, fired = threading.Event(), threading.Event()

    def guard() -> None:
        if done.wait(GUARD_SECONDS):
            return
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            assert error.errno == errno.ENXIO  # nobody is reading: nothing was blocked
            return
        fired.set()
        os.close(fd)

    thread = threading.Thread(target=guard, daemon=True)
    thread.start()
    try:
        yield fired
    finally:
        done.set()
        thread.join()


def make_fifo(home: Path) -> Path:
    header = home / "header.json"
    header.unlink()
    os.mkfifo(header, 0o600)
    return header


def test_a_fifo_header_is_refused_at_once_by_the_cli(existing: Path, run) -> None:
    fifo = make_fifo(existing)
    with fifo_guard(fifo) as fired:
        result = run("--home", str(existing), "check")
    assert not fired.is_set(), "the CLI blocked opening the FIFO"
    assert result.code == 4
    assert "not a regular file" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.err.strip().endswith(".")


async def test_a_fifo_header_is_refused_at_once_by_the_app(existing: Path) -> None:
    fifo = make_fifo(existing)
    app = make_app(existing)
    with fifo_guard(fifo) as fired:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
    assert not fired.is_set(), "the app blocked opening the FIFO"
    assert app.return_code == 4
    assert app.exit_message and "not a regular file" in app.exit_message


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlinked_header_is_refused_not_followed(
    existing: Path, tmp_path: Path, run, dangling: bool
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    header = existing / "header.json"
    if not dangling:
        elsewhere.write_bytes(header.read_bytes())
    header.unlink()
    header.symlink_to(elsewhere)
    with pytest.raises(JournalDamaged, match="symbolic link"):
        Vault.locate(existing, policy=TEST_POLICY)
    result = run("--home", str(existing), "check")
    assert result.code == 4 and "symbolic link" in result.err
    # init does not write a journal over it either
    assert run("--home", str(existing), "init").code == 5
    assert header.is_symlink()


def test_a_folder_as_header_is_refused(existing: Path, run) -> None:
    header = existing / "header.json"
    header.unlink()
    header.mkdir()
    result = run("--home", str(existing), "check")
    assert result.code == 4 and "not a regular file" in result.err


def test_duplicate_keys_in_the_header_are_refused(existing: Path, run) -> None:
    header = existing / "header.json"
    good = header.read_bytes()
    parse_header(good)  # the journal's own header parses
    document = json.loads(good)
    # The same header with "generation" given twice: json.loads would keep the last one.
    text = good.decode().replace(
        '"generation": ', f'"generation": {document["generation"] + 1},\n  "generation": ', 1
    )
    assert json.loads(text) == document
    with pytest.raises(JournalDamaged, match="appears twice"):
        parse_header(text.encode())
    # ... also inside "kdf"
    nested = good.decode().replace('"m": ', '"m": 1,\n    "m": ', 1)
    assert json.loads(nested) == document
    with pytest.raises(JournalDamaged, match="appears twice"):
        parse_header(nested.encode())
    header.write_text(text)
    result = run("--home", str(existing), "check")
    assert result.code == 4 and "appears twice" in result.err
