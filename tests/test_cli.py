"""The command line: options where design.md puts them, exit codes, messages, passphrases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import astuple, dataclass
from pathlib import Path

import pytest

from peerjournal import cli
from peerjournal.core.journal import Journal
from tests import samples
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_PARAMS, TEST_POLICY

SECRET = "SECRET-NOTE-7f3a"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    def run(*argv: str, passphrase: str | None = PASSPHRASE, new: str | None = None) -> Result:
        args = list(argv)
        fds = []
        for flag, value in (("--passphrase-fd", passphrase), ("--new-passphrase-fd", new)):
            if value is None:
                continue
            read, write = os.pipe()
            os.write(write, value.encode() + b"\n")
            os.close(write)
            fds.append(read)
            args += [flag, str(read)]
        try:
            code = cli.main(args, policy=TEST_POLICY)
        finally:
            for fd in fds:
                os.close(fd)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def test_init_creates_a_journal_and_refuses_a_second(run, home: Path) -> None:
    result = run("--home", str(home), "init")
    assert result.code == 0, result.err
    assert (home / "header.json").exists()
    again = run("--home", str(home), "init")
    assert again.code == 5
    assert "already exists" in again.err


def test_init_refuses_a_short_passphrase(run, home: Path) -> None:
    result = run("--home", str(home), "init", passphrase="short")
    assert result.code == 2
    assert "at least 12 characters" in result.err
    assert not home.exists()


def test_home_from_the_environment(run, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERJOURNAL_HOME", str(home))
    assert run("init").code == 0
    assert (home / "header.json").exists()


@pytest.fixture
def filled(home: Path) -> Path:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        river = samples.alias(j)
        samples.session(
            j,
            alias_id=river.id,
            notes=f"spoke about the eviction letter {SECRET}",
        )
        samples.reflection(
            j,
            occurred_on="2026-11-20",
            title="Boundaries",
            body="eviction again; [@click=app.quit]x[/]",
        )
    return home


def test_exit_codes(run, filled: Path, tmp_path: Path) -> None:
    assert run("--home", str(filled), "check").code == 0
    wrong = run("--home", str(filled), "check", passphrase="not the right one")
    assert wrong.code == 3 and "passphrase" in wrong.err
    assert run("--home", str(tmp_path / "none"), "check").code == 5
    assert run("--home", str(filled), "frobnicate").code == 2
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY):
        busy = run("--home", str(filled), "check")
        assert busy.code == 6 and "another" in busy.err
    (filled / "header.json").write_text("{not json")
    damaged = run("--home", str(filled), "check")
    assert damaged.code == 4 and "damaged" in damaged.err


def test_the_key_is_derived_in_its_own_thread_once_the_passphrase_is_read(
    run, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # So the command can import what it needs meanwhile (Argon2id releases the GIL).
    import threading

    from peerjournal.core import kdf

    threads: list[str] = []
    derive = kdf.derive_keys

    def recording(*args: object, **kwargs: object) -> kdf.DerivedKeys:
        threads.append(threading.current_thread().name)
        return derive(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kdf, "derive_keys", recording)
    result = run("--home", str(filled), "search", "eviction")
    assert result.code == 0 and "Boundaries" in result.out
    assert threads == ["argon2id"]
    wrong = run("--home", str(filled), "search", "eviction", passphrase="not the right one")
    assert wrong.code == 3 and "passphrase" in wrong.err


def test_errors_never_show_note_text_or_tracebacks(
    run, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self, *args, **kwargs):
        raise RuntimeError(f"boom {SECRET}")

    monkeypatch.setattr(Journal, "search", explode)
    result = run("--home", str(filled), "search", "eviction")
    assert result.code == 1
    assert SECRET not in result.err + result.out
    assert "Traceback" not in result.err
    assert "RuntimeError" in result.err


def test_check_reports_weak_kdf_parameters(run, filled: Path) -> None:
    result = run("--home", str(filled), "check")
    # The test journal uses cheap parameters; a real check flags them, exit 0 only if strong.
    assert "below the recommended floor" not in result.out  # policy floor == test floor


def test_check_flags_parameters_below_the_production_floor(
    capsys: pytest.CaptureFixture[str], filled: Path
) -> None:
    read, write = os.pipe()
    os.write(write, PASSPHRASE.encode() + b"\n")
    os.close(write)
    code = cli.main(["--home", str(filled), "check", "--passphrase-fd", str(read)])
    os.close(read)
    out = capsys.readouterr().out
    assert code == 4
    assert "below the recommended floor" in out


def test_search_prints_one_line_per_match(run, filled: Path) -> None:
    result = run("--home", str(filled), "search", "eviction")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if line.strip()]
    assert len(lines) == 2
    assert any(
        line.startswith("session") and "River" in line and "eviction" in line for line in lines
    )
    assert any(line.startswith("reflection") and "Boundaries" in line for line in lines)
    assert "[@click=app.quit]" in result.out  # shown literally
    assert run("--home", str(filled), "search", '"unbalanced (').code == 0


# What `search` imports, and when: only what locating the journal needs before Argon2id starts;
# the journal module while it runs; rich not at all when the hits go to a pipe. A fresh process,
# because this test process has imported everything already.
_IMPORT_ORDER_PROBE = """
import sys
from peerjournal import cli
from peerjournal.core import kdf

