"""Tests for text sanitising (peerjournal.core.sanitize) and identifier nudges
(peerjournal.core.identifiers)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerjournal.core.identifiers import HINT_KINDS, IdentifierHint, find_identifiers
from peerjournal.core.sanitize import sanitize_line, sanitize_text

# Fixed so birth-date rules ("more than 10 years ago") do not drift with the calendar.
YEAR = 2026

CONTROL_CHARS = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]


# Independent of the implementation's own pattern, and fast enough for a 5 MB string.
_BAD_CONTROL_RE = re.compile("[" + "".join(c for c in CONTROL_CHARS if c not in "\n\t") + "]")


def _has_bad_control(text: str) -> bool:
    return _BAD_CONTROL_RE.search(text) is not None


# ---------------------------------------------------------------------------------------------
# sanitize_text / sanitize_line


def test_every_c0_c1_and_del_is_removed_except_newline_and_tab() -> None:
    raw = "".join(f"<{c}>" for c in CONTROL_CHARS)
    cleaned = sanitize_text(raw)
    assert not _has_bad_control(cleaned)
    # \r becomes a newline, so three line breaks survive: \t, \n and the converted \r.
    assert cleaned.count("<\t>") == 1
    assert cleaned.count("<\n>") == 2
    assert cleaned.count("<>") == len(CONTROL_CHARS) - 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("one\r\ntwo\r\nthree", "one\ntwo\nthree"),
        ("old mac\rline", "old mac\nline"),
        ("mixed\r\n\r\nblank\rand\nunix", "mixed\n\nblank\nand\nunix"),
        ("trailing\r", "trailing\n"),
        ("cr\r\x00\nwith a stray NUL", "cr\nwith a stray NUL"),
    ],
)
def test_line_endings_are_normalised(raw: str, expected: str) -> None:
    assert sanitize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "residue"),
    [
        ("copy \x1b]52;c;aGVsbG8=\x07 done", "copy ]52;c;aGVsbG8= done"),
        ("\x1b]0;pwned\x07title", "]0;pwnedtitle"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("c1 csi \x9b31m and osc \x9d0;x\x9c", "c1 csi 31m and osc 0;x"),
        ("bell\x07 backspace\x08 del\x7f nul\x00", "bell backspace del nul"),
    ],
)
def test_terminal_escape_sequences_lose_their_control_bytes(raw: str, residue: str) -> None:
    cleaned = sanitize_text(raw)
    assert "\x1b" not in cleaned
    assert "\x07" not in cleaned
    assert cleaned == residue


@pytest.mark.parametrize(
    "text",
    [
        "[@click=app.quit]x[/]",
        "[bold red]not markup to us[/bold red] [link=https://example.org]x[/link]",
        "Emoji 👩‍👩‍👧 🏳️‍🌈 🙏🏽 ✨",
        "RTL שלום עולם and مرحبا بالعالم with \u200f marks",
        "Combining: e\u0301 n\u0303 a\u0308 and Zalgo z\u0336\u0353a\u0335",
        "Tabs\tand\nnewlines\tstay",
        "CJK 你好 and Hangul 안녕 and Devanagari नमस्ते",
        "",
    ],
)
def test_printable_text_is_kept_exactly(text: str) -> None:
    assert sanitize_text(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  River  ", "River"),
        ("Maria\nLopez", "Maria Lopez"),
        ("Maria \r\n\t Lopez", "Maria Lopez"),
        ("a\t\tb", "a b"),
        ("\n\nhousing\n\n", "housing"),
        ("title\x1b]0;pwned\x07", "title]0;pwned"),
        ("two  spaces kept", "two  spaces kept"),
        ("\u00a0nbsp around\u00a0", "nbsp around"),
        ("\x00\x1b\x07", ""),
    ],
)
def test_sanitize_line(raw: str, expected: str) -> None:
    assert sanitize_line(raw) == expected


@given(st.text())
def test_sanitize_text_property(text: str) -> None:
    cleaned = sanitize_text(text)
    assert not _has_bad_control(cleaned)
    assert "\r" not in cleaned
    assert sanitize_text(cleaned) == cleaned


@given(st.text())
def test_sanitize_line_property(text: str) -> None:
    cleaned = sanitize_line(text)
    assert not _has_bad_control(cleaned)
    assert "\n" not in cleaned and "\t" not in cleaned
    assert cleaned == cleaned.strip()
    assert sanitize_line(cleaned) == cleaned


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))))
def test_text_without_controls_is_unchanged(text: str) -> None:
    assert sanitize_text(text) == text


def test_five_megabyte_note_is_handled() -> None:
    chunk = "Ordinary line with émoji 🙂 and שלום.\r\n\x1b]52;c;aGVsbG8=\x07\x9b2J\t"
    big = chunk * (5_000_000 // len(chunk) + 1)
    assert len(big) >= 5_000_000
    cleaned = sanitize_text(big)
    assert not _has_bad_control(cleaned)
    assert "\r" not in cleaned
    assert cleaned.count("🙂") == big.count("🙂")
    assert len(sanitize_line(big)) > 4_000_000


# ---------------------------------------------------------------------------------------------
# find_identifiers: helpers


def _check_invariants(text: str, hints: list[IdentifierHint]) -> None:
    """What every caller may rely on, whatever the text."""
    previous_end = 0
    for hint in hints:
        assert hint.kind in HINT_KINDS
        assert 0 <= hint.start < hint.end <= len(text)
        assert text[hint.start : hint.end] == hint.text
        assert hint.start >= previous_end, "hints must be sorted and never overlap"
        previous_end = hint.end
        assert hint.message
        assert hint.text not in hint.message
        assert hint.text.strip() not in hint.message


def _found(text: str, aliases: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    hints = find_identifiers(text, aliases, current_year=YEAR)
    _check_invariants(text, hints)
    return [(h.kind, h.text) for h in hints]


# ---------------------------------------------------------------------------------------------
# find_identifiers: realistic notes that should be flagged

FLAGGED_NOTES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Gave them my work email peer.support@example.org so they can reach me between "
        "sessions, and they shared theirs: sunny_days+recovery@mail.co.uk.",
        [("email", "peer.support@example.org"), ("email", "sunny_days+recovery@mail.co.uk")],
    ),
    (
        "Their mobile is +44 7700 900123, or the landline 0161 496 0000 after 6pm.",
        [("phone", "+44 7700 900123"), ("phone", "0161 496 0000")],
    ),
    (
        "Said to text her on 07700 900123 if the crisis team doesn't call back.",
        [("phone", "07700 900123")],
    ),
    (
        "His cousin in Ohio gave me two numbers: (555) 123-4567 and 555-123-4567.",
        [("phone", "(555) 123-4567"), ("phone", "555-123-4567")],
    ),
    (
        "She lives at 42 Elm Street with her two kids and is scared the ex will turn up.",
        [("address", "42 Elm Street")],
    ),
    (
        "New place is Flat 3, 17b Marsh Lane, Hull HU1 3XY. Moving in on Friday.",
        [("address", "Flat 3, 17b Marsh Lane, Hull HU1 3XY")],
    ),
    (
        "Intake form said DOB 12/03/1987 but they asked me not to keep it.",
        [("birth_date", "12/03/1987")],
    ),
    (
        "He was born 3 March 1990 and is dreading turning 36 in sobriety.",
        [("birth_date", "3 March 1990")],
    ),
    (
        "Benefits form asked for date of birth: March 12, 1987. Helped fill it in.",
        [("birth_date", "March 12, 1987")],
    ),
    (
        "Old referral letter lists 1987-03-12 (DOB) and the wrong surname.",
        [("birth_date", "1987-03-12")],
    ),
    (
        "Went through the PIP form together. NI number AB 12 34 56 C was on the letter.",
        [("id_number", "AB 12 34 56 C")],
    ),
    (
        "The shelter asked for her SSN, 123-45-6789, before giving her a bed.",
        [("id_number", "123-45-6789")],
    ),
    (
        "GP letter quotes NHS number 943 476 5919 at the top.",
        [("id_number", "943 476 5919")],
    ),
    (
        "Housing case number 2023/4471 is still open. Passport 123456789 is with the council.",
        [("id_number", "2023/4471"), ("id_number", "123456789")],
    ),
    (
        "Her sister Maria Lopez called during the session, which upset her.",
        [("name", "Maria Lopez")],
    ),
    (
        "Dr Patel at the clinic is increasing the methadone dose from Monday.",
        [("name", "Dr Patel")],
    ),
    (
        "Their social worker, Ms Adeyemi, was helpful about the tenancy.",
        [("name", "Ms Adeyemi")],
    ),
    (
        "Maria said she was scared to go home. Tom's mum texted me later.",
        [("name", "Maria"), ("name", "Tom")],
    ),
    (
        "Met with Sarah and her son Tyler at the park. Uncle Tony is the one supplying.",
        [("name", "Sarah"), ("name", "Tyler"), ("name", "Tony")],
    ),
]


@pytest.mark.parametrize(("note", "expected"), FLAGGED_NOTES)
def test_realistic_notes_are_flagged(note: str, expected: list[tuple[str, str]]) -> None:
    assert _found(note, ("River", "Sky", "Finch")) == expected


def test_positions_point_at_the_identifier() -> None:
    note = (
        "Met River at Costa. Maria said her number is 07700 900123 and she "
        "lives at 42 Elm Street, DOB 12/03/1987, email m.lopez@example.com."
    )
    hints = find_identifiers(note, ["River"], current_year=YEAR)
    _check_invariants(note, hints)
    assert [h.kind for h in hints] == ["name", "phone", "address", "birth_date", "email"]
    for hint in hints:
        assert hint.start == note.index(hint.text)
        assert hint.end == hint.start + len(hint.text)
    assert hints[0].text == "Maria"


def test_messages_are_plain_and_never_echo_the_match() -> None:
    note = (
        "Maria Lopez, maria@example.com, +44 7700 900123, 42 Elm Street, DOB 12/03/1987, "
        "SSN 123-45-6789."
    )
    hints = find_identifiers(note, current_year=YEAR)
    assert {h.kind for h in hints} == set(HINT_KINDS)
    for hint in hints:
        assert hint.text not in hint.message
        assert "Maria" not in hint.message and "@" not in hint.message
        assert hint.message.startswith("This looks like")
        assert hint.message.endswith(".")
    # One message per kind, so the UI can group them.
    assert len({h.message for h in hints}) == len(HINT_KINDS)


def test_hints_are_frozen() -> None:
    hint = find_identifiers("Email me at someone@example.org")[0]
    with pytest.raises(AttributeError):
        hint.kind = "name"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# find_identifiers: realistic notes that must stay quiet

QUIET_NOTES = [
    "Met River at the drop-in. They talked about the eviction letter and feeling stuck. "
    "Offered to go with them to the housing office next Tuesday.",
    "River's mood was better today. Talked about River's sister and the court date.",
    "Session lasted 45 min, then 3 hrs waiting at A&E. Another 90 minutes tomorrow.",
    "Meet at 14:00 on Thursday, then the group from 10.30-12.00 on Friday.",
    "Met on 2026-11-20 and again on 04/12/2026. Next session 20/11/2026.",
    "She was born in Leeds. Met on 2026-11-20 for coffee.",
    "Her birthday party is on 12/12/2026 and she's nervous about the drinking.",
    "Rent is $1,200 a month and they owe £3,450.50 in arrears. Budget is £45 a week.",
    "Went to 3 sessions this week and did 1,250 steps lol. Week 12 of 52.",
    "AA meeting on Monday, then went to NA on Thursday with their sponsor.",
    "Suggested SMART Recovery on Wednesday as well as the 12 Steps.",
    "Today was hard. They felt like giving up. Tomorrow we try again.",
    "It's been a rough week. There's a lot going on. Work's stressful and money's tight.",
    "I'm worried about them. Didn't show up Wednesday. Left a voicemail.",
    "Picked up Narcan from Boots. Talked about Suboxone vs Methadone with the GP.",
    "They are on Universal Credit and waiting for PIP. Citizens Advice helped with the form.",
    "Called the Samaritans together on WhatsApp, then a Zoom call with the CMHT.",
    "Things To Work On This Week",
    "New Year's Eve is a big trigger for them. Christmas too, and Ramadan this year.",
    "They've started Bible study at the church and it helps with the Higher Power stuff.",
    "The psychiatrist changed their meds to Sertraline 50mg. Side effects: nausea.",
    "Went to St Mungo's with them. Then the Job Centre Plus.",
    "Between 2019 2020 2021 they moved a lot. Scored 21/27 on the PHQ-9.",
    "Dry January is going OK: 12 days so far. I Miss Home, they wrote on the card.",
    "Called 999 then 111, and gave them 116 123 for the Samaritans.",
]


@pytest.mark.parametrize("note", QUIET_NOTES)
def test_ordinary_notes_are_not_flagged(note: str) -> None:
    assert _found(note, ("River", "Sky", "Finch")) == []


# ---------------------------------------------------------------------------------------------
# Aliases


@pytest.mark.parametrize(
    "note",
    [
        "Met River at the drop-in.",
        "River said the new meds help.",
        "River's sister texted me.",
        "Talked about RIVER's plans and river's housing.",
        "Went with River to see Dr River at the clinic.",
        "Catch up with River\u2019s key worker.",
    ],
)
def test_known_alias_is_never_flagged(note: str) -> None:
    assert _found(note, ("river",)) == []


def test_alias_is_what_suppresses_the_hint() -> None:
    note = "River said the new meds help. Met River at the drop-in."
    assert _found(note) == [("name", "River"), ("name", "River")]
    assert _found(note, ("River",)) == []


def test_multi_word_alias_and_its_parts() -> None:
    note = "Checked in with Blue Jay after group. Jay's mood was low."
    assert _found(note, ("Blue Jay",)) == []
    # Without the alias, "Blue" reads as an ordinary word but "Jay" is noticed both times.
    assert _found(note) == [("name", "Jay"), ("name", "Jay")]


def test_alias_next_to_a_real_name_still_flags_the_real_name() -> None:
    assert _found("Met River and Maria Lopez at the hostel.", ("River",)) == [
        ("name", "Maria Lopez")
    ]


# ---------------------------------------------------------------------------------------------
# Individual rules


@pytest.mark.parametrize(
    "note",
    [
        "15/03/1985 (DOB)",
        "D.O.B. 15/03/1985",
        "Date of birth 15.03.1985",
        "born on the 15th of March 1985",
        "dob: 15-03-85",
    ],
)
def test_birth_date_forms(note: str) -> None:
    assert [kind for kind, _ in _found(note)] == ["birth_date"]


def test_recent_date_next_to_a_trailing_cue_is_not_a_birth_date() -> None:
    # "next to born/DOB" only counts after the date when the year is long enough ago.
    assert _found("Session 2024-05-01 born of frustration.") == []


def test_phone_is_not_confused_with_counts_glued_on() -> None:
    assert _found("Room 4 07700 900123 is the ward phone.") == [("phone", "07700 900123")]


def test_long_digit_runs_are_id_numbers() -> None:
    assert _found("Card 4111 1111 1111 1111 was cancelled.") == [
        ("id_number", "4111 1111 1111 1111")
    ]
    assert _found("MRN: A1234567 on the wristband.") == [("id_number", "A1234567")]


def test_names_inside_emails_and_links_are_not_names() -> None:
    note = "Sent it to Maria.Lopez@example.com and https://example.org/Maria/Lopez."
    assert _found(note) == [("email", "Maria.Lopez@example.com")]


def test_default_year_and_empty_text() -> None:
    assert find_identifiers("") == []
    assert [h.kind for h in find_identifiers("DOB 12/03/1987")] == ["birth_date"]


_NOTE_ALPHABET = st.sampled_from(
    list("aAbMmRrXy0123456789 .,:;-+()/@'\n") + ["Maria", "Street", "DOB", "River", "Dr "]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_NOTE_ALPHABET, max_size=80).map("".join))
def test_find_identifiers_invariants_hold_for_any_text(text: str) -> None:
    _check_invariants(text, find_identifiers(text, ["River"], current_year=YEAR))


def test_long_note_is_handled() -> None:
    para = (
        "Met River on 2026-11-20 at 14:00. Maria said call 07700 900123. "
        "Lives at 42 Elm Street. DOB 12/03/1987. Rent is $1,200.\n"
    )
    hints = find_identifiers(para * 2000, ["River"], current_year=YEAR)
    assert [h.kind for h in hints[:4]] == ["name", "phone", "address", "birth_date"]
    assert len(hints) == 4 * 2000


def test_template_headings_are_not_names() -> None:
    from peerjournal.core.models import REFLECTION_TEMPLATES, template_body

    for template in REFLECTION_TEMPLATES:
        assert find_identifiers(template_body(template)) == [], template
    assert [h.kind for h in find_identifiers("## Call with Dr Patel")] == ["name"]


def test_a_new_pseudonym_that_looks_like_a_real_name_is_worded_for_an_alias() -> None:
    from peerjournal.core.identifiers import PSEUDONYM_NAME_MESSAGE, pseudonym_hints

    (hint,) = pseudonym_hints("John Smith")
    assert hint.kind == "name" and hint.message == PSEUDONYM_NAME_MESSAGE
    assert pseudonym_hints("River") == []
    assert pseudonym_hints("Sam Taylor", ["Sam Taylor"]) == []
