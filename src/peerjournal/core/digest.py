"""The supervision digest: what a supporter brings to supervision, de-identified, for another
person to read.

For a date range it opens with the period's figures (sessions and hours, flagged sessions,
confidentiality events, dual relationships needing a plan, times I shared my story: counts
only), then holds the reflections marked "for supervision" with the sessions they link
to, a count of the confidentiality events in the range (and the detail of those marked for
supervision), all rendered as Markdown and passed through one `deidentify.Redactor`, so every
person keeps one label (`[name 1]`, `[name 2]` ...) from the first line to the last and
places, organisations, contacts and numbers become `[place]`, `[organisation]`, `[phone]` ...

Less goes out by default (`DigestOptions`): the session's "their words" (verbatim quotes) and
its setting are left out and dates are shown as their week; each can be switched on, and the
digest says what was left out and why (`LEFT_OUT`). Nothing about the supporter's own
wellbeing is included unless the supporter opts in for this digest (`wellbeing`: weekly mood
and stress means in the opening summary, `supervision.period_summary`). What the redactor
cannot know (a story someone would recognise) is why `candidates` lists what is left to look
at, for the review before anything leaves the app.

The digest is produced in memory; writing it anywhere is the caller's decision.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peerjournal.core.deidentify import Candidate, Redactor
from peerjournal.core.errors import NotFound
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import RenderContext, render_entry
from peerjournal.core.models import (
    REFLECTION_TEMPLATES,
    ConfidentialityEvent,
    Reflection,
    Session,
)
from peerjournal.core.supervision import PeriodSummary, period_summary, summary_lines


@dataclass(frozen=True)
class DigestOptions:
    """What goes into a digest beyond the default, and the words the review decided on."""

    their_words: bool = False
    setting: bool = False
    exact_dates: bool = False
    wellbeing: bool = False  # weekly mood and stress means in the summary (opt-in, per digest)
    keep: tuple[str, ...] = ()  # words never redacted as proper nouns
    redact: tuple[str, ...] = ()  # words always redacted
    # Ids of marked records the supporter set aside for another time (Prepare for
    # supervision's "not this time"): their detail stays out of this digest; an event set
    # aside is still counted, as the ones not marked are.
    set_aside: frozenset[str] = frozenset()


# What is left out by default: option -> (what, one line on why, the CLI flag that adds it).
LEFT_OUT: dict[str, tuple[str, str, str]] = {
    "their_words": (
        "their words",
        "their own words are the easiest to recognise",
        "--with-their-words",
    ),
    "setting": ("the setting", '"home" says where someone lives', "--with-setting"),
    "exact_dates": (
        "exact dates",
        "one day can point to one person; the week is shown",
        "--exact-dates",
    ),
    "wellbeing": (
        "mood and stress",
        "how you have been is yours to share or not",
        "--with-wellbeing",
    ),
}


@dataclass(frozen=True)
class SupervisionDigest:
    text: str
    since: date | None
    until: date | None
    reflections: int
    sessions: int
    people: tuple[str, ...]  # the name labels used, in order ("[name 1]", ...)
    redactions: int
    events: dict[str, int] = field(default_factory=dict)  # occasion -> count in the range
    events_shown: int = 0  # marked for supervision, so shown in detail
    candidates: tuple[Candidate, ...] = ()
    options: DigestOptions = DigestOptions()
    summary: PeriodSummary | None = None


def week_of(value: str) -> str:
    """'2026-11-04T14:00:00+01:00' or '2026-11-04' -> 'week of 2 Nov 2026' (weeks start on
    Monday)."""
    day = date.fromisoformat(value[:10])
    monday = day - timedelta(days=day.weekday())
    return f"week of {monday.day} {monday.strftime('%b %Y')}"


def _range_text(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {since.isoformat()} to {until.isoformat()}"
    if since:
        return f"since {since.isoformat()}"
    if until:
        return f"until {until.isoformat()}"
    return "of any date"


def _supervision_reflections(
    journal: Journal, since: date | None, until: date | None
) -> list[Reflection]:
    clauses, params = ["for_supervision = 1"], []
    if since:
        clauses.append("occurred_on >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("occurred_on <= ?")
        params.append(until.isoformat())
    with journal.locked_connection() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT id FROM reflections WHERE {' AND '.join(clauses)} "  # noqa: S608
                "ORDER BY sort_ts, id",
                params,
            )
        ]
    return [journal.get(Reflection, reflection_id) for reflection_id in ids]


def _micros(day: date) -> int:
    return int(datetime.combine(day, time(0, 0)).astimezone().timestamp() * 1_000_000)


def _events(
    journal: Journal, since: date | None, until: date | None
) -> tuple[dict[str, int], list[ConfidentialityEvent]]:
    """Counts of the events in the range by occasion (one aggregate query), and the events
    marked for supervision."""
    clauses, params = ["1"], []
    if since:
        clauses.append("sort_ts >= ?")
        params.append(_micros(since))
    if until:
        clauses.append("sort_ts < ?")
        params.append(_micros(until + timedelta(days=1)))
    where = " AND ".join(clauses)
    with journal.locked_connection() as conn:
        counts = dict(
            conn.execute(
                f"SELECT occasion, count(*) FROM confidentiality_events WHERE {where} "  # noqa: S608
                "GROUP BY occasion",
                params,
            ).fetchall()
        )
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT id FROM confidentiality_events WHERE {where} "  # noqa: S608
                "AND for_supervision = 1 ORDER BY sort_ts, id",
                params,
            )
        ]
    return counts, [journal.get(ConfidentialityEvent, event_id) for event_id in ids]


# The words of the reflection templates' headings are ours, never names.
_HEADING_WORDS = frozenset(
    word
    for _, sections in REFLECTION_TEMPLATES.values()
    for section in sections
    for word in re.findall(r"[^\W\d_]+", section)
)


def _people(journal: Journal) -> dict[str, list[str]]:
    """Every alias's names: the pseudonym, then what they are also known as."""
    return {alias.id: [alias.pseudonym, *alias.also_known_as] for alias in journal.list_aliases()}


