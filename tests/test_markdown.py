"""Markdown export: grouped by month, every kind rendered, filters, split files, consent."""

from __future__ import annotations

import functools
import stat
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.markdown import (
    EntryFilter,
    demote_headings,
    render_markdown,
    select_entries,
)
from peerjournal.core.models import new_id, template_body
from tests import samples
from tests.clirun import run_cli


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    return functools.partial(run_cli, capsys)


def fill(journal: Journal) -> dict[str, str]:
    river = samples.alias(journal, "River", themes=["housing"])
    sky = samples.alias(journal, "Sky", consent_note="release for GP only")
    october = samples.session(
        journal,
        alias_id=sky.id,
        occurred_at="2026-10-03T10:00:00+01:00",
        duration_min=30,
        method="phone",
        goal_focus="October goal",
        tags=["benefits"],
    )
    november = samples.session(
        journal,
        alias_id=river.id,
        occurred_at="2026-11-20T14:00:00+01:00",
        support_offered="listened",
        their_words="I want my own key",
        safety_flag="concern",
        shared_my_story=True,
        tags=["housing"],
    )
    body = template_body("gibbs").replace("## Feelings\n", "## Feelings\nworried ✓\n")
    samples.reflection(
        journal,
        occurred_on="2026-11-21",
        template="gibbs",
        title="After River",
        body=body,
        session_id=november.id,
        for_supervision=True,
        tags=["supervision"],
    )
    samples.checkin(journal, at="2026-11-22T21:00:00+01:00", stress=4, self_care="walk")
    samples.follow_up(
        journal,
        "call the housing office",
        alias_id=river.id,
        session_id=november.id,
        due_on="2026-11-27",
    )
    samples.event(
        journal,
        alias_id=sky.id,
        session_id=october.id,
        at="2026-10-03T11:00:00+01:00",
        category="risk_to_self",
        consulted_role="supervisor",
        disclosed_minimum="only that a safety plan exists",
    )
    return {"river": river.id, "sky": sky.id}


@pytest.fixture
def ids(journal: Journal) -> dict[str, str]:
    return fill(journal)


def test_one_document_grouped_by_month_with_every_kind(journal: Journal, ids) -> None:
    text = render_markdown(journal, EntryFilter()).document
    assert text.startswith("# peerjournal export\n")
    assert "6 entries" in text
    october, november = text.index("## October 2026"), text.index("## November 2026")
    assert october < text.index("October goal") < november
    assert november < text.index("listened") < text.index("## Aliases")
    assert "### 2026-10-03 10:00 · Session with Sky" in text
    assert "- Individual · phone · community · 30 min" in text
    assert "### 2026-11-20 14:00 · Session with River" in text
    assert "- Safety: concern" in text and "- I shared my own story" in text
    assert "#### Their words\n\nI want my own key" in text
    assert "### 2026-11-21 · Reflection: After River" in text
    assert "- Gibbs reflective cycle · for supervision" in text
    assert "- About the session of 2026-11-20 14:00 with River" in text
    assert "#### Feelings\nworried ✓" in text  # the template's ## moved below the entry's ###
    assert "\n## Feelings" not in text
    assert "### 2026-11-22 21:00 · Check-in" in text and "stress 4/5" in text
    assert "### 2026-11-27 · Follow-up (due) with River" in text
    assert "call the housing office" in text
    assert "### 2026-10-03 11:00 · Confidentiality event with Sky" in text
    assert "only that a safety plan exists" in text and "- Consulted: supervisor" in text
    assert "### River\n\n- Status: active\n- Themes: housing" in text
    assert "release for GP only" in text


@pytest.mark.parametrize(
    ("filters", "present", "absent"),
    [
        (EntryFilter(since=date(2026, 11, 1)), ["listened", "walk"], ["October goal"]),
        (EntryFilter(until=date(2026, 10, 31)), ["October goal"], ["listened", "walk"]),
        (EntryFilter(tag="housing"), ["listened"], ["October goal", "walk", "After River"]),
        (
            EntryFilter(kinds=("checkin", "follow_up")),
            ["walk", "housing office"],
            ["listened", "October goal"],
        ),
    ],
)
def test_filters_narrow_the_export(journal: Journal, ids, filters, present, absent) -> None:
    text = render_markdown(journal, filters).document
    for needle in present:
        assert needle in text
    for needle in absent:
        assert needle not in text


def test_the_alias_filter_follows_reflections_through_their_session(journal: Journal, ids) -> None:
    text = render_markdown(journal, EntryFilter(alias_id=ids["river"])).document
    assert "After River" in text and "listened" in text and "housing office" in text
    assert "October goal" not in text and "safety plan" not in text
    assert "### River" in text and "### Sky" not in text  # only the aliases it mentions
    assert "alias River" in text.split("\n\n")[1]


def test_entries_come_oldest_first_across_pages(journal: Journal) -> None:
    for day in range(1, 29):
        samples.checkin(journal, at=f"2026-02-{day:02d}T08:00:00+00:00")
    selected = select_entries(journal, EntryFilter())
    assert len(selected) == 28
    text = render_markdown(journal, EntryFilter()).document
    positions = [text.index(f"2026-02-{day:02d} 08:00") for day in range(1, 29)]
    assert positions == sorted(positions)


