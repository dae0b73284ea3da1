"""The supervision digest: pseudonyms become Person A, B, ...; identifiers are redacted."""

from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.digest import (
    Pseudonyms,
    identifiers_in,
    person_label,
    supervision_digest,
)
from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, Reflection, Session, new_id, template_body
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY, files_under

PSEUDONYMS = ["River", "Sky Blue", "Jo"]
IDENTIFIERS = [
    "07700 900123",
    "jo.smith@example.com",
    "Maria Lopez",
    "14 Acacia Avenue",
    "943 476 5919",
]


def fill(journal: Journal) -> dict[str, Alias]:
    aliases = {name: journal.save(Alias(id=new_id(), pseudonym=name)) for name in PSEUDONYMS}
    session = journal.save(
        Session(
            id=new_id(),
            alias_id=aliases["Sky Blue"].id,
            occurred_at="2026-11-18T15:30:00+01:00",
            duration_min=50,
            goal_focus="sky blue wants to call Maria Lopez on 07700 900123",
            their_words="Jo's flat at 14 Acacia Avenue is not safe",
            notes="Email jo.smith@example.com about the NHS number 943 476 5919.",
            tags=["river"],
        )
    )
    body = template_body("supervision").replace(
        "## What I want to bring\n",
        "## What I want to bring\nRIVER's story stayed with me. River and Sky Blue met.\n",
    )
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-11-20",
            template="supervision",
            title="After River's group",
            body=body,
            session_id=session.id,
            for_supervision=True,
            tags=["boundaries"],
        )
    )
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-11-21",
            title="Second thoughts",
            body="Sky Blue again; I felt stuck. Jo did not come.",
            session_id=session.id,
            for_supervision=True,
        )
    )
    journal.save(
        Reflection(id=new_id(), occurred_on="2026-11-22", body="PRIVATE not for supervision")
    )
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-09-01",
            body="September thoughts about River",
            for_supervision=True,
        )
    )
    return aliases


@pytest.fixture
def aliases(journal: Journal) -> dict[str, Alias]:
    return fill(journal)


def source_identifiers(journal: Journal) -> set[str]:
    """What the nudges find in the notes the digest is made from."""
    found: set[str] = set()
    texts: list[str] = []
    for reflection in journal.all_records(Reflection):
        texts += [reflection.title, reflection.body]
    for session in journal.all_records(Session):
        texts += [session.goal_focus, session.their_words, session.notes]
    for text in texts:
        found |= {hint.text for hint in identifiers_in(text, PSEUDONYMS)}
    return found


def test_the_digest_holds_no_pseudonym_and_no_identifier(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, since=date(2026, 11, 1), until=date(2026, 11, 30))
    text = digest.text
    for pseudonym in PSEUDONYMS:
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, pseudonym.split())) + r"(?!\w)"
        assert not re.search(pattern, text, re.IGNORECASE), pseudonym
    found = source_identifiers(journal)
    assert set(IDENTIFIERS) <= found  # the nudges do find them in the notes
    for identifier in found:
        assert identifier not in text, identifier
    assert identifiers_in(text, list(digest.people)) == []
    assert "jo.smith" not in text and "943 476" not in text and "Lopez" not in text


def test_aliases_become_people_in_order_of_first_appearance(journal: Journal, aliases) -> None:
    text = supervision_digest(journal, since=date(2026, 11, 1)).text
    # River appears first (the title), Sky Blue next (the body), Jo last.
    assert "## 2026-11-20 · Reflection: After Person A's group" in text
    assert "Person A's story stayed with me. Person A and Person B met." in text
    assert "### 2026-11-18 · Session (linked) with Person B" in text
    assert "Person C's flat at [redacted address] is not safe" in text
    assert "Person B again; I felt stuck. Person C did not come." in text
    assert "Session (linked, also above) with Person B" in text
    assert "Email [redacted email] about the NHS number [redacted id number]." in text
    assert "- Tags: Person A" in text  # a tag naming an alias is replaced too
    assert "15:30" not in text  # no times of day


def test_only_reflections_for_supervision_in_the_range(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert digest.reflections == 2 and digest.sessions == 1
    assert digest.people == ("Person A", "Person B", "Person C")
    assert "PRIVATE" not in digest.text and "September" not in digest.text
    everything = supervision_digest(journal)
    assert everything.reflections == 3 and "September thoughts about Person A" in everything.text
    nothing = supervision_digest(journal, since=date(2027, 1, 1))
    assert nothing.reflections == 0 and "No reflections are marked" in nothing.text


def test_labels_and_pseudonym_matching() -> None:
    assert [person_label(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "Person A",
        "Person B",
        "Person Z",
        "Person AA",
        "Person AB",
        "Person ZZ",
        "Person AAA",
    ]
    names = Pseudonyms({"1": "River", "2": "River Song", "3": "Ana-Lu"})
    assert names.replace("River Song met river.") == "Person A met Person B."
    assert names.replace("Riverside and ana-lu’s mum") == "Riverside and Person C’s mum"
    assert names.replace("River\nSong") == "Person A"


def test_cli_digest_to_the_terminal_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    home: Path,
    private_tmpdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    before = sorted(p.name for p in home.iterdir())
    code, out, err = run_cli(capsys, "--home", str(home), "digest", "--since", "2026-11-01")
    assert code == 0, err
    assert out.startswith("# Supervision digest") and "Person B" in out
    assert "PLAINTEXT" not in err and "2 reflections" in err and "redacted" in err
    assert files_under(private_tmpdir) == [] and list(workdir.iterdir()) == []
    assert sorted(p.name for p in home.iterdir()) == before


def test_cli_digest_to_a_file_warns_and_asks(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal)
    target = tmp_path / "digest.md"
    code, out, err = run_cli(capsys, "--home", str(home), "digest", "-o", str(target))
    assert code == 2 and "PLAINTEXT" in err and not target.exists()
    code, out, err = run_cli(capsys, "--home", str(home), "digest", "-o", str(target), "--yes")
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Person A" in target.read_text() and "River" not in target.read_text()
    bad = run_cli(
        capsys, "--home", str(home), "digest", "--since", "2026-12-01", "--until", "2026-11-01"
    )
    assert bad[0] == 2
