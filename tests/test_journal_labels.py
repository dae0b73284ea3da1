"""Each entry's one line comes from the core as a label and a title: the label names the kind
(the timeline's column word), the title says the rest and never starts with the kind again, so
no screen has to strip it off. The timeline, search, `summarise` and a retention plan agree."""

from __future__ import annotations

from datetime import date

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.retention import RetentionSettings, plan_retention
from peerjournal.core.words import KIND_WORDS
from tests.samples import EveryKind, every_kind

# The label each kind's entry carries; a confidentiality event says its occasion.
LABELS = {
    "session": "Session",
    "reflection": "Reflection",
    "follow_up": "Follow-up",
    "checkin": "Check-in",
    "confidentiality_event": "Limits",
    "debrief": "Debrief",
    "supervision": "Supervision",
    "boundary_event": "Boundary",
}
# Every way a title could start with a kind: each label, each kind's column word, "Concern".
KIND_PREFIXES = tuple(
    f"{word} · "
    for word in {*LABELS.values(), "Concern", *(words.short for words in KIND_WORDS.values())}
)


@pytest.fixture
def every(journal: Journal) -> EveryKind:
    return every_kind(journal, "marker", reflection={"title": ""})


def _entries(every: EveryKind) -> dict[str, str]:
    """id -> kind of each entry (every kind but the alias, which is not an entry)."""
    records = [getattr(every, name) for name in EveryKind.__dataclass_fields__]
    return {record.id: record.KIND for record in records if record.KIND != "alias"}


def test_every_entry_kind_has_its_label(journal: Journal, every: EveryKind) -> None:
    entries = _entries(every)
    assert sorted(entries.values()) == sorted(LABELS)  # the 9 kinds but the alias
    assert set(LABELS) | {"alias"} == set(KIND_WORDS)
    items = journal.timeline(kinds=list(LABELS)).items
    assert {item.kind: item.label for item in items} == LABELS
    assert every.alias.id not in {item.id for item in items}


def test_no_title_starts_with_its_kind(journal: Journal, every: EveryKind) -> None:
    entries = _entries(every)
    items = journal.timeline(kinds=list(LABELS)).items
    hits = journal.search("marker")
    summaries = journal.summarise(entries)
    today = date(2099, 1, 1)  # everything is old enough to purge
    purged = plan_retention(journal, RetentionSettings(entry_months=1), today=today).items
    for lines in (items, hits, list(summaries.values()), purged):
        assert len(lines) == len(entries)
        for line in lines:
            assert line.title, line
            assert not line.title.startswith(f"{line.label} · "), line
            assert not line.title.startswith(KIND_PREFIXES), line
    # The same words wherever the entry is listed.
    shown = {item.id: (item.label, item.title) for item in items}
    assert {hit.id: (hit.label, hit.title) for hit in hits} == shown
    assert {i: (s.label, s.title) for i, s in summaries.items()} == shown
    assert {p.id: (p.label, p.title) for p in purged} == shown


def test_the_titles_say_the_rest(journal: Journal, every: EveryKind) -> None:
    shown = {item.kind: item.title for item in journal.timeline(kinds=list(LABELS)).items}
    assert shown == {
        "session": "in person, individual",
        "reflection": "Free reflection · for supervision",  # untitled: its template's name
        "follow_up": "me, open",
        "checkin": "mood 3, energy 3, stress 3",
        "confidentiality_event": "other",
        "debrief": "activation 6/10",
        "supervision": "individual · 1 item brought",
        "boundary_event": "gift",
    }


def test_a_concern_is_labelled_concern(journal: Journal) -> None:
    every_kind(journal, "marker", event={"occasion": "concern", "category": "risk_to_self"})
    (event,) = journal.timeline(kinds=["confidentiality_event"]).items
    assert (event.label, event.title) == ("Concern", "consultation, risk to self")