seen = {}
start = kdf.KeyDerivation.__init__

def started(self, *args):
    watched = ("peerjournal", "rich", "sqlcipher3", "hashlib")
    seen["at_start"] = sorted(m for m in sys.modules if m.startswith(watched))
    start(self, *args)

kdf.KeyDerivation.__init__ = started
policy = kdf.KdfPolicy(floor=kdf.KdfParams(*map(int, sys.argv[1].split(","))), calibrate=False)
code = cli.main(sys.argv[2:], policy=policy)
print("MODULES", " ".join(seen["at_start"]), file=sys.stderr)
print("RICH", "rich" in sys.modules, file=sys.stderr)
sys.exit(code)
"""


def test_search_to_a_pipe_imports_the_journal_while_deriving_and_never_rich(filled: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ORDER_PROBE, ",".join(map(str, astuple(TEST_PARAMS)))]
        + ["--home", str(filled), "search", "eviction", "--passphrase-fd", "0"],
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2 and all("eviction" in line for line in lines)
    report = dict(line.split(" ", 1) for line in result.stderr.splitlines() if " " in line)
    before = report["MODULES"].split()
    assert "peerjournal.core.vault" in before  # locating the journal needs it
    assert "peerjournal.core.journal" not in before
    assert "peerjournal.core.models" not in before
    # The driver and OpenSSL's hashlib come with the first database opened, after the
    # passphrase is read (vault._driver, Header.compute_mac).
    assert "sqlcipher3" not in before and "hashlib" not in before
    assert not any(name.startswith("rich") for name in before)
    assert report["RICH"] == "False"


def test_passwd_changes_the_passphrase(run, filled: Path) -> None:
    assert run("--home", str(filled), "passwd", new=OTHER_PASSPHRASE).code == 0
    assert run("--home", str(filled), "check").code == 3
    assert run("--home", str(filled), "check", passphrase=OTHER_PASSPHRASE).code == 0
    short = run("--home", str(filled), "passwd", passphrase=OTHER_PASSPHRASE, new="tiny")
    assert short.code == 2


def test_export_needs_consent_and_never_clobbers(run, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    refused = run("--home", str(filled), "export", "--format", "json", "-o", str(target))
    assert refused.code == 2 and "--yes" in refused.err
    assert not target.exists()
    done = run("--home", str(filled), "export", "--format", "json", "-o", str(target), "--yes")
    assert done.code == 0 and "PLAINTEXT" in done.err
    assert target.stat().st_mode & 0o777 == 0o600
    document = json.loads(target.read_text())
    assert len(document["sessions"]) == 1
    target.write_text("keep me")
    again = run("--home", str(filled), "export", "-o", str(target), "--yes")
    assert again.code == 2 and target.read_text() == "keep me"
    assert run("--home", str(filled), "export", "-o", str(target), "--yes", "--overwrite").code == 0


def test_import_round_trip_and_malformed_file(run, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert run("--home", str(filled), "export", "-o", str(target), "--yes").code == 0
    fresh = tmp_path / "fresh"
    assert run("--home", str(fresh), "init").code == 0
    first = run("--home", str(fresh), "import", str(target))
    assert first.code == 0 and "Imported 3 new" in first.out
    second = run("--home", str(fresh), "import", str(target))
    assert "Imported 0 new and 0 updated records; 3 were already here" in second.out
    broken = tmp_path / "broken.json"
    broken.write_bytes(target.read_bytes()[:-40])
    bad = run("--home", str(fresh), "import", str(broken))
    assert bad.code == 2 and "line" in bad.err and "Nothing was imported" in bad.err


def test_passphrases_never_come_from_argv_or_the_environment(run, filled: Path) -> None:
    parser = cli.build_parser()
    options = {opt for action in parser._actions for opt in action.option_strings}
    for sub in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        options |= {opt for action in sub._actions for opt in action.option_strings}
    assert not {o for o in options if "pass" in o and not o.endswith("-fd")}
    source = Path(cli.__file__).read_text()
    assert 'environ.get("PEERJOURNAL_PASS' not in source


def test_without_a_terminal_the_passphrase_prompt_refuses_clearly(run, filled: Path) -> None:
    result = run("--home", str(filled), "check", passphrase=None)
    assert result.code == 2
    assert "--passphrase-fd" in result.err


def test_the_console_script_and_module_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "peerjournal", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "peerjournal" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "peerjournal", "--home", str(tmp_path / "x"), "check"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 5
    assert "Traceback" not in result.stderr


def test_paths_and_messages_are_never_parsed_as_markup(run, tmp_path: Path) -> None:
    odd = tmp_path / "x[/y] [bold]z"
    result = run("--home", str(odd), "init")
    assert result.code == 0, result.err
    assert "[bold]" in result.out


def test_escape_sequences_in_import_errors_do_not_reach_the_terminal(
    run, filled: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"format": "peerjournal-export", "version": 1, "sessions": [{"\x1b]0;pwned\x07": 1}]}
        )
    )
    result = run("--home", str(filled), "import", str(bad))
    assert result.code == 2
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_passwd_repairs_a_journal_below_the_floor(run, home: Path) -> None:
    from peerjournal.core.kdf import KdfParams, KdfPolicy

    weak = KdfPolicy(floor=KdfParams(64, 1, 1), calibrate=False)
    Journal.create(home, PASSPHRASE, policy=weak).close()
    assert run("--home", str(home), "check").code == 4  # below the (test) floor
    assert run("--home", str(home), "passwd", new=OTHER_PASSPHRASE).code == 0
    assert run("--home", str(home), "check", passphrase=OTHER_PASSPHRASE).code == 0


def test_check_names_damage_in_a_later_page(run, home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        for i in range(40):
            samples.session(j, notes=f"note {i} " * 50)
    db = home / "journal-1.db"
    data = bytearray(db.read_bytes())
    data[4 * 4096 + 200] ^= 0x55
    db.write_bytes(bytes(data))
    result = run("--home", str(home), "check")
    assert result.code == 4, result.out + result.err
    assert "Traceback" not in result.err


def test_check_reports_damage_to_any_page_without_crashing(run, home: Path) -> None:
    # Damage anywhere (schema, table, index or FTS page) is a finding of `check` (exit 4,
    # problems named), never an "unexpected error" (exit 1) or a traceback.
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        for i in range(40):
            samples.session(j, notes=f"note {i} " * 50, tags=["t"])
    db = home / "journal-1.db"
    pristine = db.read_bytes()
    pages = len(pristine) // 4096
    assert pages > 10
    for page in range(1, pages):
        data = bytearray(pristine)
        data[page * 4096 + 200] ^= 0x55
        db.write_bytes(bytes(data))
        result = run("--home", str(home), "check")
        assert result.code == 4, (page, result.out, result.err)
        assert "Traceback" not in result.err
        assert "Problem:" in result.out or "damaged" in result.err.lower(), (page, result)
    db.write_bytes(pristine)
    assert run("--home", str(home), "check").code == 0


def test_export_kind_choices_are_checked_and_listed(
    run, filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The choices come from core.markdown, looked up only when --kind is used (or the help).
    bad = run("--home", str(filled), "export", "--format", "markdown", "--kind", "diary")
    assert bad.code == 2
    assert "invalid choice: 'diary'" in bad.err and "'confidentiality_event'" in bad.err
    good = run(
        "--home", str(filled), "export", "--format", "markdown", "--kind", "reflection", "--yes"
    )
    assert good.code == 0 and "Boundaries" in good.out and SECRET not in good.out
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    from peerjournal.core.markdown import MARKDOWN_KINDS

    assert "{" + ",".join(MARKDOWN_KINDS) + "}" in capsys.readouterr().out
    assert "supervision" in MARKDOWN_KINDS


def test_check_names_each_kind_with_its_plural(run, filled: Path) -> None:
    """`check` printed '1 alias, 1 session, 0 follow up': one set of words for every kind."""
    result = run("--home", str(filled), "check")
    line = next(line for line in result.out.splitlines() if line.startswith("Entries: "))
    assert line.startswith("Entries: 1 alias, 1 session, 1 reflection, ")
    assert "0 follow-ups" in line and "0 check-ins" in line and "follow up" not in line