def test_demote_headings_leaves_code_blocks_alone() -> None:
    text = "# Top\ntext\n```\n# not a heading\n```\n### deeper"
    assert demote_headings(text, 4) == "#### Top\ntext\n```\n# not a heading\n```\n###### deeper"
    assert demote_headings("## ok", 2) == "## ok"
    assert demote_headings("#hashtag", 4) == "#hashtag"


def test_cli_markdown_to_a_file_is_private_and_needs_consent(
    run, journal: Journal, ids, tmp_path: Path
) -> None:
    home = journal.home
    journal.close()
    target = tmp_path / "notes.md"
    refused = run("--home", str(home), "export", "--format", "markdown", "-o", str(target))
    assert refused.code == 2 and "--yes" in refused.err and not target.exists()
    done = run(
        "--home", str(home), "export", "--format", "markdown", "-o", str(target), "--yes",
        "--kind", "reflection",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.err.count("PLAINTEXT") == 1 and "1 entry" in done.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "After River" in target.read_text() and "listened" not in target.read_text()
    stdout = run("--home", str(home), "export", "--format", "markdown", "--yes", "--tag", "nope")
    assert stdout.code == 0 and "No entries match." in stdout.out


def test_cli_split_writes_one_private_file_per_entry(
    run, journal: Journal, ids, tmp_path: Path
) -> None:
    home = journal.home
    journal.close()
    folder = tmp_path / "split"
    result = run(
        "--home", str(home), "export", "--format", "markdown", "--split", str(folder), "--yes"
    )
    assert result.code == 0, result.err
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 7 and "aliases.md" in files
    assert "2026-11-21-reflection-" in " ".join(files)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "river" not in path.name.lower()  # names never carry note text
    reflection = next(folder.glob("2026-11-21-reflection-*.md")).read_text()
    assert reflection.startswith("# 2026-11-21 · Reflection: After River\n")
    assert "## Feelings\nworried ✓" in reflection
    again = run(
        "--home", str(home), "export", "--format", "markdown", "--split", str(folder), "--yes"
    )
    assert again.code == 2 and "not empty" in again.err
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


def test_cli_json_export_takes_no_filters(run, journal: Journal, tmp_path: Path) -> None:
    home = journal.home
    journal.close()
    result = run("--home", str(home), "export", "--since", "2026-01-01", "--yes")
    assert result.code == 2 and "markdown" in result.err
    bad_date = run("--home", str(home), "export", "--format", "markdown", "--since", "soon")
    assert bad_date.code == 2 and "not a date" in bad_date.err
    unknown = run(
        "--home", str(home), "export", "--format", "markdown", "--alias", "Nobody", "--yes"
    )
    assert unknown.code == 2 and "no alias" in unknown.err


def test_an_event_shows_every_field_it_has(journal: Journal) -> None:
    event = samples.event(
        journal,
        at="2026-11-03T11:00:00+00:00",
        category="abuse",
        disclosed_to="children's services duty team",
        person_involvement="told_after",
        person_involvement_note="they had left before I could",
        official_record="not_applicable",
        reason="a child at risk",
        outcome="a visit was arranged",
        how_it_landed="heavy",
        for_supervision=True,
        notes="they described bruising",
    )
    text = render_markdown(journal, EntryFilter()).document
    for words in (
        "Confidentiality event",
        "Category: abuse",
        "Shared with: children's services duty team",
        "The person was told after it was shared",
        "Recorded in the organisation's system: not applicable",
        "For supervision",
        "What happened\n\nthey described bruising",
        "Why\n\na child at risk",
        "Their involvement\n\nthey had left before I could",
        "Outcome\n\na visit was arranged",
        "How this landed on me\n\nheavy",
    ):
        assert words in text, words
    event.occasion, event.outcome = "concern", "not to share"
    journal.save(event)
    text = render_markdown(journal, EntryFilter()).document
    assert "Concern: consultation" in text and "What we decided\n\nnot to share" in text


def test_a_supervision_lists_what_was_brought_and_its_actions_point_back(
    journal: Journal, ids
) -> None:
    from peerjournal.core.models import Supervision
    from peerjournal.core.supervision import record_supervision

    [reflection_id] = [item.id for item in journal.timeline(kinds=["reflection"]).items]
    record_supervision(
        journal,
        Supervision(
            id=new_id(),
            occurred_on="2026-11-25",
            supervisor_role="peer lead",
            format="peer",
            items=[reflection_id, new_id()],  # the second one was deleted since
            notes="We talked about pacing.",
            next_on="2026-12-09",
        ),
        ["Read the lone-working policy"],
        date(2026, 12, 2),
    )
    text = render_markdown(journal, EntryFilter()).document
    assert "8 entries" in text
    assert "### 2026-11-25 · Supervision\n\n" in text
    assert "- Peer (with other supporters) · with peer lead\n- Next supervision: 2026-12-09" in text
    assert "#### Brought\n\n- reflection of 2026-11-21: After River · for supervision\n" in text
    assert "#### Notes\n\nWe talked about pacing." in text
    assert "### 2026-12-02 · Follow-up (due)" in text
    assert "- Agreed in the supervision of 2026-11-25: peer (with other supporters)" in text
    only = render_markdown(journal, EntryFilter(kinds=("supervision",))).document
    assert "1 entry" in only and "kinds supervision" in only
