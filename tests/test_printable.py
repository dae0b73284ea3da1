"""Escape sequences in file names never reach the terminal (review finding 2026-12, item 4).

A backup named with `ESC ] 52 ; c ; ... ESC \\` set the clipboard when the success message
printed it, and `ESC ] 0 ;` the window title. Every path the CLI prints goes through
`core.printable.printable`, which shows control characters escaped, as `ls` quotes a name.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.printable import printable
from tests.clirun import run_cli

OSC_52 = "\x1b]52;c;b3duZWQ=\x1b\\"  # sets the clipboard to "owned"
OSC_0 = "\x1b]0;owned\x07"  # sets the window title
OSC_2 = "\x1b]2;owned\x1b\\"  # the same, with ST
CSI = "\x1b[2J\x1b[1;1H"  # clears the screen, moves the cursor home
C1_CSI = "\x9b2J"  # the one-character CSI
SEQUENCES = {"osc52": OSC_52, "osc0": OSC_0, "osc2": OSC_2, "csi": CSI, "c1": C1_CSI}


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


def assert_inert(output: str) -> None:
    """No control character but newline left; the escapes are visible instead."""
    assert not [ch for ch in output if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) < 0xA0]


# ---- the function


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (OSC_52, "\\e]52;c;b3duZWQ=\\e\\"),
        (OSC_0, "\\e]0;owned\\a"),
        (CSI, "\\e[2J\\e[1;1H"),
        (C1_CSI, "\\x9b2J"),
        ("a\nb\tc\rd\x00e\x7f", "a\\nb\\tc\\rd\\x00e\\x7f"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("line\u2028sep", "line\\u2028sep"),
        ("caf\udce9.json", "caf\\xe9.json"),  # an undecodable byte of a file name
        ("Café 日本 🙂 C:\\Users\\me [bold]", "Café 日本 🙂 C:\\Users\\me [bold]"),
    ],
)
def test_printable_escapes_controls_visibly_and_keeps_the_rest(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(printable(raw)) == printable(raw)


def test_printable_takes_paths() -> None:
    assert printable(Path("/tmp") / f"x{OSC_0}.json") == "/tmp/x\\e]0;owned\\a.json"


# ---- the command line


@pytest.mark.parametrize("sequence", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_a_backup_name_with_escape_sequences_is_printed_escaped(
    run, journal: Journal, tmp_path: Path, sequence: str
) -> None:
    home = journal.home
    journal.close()
    target = tmp_path / f"backup{sequence}.pjbackup"
    written = run("--home", str(home), "backup", str(target))
    assert written.code == 0, written.err
    assert target.is_file()
    assert printable(target) in written.out
    verified = run("--home", str(home), "backup", "--verify", str(target))
    assert verified.code == 0, verified.err
    exists = run("--home", str(home), "backup", str(target))
    assert exists.code == 2
    for result in (written, verified, exists):
        assert_inert(result.out + result.err)


@pytest.mark.parametrize("sequence", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_an_export_target_with_escape_sequences_is_printed_escaped(
    run, journal: Journal, tmp_path: Path, sequence: str
) -> None:
    home = journal.home
    journal.close()
    target = tmp_path / f"export{sequence}.json"
    written = run("--home", str(home), "export", "-o", str(target), "--yes")
    assert written.code == 0, written.err
    assert printable(target) in written.err  # the warning and the success message
    exists = run("--home", str(home), "export", "-o", str(target), "--yes")
    assert exists.code == 2
    digest = run("--home", str(home), "digest", "-o", str(target), "--yes")
    assert digest.code == 2
    folder = tmp_path / f"entries{sequence}"
    split = run(
        "--home", str(home), "export", "--format", "markdown", "--split", str(folder), "--yes"
    )
    assert split.code == 0, split.err
    assert printable(folder) in split.err
    for result in (written, exists, digest, split):
        assert_inert(result.out + result.err)


@pytest.mark.parametrize("sequence", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_an_import_file_name_with_escape_sequences_is_printed_escaped(
    run, journal: Journal, tmp_path: Path, sequence: str
) -> None:
    home = journal.home
    journal.close()
    missing = run("--home", str(home), "import", str(tmp_path / f"in{sequence}.json"))
    assert missing.code == 2 and "There is no file" in missing.err
    folder = tmp_path / f"folder{sequence}"
    os.mkdir(folder)
    a_folder = run("--home", str(home), "import", str(folder))
    assert a_folder.code == 2
    for result in (missing, a_folder):
        assert_inert(result.out + result.err)
        assert "\\e" in result.err or "\\x9b" in result.err


def test_a_journal_folder_with_escape_sequences_is_printed_escaped(run, tmp_path: Path) -> None:
    home = tmp_path / f"journal{OSC_52}"
    from tests.conftest import PASSPHRASE

    created = run("--home", str(home), "init", passphrase=PASSPHRASE)
    assert created.code == 0, created.err
    checked = run("--home", str(home), "check")
    nothing = run("--home", str(tmp_path / f"none{OSC_0}"), "check")
    assert nothing.code == 5
    for result in (created, checked, nothing):
        assert_inert(result.out + result.err)
        assert "\\e]" in result.out + result.err
