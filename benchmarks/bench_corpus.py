"""A synthetic, seeded peer-support journal for the benchmark.

The journal looks like years of real use: sessions with notes of 50-400 words spread over the
session fields, reflections of the same length, short check-ins, follow-ups and a few
confidentiality events, about a hundred entries per alias, tags on most sessions and
reflections. Words are drawn from a Zipf distribution over a large vocabulary (a few hundred
real words at the top, tens of thousands of pronounceable made-up words below), so a search
term's selectivity depends on its rank the way it does in real text. The words the benchmark
searches for are placed at the ranks that give them a chosen document frequency.

Everything comes from one `random.Random(seed)`, so two runs (and the encrypted and plain
databases of one run) get exactly the same records. The output is the documented export
document (a dict), so the build goes through `exchange.parse_export` + `import_records`.
"""

from __future__ import annotations

import bisect
import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from peerjournal.core.models import Session


def _words(text: str) -> list[str]:
    return text.split()


# Function words first (they are the most frequent in any English text), then the words of
# the domain. unicode61 keeps every word (FTS5 has no stop list), so these matter for size.
_FUNCTION_WORDS = _words(
    "the and to of a i in it that was for we they is on with about he she her his them "
    "but this at be had have not as so what from said me my you their or felt an were "
    "would there if when been more some out up then could all also how did do next because "
    "just like time week talked today again after before still really other"
)
_DOMAIN_WORDS = _words(
    "support feeling feel talk group family work plan home need help things getting "
    "worried anxious calm sleep money hope better worse day night friend friends mum dad "
    "partner children kids school job benefits appointment doctor meds medication gp "
    "listened listening boundaries boundary confidentiality safe safety trust story shared "
    "sharing strengths goals goal walk walked coffee cafe meeting meetings progress step "
    "steps small proud tired stress stressed angry sad lonely alone connected connection "
    "grief loss relapse craving cravings sober clean days weeks months year years rent "
    "landlord council letter form forms phone call text message tenancy eviction debt "
    "budget food bank shopping cooking exercise garden art music volunteering volunteer "
    "voluntary course college training interview cv application court probation worker "
    "nurse psychiatrist therapist counselling counsellor crisis team referral referred "
    "signposted leaflet information rights advocacy advocate hearing voices paranoid "
    "panic attack breathing grounding routine structure mornings evenings weekend "
    "holiday birthday christmas anniversary memories childhood trauma triggered trigger "
    "coping strategies strategy reflection supervision supervisor peer lived experience "
    "recover recovering recovered recovery recovers wellbeing selfcare noticed noticing "
    "agreed agreement consent limits explained review reviewed follow check checked "
    "mood energy rest break pace gentle honest open closed quiet loud laughed cried smiled"
)
# Two-word phrases a supporter writes often; one of them is the benchmark's phrase query.
_PHRASES = (
    ("safety", "plan"),
    ("support", "worker"),
    ("food", "bank"),
    ("recovery", "cafe"),
    ("panic", "attack"),
    ("lived", "experience"),
    ("crisis", "team"),
    ("housing", "officer"),
)
_SYLLABLES = _words(
    "ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu ma me mi mo mu "
    "na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo "
    "za ze zo bra bre bri cla cle cli dra dre fra fre gra gre pla ple pra pre sta ste sti "
    "tra tre tri an en in on un ar er ir or ur al el il ol ul ash esh ish osh ush"
)
_PSEUDONYM_STEMS = _words(
    "River Sky Oak Wren Jules Ash Rowan Birch Fern Lark Robin Sage Moss Reed Heath Brook "
    "Hazel Linden Juniper Cedar Alder Elm Willow Briar Clover Flint Quill Storm Rain Dale"
)
_TAGS = _words(
    "housing benefits recovery grief employment family loneliness sleep anxiety mood "
    "boundaries supervision training physical-health medication court debt food "
    "relationships parenting education volunteering self-disclosure crisis referral "
    "advocacy art music walking groupwork peer-network digital transport carers "
    "bereavement hoarding gambling alcohol drugs pain"
)
_TEMPLATES = ("free", "gibbs", "self_disclosure", "supervision")
_OFFSETS = ("+00:00", "+01:00")

