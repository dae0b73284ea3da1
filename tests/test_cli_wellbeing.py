"""`peerjournal wellbeing`: the JSON exactly as issue 17 gives it, the text table, the options."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from tests import samples
from tests.clirun import run_cli
from tests.conftest import OTHER_PASSPHRASE

ISSUE_FIELDS = [
    "week_start",
    "checkins",
    "mood",
    "energy",
    "stress",
    "sessions",
    "hours",
    "flagged_sessions",
    "debriefs",
]


@pytest.fixture
def filled(journal: Journal, utc: None) -> Path:
    """This week: two check-ins, a flagged session and a debrief after it; two weeks ago: one
    check-in."""
    monday = date.today() - timedelta(days=date.today().weekday())

    def at(day: date, hour: int) -> str:
        return datetime(day.year, day.month, day.day, hour).astimezone().isoformat()

    for mood, stress in ((4, 2), (3, 3)):
        samples.checkin(journal, at=at(monday, 7), mood=mood, stress=stress, energy=3)
    samples.checkin(journal, at=at(monday - timedelta(weeks=2), 12), mood=1, stress=5)
    samples.session(journal, occurred_at=at(monday, 6), duration_min=90, safety_flag="concern")
    samples.debrief(journal, at=at(monday, 8), activation=7, mine="mine")
    home = journal.home
    journal.close()
    return home


def test_json_is_exactly_the_issue_format(capsys, filled: Path) -> None:
    result = run_cli(capsys, "--home", str(filled), "wellbeing", "--weeks", "3", "--format", "json")
    assert result.code == 0, result.err
    weeks = json.loads(result.out)["weeks"]
    assert list(json.loads(result.out)) == ["weeks"]
    assert [list(week) for week in weeks] == [ISSUE_FIELDS] * 3
    monday = date.today() - timedelta(days=date.today().weekday())
    assert [w["week_start"] for w in weeks] == [
        (monday - timedelta(weeks=n)).isoformat() for n in (2, 1, 0)
    ]
    assert weeks[0] == {
        "week_start": (monday - timedelta(weeks=2)).isoformat(),
        "checkins": 1,
        "mood": 1.0,
        "energy": 3.0,
        "stress": 5.0,
        "sessions": 0,
        "hours": 0.0,
        "flagged_sessions": 0,
        "debriefs": 0,
    }
    assert weeks[1]["mood"] is None and weeks[1]["checkins"] == 0
    assert (weeks[2]["checkins"], weeks[2]["mood"], weeks[2]["stress"]) == (2, 3.5, 2.5)
    assert (weeks[2]["sessions"], weeks[2]["hours"], weeks[2]["flagged_sessions"]) == (1, 1.5, 1)
    assert [w["debriefs"] for w in weeks] == [0, 0, 1]  # the count only: no activation here


def test_default_is_twelve_weeks_of_text_with_sparklines(capsys, filled: Path) -> None:
    result = run_cli(capsys, "--home", str(filled), "wellbeing")
    assert result.code == 0, result.err
    monday = date.today() - timedelta(days=date.today().weekday())
    first = (monday - timedelta(weeks=11)).isoformat()
    lines = result.out.splitlines()
    mood = next(line for line in lines if line.strip().startswith("mood"))
    assert "·········▁·▅" in mood  # no check-in for 9 weeks, 1, none, then 3.5 on 1-5
    rows = [line for line in lines if line[:4].isdigit()]
    assert len(rows) == 12 and rows[0].startswith(first)
    assert rows[-1].split() == [
        monday.isoformat(),
        "2",
        "3.50",
        "3.00",
        "2.50",
        "1",
        "1.50",
        "1",
        "1",
    ]
    assert rows[1].split()[1:5] == ["0", "–", "–", "–"]
    activation = next(line for line in lines if line.strip().startswith("activation"))
    assert activation.split()[1] == "···········▆"  # 7 on 0-10, this week only
    assert f"Activation in debriefs (weekly mean, 0-10): {monday.isoformat()} 7.00" in result.out


@pytest.mark.parametrize("weeks", ["0", "521"])
def test_weeks_out_of_range_is_a_usage_error_before_the_passphrase(
    capsys, filled: Path, weeks: str
) -> None:
    result = run_cli(capsys, "--home", str(filled), "wellbeing", "--weeks", weeks, passphrase=None)
    assert result.code == 2
    assert "number of weeks" in result.err


def test_wrong_passphrase(capsys, filled: Path) -> None:
    result = run_cli(capsys, "--home", str(filled), "wellbeing", passphrase=OTHER_PASSPHRASE)
    assert result.code == 3
    assert result.out == ""
