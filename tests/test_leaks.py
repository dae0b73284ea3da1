"""No plaintext on disk: a marker written into every kind of record appears in no file."""

from __future__ import annotations

from pathlib import Path

from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Session,
    new_id,
    now_iso,
)
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY, files_under
from tests.samples import every_kind

MARKER = "ZQXMARKER"


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.lower().encode()]


def assert_no_marker(folders: list[Path]) -> int:
    scanned = 0
    for folder in folders:
        for path in files_under(folder):
            data = path.read_bytes()
            scanned += 1
            for needle in encodings(MARKER):
                assert needle not in data, f"marker found in {path}"
    return scanned


def test_marker_in_every_kind_of_record_is_absent_from_every_file(
    home: Path, private_tmpdir: Path
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as j:
        every_kind(
            j,
            MARKER,
            alias={"pseudonym": MARKER + "Alias", "consent_note": MARKER, "themes": [MARKER]},
            session={
                "occurred_at": now_iso(),
                "goal_focus": MARKER,
                "notes": MARKER * 100,
                "tags": [MARKER],
            },
            reflection={"title": MARKER, "tags": [MARKER], "for_supervision": False},
            follow_up={"alias_id": None},
            event={"notes": MARKER, "consulted_role": MARKER},
        )
        j.save_draft("form", "session", {"notes": MARKER})
        j.set_setting("x", MARKER)
        assert j.search(MARKER)
        # Scan while open too: WAL and SHM hold the freshest pages.
        assert_no_marker([home, private_tmpdir])
        deleted = j.save(Session(id=new_id(), occurred_at=now_iso(), notes=MARKER))
        j.delete(Session, deleted.id)
        j.change_passphrase(OTHER_PASSPHRASE)
    scanned = assert_no_marker([home, private_tmpdir])
    assert scanned >= 3