ZIPF_EXPONENT = 1.05
PSEUDO_WORDS = 60_000


@dataclass(frozen=True)
class QueryTerms:
    """The words the benchmark searches for, with the document frequency each was aimed at."""

    rare: str
    common: str
    phrase: str
    prefix: str
    frequent: str
    targets: dict[str, float] = field(default_factory=dict)


@dataclass
class Corpus:
    """The export document plus what the benchmark needs to know about it."""

    document: dict[str, Any]
    terms: QueryTerms
    busy_alias_id: str
    common_tag: str
    rare_tag: str
    entries: int  # dated records (everything but aliases)

    def counts(self) -> dict[str, int]:
        return {
            section: len(items)
            for section, items in self.document.items()
            if isinstance(items, list)
        }


def _pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
        if word not in taken and len(word) > 3:
            taken.add(word)
            words.append(word)
    return words


class _Vocabulary:
    """Zipf-distributed words, with chosen words placed at chosen document frequencies."""

    def __init__(self, rng: random.Random, mean_words_per_doc: float, entries: int) -> None:
        real = list(dict.fromkeys(_FUNCTION_WORDS + _DOMAIN_WORDS))
        taken = set(real) | {"housing", "officer"}
        self.words: list[str] = real + _pseudo_words(rng, PSEUDO_WORDS, taken)
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.words))]
        self._total = sum(weights)
        self._probabilities = [w / self._total for w in weights]
        self._mean_words = mean_words_per_doc
        self._entries = entries
        # The common term gets its own rank; "housing" reads naturally in these notes.
        common_rank = self.rank_for_df(0.15)
        self.words.insert(common_rank, "housing")
        self._rebuild_weights()
        self._cumulative = list(itertools.accumulate(self._probabilities))

    def _rebuild_weights(self) -> None:
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.words))]
        total = sum(weights)
        self._probabilities = [w / total for w in weights]

    def expected_df(self, rank: int) -> float:
        """The share of documents (of mean length) expected to contain the word at `rank`."""
        return float(1.0 - (1.0 - self._probabilities[rank]) ** self._mean_words)

    def rank_for_df(self, share: float) -> int:
        """The highest rank (least frequent word) whose expected share is at least `share`."""
        low, high = 0, len(self._probabilities) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.expected_df(middle) >= share:
                low = middle
            else:
                high = middle - 1
        return low

    def rare_word(self) -> str:
        # About one note in ten thousand, but at least a handful even in a small journal.
        share = max(0.0001, 5.0 / max(self._entries, 1))
        rank = self.rank_for_df(share)
        for word in self.words[rank:]:
            if word.isalpha() and len(word) > 5:
                return word
        return self.words[rank]

    def frequent_word(self) -> str:
        return self.words[self.rank_for_df(0.5)]

    def sample(self, rng: random.Random, count: int) -> list[str]:
        cumulative = self._cumulative
        top = cumulative[-1]
        words = self.words
        last = len(words) - 1
        return [
            words[min(bisect.bisect(cumulative, rng.random() * top), last)] for _ in range(count)
        ]


