"""The Journal API: records, sanitising, timeline paging, filters, search, drafts, settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerjournal.core.errors import InvalidRecord, NotFound
from peerjournal.core.journal import Journal, fts_query
from peerjournal.core.models import (
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    new_id,
    template_body,
)

TZ = timezone(timedelta(hours=1))


def at(day: int, hour: int = 10) -> str:
    return datetime(2026, 1, 1, hour, tzinfo=TZ).__add__(timedelta(days=day)).isoformat()


def test_records_round_trip_with_every_field(journal: Journal) -> None:
    alias = journal.save(
        Alias(
            id=new_id(),
            pseudonym="River",
            themes=["Housing", "#grief"],
            knows_me_outside_work=True,
            limits_explained_on="2026-01-05",
        )
    )
    session = journal.save(
        Session(
            id=new_id(),
            alias_id=alias.id,
            occurred_at=at(3),
            duration_min=45,
            modality="group",
            method="phone",
            setting="remote",
            goal_focus="find a flat",
            support_offered="listened",
            response="calmer",
            strengths="humour",
            their_words="one day at a time",
            next_steps="call the council",
            referrals="housing advice",
            notes="notes",
            shared_my_story=True,
            reviewed_with_person=True,
            safety_flag="concern",
            tags=["housing", "Crisis"],
        )
    )
    loaded = journal.get(Session, session.id)
    assert loaded == session
    assert loaded.tags == ["housing", "crisis"]
    assert journal.get(Alias, alias.id).themes == ["housing", "grief"]
    assert loaded.created_at and loaded.updated_at


def test_text_is_sanitised_on_the_way_in(journal: Journal) -> None:
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at=at(1),
            notes="line one\r\nline\ttwo\x1b]52;c;aGk=\x07 \x1b[31mred\x9b",
        )
    )
    stored = journal.get(Session, session.id).notes
    assert "\x1b" not in stored and "\x07" not in stored and "\x9b" not in stored
    assert "line one\nline\ttwo" in stored


def test_invalid_records_are_refused_with_the_field_named(journal: Journal) -> None:
    with pytest.raises(InvalidRecord, match="modality"):
        journal.save(Session(id=new_id(), occurred_at=at(1), modality="telepathy"))
    with pytest.raises(InvalidRecord, match="occurred_at"):
        journal.save(Session(id=new_id(), occurred_at="2026-01-01 10:00"))  # no offset
    with pytest.raises(InvalidRecord, match="mood"):
        journal.save(CheckIn(id=new_id(), at=at(1), mood=9))
    with pytest.raises(InvalidRecord, match="alias"):
        journal.save(Session(id=new_id(), occurred_at=at(1), alias_id=new_id()))
    journal.save(Alias(id=new_id(), pseudonym="River"))
    with pytest.raises(InvalidRecord, match="pseudonym"):
        journal.save(Alias(id=new_id(), pseudonym="river"))


def test_delete_is_permanent_and_unlinks(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="Sky"))
    session = journal.save(
        Session(id=new_id(), alias_id=alias.id, occurred_at=at(1), notes="gone", tags=["x"])
    )
    reflection = journal.save(
        Reflection(id=new_id(), occurred_on="2026-01-02", session_id=session.id, body="about it")
    )
    journal.delete(Session, session.id)
    with pytest.raises(NotFound):
        journal.get(Session, session.id)
    assert journal.get(Reflection, reflection.id).session_id is None
    assert journal.search("gone") == []
    assert journal.timeline(tag="x").items == []
    with pytest.raises(NotFound):
        journal.delete(Session, session.id)


def test_a_deleted_session_can_be_put_back_with_its_links(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(id=new_id(), alias_id=alias.id, occurred_at=at(1), notes="kept", tags=["x"])
    )
    reflection = journal.save(
        Reflection(id=new_id(), occurred_on="2026-01-02", session_id=session.id, body="about")
    )
    follow_up = journal.save(
        FollowUp(id=new_id(), session_id=session.id, due_on="2026-01-09", action="call")
    )
    before = journal.get(Session, session.id)
    deleted = journal.delete(Session, session.id)
    assert journal.get(Reflection, reflection.id).session_id is None
    assert journal.search("kept") == []
    journal.restore_deleted(deleted)
    assert journal.get(Session, session.id) == before
    assert journal.get(Reflection, reflection.id).session_id == session.id
    assert journal.get(FollowUp, follow_up.id).session_id == session.id
    assert [hit.id for hit in journal.search("kept")] == [session.id]
    assert [item.id for item in journal.timeline(tag="x").items] == [session.id]


def test_timeline_pages_newest_first_without_gaps_or_repeats(journal: Journal) -> None:
    ids = []
    for day in range(23):
        ids.append(journal.save(Session(id=new_id(), occurred_at=at(day), notes=f"day {day}")).id)
        if day % 5 == 0:  # same instant as the session: ties are broken by rowid
            ids.append(journal.save(CheckIn(id=new_id(), at=at(day))).id)
    seen, cursor = [], None
    while True:
        page = journal.timeline(limit=4, before=cursor)
        seen.extend(item.id for item in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == len(ids)
    first = journal.timeline(limit=1).items[0]
    assert first.when.startswith("2026-01-23")


def test_a_reflection_sorts_at_the_time_it_was_written_among_that_days_entries(
    journal: Journal,
) -> None:
    def local(hour: int, minute: int = 0) -> str:
        return datetime(2026, 11, 20, hour, minute).astimezone().isoformat(timespec="seconds")

    morning = journal.save(Session(id=new_id(), occurred_at=local(8, 54)))
    reflection = journal.save(
        Reflection(id=new_id(), occurred_on="2026-11-20", created_at=local(12)), keep_times=True
    )
    evening = journal.save(CheckIn(id=new_id(), at=local(21)))
    order = [item.id for item in journal.timeline().items]
    assert order == [evening.id, reflection.id, morning.id]
    # Editing it later (another day) does not move it: its written time stays.
    reflection.body = "more"
    journal.save(reflection)
    assert [item.id for item in journal.timeline().items] == order


def test_timeline_filters(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    sky = journal.save(Alias(id=new_id(), pseudonym="Sky"))
    s1 = journal.save(Session(id=new_id(), alias_id=river.id, occurred_at=at(1), tags=["housing"]))
    journal.save(Session(id=new_id(), alias_id=sky.id, occurred_at=at(2), tags=["grief"]))
    r1 = journal.save(Reflection(id=new_id(), occurred_on="2026-01-10", session_id=s1.id))
    journal.save(CheckIn(id=new_id(), at=at(20)))
    assert [i.id for i in journal.timeline(alias_id=river.id).items] == [r1.id, s1.id]
    assert [i.alias for i in journal.timeline(alias_id=river.id).items] == ["River", "River"]
    assert [i.id for i in journal.timeline(tag="#Housing").items] == [s1.id]
    assert {i.kind for i in journal.timeline(kinds=["checkin"]).items} == {"checkin"}
    in_range = journal.timeline(since=date(2026, 1, 3), until=date(2026, 1, 3)).items
    assert [i.alias for i in in_range] == ["Sky"]
    # Moving a session to another alias moves its reflection with it.
    s1.alias_id = sky.id
    journal.save(s1)
    assert journal.timeline(alias_id=river.id).items == []


def timeline_plan(journal: Journal, **filters: object) -> str:
    """The query plan of the timeline query, captured from the real call."""
    conn = journal.vault.connection
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        journal.timeline(**filters)
    finally:
        conn.set_trace_callback(None)
    [sql] = [s for s in statements if s.startswith("SELECT e.rowid, e.id")]
    plan = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    return " ".join(str(row[-1]) for row in plan)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"kinds": ["reflection"]},
        {"alias_id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01"},
        {"since": date(2026, 1, 1), "until": date(2026, 2, 1)},
        {"tag": "housing"},
        {"tag": "housing", "kinds": ["session"], "since": date(2026, 1, 1)},
    ],
)
def test_timeline_walks_an_index_and_never_sorts_everything(
    journal: Journal, filters: dict
) -> None:
    from peerjournal.core.journal import Cursor

    for before in (None, Cursor(10**15, 5)):
        plan = timeline_plan(journal, before=before, **filters)
        assert "INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_a_tag_filter_pages_in_time_order_and_follows_edits(journal: Journal) -> None:
    tagged = []
    for day in range(9):
        session = journal.save(Session(id=new_id(), occurred_at=at(day % 4), tags=["housing"]))
        tagged.append(session)  # days repeat: ties are broken by rowid, as in the timeline
        journal.save(Session(id=new_id(), occurred_at=at(day), tags=["grief"]))
    journal.save(Reflection(id=new_id(), occurred_on="2026-01-02", tags=["Housing"]))

    def paged(**filters: object) -> list[str]:
        seen, cursor = [], None
        while True:
            page = journal.timeline(limit=2, before=cursor, **filters)
            seen.extend(item.id for item in page.items)
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor

    everything = paged()
    with_tag = {s.id for s in tagged} | {i.id for i in journal.timeline(kinds=["reflection"]).items}
    assert paged(tag="housing") == [i for i in everything if i in with_tag]
    sessions = {s.id for s in tagged}
    assert paged(tag="housing", kinds=["session"]) == [i for i in everything if i in sessions]
    # Moving a session in time moves it in the tag's order too; untagging removes it.
    oldest = tagged[0]
    oldest.occurred_at = at(30)
    journal.save(oldest)
    assert paged(tag="housing")[0] == oldest.id
    oldest.tags = []
    journal.save(oldest)
    assert oldest.id not in paged(tag="housing")
    journal.delete(Session, tagged[1].id)
    assert tagged[1].id not in paged(tag="housing")


def test_the_unfiltered_timeline_reads_one_covering_index(journal: Journal) -> None:
    # Schema version 5: a page is a walk along entries_by_time, which holds every entry's
    # summary, and the names come from aliases_names; no entry's or alias's row is read.
    from peerjournal.core.journal import Cursor

    for before in (None, Cursor(10**15, 5)):
        assert "USING COVERING INDEX entries_by_time" in timeline_plan(journal, before=before)
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    journal.save(Session(id=new_id(), alias_id=river.id, occurred_at=at(1)))
    conn = journal.vault.connection
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        assert journal.timeline().items[0].alias == "River"
    finally:
        conn.set_trace_callback(None)
    [names] = [s for s in statements if "FROM aliases" in s]
    plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + names))
    assert "COVERING INDEX aliases_names" in plan, plan


def test_previews_are_short_even_for_huge_notes(journal: Journal) -> None:
    journal.save(Session(id=new_id(), occurred_at=at(1), goal_focus="word " * 200_000))
    item = journal.timeline().items[0]
    assert len(item.preview) == 240 and item.preview.endswith("word…")


def _shown(journal: Journal) -> dict[str, tuple[str, str, str, str]]:
    """id -> (when, label, title, preview) as the timeline shows every kind, checked against
    search hits and summarise(), which read the same summaries."""
    kinds = ["session", "reflection", "checkin", "follow_up", "confidentiality_event"]
    shown = {
        i.id: (i.when, i.label, i.title, i.preview) for i in journal.timeline(kinds=kinds).items
    }
    summaries = journal.summarise([*shown, "not-an-entry"])
    assert {k: (s.when, s.label, s.title, s.preview) for k, s in summaries.items()} == shown
    for hit in journal.search("marker"):
        assert (hit.when, hit.label, hit.title) == shown[hit.id][:3]
    return shown


def test_every_kind_shows_its_title_and_preview_and_follows_edits(journal: Journal) -> None:
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at=at(1),
            duration_min=45,
            method="phone",
            modality="group",
            notes="marker\n\n  notes   text",
            safety_flag="limits_reached",
        )
    )
    reflection = journal.save(
        Reflection(id=new_id(), occurred_on="2026-01-03", template="self_disclosure", body="marker")
    )
    checkin = journal.save(CheckIn(id=new_id(), at=at(4), mood=2, energy=4, stress=5))
    follow_up = journal.save(FollowUp(id=new_id(), due_on="2026-01-06", action="marker call"))
    event = journal.save(
        ConfidentialityEvent(id=new_id(), at=at(7), category="risk_to_self", notes="marker")
    )
    assert _shown(journal) == {
        session.id: (
            session.occurred_at,
            "Session",
            "phone, group, 45 min, safety: limits reached",
            "marker notes text",
        ),
        # Untitled: the template's name, as the Markdown export heads it.
        reflection.id: ("2026-01-03", "Reflection", "Sharing my story (self-disclosure)", "marker"),
        checkin.id: (checkin.at, "Check-in", "mood 2, energy 4, stress 5", ""),
        follow_up.id: ("2026-01-06", "Follow-up", "me, open", "marker call"),
        event.id: (event.at, "Limits", "risk to self", "marker"),  # what happened
    }
    # The preview falls back from the focus to the notes to the support offered.
    session.goal_focus, session.duration_min, session.safety_flag = "the focus", None, "none"
    reflection.title, reflection.for_supervision, reflection.body = "Tired", True, "marker again"
    checkin.self_care, checkin.mood = "a walk", 4
    follow_up.owner, follow_up.status = "them", "done"
    # An event's preview falls back from what happened to the outcome to what was shared.
    event.category, event.notes, event.disclosed_minimum = "abuse", "", "only what was needed"
    for record in (session, reflection, checkin, follow_up, event):
        journal.save(record)
    shown = _shown(journal)
    assert shown[session.id][1:] == ("Session", "phone, group", "the focus")
    assert shown[reflection.id][1:] == ("Reflection", "Tired · for supervision", "marker again")
    assert shown[checkin.id][1:] == ("Check-in", "mood 4, energy 4, stress 5", "a walk")
    assert shown[follow_up.id][1:] == ("Follow-up", "them, done", "marker call")
    assert shown[event.id][1:] == ("Limits", "abuse", "only what was needed")
    session.goal_focus, session.notes, session.support_offered = "", "", "offered a call"
    journal.save(session)
    assert _shown(journal)[session.id][3] == "offered a call"


def test_follow_ups_due(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="River"))
    due = journal.save(FollowUp(id=new_id(), alias_id=alias.id, due_on="2026-01-05", action="call"))
    journal.save(FollowUp(id=new_id(), due_on="2026-02-05", action="later"))
    journal.save(FollowUp(id=new_id(), due_on="2026-01-01", action="done", status="done"))
    assert [f.id for f in journal.follow_ups(due_until=date(2026, 1, 31))] == [due.id]
    assert [f.id for f in journal.follow_ups(alias_id=alias.id)] == [due.id]
    assert len(journal.follow_ups(status=None)) == 3


def test_search_ranks_highlights_and_understands_phrases_and_prefixes(journal: Journal) -> None:
    journal.save(Session(id=new_id(), occurred_at=at(1), notes="talked about the eviction letter"))
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-01-03",
            title="Eviction, again",
            body="eviction eviction: I felt the weight of the eviction",
        )
    )
    journal.save(CheckIn(id=new_id(), at=at(2), self_care="a long walk by the river"))
    hits = journal.search("eviction")
    assert [h.kind for h in hits] == ["reflection", "session"]
    assert any(matched and part.lower() == "eviction" for part, matched in hits[1].snippet)
    assert [h.kind for h in journal.search('"eviction letter"')] == ["session"]
    assert journal.search('"letter eviction"') == []
    assert [h.kind for h in journal.search("evic*")] == ["reflection", "session"]
    assert [h.kind for h in journal.search("walk")] == ["checkin"]
    assert journal.search("Évictión")  # diacritics and case do not matter


def test_search_finds_an_aliass_entries_and_tagged_entries_first(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    older = journal.save(
        Session(id=new_id(), alias_id=river.id, occurred_at=at(1), goal_focus="a job")
    )
    newer = journal.save(
        Session(id=new_id(), alias_id=river.id, occurred_at=at(3), goal_focus="an interview")
    )
    walk = journal.save(CheckIn(id=new_id(), at=at(2), self_care="a walk by the river"))
    follow_up = journal.save(
        FollowUp(id=new_id(), alias_id=river.id, due_on="2026-01-09", action="call")
    )
    tagged = journal.save(
        Reflection(id=new_id(), occurred_on="2026-01-05", body="rent arrears", tags=["housing"])
    )
    hits = journal.search("river")
    # River's entries first (newest first), then the text that says "river".
    assert [h.id for h in hits] == [follow_up.id, newer.id, older.id, walk.id]
    assert hits[1].alias == "River" and hits[1].snippet == [("an interview", False)]
    assert [h.id for h in journal.search("RIV*")] == [follow_up.id, newer.id, older.id, walk.id]
    assert journal.search("riv") == []  # a whole word, unless it has a star
    # The other words still have to be in the text.
    assert [h.id for h in journal.search("river interview")] == [newer.id]
    assert [h.id for h in journal.search("hous*")] == [tagged.id]
    assert [h.id for h in journal.search("housing arrears")] == [tagged.id]
    assert journal.search("housing walk") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "(",
        ")",
        "*",
        "NEAR(a b)",
        "a AND",
        "OR",
        "title:x",
        "^x",
        "-x",
        "x:",
        "{a b}",
        "'",
        'a"b',
        "",
        "   ",
        "NOT",
        "col : val",
        '"unbalanced phrase',
        "x**",
    ],
)
def test_search_never_raises_on_fts_syntax(journal: Journal, query: str) -> None:
    journal.save(Session(id=new_id(), occurred_at=at(1), notes="title near x and a b"))
    assert isinstance(journal.search(query), list)


@settings(
    max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.text(max_size=40))
def test_any_search_string_returns_a_list(journal: Journal, query: str) -> None:
    assert isinstance(journal.search(query), list)


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('a "b c" d*') == '"a" "b c" "d"*'
    assert fts_query("NEAR(x)") == '"NEAR" "x"'
    assert fts_query("!!!") is None


def test_all_kinds_are_searchable_and_deletable(journal: Journal) -> None:
    records = [
        Alias(id=new_id(), pseudonym="Marker"),
        Session(id=new_id(), occurred_at=at(1), notes="zebra"),
        Reflection(id=new_id(), occurred_on="2026-01-01", body="zebra"),
        FollowUp(id=new_id(), due_on="2026-01-02", action="zebra"),
        CheckIn(id=new_id(), at=at(1), self_care="zebra"),
        ConfidentialityEvent(id=new_id(), at=at(1), disclosed_minimum="zebra"),
    ]
    for record in records:
        journal.save(record)
    assert len(journal.search("zebra")) == 5
    for record in records:
        journal.delete(type(record), record.id)
    assert journal.search("zebra") == []
    assert set(journal.counts().values()) == {0}


def test_templates_give_headed_bodies() -> None:
    body = template_body("gibbs")
    assert "## Description" in body and "## Action plan" in body
    assert template_body("free") == ""


def test_drafts_and_settings_are_kept(journal: Journal) -> None:
    journal.save_draft("session-form", "session", {"notes": "half a thought"})
    journal.save_draft("session-form", "session", {"notes": "a whole thought"})
    [draft] = journal.drafts()
    assert draft.payload == {"notes": "a whole thought"}
    journal.discard_draft("session-form")
    assert journal.drafts() == []
    assert journal.setting("idle_minutes", 5) == 5
    journal.set_setting("idle_minutes", 10)
    assert journal.setting("idle_minutes") == 10


def test_a_transaction_is_all_or_nothing(journal: Journal) -> None:
    with pytest.raises(InvalidRecord), journal.transaction():
        journal.save(Session(id=new_id(), occurred_at=at(1)))
        journal.save(Session(id=new_id(), occurred_at="not a time"))
    assert journal.counts()["session"] == 0


def test_search_ranks_the_newest_matches_when_there_are_many(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerjournal.core import journal as journal_module

    strongest = journal.save(
        Session(id=new_id(), occurred_at=at(0), notes="tenancy tenancy tenancy tenancy")
    )
    newer = [
        journal.save(Session(id=new_id(), occurred_at=at(day), notes=f"tenancy and day {day} " * 3))
        for day in range(1, 9)
    ]
    everything = journal.search("tenancy")
    assert everything[0].id == strongest.id  # the best match first, whatever its age
    assert {h.id for h in everything} == {strongest.id} | {s.id for s in newer}
    assert all(any(matched for _, matched in h.snippet) for h in everything)

    # Only the SEARCH_WINDOW most recently written matches are ranked (or `limit` of them,
    # if that is more): the strongest match, written first, drops out.
    monkeypatch.setattr(journal_module, "SEARCH_WINDOW", 5)
    windowed = journal.search("tenancy", limit=4)
    assert len(windowed) == 4
    assert {h.id for h in windowed} <= {s.id for s in newer[-5:]}
    assert all(any(matched for _, matched in h.snippet) for h in windowed)
    assert {h.id for h in journal.search("tenancy", limit=7)} == {s.id for s in newer[-7:]}
    assert journal.search("tenancy", limit=0) == []


def test_search_gives_each_hit_its_own_snippet(journal: Journal) -> None:
    ids = {}
    for day in range(60):
        session = journal.save(
            Session(id=new_id(), occurred_at=at(day), notes=f"marker{day} talked about rent")
        )
        ids[session.id] = f"marker{day}"
    hits = journal.search("rent", limit=50)
    assert len(hits) == 50 and len({h.id for h in hits}) == 50
    for hit in hits:
        text = "".join(part for part, _ in hit.snippet)
        assert ids[hit.id] in text
        assert [part for part, matched in hit.snippet if matched] == ["rent"]


def test_an_edit_that_keeps_the_text_leaves_the_search_index_alone(journal: Journal) -> None:
    session = journal.save(
        Session(id=new_id(), occurred_at=at(1), notes="kept words", tags=["housing"])
    )

    def index_blocks() -> list[bytes]:
        conn = journal.vault.connection
        return [bytes(b) for (b,) in conn.execute("SELECT block FROM entries_fts_data")]

    before = index_blocks()
    session.safety_flag = "concern"
    session.duration_min = 50
    session.tags = ["grief"]
    journal.save(session)
    assert index_blocks() == before
    assert [h.id for h in journal.search("kept")] == [session.id]
    session.notes = "fresh words"
    journal.save(session)
    assert index_blocks() != before
    assert journal.search("kept") == []
    assert [h.id for h in journal.search("fresh")] == [session.id]


def test_deleted_words_leave_the_search_index(journal: Journal) -> None:
    session = journal.save(Session(id=new_id(), occurred_at=at(1), notes="zqxwordgone here"))
    journal.save(Session(id=new_id(), occurred_at=at(2), notes="something else"))
    edited = journal.save(Session(id=new_id(), occurred_at=at(3), notes="zqxeditedaway"))
    journal.delete(Session, session.id)
    edited.notes = "replaced"
    journal.save(edited)
    blocks = b"".join(
        bytes(block)
        for (block,) in journal.vault.connection.execute("SELECT block FROM entries_fts_data")
    )
    assert b"zqxwordgone" not in blocks
    assert b"zqxeditedaway" not in blocks
    assert b"replaced" in blocks
    # Nor do they stay in the entries' summaries (schema version 5), edited or deleted.
    summaries = " ".join(
        summary for (summary,) in journal.vault.connection.execute("SELECT summary FROM entries")
    )
    assert "zqx" not in summaries and "replaced" in summaries


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "20261120T140000+0100"),
        ("occurred_at", "2026-11-20 14:00:00+01:00"),
        ("id", "{6F1C0E0A-6D7C-4C55-9D5E-8B8F0F8F8F01}"),
        ("id", "6F1C0E0A-6D7C-4C55-9D5E-8B8F0F8F8F01"),
    ],
)
def test_only_one_spelling_of_times_and_ids_is_accepted(
    journal: Journal, field: str, value: str
) -> None:
    session = Session(id=new_id(), occurred_at=at(1))
    setattr(session, field, value)
    with pytest.raises(InvalidRecord, match=field):
        journal.save(session)
    with pytest.raises(InvalidRecord, match="due_on"):
        journal.save(FollowUp(id=new_id(), due_on="2026-W47-5"))


def test_events_are_found_by_category_and_occasion_words_and_every_text(journal: Journal) -> None:
    event = journal.save(
        ConfidentialityEvent(
            id=new_id(),
            at=at(2),
            category="third_party_request",
            disclosed_to="the court",
            notes="a letter came",
            how_it_landed="uneasy",
        )
    )
    concern = journal.save(
        ConfidentialityEvent(id=new_id(), at=at(3), occasion="concern", outcome="keep it")
    )
    for words, found in (
        ("third party request", [event.id]),
        ("court", [event.id]),
        ("uneasy", [event.id]),
        ("confidentiality", [concern.id, event.id]),
        ("concern", [concern.id]),
        ("limits reached", [event.id]),
    ):
        assert sorted(h.id for h in journal.search(words)) == sorted(found), words
    shown = journal.timeline(kinds=["confidentiality_event"]).items[0]
    assert (shown.label, shown.title) == ("Concern", "consultation, other")


def test_previews_show_a_reflections_words_not_its_markdown(journal: Journal) -> None:
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-01-05",
            template="gibbs",
            body="## Description\nThe eviction letter came.\n\n## Feelings\n\n### My own note\n"
            "Tired",
        )
    )
    (item,) = journal.timeline().items
    assert item.preview == "The eviction letter came. My own note Tired"
    (hit,) = journal.search("eviction")
    assert "#" not in hit.snippet_text and "The" in hit.snippet_text
