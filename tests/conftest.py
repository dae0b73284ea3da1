"""Shared fixtures: a network guard for the whole suite, cheap KDF settings, journals.

The network guard is installed when this file is imported, before any test module, so
nothing in the suite (or in the code it drives) can open an AF_INET/AF_INET6 socket unnoticed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.kdf import KdfParams, KdfPolicy

pytest_plugins = ["tests.timezone"]  # the `zone` and `utc` fixtures

# ---------------------------------------------------------------------------------------------
# Network guard


class NetworkAttempt(AssertionError):
    """Raised when code under test tries to use the network."""


_INET_FAMILIES = {socket.AF_INET, socket.AF_INET6}
_RealSocket = socket.socket


class _GuardedSocket(_RealSocket):
    def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno=None):  # noqa: A002
        if fileno is None and (family in _INET_FAMILIES or family == -1):
            raise NetworkAttempt(f"a test tried to create a network socket (family {family})")
        super().__init__(family, type, proto, fileno)

    def connect(self, address):  # type: ignore[override]
        if self.family in _INET_FAMILIES:
            raise NetworkAttempt(f"a test tried to connect to {address!r}")
        return super().connect(address)


def _refuse(*args, **kwargs):
    raise NetworkAttempt("a test tried to reach the network")


socket.socket = _GuardedSocket  # type: ignore[misc]
socket.create_connection = _refuse  # type: ignore[assignment]
socket.getaddrinfo = _refuse  # type: ignore[assignment]


# ---------------------------------------------------------------------------------------------
# Journals with cheap key derivation (tests only; production settings are tested separately)

TEST_PARAMS = KdfParams(memory_kib=1024, iterations=1, parallelism=1)
TEST_POLICY = KdfPolicy(floor=TEST_PARAMS, calibrate=False)
PASSPHRASE = "correct horse battery staple 42"
OTHER_PASSPHRASE = "a different long passphrase"


@pytest.fixture
def policy() -> KdfPolicy:
    return TEST_POLICY


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture
def journal(home: Path) -> Iterator[Journal]:
    j = Journal.create(home, PASSPHRASE, policy=TEST_POLICY)
    try:
        yield j
    finally:
        j.close()


@pytest.fixture
def private_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TMPDIR (and tempfile) at a fresh folder, so tests can scan what was left in it."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def files_under(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]