def _plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def supervision_digest(
    journal: Journal,
    since: date | None = None,
    until: date | None = None,
    options: DigestOptions | None = None,
    *,
    today: date | None = None,
) -> SupervisionDigest:
    """Build the de-identified digest in memory (Markdown text); nothing is written anywhere.

    It opens with the period's figures (`supervision.period_summary`, up to `until`, or
    `today` when open-ended); mood and stress only with `options.wellbeing`."""
    options = options or DigestOptions()
    summary = period_summary(
        journal, since, until or today or date.today(), wellbeing=options.wellbeing
    )
    reflections = _supervision_reflections(journal, since, until)
    counts, detailed = _events(journal, since, until)
    marked = len(reflections) + len(detailed)
    reflections = [r for r in reflections if r.id not in options.set_aside]
    detailed = [e for e in detailed if e.id not in options.set_aside]
    aside = marked - len(reflections) - len(detailed)
    redactor = Redactor(
        _people(journal), keep=options.keep, redact=options.redact, ordinary=_HEADING_WORDS
    )
    redactions = 0
    cleaned: list[str] = []  # the supporter's own text, redacted: where candidates come from

    def clean(text: str) -> str:
        nonlocal redactions
        redacted = redactor.redact(text)
        redactions += len(redacted.removals)
        cleaned.append(redacted.text)
        return redacted.text

    linked: dict[str, Session] = {}
    for reflection in reflections:
        if reflection.session_id and reflection.session_id not in linked:
            with contextlib.suppress(NotFound):  # a dangling link shows no session
                linked[reflection.session_id] = journal.get(Session, reflection.session_id)

    omit = frozenset(name for name in ("their_words", "setting") if not getattr(options, name))
    ctx = RenderContext(
        alias_label=redactor.person_label,
        session_ref=lambda session_id: "session below" if session_id in linked else None,
        text=clean,
        precise_times=False,
        when=None if options.exact_dates else week_of,
        omit=omit,
    )
    blocks: list[str] = []
    shown: set[str] = set()
    for reflection in reflections:
        blocks.append(render_entry(reflection, ctx, level=2))
        session = linked.get(reflection.session_id or "")
        if session is not None:
            label = "Session (linked, also above)" if session.id in shown else "Session (linked)"
            blocks.append(render_entry(session, ctx, level=3, label=label))
            shown.add(session.id)
    if not reflections:
        blocks.append("No reflections are marked for supervision in this range.\n")
    blocks.append(_events_block(counts, detailed, ctx))
    left_out = [
        f"- Left out: {what} ({why}; {flag} adds it)."
        for name, (what, why, flag) in LEFT_OUT.items()
        if not getattr(options, name)
    ]
    intro = (
        "# Supervision digest\n\n"
        f"## The period {_range_text(since, summary.until)}\n\n"
        + "\n".join(summary_lines(summary))
        + "\n\n"
        f"Reflections marked for supervision {_range_text(since, until)}: "
        f"{_plural(len(reflections), 'reflection', 'reflections')}, "
        f"{_plural(len(linked), 'linked session', 'linked sessions')}.\n\n"
        "People appear as [name 1], [name 2], ... (the same person keeps the same number); "
        "places, organisations, contacts and numbers as [place], [organisation], [phone] ... "
        "Read it through before you share it: it cannot hide everything.\n"
        + ("\n" + "\n".join(left_out) + "\n" if left_out else "")
        + (
            f"\n{_plural(aside, 'item', 'items')} you set aside for another time "
            f"{'is' if aside == 1 else 'are'} left out.\n"
            if aside
            else ""
        )
    )
    text = intro + "\n" + "\n".join(blocks)
    people = tuple(f"[name {n}]" for n in range(1, redactor.names_used + 1))
    return SupervisionDigest(
        text=text,
        since=since,
        until=until,
        reflections=len(reflections),
        sessions=len(linked),
        people=people,
        redactions=redactions,
        events=counts,
        events_shown=len(detailed),
        candidates=tuple(redactor.candidates("\n".join(cleaned))),
        options=options,
        summary=summary,
    )


def _events_block(
    counts: dict[str, int], detailed: list[ConfidentialityEvent], ctx: RenderContext
) -> str:
    """How many confidentiality events and consultations the range holds (counts only), and
    the detail of those marked for supervision."""
    limits, concerns = counts.get("limits_reached", 0), counts.get("concern", 0)
    lines = [
        "## Confidentiality events\n",
        f"In this range: {_plural(limits, 'time', 'times')} the limits of confidentiality were "
        f"reached, {_plural(concerns, 'concern', 'concerns')} talked through with someone. "
        + (
            f"{_plural(len(detailed), 'is', 'are')} marked for supervision and shown below; "
            "the others are counted only.\n"
            if detailed
            else "None is marked for supervision, so they are counted only.\n"
        ),
    ]
    blocks = ["\n".join(lines)]
    blocks += [render_entry(event, ctx, level=3) for event in detailed]
    return "\n".join(blocks)
