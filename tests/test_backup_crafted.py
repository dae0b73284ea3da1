"""Crafted backup files that try to make verification write far more than they hold.

A GNU sparse member stores a few bytes and a map of holes; tarfile writes the holes out as
zeros. A plain member's header can claim any size. Both must be refused before anything large
is written, by `backup --verify` and `restore` alike (exit 4), and a working copy that would not
fit on the disk is refused before it is started.
"""

from __future__ import annotations

import contextlib
import functools
import io
import resource
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from peerjournal.core import backup as backup_module
from peerjournal.core.backup import prepare_restore, verify_backup
from peerjournal.core.errors import BackupDamaged, StorageFull
from tests import test_backup as backup_tests
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY, files_under
from tests.test_backup import members_of, snapshot

HUGE = 64 * 1024**3 - 1  # just under the old limit on a database member
# Enough for everything these tests legitimately write; a regression that writes a crafted
# member's holes out stops here (Python ignores SIGXFSZ, so the write fails with EFBIG).
WRITE_GUARD_BYTES = 64 * 1024 * 1024


filled = backup_tests.filled  # the same fixtures as the other backup tests
made = backup_tests.made


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def _with_checksum(block: bytearray) -> bytes:
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def gnu_sparse_member(name: str, realsize: int, data: bytes) -> bytes:
    """A GNU sparse member (type 'S'): `data` stored at the end of `realsize` bytes of holes."""
    info = tarfile.TarInfo(name)
    info.type = tarfile.GNUTYPE_SPARSE
    info.size = len(data)  # what is stored in the archive
    block = bytearray(info.tobuf(format=tarfile.GNU_FORMAT, encoding="utf-8", errors="strict"))
    assert len(block) == tarfile.BLOCKSIZE
    block[386:398] = tarfile.itn(realsize - len(data), 12, tarfile.GNU_FORMAT)  # offset
    block[398:410] = tarfile.itn(len(data), 12, tarfile.GNU_FORMAT)  # bytes stored
    block[482] = 0  # no extension blocks
    block[483:495] = tarfile.itn(realsize, 12, tarfile.GNU_FORMAT)  # the size it expands to
    padding = b"\0" * (-len(data) % tarfile.BLOCKSIZE)
    return _with_checksum(block) + data + padding


def plain_member_claiming(name: str, claimed: int, data: bytes) -> bytes:
    """A regular member whose header claims `claimed` bytes but that stores only `data`."""
    info = tarfile.TarInfo(name)
    info.size = claimed
    block = info.tobuf(format=tarfile.GNU_FORMAT, encoding="utf-8", errors="strict")
    return block + data + b"\0" * (-len(data) % tarfile.BLOCKSIZE)


