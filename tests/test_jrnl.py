"""Import from jrnl's JSON export: reflections, tags, idempotence, all-or-nothing errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerjournal.core.errors import ImportFailed
from peerjournal.core.journal import Journal
from peerjournal.core.jrnl import import_jrnl, parse_jrnl
from peerjournal.core.models import Reflection
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY

FIXTURE = Path(__file__).parent / "fixtures" / "jrnl-export.json"


def reflections(journal: Journal) -> list[Reflection]:
    return list(journal.all_records(Reflection))


def test_entries_become_reflections(journal: Journal) -> None:
    summary = import_jrnl(journal, parse_jrnl(FIXTURE.read_bytes()))
    assert summary.added == {"reflection": 4}
    first, unicode, title_only, day_one = reflections(journal)
    assert first.occurred_on == "2024-03-04" and first.template == "free"
    assert first.title == "First day back after the training."
    assert first.body == "Felt nervous before the group.\nIt went better than I feared.\n"
    assert first.tags == [] and not first.for_supervision
    assert first.created_at.startswith("2024-03-04T18:22:00")  # jrnl's time is kept here
    assert unicode.title == "Überlegungen zur Grenze — 境界について"
    assert "🌱" in unicode.body and "שלום" in unicode.body
    assert unicode.tags == ["supervision", "starred"]
    assert title_only.body == "" and title_only.tags == ["self-care", "supervision"]
    assert day_one.body == "This entry came through Day One."
    assert journal.search("nervous")[0].id == first.id


def test_reimporting_adds_nothing_and_keeps_edits_made_here(journal: Journal) -> None:
    records = parse_jrnl(FIXTURE.read_bytes())
    import_jrnl(journal, records)
    first = reflections(journal)[0]
    first.body = "edited in peerjournal"
    journal.save(first)
    again = import_jrnl(journal, parse_jrnl(FIXTURE.read_bytes()))
    assert again.total_added == 0 and again.total_updated == 0
    assert again.total_unchanged == 4
    assert journal.counts()["reflection"] == 4
    assert journal.get(Reflection, first.id).body == "edited in peerjournal"


def test_ids_are_stable_and_identical_entries_are_both_kept() -> None:
    document = json.loads(FIXTURE.read_text())
    document["entries"].append(dict(document["entries"][0]))
    raw = json.dumps(document).encode()
    ids = [record.id for _, record in parse_jrnl(raw)]
    assert ids == [record.id for _, record in parse_jrnl(raw)]
    assert len(set(ids)) == 5


def test_a_long_jrnl_title_is_shortened_and_kept_whole_in_the_body() -> None:
    title = "A very long first sentence " * 20
    raw = json.dumps({"entries": [{"title": title, "body": "rest", "date": "2024-01-01"}]})
    [(_, record)] = parse_jrnl(raw.encode())
    assert len(record.title) == 200 and record.title.endswith("…")
    assert record.body.startswith(title) and record.body.endswith("rest")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["entries"][2].update(date="06/03/2024"), "entries[2]: field 'date'"),
        (lambda d: d["entries"][1].update(time="9am"), "entries[1]: field 'time'"),
        (lambda d: d["entries"][3].update(tags="work"), "entries[3]: field 'tags'"),
        (lambda d: d["entries"][0].update(starred="yes"), "entries[0]: field 'starred'"),
        (lambda d: d["entries"][1].update(mood="great"), "entries[1]: unknown field 'mood'"),
        (lambda d: d["entries"][2].pop("date"), "entries[2]: field 'date' is missing"),
        (lambda d: d["entries"].append("text"), "entries[4]: must be a JSON object"),
        (lambda d: d.pop("entries"), "not a jrnl JSON export"),
    ],
)
def test_malformed_input_changes_nothing_and_names_the_first_problem(
    journal: Journal, mutate, expected: str
) -> None:
    document = json.loads(FIXTURE.read_text())
    mutate(document)
    before = journal.counts()
    with pytest.raises(ImportFailed) as error:
        import_jrnl(journal, parse_jrnl(json.dumps(document).encode()))
    assert expected in error.value.message
    assert "Nothing was imported" in error.value.message
    assert journal.counts() == before


def test_truncated_or_non_utf8_files_name_the_position(journal: Journal) -> None:
    raw = FIXTURE.read_bytes()
    with pytest.raises(ImportFailed, match=r"line \d+, column \d+"):
        parse_jrnl(raw[: len(raw) // 2])
    with pytest.raises(ImportFailed, match="byte 2"):
        parse_jrnl(b'{"\xff\xfe')


def test_cli_import_format_jrnl(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()

    first = run_cli(capsys, "--home", str(home), "import", "--format", "jrnl", str(FIXTURE))
    assert first.code == 0 and "Imported 4 new" in first.out
    again = run_cli(capsys, "--home", str(home), "import", str(FIXTURE), "--format", "jrnl")
    assert again.code == 0
    assert "0 new and 0 updated records; 4 were already here" in again.out
    # A jrnl file given as a peerjournal export is refused, not half-read.
    wrong = run_cli(capsys, "--home", str(home), "import", str(FIXTURE))
    assert wrong.code == 2 and "not a peerjournal export" in wrong.err
