"""What peerjournal refuses to use in a journal folder (issue 13, "Also fix").

- a `lock` that is a link, a folder or a special file: named, exit 4 (it was "unexpected error");
- a journal folder or header.json owned by another user, as ssh refuses keys another user could
  have replaced: named, with what to do, exit 4. Root is refused too on someone else's journal
  (it would leave root-owned files that the owner could not open).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from peerjournal.core.errors import ForeignOwner, JournalDamaged
from peerjournal.core.journal import Journal
from peerjournal.core.vault import Vault
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY

NOBODY = 65534


@pytest.fixture
def existing(home: Path) -> Path:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    return home


def one_sentence(text: str) -> bool:
    text = text.strip()
    return text.endswith(".") and text.count(". ") == 0 and "\n" not in text


@pytest.mark.parametrize("kind", ["symlink", "folder"])
def test_a_lock_that_is_not_a_file_is_named_exit_4(
    existing: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = existing / "lock"
    lock.unlink()
    if kind == "symlink":
        target = tmp_path / "somewhere-else"
        target.write_bytes(b"")
        lock.symlink_to(target)
    else:
        lock.mkdir()
    result = run_cli(capsys, "--home", str(existing), "check")
    assert result.code == 4, result.err
    assert "lock file" in result.err and "unexpected" not in result.err
    assert one_sentence(result.err.replace("\n", " ")), result.err


def test_a_lock_that_is_a_folder_is_refused_when_creating_too(home: Path) -> None:
    home.mkdir(mode=0o700)
    (home / "lock").mkdir()
    with pytest.raises(JournalDamaged, match="lock file"):
        Journal.create(home, PASSPHRASE, policy=TEST_POLICY)


def test_a_journal_folder_of_another_user_is_refused(
    existing: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Simulated: this process pretends to run as another user than the folder's owner.
    monkeypatch.setattr(os, "geteuid", lambda: existing.stat().st_uid + 1)
    before = sorted(p.name for p in existing.iterdir())
    with pytest.raises(ForeignOwner):
        Vault.locate(existing, policy=TEST_POLICY)
    result = run_cli(capsys, "--home", str(existing), "check")
    assert result.code == 4
    assert "belongs to another user" in result.err and "run peerjournal as that user" in result.err
    assert one_sentence(result.err.replace("\n", " ")), result.err
    assert sorted(p.name for p in existing.iterdir()) == before


def test_init_in_an_empty_folder_of_another_user_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: home.stat().st_uid + 1)
    with pytest.raises(ForeignOwner):
        Journal.create(home, PASSPHRASE, policy=TEST_POLICY)
    assert list(home.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
@pytest.mark.parametrize("what", ["folder", "header"])
def test_root_is_refused_on_a_journal_owned_by_someone_else(
    existing: Path, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # For real: the folder (or only its header) is chowned to nobody; we run as root.
    shutil.chown(existing if what == "folder" else existing / "header.json", NOBODY, NOBODY)
    result = run_cli(capsys, "--home", str(existing), "check")
    assert result.code == 4, result.err
    assert f"uid {NOBODY}" in result.err
    assert ("journal folder" if what == "folder" else "journal header") in result.err