def header_member(header: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("header.json")
        info.size = len(header)
        tar.addfile(info, io.BytesIO(header))
    stored = tarfile.BLOCKSIZE + len(header) + (-len(header) % tarfile.BLOCKSIZE)
    return out.getvalue()[:stored]  # without the end-of-archive blocks and record padding


class Crafted(NamedTuple):
    path: Path
    database_member: tarfile.TarInfo


def craft(made: Path, target: Path, kind: str) -> Crafted:
    header = members_of(made)["header.json"]
    data = b"\x5a" * 4096
    if kind == "sparse":
        body = gnu_sparse_member("journal-1.db", HUGE, data)
    elif kind == "huge claim":
        body = plain_member_claiming("journal-1.db", HUGE, data)
    else:  # a claim just past the end of the file: nothing absurd, still more than it holds
        body = plain_member_claiming("journal-1.db", len(data) + 10 * tarfile.BLOCKSIZE, data)
    target.write_bytes(header_member(header) + body + b"\0" * (2 * tarfile.BLOCKSIZE))
    with tarfile.open(target) as tar:
        tar.next()  # header.json
        member = tar.next()  # read lazily: reading on would stop at the missing data
    assert member is not None and member.name == "journal-1.db"
    return Crafted(target, member)


@pytest.mark.parametrize("kind", ["sparse", "huge claim", "claim past the end"])
def test_a_crafted_backup_is_refused_before_anything_large_is_written(
    kind: str, made: Path, filled: Path, tmp_path: Path, run
) -> None:
    crafted = craft(made, tmp_path / "crafted.pjbackup", kind)
    assert crafted.path.stat().st_size < 12 * 1024  # about 10 KB
    # The file really is what it claims to be, as tarfile reads it.
    assert crafted.database_member.size > crafted.path.stat().st_size
    assert crafted.database_member.issparse() == (kind == "sparse")
    before = snapshot(filled)
    around = sorted(p.name for p in tmp_path.iterdir())
    with file_size_limit(WRITE_GUARD_BYTES):
        with pytest.raises(BackupDamaged, match="sparse|claim"):
            verify_backup(crafted.path, PASSPHRASE, policy=TEST_POLICY, scratch=tmp_path)
        with pytest.raises(BackupDamaged, match="sparse|claim"):
            prepare_restore(filled, crafted.path, PASSPHRASE, policy=TEST_POLICY)
        verified = run("--home", str(filled), "backup", "--verify", str(crafted.path))
        restored = run("--home", str(filled), "restore", str(crafted.path), "--yes")
    for result in (verified, restored):
        assert result.code == 4, result.err
        assert "not a usable peerjournal backup" in result.err
        assert "sparse" in result.err or "claim" in result.err
        assert "Traceback" not in result.err
    assert snapshot(filled) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == around
    assert sum(p.stat().st_size for p in files_under(tmp_path)) < 2 * 1024 * 1024


def test_a_pax_sparse_member_is_refused_too(made: Path, tmp_path: Path) -> None:
    # PAX sparse members keep the regular type and say "sparse" in an extended header.
    header = members_of(made)["header.json"]
    target = tmp_path / "pax-sparse.pjbackup"
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("header.json")
        info.size = len(header)
        tar.addfile(info, io.BytesIO(header))
        sparse = tarfile.TarInfo("journal-1.db")
        sparse.size = 512
        sparse.pax_headers = {
            "GNU.sparse.major": "1",
            "GNU.sparse.minor": "0",
            "GNU.sparse.name": "journal-1.db",
            "GNU.sparse.realsize": str(HUGE),
        }
        # Format 1.0: the map is the start of the member's data.
        tar.addfile(sparse, io.BytesIO(b"1\n" + f"{HUGE - 1}\n1\n".encode().ljust(510, b"\0")))
    with tarfile.open(target) as tar:
        assert tar.getmember("journal-1.db").issparse()
    with file_size_limit(WRITE_GUARD_BYTES), pytest.raises(BackupDamaged, match="sparse"):
        verify_backup(target, PASSPHRASE, policy=TEST_POLICY, scratch=tmp_path)


def test_a_sparse_header_cut_off_in_its_extension_block_is_refused_cleanly(
    made: Path, tmp_path: Path
) -> None:
    header = members_of(made)["header.json"]
    block = bytearray(gnu_sparse_member("journal-1.db", HUGE, b"x" * 512)[: tarfile.BLOCKSIZE])
    block[482] = 1  # "an extension block follows", and then the file ends
    target = tmp_path / "cut.pjbackup"
    target.write_bytes(header_member(header) + _with_checksum(block))
    with pytest.raises(BackupDamaged):
        verify_backup(target, PASSPHRASE, policy=TEST_POLICY, scratch=tmp_path)


def test_a_working_copy_that_would_not_fit_is_refused_before_it_is_written(
    made: Path, filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    class Usage(NamedTuple):
        total: int
        used: int
        free: int

    monkeypatch.setattr(backup_module.shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 0))
    before = snapshot(filled)
    with pytest.raises(StorageFull, match="not enough free space"):
        verify_backup(made, PASSPHRASE, policy=TEST_POLICY, scratch=tmp_path)
    result = run("--home", str(filled), "restore", str(made), "--yes")
    assert result.code == 1 and "not enough free space" in result.err
    assert snapshot(filled) == before
    assert not [p for p in tmp_path.iterdir() if "verify" in p.name or "restoring" in p.name]
    monkeypatch.undo()
    assert verify_backup(made, PASSPHRASE, policy=TEST_POLICY).counts["session"] == 1
