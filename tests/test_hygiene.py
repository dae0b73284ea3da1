"""Architecture: the core is a library that never imports textual or rich."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_ui_toolkit() -> None:
    code = (
        "import sys, pkgutil, importlib, peerjournal.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('peerjournal.core.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')"
        " or n.startswith('peerjournal.tui') or n == 'peerjournal.cli')\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_cli_does_not_import_textual() -> None:
    code = "import sys, peerjournal.cli\nprint(any(n.startswith('textual') for n in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_cli_starts_without_rich_the_journal_or_a_subprocess() -> None:
    # Start-up is what every command waits for: rich and the journal's modules are imported
    # when a command needs them (the journal's while Argon2id runs), and nothing spawns a
    # process (ctypes.util.find_library would run ldconfig to find libc).
    code = (
        "import sys\n"
        "spawned = []\n"
        "sys.addaudithook(lambda event, args: spawned.append(event) if event in "
        "('subprocess.Popen', 'os.posix_spawn', 'os.fork', 'os.exec', 'os.system') else None)\n"
        "from peerjournal import cli\n"
        "try:\n"
        "    cli.main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "cli.build_parser().parse_args(['export', '--format', 'markdown', '--tag', 'x'])\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] in ('rich', 'sqlcipher3')"
        " or n in ('peerjournal.core.journal', 'peerjournal.core.vault', 'ctypes.util'))\n"
        "print(','.join(spawned), '|', ','.join(loaded), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    spawned, loaded = result.stderr.split("|")
    assert spawned.strip() == ""  # no process started
    assert loaded.strip() == ""  # (export --kind's choices are looked up once it is given)


def test_no_network_modules_in_the_package() -> None:
    import pathlib

    import peerjournal

    root = pathlib.Path(peerjournal.__file__).parent
    forbidden = (
        "import socket",
        "urllib.request",
        "http.client",
        "import requests",
        "import httpx",
        "import ssl",
        "asyncio.open_connection",
    )
    for path in root.rglob("*.py"):
        text = path.read_text()
        for needle in forbidden:
            assert needle not in text, f"{path.name} mentions {needle}"


def test_the_tui_never_runs_sql() -> None:
    import pathlib

    import peerjournal.tui

    root = pathlib.Path(peerjournal.tui.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for needle in ("sqlcipher3", ".execute(", "SELECT ", "INSERT ", "DELETE FROM"):
            assert needle not in text, f"{path.name} contains {needle!r}"
