"""What `import` reads: a regular file, its size checked before reading, the read bounded.

`peerjournal import /dev/zero` used to read until memory ran out (6 GB before the size limit
applied), and a FIFO blocked it until something wrote to it. The CLI runs in a child process
with its address space capped and a timeout, so a regression fails instead of hurting the
machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from peerjournal.core import exchange
from peerjournal.core.errors import ImportFailed
from peerjournal.core.exchange import read_import_file
from peerjournal.core.journal import Journal
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.promises.children import run_cli

ADDRESS_SPACE_BYTES = 2 * 1024**3
LIMITED = [
    sys.executable,
    "-c",
    "import os, resource, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE_BYTES}, {ADDRESS_SPACE_BYTES})); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


@pytest.fixture
def existing(home: Path) -> Path:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    return home


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_import_of_a_device_is_refused_without_reading_it(existing: Path) -> None:
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_import_file(Path("/dev/zero"))
    result = run_cli(
        "--home", str(existing), "import", "/dev/zero", passphrases=[PASSPHRASE],
        prefix=LIMITED, timeout=60,
    )  # fmt: skip
    assert result.code == 2, result.err
    assert "not a regular file" in result.err and "Traceback" not in result.err


def test_import_of_a_fifo_is_refused_at_once(existing: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_import_file(fifo)
    result = run_cli(
        "--home", str(existing), "import", str(fifo), passphrases=[PASSPHRASE],
        prefix=LIMITED, timeout=60,
    )  # fmt: skip
    assert result.code == 2, result.err
    assert "not a regular file" in result.err


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(4096)  # sparse: the size is what counts
    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 1024)
    reads: list[int] = []  # bytes asked for, each time
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        reads.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(exchange.os, "read", counting_read)
    with pytest.raises(ImportFailed, match="larger than"):
        read_import_file(big)
    assert reads == []  # refused from its size alone
    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 8192)
    assert read_import_file(big) == b"\0" * 4096
    assert reads and max(reads) <= 8192 + 1  # never asked for more than the limit allows


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="There is no file"):
        read_import_file(tmp_path / "missing.json")
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_import_file(tmp_path)
