"""Run the command line in-process, the passphrase on a pipe, as a script would give it."""

from __future__ import annotations

import os
from typing import NamedTuple

import pytest

from peerjournal import cli
from tests.conftest import PASSPHRASE, TEST_POLICY


class Result(NamedTuple):
    code: int
    out: str
    err: str


def run_cli(
    capsys: pytest.CaptureFixture[str], *argv: str, passphrase: str | None = PASSPHRASE
) -> Result:
    """`peerjournal ARGV --passphrase-fd N` with cheap key settings; returns code and output."""
    args = list(argv)
    fd = None
    if passphrase is not None:
        fd, write = os.pipe()
        os.write(write, passphrase.encode() + b"\n")
        os.close(write)
        args += ["--passphrase-fd", str(fd)]
    try:
        code = cli.main(args, policy=TEST_POLICY)
    finally:
        if fd is not None:
            os.close(fd)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