def _text(rng: random.Random, vocab: _Vocabulary, words: int) -> str:
    """Sentences of 6-18 words, now and then with one of the common two-word phrases."""
    pool = vocab.sample(rng, words)
    sentences: list[str] = []
    position = 0
    while position < len(pool):
        length = rng.randint(6, 18)
        sentence = pool[position : position + length]
        position += length
        if rng.random() < 0.02 and len(sentence) > 3:
            phrase = rng.choice(_PHRASES)
            at = rng.randrange(len(sentence) - 1)
            sentence[at : at + 2] = list(phrase)
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _iso(moment: datetime, offset: str) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def build_corpus(entries: int, *, seed: int = 20260, years: float = 10.0) -> Corpus:
    """A journal of `entries` dated records (sessions, reflections, check-ins, follow-ups,
    confidentiality events) and their aliases, over `years` years ending on a fixed day."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    mix = {"sessions": 0.60, "reflections": 0.15, "checkins": 0.20, "follow_ups": 0.04}
    counts = {name: int(entries * share) for name, share in mix.items()}
    counts["confidentiality_events"] = max(0, entries - sum(counts.values()))
    # Mean words per document, for placing the query words (sessions and reflections
    # dominate: 50-400 words; check-ins, follow-ups and confidentiality events are short).
    mean_words = (
        (counts["sessions"] + counts["reflections"]) * 225
        + counts["checkins"] * 22
        + counts["follow_ups"] * 12
        + counts["confidentiality_events"] * 60
    ) / max(entries, 1)
    vocab = _Vocabulary(rng, mean_words, entries)
    terms = QueryTerms(
        rare=vocab.rare_word(),
        common="housing",
        phrase="safety plan",
        prefix="recov*",
        frequent=vocab.frequent_word(),
        targets={"rare": max(0.0001, 5.0 / max(entries, 1)), "common": 0.15, "frequent": 0.5},
    )

    end = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
    start = end - timedelta(days=365.25 * years)
    span = (end - start).total_seconds()

    def moment() -> datetime:
        return start + timedelta(seconds=rng.random() * span)

    # Aliases: about one per hundred sessions, each active for a stretch of the years.
    alias_count = max(3, counts["sessions"] // 100)
    aliases: list[dict[str, Any]] = []
    alias_weights: list[float] = []
    for index in range(alias_count):
        created = moment()
        stem = _PSEUDONYM_STEMS[index % len(_PSEUDONYM_STEMS)]
        aliases.append(
            {
                "id": _uuid(rng),
                "pseudonym": f"{stem} {index // len(_PSEUDONYM_STEMS) + 1}",
                "status": "closed" if rng.random() < 0.4 else "active",
                "themes": rng.sample(_TAGS, rng.randint(1, 3)),
                "knows_me_outside_work": rng.random() < 0.05,
                "consent_note": _text(rng, vocab, rng.randint(0, 20)),
                "limits_explained_on": created.date().isoformat(),
                "notes": _text(rng, vocab, rng.randint(5, 40)),
                "created_at": _iso(created, "+00:00"),
                "updated_at": _iso(created, "+00:00"),
            }
        )
        alias_weights.append(1.0 / (index + 1) ** 0.8)
    alias_cumulative = list(itertools.accumulate(alias_weights))
    tag_cumulative = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(_TAGS))))

    def pick_alias() -> str:
        position = bisect.bisect(alias_cumulative, rng.random() * alias_cumulative[-1])
        return str(aliases[min(position, alias_count - 1)]["id"])

    def pick_tags() -> list[str]:
        chosen: dict[str, None] = {}
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            position = bisect.bisect(tag_cumulative, rng.random() * tag_cumulative[-1])
            chosen[_TAGS[min(position, len(_TAGS) - 1)]] = None
        return list(chosen)

    session_fields = Session.TEXT_FIELDS
    sessions: list[dict[str, Any]] = []
    for _ in range(counts["sessions"]):
        when = moment()
        offset = rng.choice(_OFFSETS)
        stamp = _iso(when + timedelta(hours=2), offset)
        lengths = _split(rng.randint(50, 400), len(session_fields), rng)
        record: dict[str, Any] = {
            "id": _uuid(rng),
            "alias_id": pick_alias(),
            "occurred_at": _iso(when, offset),
            "duration_min": rng.choice((30, 45, 50, 60, 60, 90)),
            "modality": "group" if rng.random() < 0.15 else "individual",
            "method": rng.choice(("in_person", "in_person", "phone", "video", "text")),
            "setting": rng.choice(("community", "office", "home", "remote", "other")),
        }
        for name, length in zip(session_fields, lengths, strict=True):
            record[name] = _text(rng, vocab, length) if length else ""
        record.update(
            {
                "shared_my_story": rng.random() < 0.2,
                "reviewed_with_person": rng.random() < 0.3,
                "safety_flag": rng.choices(("none", "concern", "limits_reached"), (95, 4, 1))[0],
                "tags": pick_tags(),
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        sessions.append(record)

    reflections: list[dict[str, Any]] = []
    for _ in range(counts["reflections"]):
        when = moment()
        linked = (
            sessions[rng.randrange(len(sessions))]["id"]
            if sessions and rng.random() < 0.5
            else None
        )
        stamp = _iso(when, "+00:00")
        reflections.append(
            {
                "id": _uuid(rng),
                "occurred_on": when.date().isoformat(),
                "template": rng.choice(_TEMPLATES),
                "title": _text(rng, vocab, rng.randint(2, 7)).rstrip("."),
                "body": _text(rng, vocab, rng.randint(50, 400)),
                "session_id": linked,
                "for_supervision": rng.random() < 0.25,
                "tags": pick_tags(),
                "created_at": stamp,
                "updated_at": stamp,
            }
        )

    checkins = [
        {
            "id": _uuid(rng),
            "at": _iso(moment(), rng.choice(_OFFSETS)),
            "mood": rng.randint(1, 5),
            "energy": rng.randint(1, 5),
            "stress": rng.randint(1, 5),
            "self_care": _text(rng, vocab, rng.randint(5, 40)),
        }
        for _ in range(counts["checkins"])
    ]

    follow_ups: list[dict[str, Any]] = []
    for _ in range(counts["follow_ups"]):
        session = sessions[rng.randrange(len(sessions))] if sessions else None
        due = moment()
        status = rng.choices(("open", "done", "dropped"), (10, 80, 10))[0]
        follow_ups.append(
            {
                "id": _uuid(rng),
                "alias_id": session["alias_id"] if session else None,
                "session_id": session["id"] if session else None,
                "due_on": due.date().isoformat(),
                "action": _text(rng, vocab, rng.randint(5, 20)),
                "owner": rng.choice(("me", "them", "both")),
                "status": status,
                "done_at": _iso(due, "+00:00") if status == "done" else None,
            }
        )

    confidentiality: list[dict[str, Any]] = []
    for _ in range(counts["confidentiality_events"]):
        session = sessions[rng.randrange(len(sessions))] if sessions else None
        confidentiality.append(
            {
                "id": _uuid(rng),
                "session_id": session["id"] if session else None,
                "alias_id": session["alias_id"] if session else None,
                "at": _iso(moment(), "+00:00"),
                "category": rng.choice(
                    ("risk_to_self", "risk_to_others", "abuse", "third_party_request", "other")
                ),
                "limits_explained_before": rng.random() < 0.7,
                "consulted_role": rng.choice(("supervisor", "team lead", "")),
                "disclosed_minimum": _text(rng, vocab, rng.randint(10, 40)),
                "person_told": rng.random() < 0.6,
                "notes": _text(rng, vocab, rng.randint(10, 60)),
            }
        )

    # The busiest alias (by sessions) is the one the alias filter uses.
    per_alias: dict[str, int] = {}
    for session in sessions:
        per_alias[session["alias_id"]] = per_alias.get(session["alias_id"], 0) + 1
    busy_alias = max(per_alias, key=lambda key: per_alias[key]) if per_alias else aliases[0]["id"]

    document = {
        "format": "peerjournal-export",
        "version": 1,
        "exported_at": _iso(end, "+00:00"),
        "aliases": aliases,
        "sessions": sessions,
        "reflections": reflections,
        "follow_ups": follow_ups,
        "checkins": checkins,
        "confidentiality_events": confidentiality,
    }
    return Corpus(
        document=document,
        terms=terms,
        busy_alias_id=busy_alias,
        common_tag=_TAGS[0],
        rare_tag=_TAGS[-1],
        entries=entries,
    )


def extra_records(corpus: Corpus, count: int, *, seed: int) -> dict[str, Any]:
    """A small export document of `count` new sessions for the same aliases (import batches)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    aliases = [alias["id"] for alias in corpus.document["aliases"]]
    template = corpus.document["sessions"]
    sessions = []
    for _ in range(count):
        base = template[rng.randrange(len(template))]
        record = dict(base)
        record["id"] = _uuid(rng)
        record["alias_id"] = rng.choice(aliases)
        record["tags"] = list(base["tags"])
        sessions.append(record)
    return {"format": "peerjournal-export", "version": 1, "sessions": sessions}
