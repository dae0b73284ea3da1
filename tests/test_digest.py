"""The supervision digest: people become [name 1], [name 2] ...; identifiers are redacted;
less goes out by default; events are counted; the review keeps and redacts words."""

from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.digest import LEFT_OUT, DigestOptions, supervision_digest
from peerjournal.core.identifiers import find_identifiers
from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, Reflection, Session, template_body
from tests import samples
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
    aliases = {name: samples.alias(journal, name) for name in PSEUDONYMS}
    session = samples.session(
        journal,
        alias_id=aliases["Sky Blue"].id,
        occurred_at="2026-11-18T15:30:00+01:00",
        duration_min=50,
        goal_focus="sky blue wants to call Maria Lopez on 07700 900123",
        their_words="Jo's flat at 14 Acacia Avenue is not safe",
        notes="Email jo.smith@example.com about the NHS number 943 476 5919.",
        tags=["river"],
    )
    body = template_body("supervision").replace(
        "## What I want to bring\n",
        "## What I want to bring\nRIVER's story stayed with me. River and Sky Blue met.\n",
    )
    samples.reflection(
        journal,
        occurred_on="2026-11-20",
        template="supervision",
        title="After River's group",
        body=body,
        session_id=session.id,
        for_supervision=True,
        tags=["boundaries"],
    )
    samples.reflection(
        journal,
        occurred_on="2026-11-21",
        title="Second thoughts",
        body="Sky Blue again; I felt stuck. Jo did not come.",
        session_id=session.id,
        for_supervision=True,
    )
    samples.reflection(journal, occurred_on="2026-11-22", body="PRIVATE not for supervision")
    samples.reflection(
        journal,
        occurred_on="2026-09-01",
        body="September thoughts about River",
        for_supervision=True,
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
        found |= {hint.text for hint in find_identifiers(text, PSEUDONYMS)}
    return found


def test_the_digest_holds_no_pseudonym_and_no_identifier(journal: Journal, aliases) -> None:
    digest = supervision_digest(
        journal,
        since=date(2026, 11, 1),
        until=date(2026, 11, 30),
        options=DigestOptions(their_words=True),
    )
    text = digest.text
    for pseudonym in PSEUDONYMS:
        for part in pseudonym.split():  # every part, alone too
            assert not re.search(rf"(?<!\w){part}(?!\w)", text, re.IGNORECASE), part
    found = source_identifiers(journal)
    assert set(IDENTIFIERS) <= found  # the nudges do find them in the notes
    for identifier in found:
        assert identifier not in text, identifier
    assert "jo.smith" not in text and "943 476" not in text and "Lopez" not in text


def test_people_keep_one_label_from_first_mention(journal: Journal, aliases) -> None:
    text = supervision_digest(
        journal, since=date(2026, 11, 1), options=DigestOptions(their_words=True)
    ).text
    # River appears first (the title), Sky Blue next (the body), Jo last.
    assert "## week of 16 Nov 2026 · Reflection: After [name 1] group" in text
    assert "[name 1] story stayed with me. [name 1] and [name 2] met." in text
    assert "### week of 16 Nov 2026 · Session (linked) with [name 2]" in text
    assert "[name 4] flat at [address] is not safe" in text
    assert "[name 2] again; I felt stuck. [name 4] did not come." in text
    assert "Session (linked, also above) with [name 2]" in text
    assert "[name 2] wants to call [name 3] on [phone]" in text  # "sky blue", lower case
    assert "Email [email] about the NHS number [number]." in text
    assert "- Tags: [name 1]" in text  # a tag naming an alias is replaced too
    assert "15:30" not in text and "2026-11-18" not in text  # the week, not the day


def test_less_goes_out_by_default_and_says_why(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, since=date(2026, 11, 1))
    text = digest.text
    assert "not safe" not in text and "Their words" not in text  # their words left out
    assert "· community" not in text  # the setting left out
    for what, why, flag in LEFT_OUT.values():
        assert f"- Left out: {what} ({why}; {flag} adds it)." in text
    full = supervision_digest(
        journal,
        since=date(2026, 11, 1),
        options=DigestOptions(their_words=True, setting=True, exact_dates=True, wellbeing=True),
    ).text
    assert "not safe" in full and "· community" in full and "2026-11-18" in full
    assert "Left out" not in full


def test_only_reflections_for_supervision_in_the_range(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert digest.reflections == 2 and digest.sessions == 1
    assert digest.people == ("[name 1]", "[name 2]", "[name 3]", "[name 4]")
    assert "PRIVATE" not in digest.text and "September" not in digest.text
    everything = supervision_digest(journal)
    assert everything.reflections == 3 and "September thoughts about [name 1]" in everything.text
    nothing = supervision_digest(journal, since=date(2027, 1, 1))
    assert nothing.reflections == 0 and "No reflections are marked" in nothing.text


def test_events_are_counted_and_only_those_for_supervision_shown(journal: Journal, aliases) -> None:
    river = aliases["River"].id
    samples.event(
        journal,
        alias_id=river,
        at="2026-11-19T10:00:00+00:00",
        category="risk_to_self",
        notes="River told me of a plan; SECRET-DETAIL",
    )
    samples.event(
        journal,
        alias_id=river,
        at="2026-11-20T10:00:00+00:00",
        occasion="concern",
        outcome="We decided River's worry stays between us",
        for_supervision=True,
    )
    digest = supervision_digest(journal, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert digest.events == {"limits_reached": 1, "concern": 1} and digest.events_shown == 1
    text = digest.text
    assert "1 time the limits of confidentiality were reached, 1 concern" in text
    assert "SECRET-DETAIL" not in text
    assert "We decided [name 1] worry stays between us" in text
    assert "River" not in text
    assert supervision_digest(journal, since=date(2026, 12, 1)).events == {}


def test_what_is_set_aside_for_another_time_stays_out(journal: Journal, aliases) -> None:
    # Prepare for supervision's "not this time": the detail stays out; events still count.
    marked = [r for r in journal.all_records(Reflection) if r.title == "Second thoughts"]
    event = samples.event(
        journal,
        alias_id=aliases["River"].id,
        at="2026-11-20T10:00:00+00:00",
        notes="ASIDE-DETAIL",
        for_supervision=True,
    )
    options = DigestOptions(set_aside=frozenset({marked[0].id, event.id}))
    digest = supervision_digest(journal, date(2026, 11, 1), date(2026, 11, 30), options)
    assert digest.reflections == 1 and digest.events_shown == 0
    assert digest.events == {"limits_reached": 1}
    assert "Second thoughts" not in digest.text and "ASIDE-DETAIL" not in digest.text
    assert "After [name 1]" in digest.text
    assert "2 items you set aside for another time are left out." in digest.text
    every = supervision_digest(journal, date(2026, 11, 1), date(2026, 11, 30))
    assert "Second thoughts" in every.text and "set aside" not in every.text


def test_the_review_keeps_and_redacts_words(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, since=date(2026, 11, 1))
    words = {candidate.word for candidate in digest.candidates}
    assert "NHS" in words  # a capitalised word that stayed, to look at
    kept = supervision_digest(
        journal, since=date(2026, 11, 1), options=DigestOptions(redact=("NHS",))
    )
    assert "NHS" not in kept.text and "[redacted]" in kept.text
    assert "NHS" not in {candidate.word for candidate in kept.candidates}


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
    assert out.startswith("# Supervision digest") and "[name 2]" in out
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
    assert "[name 1]" in target.read_text() and "River" not in target.read_text()
    bad = run_cli(
        capsys, "--home", str(home), "digest", "--since", "2026-12-01", "--until", "2026-11-01"
    )
    assert bad[0] == 2


def test_cli_candidates_keep_and_the_defaults(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal)
    base = ("--home", str(home), "digest", "--since", "2026-11-01")
    code, out, err = run_cli(capsys, *base, "--candidates")
    assert code == 0, err
    assert "capitalised\tNHS\t" in out and "to review" in err
    code, out, err = run_cli(capsys, *base, "--redact", "NHS")
    assert code == 0 and "NHS" not in out
    code, out, err = run_cli(capsys, *base)
    assert "not safe" not in out and "--with-their-words adds it" in out
    code, out, err = run_cli(capsys, *base, "--with-their-words", "--exact-dates")
    assert "not safe" in out and "2026-11-18" in out
    code, out, err = run_cli(capsys, *base, "--keep", "Lopez", "--with-their-words")
    assert "Lopez" in out  # the supporter's explicit choice


# --------------------------------------------------------------------------------------------
# The opening summary and the default range (issue 18)


def _summary_block(text: str) -> str:
    """The digest's opening block: from its heading to the first blank line after the list."""
    start = text.index("## The period")
    return text[start : text.index("\n\nReflections marked", start)]


def test_the_digest_opens_with_the_figures_of_the_period(
    journal: Journal, aliases, utc: None
) -> None:
    samples.checkin(journal, at="2026-11-19T20:00:00+00:00", mood=2, stress=4)
    samples.alias(journal, "Ash", knows_me_outside_work=True)
    digest = supervision_digest(journal, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert _summary_block(digest.text) == (
        "## The period from 2026-11-01 to 2026-11-30\n\n"
        "- Sessions: 1 (0.83 hours)\n"  # 50 minutes
        "- Sessions flagged (a concern, or the limits of confidentiality reached): 0\n"
        "- Confidentiality events recorded: 0\n"
        "- Dual relationships that need an agreed plan: 1\n"
        "- Times I shared my story: 0"
    )
    assert digest.text.startswith("# Supervision digest\n\n## The period")
    assert "mood 2" not in digest.text and "stress 4" not in digest.text
    assert "- Left out: mood and stress" in digest.text
    assert digest.summary is not None and digest.summary.weeks is None


def test_mood_and_stress_only_when_asked_for_this_digest(
    journal: Journal, aliases, utc: None
) -> None:
    samples.checkin(journal, at="2026-11-19T20:00:00+00:00", mood=2, stress=4)
    samples.checkin(journal, at="2026-11-20T20:00:00+00:00", mood=3, stress=3)
    digest = supervision_digest(
        journal,
        since=date(2026, 11, 1),
        until=date(2026, 11, 22),
        options=DigestOptions(wellbeing=True),
    )
    block = _summary_block(digest.text)
    assert block.endswith(
        "- Mood and stress, weekly means (1 to 5), by the week's Monday:\n"
        "  - 2026-11-16: mood 2.5, stress 3.5 (2 check-ins)"
    )
    assert "Left out: mood and stress" not in digest.text


def test_an_open_ended_digest_counts_up_to_today(journal: Journal, aliases) -> None:
    digest = supervision_digest(journal, today=date(2026, 11, 30))
    assert digest.summary is not None and digest.summary.until == date(2026, 11, 30)
    assert "## The period until 2026-11-30" in digest.text
    assert digest.summary.sessions == 1


def test_cli_digest_defaults_to_since_the_last_supervision(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal)
    base = ("--home", str(home), "digest", "--until", "2026-11-30")
    code, out, err = run_cli(capsys, *base)
    assert code == 0, err
    assert "3 reflections" in err and "## The period until 2026-11-30" in out  # no supervision
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        samples.supervision(journal, occurred_on="2026-11-20")
    code, out, err = run_cli(capsys, *base)
    assert code == 0, err
    assert "1 reflection," in err and "## The period from 2026-11-21 to 2026-11-30" in out
    code, out, err = run_cli(capsys, *base, "--all")
    assert "3 reflections" in err and "## The period until 2026-11-30" in out
    code, out, err = run_cli(capsys, *base, "--since", "2026-11-01")
    assert "2 reflections" in err
    code, out, err = run_cli(capsys, *base, "--with-wellbeing")
    assert "Mood and stress: no check-ins in this period" in out
    assert run_cli(capsys, *base, "--all", "--since", "2026-11-01")[0] == 2
    code, out, err = run_cli(capsys, "--home", str(home), "digest", "--until", "2026-11-10")
    assert code == 2 and "--all" in err
