"""`peerjournal supervision prepare|list`: what waits, what was discussed, what was recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.models import Reflection, Supervision, new_id
from peerjournal.core.supervision import record_supervision
from tests.clirun import run_cli


@pytest.fixture
def home_with_a_cycle(journal: Journal) -> Path:
    brought = journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-10-05",
            title="The missed appointment",
            body="[bold]not markup[/] and \x1b]0;no title\x07",  # shown as text, escapes gone
            for_supervision=True,
        )
    )
    record_supervision(
        journal,
        Supervision(
            id=new_id(),
            occurred_on="2026-10-10",
            supervisor_role="peer lead",
            items=[brought.id],
            next_on="2026-11-07",
        ),
        ["Read the lone-working policy", "Book a debrief slot"],
        date(2026, 10, 24),
    )
    journal.save(
        Reflection(id=new_id(), occurred_on="2026-10-20", title="Waiting", for_supervision=True)
    )
    home = journal.home
    journal.close()
    return home


def test_prepare_lists_what_is_not_yet_discussed(capsys, home_with_a_cycle: Path) -> None:
    code, out, err = run_cli(capsys, "--home", str(home_with_a_cycle), "supervision", "prepare")
    assert code == 0, err
    assert out.splitlines() == ["2026-10-20  reflection             Waiting"]
    assert "Last supervision on 2026-10-10; next on 2026-11-07." in err
    default = run_cli(capsys, "--home", str(home_with_a_cycle), "supervision")
    assert default.out == out


def test_prepare_all_says_when_each_was_discussed(capsys, home_with_a_cycle: Path) -> None:
    code, out, err = run_cli(capsys, "--home", str(home_with_a_cycle), "supervision", "--all")
    assert code == 0, err
    first, second = out.splitlines()
    assert first.startswith("2026-10-05  reflection             The missed appointment: ")
    assert first.endswith("(discussed on 2026-10-10)") and "[bold]not markup[/]" in first
    assert "\x1b" not in out and "\x07" not in out
    assert second == "2026-10-20  reflection             Waiting"


def test_list_shows_each_supervision(capsys, home_with_a_cycle: Path) -> None:
    code, out, err = run_cli(capsys, "--home", str(home_with_a_cycle), "supervision", "list")
    assert code == 0, err
    assert out.splitlines() == [
        "2026-10-10  individual, with peer lead  · 1 brought · 2 actions (0 done or dropped) · "
        "next 2026-11-07"
    ]


def test_an_empty_journal(capsys, journal: Journal) -> None:
    home = journal.home
    journal.close()
    code, out, err = run_cli(capsys, "--home", str(home), "supervision")
    assert code == 0 and out == ""
    assert "No supervision recorded yet" in err and "Nothing is waiting" in err
    code, out, err = run_cli(capsys, "--home", str(home), "supervision", "list")
    assert code == 0 and out == "" and "No supervision recorded yet." in err
    assert run_cli(capsys, "--home", str(home), "supervision", "other")[0] == 2
