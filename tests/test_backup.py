"""Encrypted backups: writing, verifying, refusing damaged or foreign files, restoring, rotating."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import stat
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerjournal.core import backup as backup_module
from peerjournal.core.backup import (
    AUTO_PREFIX,
    auto_backup,
    auto_backup_due,
    auto_backup_settings,
    create_backup,
    prepare_restore,
    run_auto_backup,
    set_auto_backup,
    verify_backup,
)
from peerjournal.core.errors import (
    BackupDamaged,
    BackupFailed,
    JournalDamaged,
    UsageError,
    WrongPassphrase,
)
from peerjournal.core.exchange import export_document
from peerjournal.core.journal import Journal
from peerjournal.core.models import Session
from peerjournal.core.vault import Vault
from tests import samples
from tests.clirun import run_cli
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY, files_under

MARKER = "ZQXBACKUPMARKER"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


def comparable(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def names_in(folder: Path) -> list[str]:
    """What a folder holds, leaving out the private TMPDIR some tests make in tmp_path."""
    return sorted(p.name for p in folder.iterdir() if p.name != "tmp")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(files_under(folder))
    }


@pytest.fixture
def filled(home: Path) -> Path:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        samples.every_kind(journal, MARKER, session={"notes": f"ünïcödé {MARKER}"})
    return home


@pytest.fixture
def made(filled: Path, tmp_path: Path) -> Path:
    target = tmp_path / "journal.pjbackup"
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        create_backup(journal, target)
    return target


# --------------------------------------------------------------------------------------------
# Writing


def test_a_backup_is_two_encrypted_members_and_opens_with_the_same_passphrase(
    made: Path, filled: Path, tmp_path: Path, private_tmpdir: Path
) -> None:
    with tarfile.open(made) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == ["header.json", "journal-1.db"]
        assert all(m.isreg() and m.uname == "" for m in members)
        header = tar.extractfile("header.json").read()  # type: ignore[union-attr]
    assert header == (filled / "header.json").read_bytes()
    data = made.read_bytes()
    assert MARKER.encode() not in data and MARKER.lower().encode() not in data
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    summary = verify_backup(made, PASSPHRASE, policy=TEST_POLICY)
    assert summary.counts == {
        "alias": 1,
        "session": 1,
        "reflection": 1,
        "follow_up": 1,
        "checkin": 1,
        "confidentiality_event": 1,
        "debrief": 1,
        "supervision": 1,
        "boundary_event": 1,
    }
    assert summary.made_at and summary.made_at[:4].isdigit()
    # Neither the journal folder nor the folder of the backup nor TMPDIR keep working files.
    assert sorted(p.name for p in filled.iterdir()) == ["header.json", "journal-1.db", "lock"]
    assert names_in(tmp_path) == ["journal", "journal.pjbackup"]
    assert files_under(private_tmpdir) == []


def test_backup_refuses_to_overwrite_unless_asked(made: Path, filled: Path) -> None:
    before = made.read_bytes()
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        with pytest.raises(UsageError, match="already exists"):
            create_backup(journal, made)
        with pytest.raises(UsageError, match="inside the journal folder"):
            create_backup(journal, filled / "inside.pjbackup")
        assert made.read_bytes() == before
        samples.checkin(journal)
        create_backup(journal, made, overwrite=True)
    assert verify_backup(made, PASSPHRASE, policy=TEST_POLICY).counts["checkin"] == 2


def test_a_backup_that_fails_verification_is_not_kept(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write_tar = backup_module._write_tar

    def write_and_damage(target: Path, header: bytes, database: Path, mtime: int) -> None:
        real_write_tar(target, header, database, mtime)
        flip_database_byte(target)

    monkeypatch.setattr(backup_module, "_write_tar", write_and_damage)
    target = tmp_path / "bad.pjbackup"
    with (
        Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal,
        pytest.raises(BackupFailed, match="verification"),
    ):
        create_backup(journal, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal"]


def test_a_backup_after_a_passphrase_change_needs_the_new_passphrase(
    filled: Path, tmp_path: Path
) -> None:
    target = tmp_path / "after-passwd.pjbackup"
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.change_passphrase(OTHER_PASSPHRASE)
        create_backup(journal, target)
    with tarfile.open(target) as tar:
        assert tar.getnames() == ["header.json", "journal-2.db"]
    with pytest.raises(WrongPassphrase):
        verify_backup(target, PASSPHRASE, policy=TEST_POLICY)
    assert verify_backup(target, OTHER_PASSPHRASE, policy=TEST_POLICY).generation == 2


# --------------------------------------------------------------------------------------------
# Refusing damaged, truncated and foreign files


def members_of(backup: Path) -> dict[str, bytes]:
    with tarfile.open(backup) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def write_tar(path: Path, members: list[tuple[str, bytes]]) -> None:
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def flip_database_byte(backup: Path) -> None:
    with tarfile.open(backup) as tar:
        member = tar.getmember("journal-1.db")
        position = member.offset_data + member.size // 2
    data = bytearray(backup.read_bytes())
    data[position] ^= 0x01
    backup.write_bytes(bytes(data))


def make_flipped(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes())
    flip_database_byte(bad)


def make_truncated(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def make_extra(good: Path, bad: Path) -> None:
    write_tar(bad, [*members_of(good).items(), ("notes.txt", b"hello")])


def make_missing(good: Path, bad: Path) -> None:
    write_tar(bad, [("header.json", members_of(good)["header.json"])])


def make_missing_header(good: Path, bad: Path) -> None:
    write_tar(bad, [("journal-1.db", members_of(good)["journal-1.db"])])


def make_traversal(good: Path, bad: Path) -> None:
    write_tar(bad, [("../x", b"escape"), *members_of(good).items()])


def make_absolute(good: Path, bad: Path) -> None:
    members = members_of(good)
    write_tar(bad, [("header.json", members["header.json"]), ("/tmp/journal-1.db", b"x")])


def make_symlink(good: Path, bad: Path) -> None:
    with tarfile.open(bad, "w") as tar:
        for name, data in members_of(good).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("journal-2.db")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)


def make_mismatched(good: Path, bad: Path) -> None:
    members = members_of(good)
    write_tar(
        bad, [("header.json", members["header.json"]), ("journal-7.db", members["journal-1.db"])]
    )


def make_random(good: Path, bad: Path) -> None:
    bad.write_bytes(os.urandom(good.stat().st_size))


def make_foreign_tar(good: Path, bad: Path) -> None:
    write_tar(bad, [("photo.jpg", b"\xff\xd8\xff" + b"x" * 1000)])


def make_foreign_database(good: Path, bad: Path) -> None:
    members = members_of(good)
    write_tar(bad, [("header.json", members["header.json"]), ("journal-1.db", os.urandom(8192))])


DAMAGES = {
    "flipped byte": make_flipped,
    "truncated": make_truncated,
    "extra member": make_extra,
    "missing database": make_missing,
    "missing header": make_missing_header,
    "path traversal": make_traversal,
    "absolute name": make_absolute,
    "symlink member": make_symlink,
    "database of another generation": make_mismatched,
    "random file": make_random,
    "foreign tar": make_foreign_tar,
    "foreign database": make_foreign_database,
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_truncated_or_foreign_backups_are_refused_and_nothing_changes(
    damage: str, made: Path, filled: Path, tmp_path: Path, run
) -> None:
    bad = tmp_path / "bad.pjbackup"
    DAMAGES[damage](made, bad)
    before_home = snapshot(filled)
    before_around = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(BackupDamaged):
        verify_backup(bad, PASSPHRASE, policy=TEST_POLICY)
    with pytest.raises(BackupDamaged):
        prepare_restore(filled, bad, PASSPHRASE, policy=TEST_POLICY)
    result = run("--home", str(filled), "restore", str(bad), "--yes")
    assert result.code == 4, result.err
    assert "not a usable peerjournal backup" in result.err and "Traceback" not in result.err
    assert run("--home", str(filled), "backup", "--verify", str(bad)).code == 4
    assert snapshot(filled) == before_home
    assert sorted(p.name for p in tmp_path.iterdir()) == before_around
    assert not (tmp_path / "x").exists()
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 1


def test_a_flipped_byte_in_the_header_or_a_wrong_passphrase_is_refused(
    made: Path, filled: Path, tmp_path: Path, run
) -> None:
    before = snapshot(filled)
    wrong = run("--home", str(filled), "restore", str(made), "--yes", passphrase="not it at all")
    assert wrong.code == 3 and "does not open this backup" in wrong.err
    with tarfile.open(made) as tar:
        member = tar.getmember("header.json")
        salt_at = member.offset_data + tar.extractfile(member).read().index(b'"salt"') + 10  # type: ignore[union-attr]
    data = bytearray(made.read_bytes())
    data[salt_at] = ord("A") if data[salt_at] != ord("A") else ord("B")
    bad = tmp_path / "bad-header.pjbackup"
    bad.write_bytes(bytes(data))
    result = run("--home", str(filled), "restore", str(bad), "--yes")
    assert result.code in (3, 4)
    assert snapshot(filled) == before


def test_verify_prints_what_the_backup_holds(made: Path, filled: Path, run) -> None:
    result = run("--home", str(filled), "backup", "--verify", str(made))
    assert result.code == 0, result.err
    assert "Made: 20" in result.out
    assert "1 alias, 1 session, 1 reflection, 1 follow-up, 1 check-in" in result.out
    assert "integrity checks passed" in result.out
    assert MARKER not in result.out


# --------------------------------------------------------------------------------------------
# Restoring


def test_backup_damage_restore_gives_the_same_export(filled: Path, tmp_path: Path, run) -> None:
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        original = comparable(export_document(journal))
    target = tmp_path / "usb" / "journal.pjbackup"
    target.parent.mkdir()
    made = run("--home", str(filled), "backup", str(target))
    assert made.code == 0, made.err
    assert "verified" in made.out
    database = filled / "journal-1.db"
    data = bytearray(database.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = os.urandom(64)
    database.write_bytes(bytes(data))
    assert run("--home", str(filled), "check").code == 4
    restored = run("--home", str(filled), "restore", str(target), "--yes")
    assert restored.code == 0, restored.err
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert comparable(export_document(journal)) == original
        assert journal.check().problems == []
        assert len(journal.search(MARKER)) == 8  # the search index came back too
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("journal.replaced-")]
    assert len(kept) == 1 and str(kept[0]) in restored.out
    assert (kept[0] / "journal-1.db").read_bytes() == bytes(data)  # the damaged one, untouched
    assert stat.S_IMODE(filled.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in filled.iterdir())
    assert [p.name for p in tmp_path.iterdir() if ".restoring-" in p.name] == []


def test_restore_onto_a_new_machine_needs_no_journal(made: Path, tmp_path: Path, run) -> None:
    fresh = tmp_path / "new-laptop" / "peerjournal"
    result = run("--home", str(fresh), "restore", str(made))
    assert result.code == 0, result.err
    assert "replaced" not in result.out
    with Journal.open(fresh, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["reflection"] == 1
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["peerjournal"]


def test_restore_asks_first_and_refuses_without_a_terminal(made: Path, filled: Path, run) -> None:
    before = snapshot(filled)
    result = run("--home", str(filled), "restore", str(made))
    assert result.code == 2 and "--yes" in result.err
    assert snapshot(filled) == before
    assert [
        p for p in filled.parent.iterdir() if "replaced" in p.name or "restoring" in p.name
    ] == []


def test_restore_is_refused_while_the_journal_is_open(made: Path, filled: Path, run) -> None:
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY):
        result = run("--home", str(filled), "restore", str(made), "--yes")
    assert result.code == 6


def test_restore_never_moves_a_folder_holding_other_files(made: Path, tmp_path: Path, run) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("mine")
    result = run("--home", str(documents), "restore", str(made), "--yes")
    assert result.code == 2 and "not part of a journal" in result.err
    assert names_in(tmp_path) == ["Documents", "journal", "journal.pjbackup"]
    assert (documents / "letter.txt").read_text() == "mine"


def test_if_the_restored_journal_does_not_open_the_previous_one_is_put_back(
    made: Path, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        samples.checkin(journal, self_care="only in the live journal")
    prepared = prepare_restore(filled, made, PASSPHRASE, policy=TEST_POLICY)

    def refuse(self: Vault, keys: object) -> None:
        raise JournalDamaged("simulated")

    monkeypatch.setattr(Vault, "unlock_with_keys", refuse)
    with pytest.raises(BackupFailed, match="put back"):
        prepared.install()
    monkeypatch.undo()
    with Journal.open(filled, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["checkin"] == 2  # the live journal, not the backup
    siblings = sorted(p.name for p in filled.parent.iterdir())
    assert any(".failed-restore-" in name for name in siblings)
    assert not any(".replaced-" in name or ".restoring-" in name for name in siblings)


def test_discarding_a_prepared_restore_changes_nothing(made: Path, filled: Path) -> None:
    before = snapshot(filled)
    with prepare_restore(filled, made, PASSPHRASE, policy=TEST_POLICY) as prepared:
        assert prepared.replaces_journal
        assert prepared.summary.counts["session"] == 1
    assert snapshot(filled) == before
    assert names_in(filled.parent) == ["journal", "journal.pjbackup"]
    assert prepared._verified is None  # the backup's keys are let go, not kept until collected
    with pytest.raises(RuntimeError, match="already installed or discarded"):
        prepared.install()


# --------------------------------------------------------------------------------------------
# Automatic backups


def test_the_change_counter_counts_records_but_not_drafts_or_settings(journal: Journal) -> None:
    start = journal.change_count()
    session = samples.session(journal)
    assert journal.change_count() == start + 1
    journal.save(session)
    journal.delete(Session, session.id)
    assert journal.change_count() == start + 3
    journal.save_draft("form", "session", {"notes": "x"})
    journal.set_setting("anything", 1)
    assert journal.change_count() == start + 3


def test_automatic_backups_are_off_by_default_and_only_run_after_a_change(
    journal: Journal, tmp_path: Path
) -> None:
    assert not auto_backup_settings(journal).enabled
    assert run_auto_backup(journal) is None
    stick = tmp_path / "stick"
    stick.mkdir()
    set_auto_backup(journal, stick, keep=3)
    assert auto_backup_settings(journal).keep == 3
    assert auto_backup_due(journal)
    first = run_auto_backup(journal)
    assert first is not None and first.path.parent == stick
    assert first.path.name.startswith(AUTO_PREFIX) and first.path.suffix == ".pjbackup"
    assert run_auto_backup(journal) is None  # nothing changed since
    journal.save_draft("form", "session", {})
    assert run_auto_backup(journal) is None  # a draft is not a change worth a backup
    samples.checkin(journal)
    second = run_auto_backup(journal)
    assert second is not None and second.counts["checkin"] == 1


def test_rotation_keeps_the_last_n_of_this_journal_and_touches_nothing_else(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "holiday.jpg").write_bytes(b"photo")
    other_home = tmp_path / "other"
    with Journal.create(other_home, OTHER_PASSPHRASE, policy=TEST_POLICY) as other:
        other_backup = auto_backup(other, stick, keep=1)
    stamps = iter(range(60))
    monkeypatch.setattr(
        backup_module, "_now", lambda: datetime(2030, 1, 1, 0, 0, next(stamps), tzinfo=UTC)
    )
    made = []
    for _ in range(4):
        samples.checkin(journal)
        made.append(auto_backup(journal, stick, keep=2).path)
        if len(made) == 1:
            # Same journal stamp, same naming, but not made by this journal's rotation: kept.
            lookalike = stick / f"{AUTO_PREFIX}20000101-000000.pjbackup"
            lookalike.write_bytes(made[0].read_bytes())
    names = sorted(p.name for p in stick.iterdir())
    assert names == sorted(
        ["holiday.jpg", other_backup.path.name, lookalike.name, made[2].name, made[3].name]
    )


def test_a_missing_backup_folder_is_reported_and_the_journal_is_untouched(
    journal: Journal, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    set_auto_backup(journal, stick)
    stick.rmdir()  # the stick was unplugged
    samples.checkin(journal)
    with pytest.raises(BackupFailed, match="not available"):
        run_auto_backup(journal)
    assert auto_backup_due(journal)
    with pytest.raises(UsageError):
        set_auto_backup(journal, tmp_path / "nowhere")
    with pytest.raises(UsageError):
        set_auto_backup(journal, None, keep=0)
    set_auto_backup(journal, None)
    assert run_auto_backup(journal) is None
    assert json.loads(json.dumps(journal.setting("auto_backup_folder"))) is None
