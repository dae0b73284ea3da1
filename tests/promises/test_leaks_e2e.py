"""Promises 1 and 2 end to end: a scripted day of real use leaves no plaintext anywhere and
opens no network socket; and no error output, on any failure path, shows a secret.

The scripted use runs real processes only: the `peerjournal` command for init, search,
exports, backup, verify, passwd, check and digest, and the app (headless, in its own process)
for logging sessions and a reflection with a marker word, search, an autosaved draft, lock,
unlock and quit. HOME, TMPDIR and the working directory point into one folder, and the journal
lives at its default place under that HOME, so everything the processes could write is there
to be scanned. The explicit JSON export is checked to contain the marker (so the scan would
see it) and then deleted, as the user would.

Where strace is available and may trace, the same run is recorded with
`strace -f -e trace=network`, and no AF_INET or AF_INET6 socket may appear.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.kdf import derive_keys
from peerjournal.core.models import Alias, Session, new_id, now_iso
from peerjournal.core.vault import parse_header
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY
from tests.promises.children import Driver, Finished, child_env, run_cli

MARKER = "ZQXPROMISEMARKER"


def needles(text: str) -> list[bytes]:
    """The spellings a leak could take: UTF-8, UTF-16 (both orders), lower and upper case."""
    return [
        text.encode(),
        text.encode("utf-16-le"),
        text.encode("utf-16-be"),
        text.lower().encode(),
        text.upper().encode(),
    ]


def files_holding(folders: Sequence[Path], text: str) -> tuple[list[Path], int]:
    """(files under `folders` that contain `text` in any spelling, number of files scanned)."""
    found, scanned = [], 0
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root) / name
                if path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                scanned += 1
                if any(needle in data for needle in needles(text)):
                    found.append(path)
    return found, scanned


# ---------------------------------------------------------------------------------------------
# strace


def strace_problem() -> str | None:
    """Why strace cannot record network calls here, or None when it can."""
    if shutil.which("strace") is None:
        return "strace is not installed"
    probe = subprocess.run(
        ["strace", "-f", "-e", "trace=network", "-o", os.devnull, "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"strace may not trace here (ptrace refused): {probe.stderr.strip()[:200]}"
    return None


@dataclass
class Tracer:
    """Wraps each child in `strace -f -e trace=network`, one log per child."""

    folder: Path | None
    logs: list[Path] = field(default_factory=list)

    def prefix(self, name: str) -> list[str]:
        if self.folder is None:
            return []
        log = self.folder / f"{len(self.logs):02d}-{name}.log"
        self.logs.append(log)
        return ["strace", "-f", "-e", "trace=network", "-o", str(log)]


# ---------------------------------------------------------------------------------------------
# The scripted use


@dataclass
class Use:
    root: Path
    journal: Path
    backup: Path
    tracer: Tracer
    trace_problem: str | None
    export_held_marker: bool
    stdout_held_marker: bool
    shm_before: set[str]
    midway: tuple[list[Path], int]


def default_journal(env: dict[str, str]) -> Path:
    """Where `peerjournal` puts the journal for this HOME (platformdirs, as the CLI asks it)."""
    code = "from peerjournal.cli import default_home; print(default_home())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return Path(out.strip())


def scripted_use(root: Path, tracer: Tracer, trace_problem: str | None) -> Use:
    home, tmp, work = root / "home", root / "tmp", root / "work"
    for folder in (home, tmp, work):
        folder.mkdir(parents=True)
    env = child_env({"HOME": str(home), "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)})
    journal = default_journal(env)
    assert journal.is_relative_to(home)
    shm_before = set(os.listdir("/dev/shm")) if Path("/dev/shm").is_dir() else set()

    def cli(name: str, *args: str, passphrase: str = PASSPHRASE, **kwargs: str) -> Finished:
        result = run_cli(
            *args, passphrases=[passphrase], cwd=work, env=env, prefix=tracer.prefix(name), **kwargs
        )
        assert result.code == 0, f"{name}: {result.err}"
        return result

    cli("init", "init")

    app = Driver(journal, env=env, cwd=work, prefix=tracer.prefix("app"))
    app.send(f"unlock {PASSPHRASE}")
    app.send("new session")
    app.send(f"type River talked about {MARKER} and the flat")
    app.send("focus notes")
    app.send(f"type long notes with {MARKER} inside")
    app.send("save")
    app.send("new reflection")
    app.send(f"type What {MARKER} taught me")
    app.send("focus body")
    app.send(f"type A reflection on {MARKER}")
    app.send("save")
    app.send(f"search {MARKER}")
    app.send("new session")
    app.send(f"type an unsaved {MARKER} draft")
    app.send("sleep 4")  # an autosave writes the draft
    # While the app is unlocked, with the WAL and its index beside the database.
    midway = files_holding([root], MARKER)
    app.send("lock")
    assert app.send(f"unlock {PASSPHRASE}") == "draft offered"
    app.send("answer yes")
    app.send("save")
    app.send("lock")
    app.send(f"unlock {PASSPHRASE}")
    app.send("quit")
    app.finish()
    assert app.process.returncode == 0

    found = cli("search", "search", MARKER)
    export = work / "export.json"
    cli("export", "export", "--format", "json", "-o", str(export), "--yes")
    export_held_marker = files_holding([work], MARKER)[0] == [export]
    export.unlink()  # the user deletes the explicit export
    markdown = cli("markdown", "export", "--format", "markdown", "--yes")
    backups = home / "backups"
    backups.mkdir()
    backup = backups / "journal.pjbackup"
    cli("backup", "backup", str(backup))
    cli("verify", "backup", "--verify", str(backup))
    cli("passwd", "passwd", new_passphrase=OTHER_PASSPHRASE)
    cli("check", "check", passphrase=OTHER_PASSPHRASE)
    cli("digest", "digest", passphrase=OTHER_PASSPHRASE)
    return Use(
        root=root,
        journal=journal,
        backup=backup,
        tracer=tracer,
        trace_problem=trace_problem,
        export_held_marker=export_held_marker,
        stdout_held_marker=MARKER in found.out and MARKER in markdown.out,
        shm_before=shm_before,
        midway=midway,
    )


@pytest.fixture(scope="module")
def use(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Use]:
    problem = strace_problem()
    logs = None if problem else tmp_path_factory.mktemp("strace")
    yield scripted_use(tmp_path_factory.mktemp("e2e"), Tracer(logs), problem)


@pytest.mark.slow
def test_a_day_of_use_leaves_the_marker_in_no_file(use: Use) -> None:
    # The scan can see the marker: it was in the export (deleted since) and on stdout.
    assert use.export_held_marker and use.stdout_held_marker
    assert use.backup.is_file() and (use.journal / "header.json").is_file()
    # Everything under HOME (journal, backup), TMPDIR and the working directory: while the app
    # was unlocked with an autosaved draft (WAL and SHM included), and at the end.
    midway_leaked, midway_scanned = use.midway
    assert midway_leaked == []
    assert midway_scanned >= 5  # header, database, its WAL and SHM, lock
    leaked, scanned = files_holding([use.root], MARKER)
    assert leaked == []
    assert scanned >= 4  # header, database, lock and backup
    # Shared memory the processes might have used.
    shm = Path("/dev/shm")
    if shm.is_dir():
        new = [shm / name for name in set(os.listdir(shm)) - use.shm_before]
        assert [
            path for path in new if path.is_file() and MARKER.encode() in path.read_bytes()
        ] == []
    # Nor the passphrases: not in any file, not even the header.
    for secret in (PASSPHRASE, OTHER_PASSPHRASE):
        assert files_holding([use.root], secret)[0] == []
    print(f"leak scan: {midway_scanned} files midway and {scanned} at the end")


@pytest.mark.slow
def test_a_day_of_use_opens_no_network_socket(use: Use) -> None:
    if use.trace_problem:
        pytest.skip(use.trace_problem)
    assert len(use.tracer.logs) >= 10
    traced = {log.name: log.read_text() for log in use.tracer.logs}
    for name, text in traced.items():
        assert "+++ exited with 0 +++" in text, f"{name} was not traced to its end"
        assert "AF_INET" not in text, f"{name} opened a network socket:\n{text}"
    # The recording works: the app's event loop makes its local (AF_UNIX) socket pair.
    app_log = next(text for name, text in traced.items() if name.endswith("-app.log"))
    assert "AF_UNIX" in app_log
    print(f"strace: {len(traced)} processes traced, no AF_INET/AF_INET6 socket")


# ---------------------------------------------------------------------------------------------
# Error output on every failure path


@dataclass
class Secrets:
    home: Path
    texts: list[str]

    def assert_absent(self, what: str, *outputs: str) -> None:
        joined = "\n".join(outputs)
        assert "Traceback" not in joined, what
        for secret in self.texts:
            assert secret not in joined, f"{what} shows a secret"
            assert secret.lower() not in joined.lower(), f"{what} shows a secret"


@pytest.fixture
def secrets(tmp_path: Path) -> Secrets:
    """A journal holding the marker, and every secret that must never reach an error output."""
    home = tmp_path / "journal"
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        alias = journal.save(Alias(id=new_id(), pseudonym="Brook"))
        journal.save(
            Session(
                id=new_id(),
                alias_id=alias.id,
                occurred_at=now_iso(),
                their_words=f"{MARKER} said in their own words",
                notes=f"{MARKER} notes",
            )
        )
    header = parse_header((home / "header.json").read_bytes())
    keys = derive_keys(PASSPHRASE, header.salt, header.params)
    texts = [MARKER, PASSPHRASE, OTHER_PASSPHRASE, "WRONGPASSWORDTOKEN"]
    for key in (keys.db_key, keys.mac_key):
        texts += [key.hex(), base64.b64encode(key).decode(), key.hex()[:16]]
    return Secrets(home, texts)


def flipped_copy(source: Path, target: Path, offset: int) -> Path:
    shutil.copytree(source, target)
    database = target / "journal-1.db"
    data = bytearray(database.read_bytes())
    data[offset] ^= 0x5A
    database.write_bytes(bytes(data))
    return target


def import_files(folder: Path) -> dict[str, bytes]:
    """Malformed import files, each with the marker in a note next to the problem."""
    good = {"id": new_id(), "occurred_at": now_iso(), "notes": f"{MARKER} imported"}
    document = {"format": "peerjournal-export", "version": 1}

    def dump(**sections: object) -> bytes:
        return json.dumps({**document, **sections}).encode()

    full = dump(sessions=[good])
    return {
        "unknown field": dump(sessions=[{**good, "mood": 3}]),
        "bad time": dump(sessions=[{**good, "occurred_at": f"{MARKER} o'clock"}]),
        "bad choice": dump(sessions=[{**good, "method": MARKER}]),
        "wrong type": dump(sessions=[{**good, "duration_min": MARKER}]),
        "missing alias": dump(sessions=[{**good, "alias_id": new_id()}]),
        "duplicate id": dump(sessions=[good, good]),
        "truncated": full[: full.index(MARKER.encode()) + 5],
        "not utf-8": full.replace(b" imported", b" \xff\xfe imported"),
        "not json": f"notes: {MARKER}".encode(),
        "jrnl": json.dumps({"entries": [{"title": MARKER, "body": "x"}]}).encode(),
    }


def test_error_output_on_every_failure_path_shows_no_secret(
    secrets: Secrets, tmp_path: Path
) -> None:
    home = secrets.home
    cases: list[tuple[str, int, Finished]] = []

    cases.append(
        (
            "wrong passphrase",
            3,
            run_cli(
                "--home",
                str(home),
                "search",
                MARKER[:5],
                passphrases=["WRONGPASSWORDTOKEN and more"],
            ),
        )
    )
    page_one = flipped_copy(home, tmp_path / "page-one", 200)
    cases.append(
        (
            "damaged first page",
            4,
            run_cli("--home", str(page_one), "search", "notes", passphrases=[PASSPHRASE]),
        )
    )
    size = (home / "journal-1.db").stat().st_size
    later = flipped_copy(home, tmp_path / "later", size - 1000)
    damaged = run_cli("--home", str(later), "check", passphrases=[PASSPHRASE])
    cases.append(("damaged later page", 4, damaged))
    header = tmp_path / "bad-header"
    shutil.copytree(home, header)
    (header / "header.json").write_text('{"format": "peerjournal", "mac": "' + MARKER + '"}')
    cases.append(
        ("damaged header", 4, run_cli("--home", str(header), "check", passphrases=[PASSPHRASE]))
    )

    for name, raw in import_files(tmp_path).items():
        source = tmp_path / f"{name}.json"
        source.write_bytes(raw)
        fmt = ["--format", "jrnl"] if name == "jrnl" else []
        result = run_cli("--home", str(home), "import", str(source), *fmt, passphrases=[PASSPHRASE])
        cases.append((f"import: {name}", 2, result))

    weak = run_cli(
        "--home",
        str(home),
        "passwd",
        passphrases=[PASSPHRASE],
        new_passphrase="QQQQQQQQQQQQQQQQQQQQ",
    )
    cases.append(("weak new passphrase", 2, weak))
    bad_backup = tmp_path / "bad.pjbackup"
    bad_backup.write_bytes(b"\0" * 2048 + MARKER.encode())
    cases.append(
        (
            "damaged backup",
            4,
            run_cli(
                "--home", str(home), "backup", "--verify", str(bad_backup), passphrases=[PASSPHRASE]
            ),
        )
    )

    for what, code, result in cases:
        assert result.code == code, f"{what}: {result}"
        assert (result.err + result.out).strip(), f"{what}: no message"
        secrets.assert_absent(what, result.out, result.err)
    assert "QQQQQQQQ" not in weak.err + weak.out


@pytest.mark.slow
def test_a_crash_in_a_screen_shows_no_secret(secrets: Secrets) -> None:
    app = Driver(secrets.home)
    app.send(f"unlock {PASSPHRASE}")
    app.send("search notes")  # the screens have shown note text by now
    app.send(f"crash {MARKER} {PASSPHRASE}")  # raised with note text in a local variable
    out, err = app.finish()
    assert app.process.returncode == 1
    assert "unexpected error (ZeroDivisionError)" in " ".join(err.split())
    secrets.assert_absent("a crash in a screen", out, err)
    with Journal.open(secrets.home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 1  # and nothing was lost
