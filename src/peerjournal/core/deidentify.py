"""De-identification of free text for the supervision digest: the one output meant for another
person, so it over-redacts rather than under-redacts, and says what it removed.

`Redactor.redact(text)` replaces, in this order of precedence (a longer match wins; on equal
length the more specific kind):

- every name a person is known by: each alias's pseudonym and its `also_known_as` words, whole
  or any part of a multi-word one alone, in any case, with possessives ("Sky's", "Okafors'")
  and plurals, in titles and bodies: `[name 1]`, `[name 2]` ..., the same person keeping the
  same number in one digest;
- contacts, numbers and dates in the formats of the UK, US, Ireland, Canada and Australia:
  emails, phone numbers, street addresses, postcodes, ZIP codes, Eircodes, ID numbers, birth
  dates (from `identifiers.find_identifiers`), other dates, numbers of three digits or more, and
  any number after a cue such as "flat", "room", "bus" or "case": `[email]`, `[phone]`,
  `[address]`, `[postcode]`, `[date]`, `[number]`;
- proper nouns: capitalised words and runs of them, joined over name particles ("van", "de",
  "of", "O'", "Mc"), mid-sentence, and at the start of a sentence or in a title when the word is
  not an ordinary English word (`identifiers.is_common_word`). A run with an organisation word
  ("... Council", "... Hostel", "St Anne's") is an `[organisation]`; one with a street word
  ("Mare Street") or after a place cue ("at", "in", "from", "on" ...) is a `[place]`; any other
  is a name, numbered like the aliases. Days, months and holidays stay ("on Tuesday"), and so
  do the terms `identifiers.is_known_term` lists (GP, AA, sertraline) unless a place cue comes
  first ("at Tesco" is a place).

Ordinary lower-case words stay: "the housing office", "the bus", "group". What it cannot know:
a lower-case nickname nobody recorded under `also_known_as`, a rare illness, a story someone
would recognise. Hence `candidates()`: what is left that a person should look at (capitalised
words kept, numbers, quoted phrases) with its context, for the review before anything leaves.
`keep` words are never redacted as proper nouns (names of people recorded on an alias always
are); `redact` words always are, as `[redacted]`.

Standard library only, no I/O; the original text of a removal is kept in memory for tests and
the review, never written anywhere by this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from peerjournal.core.identifiers import find_identifiers, is_common_word, is_known_term


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Labels of what was removed ("[name 2]" adds a number).
LABELS: dict[str, str] = {
    "name": "name",
    "place": "place",
    "organisation": "organisation",
    "email": "email",
    "phone": "phone",
    "address": "address",
    "postcode": "postcode",
    "date": "date",
    "number": "number",
    "redacted": "redacted",
}
# On equal length, the more specific kind wins.
_PRIORITY = {
    "redacted": 9,
    "email": 8,
    "person": 7,
    "address": 6,
    "postcode": 6,
    "date": 5,
    "phone": 4,
    "number": 3,
    "organisation": 2,
    "place": 2,
    "name": 1,
}
_HINT_KINDS = {
    "email": "email",
    "phone": "phone",
    "address": "address",
    "birth_date": "date",
    "id_number": "number",
}

# Words that make a capitalised run an organisation, or a place.
_ORGANISATION_WORDS = _words(
    """
    council hostel house centre center hospital clinic church school college university
    academy trust project projects services service library surgery pharmacy bank cafe café
    club hall mosque temple chapel cathedral synagogue gurdwara foundation charity society
    association team unit ward prison shelter refuge institute agency authority board group
    partnership network ministries ministry parish chambers court practice hotel inn pub bar
    restaurant market store stores shop supermarket gym stadium museum theatre cinema
    company ltd inc llc plc co corporation office department programme program scheme
    """
)
_STREET_WORDS = _words(
    """
    street st road rd avenue ave lane ln way drive dr close crescent terrace grove gardens
    square sq park place pl boulevard blvd parade row hill green estate mews walk court ct
    highway hwy quay wharf bridge common heath vale rise gate circus
    """
)
# A name particle inside a run ("Maria de la Cruz", "Bank of Ireland", "Ludwig van Dyke").
_PARTICLES = _words("van von de der den la le da di du del della dos das bin ibn al el ap of y")
# Titles that start a name or an institution even at the start of a sentence.
_NAME_TITLES = _words(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady father fr sister brother rev
    reverend pastor imam rabbi sheikh auntie aunty aunt uncle nana granny grandad judge
    officer pc sgt sergeant inspector cllr councillor
    """
)
_SAINT_WORDS = frozenset({"st", "st.", "saint", "ste"})
# After these, a capitalised word is a place or organisation ("at Hope House", "on Mare Street").
_PLACE_CUES = _words(
    """
    at in from on near outside inside to into round around past opposite behind towards toward
    via by off within across
    """
)
# Capitalised words that are times, not places: "on Tuesday", "in March", "at Christmas".
_TIME_WORDS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec christmas xmas easter ramadan
    eid diwali hanukkah chanukah passover thanksgiving halloween lent advent new year years eve
    """
)
# Words before a number that make it identifying: "flat 4", "room 12", "the 73 bus".
_NUMBER_CUES = (
    r"flat|apt|apartment|unit|room|rm|ward|bed|bay|house|no|number|route|bus|case|ref|"
    r"reference|id|badge|locker|cell|wing|block|floor|level|door|box|platform|gate|exit|"
    r"junction|seat|pin|account|policy|claim|tenancy|plot"
)
_NUMBER_CUE_RE = re.compile(
    rf"\b(?i:{_NUMBER_CUES})\.?\s*#?\s*(\d+[A-Za-z]?)\b|\b(\d+)\s+(?i:bus|tram|route)\b"
)
# Three digits or more in one run (spaces, dots and dashes inside), or letters and digits
# mixed ("B12", "HU1", "AB123456C"): ID-like.
_DIGITS_RE = re.compile(r"(?<![\w])\d[\d .\-/]*\d(?![\w])")
_ALNUM_RE = re.compile(r"(?<![\w])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{3,}(?![\w])")
# A UK National Insurance number in any letters (the documentation example "QQ 12 34 56 C"
# too), which `find_identifiers` only knows in its valid prefixes.
_NI_RE = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
# A reference with letters, a dash or slash and digits: "HC-448812", "REF/2291".
_CODE_RE = re.compile(r"(?<![\w/-])[A-Za-z]{1,6}[-/]\d[\w/-]*(?![\w])")
_TIME_RE = re.compile(r"(?<![\d:])\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?![\d:])", re.IGNORECASE)
_MONEY_RE = re.compile(r"[$£€]\s?\d[\d,]*(?:\.\d{1,2})?")

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_RES = (
    re.compile(r"(?<![\w/.-])\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w/]|[.-]\d)"),
    re.compile(
        rf"(?<![\w])\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?i:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?",
    ),
    re.compile(rf"\b(?i:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"),
)
# Postcodes beyond the UK ones `find_identifiers` knows.
_STATES = (
    r"AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    r"NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|NSW|VIC|QLD|SA|TAS|NT|ACT|"
    r"ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT|NU"
)
_POSTCODE_RES = (
    # Canada: "M5V 2T6"
    re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"),
    # Ireland (Eircode): "D02 X285", "D6W 1234"
    re.compile(r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}\b"),
    # US and Australian states and Canadian provinces with a ZIP or postcode: "OR 97201",
    # "NSW 2000"
    re.compile(rf"\b(?:{_STATES})\.?\s+\d{{4,5}}(?:-\d{{4}})?\b"),
    # UK (as in identifiers), also when lower-case letters were typed
    re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE),
)
# Letters, joined by apostrophes or hyphens ("O'Brien", "Jean-Luc", "Sky's"); never the letters
# of a code that goes on with digits ("M5V", "D02").
_WORD_RE = re.compile(r"(?<![\w'’])[^\W\d_]+(?:['’-][^\W\d_]+)*(?:['’][sS]?)?(?![\w])")
_POSSESSIVE_RE = re.compile(r"['’][sS]?$")
_SENTENCE_ENDS = frozenset(".!?…:;\n")
_SKIP_BACK = frozenset(" \t\"'“”‘’([{*•·–—->#")
_QUOTE_RE = re.compile(r"[\"“]([^\"”\n]{2,200})[\"”]")
_LABEL_RE = re.compile(r"\[(?:" + "|".join(LABELS.values()) + r")(?: \d+)?\]")
_SMALL_WORDS = _words("a an the of to and or for in on at by with from")
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Span:
    """Part of a text to remove: [start, end), what it is, and whose name (for numbering)."""

    start: int
    end: int
    kind: str  # a key of LABELS, or "person" (an alias's name)
    key: str = ""  # the same key gets the same label number


@dataclass(frozen=True)
class Removal:
    """One thing removed: where it was in the original text, and the label that replaced it."""

    start: int
    end: int
    kind: str
    label: str
    original: str


@dataclass(frozen=True)
class Redacted:
    text: str
    removals: tuple[Removal, ...]


@dataclass(frozen=True)
class Candidate:
    """Something left in the digest that a person should look at before it is shared."""

    word: str  # as written (the first time it appears)
    kind: str  # "capitalised", "number" or "quote"
    context: str  # one line of the redacted text around it
    count: int


def _fold(word: str) -> str:
    return _POSSESSIVE_RE.sub("", word.replace("’", "'")).casefold()


def _name_parts(name: str) -> list[str]:
    words = [w for w in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", name) if w]
    return [w for w in words if len(w) >= 2 and w.casefold() not in _SMALL_WORDS | _PARTICLES]


class Redactor:
    """Redacts the texts of one digest, numbering names consistently across all of them."""

    def __init__(
        self,
        people: Mapping[str, Iterable[str]],
        *,
        keep: Iterable[str] = (),
        redact: Iterable[str] = (),
        ordinary: Iterable[str] = (),
    ) -> None:
        """`people` maps a person's key (an alias id) to every name they are known by (the
        pseudonym first, then `also_known_as`); `keep` and `redact` are words from the review;
        `ordinary` adds words of the caller's own that are not names (template headings)."""
        self.keep = frozenset(_fold(word) for word in keep if word.strip())
        self.ordinary = frozenset(_fold(word) for word in ordinary if word.strip())
        self.extra = frozenset(_fold(word) for word in redact if word.strip())
        self._numbers: dict[str, int] = {}
        self._run_keys: dict[str, str] = {}  # one word of a detected multi-word name -> its key
        forms: dict[str, str] = {}  # folded name or name part -> person key
        for key, names in people.items():
            for name in names:
                cleaned = " ".join(name.split())
                if not cleaned:
                    continue
                forms.setdefault(cleaned.casefold(), key)
                for part in _name_parts(cleaned):
                    forms.setdefault(part.casefold(), key)
        self._person_of = forms
        alternatives = sorted(forms, key=len, reverse=True)
        self._people_re = (
            re.compile(
                r"(?<![\w])(?:"
                + "|".join(r"\s+".join(map(re.escape, form.split())) for form in alternatives)
                + r")(?:['’][sS]?|e?s(?:['’])?)?(?![\w])",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )
        extras = sorted(self.extra, key=len, reverse=True)
        self._extra_re = (
            re.compile(
                r"(?<![\w])(?:" + "|".join(map(re.escape, extras)) + r")(?:['’][sS]?)?(?![\w])",
                re.IGNORECASE,
            )
            if extras
            else None
        )

    # ---- labels

    def label_for(self, kind: str, key: str = "") -> str:
        """The label for a removal: "[place]", or "[name 3]" (same key, same number)."""
        if kind in ("person", "name"):
            number = self._numbers.setdefault(key, len(self._numbers) + 1)
            return f"[name {number}]"
        return f"[{LABELS[kind]}]"

    def person_label(self, key: str | None) -> str | None:
        """The label of a person (an alias) linked to a record, numbered with the others."""
        return self.label_for("person", f"person:{key}") if key else None

    @property
    def names_used(self) -> int:
        return len(self._numbers)

    # ---- finding

    def spans(self, text: str) -> list[Span]:
        """Everything to remove from `text`, not overlapping, in order."""
        people = self._people(text)
        found: list[Span] = [*people]
        found += self._contacts(text)
        found += self._dates_and_numbers(text)
        for span in self._proper_nouns(text):
            # A capitalised run around an alias's name is that person: "Ó Briain's", "Dr Sky".
            person = next((p for p in people if p.start < span.end and span.start < p.end), None)
            if person is not None and span.kind == "name":
                span = Span(span.start, span.end, "person", person.key)
            found.append(span)
        if self._extra_re is not None:
            found += [Span(m.start(), m.end(), "redacted") for m in self._extra_re.finditer(text)]
        return _resolve(found)

    def _people(self, text: str) -> list[Span]:
        if self._people_re is None:
            return []
        spans = []
        for match in self._people_re.finditer(text):
            whole = " ".join(match.group().split()).casefold()
            key = None
            for stem in (whole, re.sub(r"['’]s?$", "", whole), whole[:-1], whole[:-2]):
                key = self._person_of.get(stem)  # as written, less a possessive or plural
                if key is not None:
                    break
            spans.append(Span(match.start(), match.end(), "person", f"person:{key or '?'}"))
        return spans

    def _contacts(self, text: str) -> list[Span]:
        spans = [
            Span(hint.start, hint.end, _HINT_KINDS[hint.kind])
            for hint in find_identifiers(text)
            if hint.kind in _HINT_KINDS
        ]
        for pattern in _POSTCODE_RES:
            spans += [Span(m.start(), m.end(), "postcode") for m in pattern.finditer(text)]
        return spans

    def _dates_and_numbers(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for pattern in _DATE_RES:
            spans += [Span(m.start(), m.end(), "date") for m in pattern.finditer(text)]
        skip = [m.span() for m in _TIME_RE.finditer(text)] + [
            m.span() for m in _MONEY_RE.finditer(text)
        ]
        for match in _DIGITS_RE.finditer(text):
            digits = sum(c.isdigit() for c in match.group())
            inside = any(a <= match.start() and match.end() <= b for a, b in skip)
            if digits >= 3 and not inside:
                spans.append(Span(match.start(), match.end(), "number"))
        spans += [Span(m.start(), m.end(), "number") for m in _ALNUM_RE.finditer(text)]
        spans += [Span(m.start(), m.end(), "number") for m in _CODE_RE.finditer(text)]
        spans += [Span(m.start(), m.end(), "number") for m in _NI_RE.finditer(text)]
        for match in _NUMBER_CUE_RE.finditer(text):
            group = 1 if match.group(1) else 2
            spans.append(Span(match.start(group), match.end(group), "number"))
        return spans

    def _proper_nouns(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for line in re.finditer(r"[^\n]+", text):
            spans += self._proper_nouns_in_line(line.group(), line.start())
        return spans

    def _proper_nouns_in_line(self, line: str, offset: int) -> list[Span]:
        words = list(_WORD_RE.finditer(line))
        if not words:
            return []
        title_line = _is_title_line(line, words)
        spans: list[Span] = []
        if title_line:
            # A title capitalises every word: judge them one by one, not as one run.
            for match in words:
                if _capitalised(match.group()) and _fold(match.group()) not in self.keep:
                    spans += self._judge_run(line, offset, [match], True)
            return spans
        i = 0
        while i < len(words):
            word = words[i].group()
            if not _capitalised(word) or _fold(word) in self.keep:
                i += 1
                continue
            # A run: capitalised words joined by one space, over particles.
            j = i + 1
            while j < len(words):
                gap = line[words[j - 1].end() : words[j].start()]
                nxt = words[j].group()
                if gap not in (" ", " & "):
                    break
                if words[j - 1].group().endswith(("'s", "’s")) and (
                    _fold(nxt) not in _ORGANISATION_WORDS | _STREET_WORDS
                ):
                    break  # "Sky's Mum" is two things; "St Peter's Church" is one
                if _capitalised(nxt) and _fold(nxt) not in self.keep:
                    j += 1
                    continue
                if (
                    nxt.casefold() in _PARTICLES
                    and j + 1 < len(words)
                    and _capitalised(words[j + 1].group())
                    and line[words[j].end() : words[j + 1].start()] == " "
                ):
                    j += 2
                    continue
                break
            run = words[i:j]
            spans += self._judge_run(line, offset, run, title_line)
            i = j
        return spans

    def _judge_run(
        self, line: str, offset: int, run: list[re.Match[str]], title_line: bool
    ) -> list[Span]:
        """Which words of a capitalised run to remove, and as what."""
        folded = [_fold(m.group()) for m in run]
        start_of_sentence = title_line or _sentence_start(line, run[0].start())
        cue = _word_before(line, run[0].start())
        after_cue = cue in _PLACE_CUES
        has_org = any(w in _ORGANISATION_WORDS for w in folded[1:]) or (
            len(folded) > 1 and folded[0] in _SAINT_WORDS
        )
        has_street = len(folded) > 1 and folded[-1] in _STREET_WORDS
        titled = folded[0].rstrip(".") in _NAME_TITLES and len(run) > 1
        if len(run) == 1:
            word = run[0].group()
            plain = folded[0]
            if _time_word(plain) or word == "I" or (len(word) == 1 and word.isupper()):
                return []
            if after_cue and not start_of_sentence:
                if is_common_word(plain) and plain in _STREET_WORDS | _ORGANISATION_WORDS:
                    return []  # "in Group", "at House": an ordinary word, capitalised
                kind = "organisation" if word.isupper() else "place"
                return [self._span(offset, run, kind)]
            if is_known_term(plain):
                return []
            if start_of_sentence and _ordinary(plain, self.ordinary):
                return []
            if word.isupper() and len(word) > 1:
                return [self._span(offset, run, "organisation")]
            return [self._span(offset, run, "name")]
        # Several words.
        if has_org:
            return [self._span(offset, run, "organisation")]
        if has_street or (after_cue and not all(_time_word(w) for w in folded)):
            return [self._span(offset, run, "place")]
        if titled:
            return [self._span(offset, run, "name")]
        if all(_time_word(w) or is_known_term(w) for w in folded):
            return []
        if start_of_sentence and (_ordinary(folded[0], self.ordinary) or _time_word(folded[0])):
            # "Then Amara said": the first word is the sentence's own; judge the rest alone.
            return self._judge_run(line, offset, run[1:], title_line)
        return [self._span(offset, run, "name")]

    def _span(self, offset: int, run: list[re.Match[str]], kind: str) -> Span:
        start, end = run[0].start() + offset, run[-1].end() + offset
        words = [_fold(m.group()) for m in run if m.group().casefold() not in _PARTICLES]
        key = " ".join(words)
        if kind == "name":
            if len(words) > 1:
                for word in words:
                    self._run_keys.setdefault(word, key)
            else:
                key = self._run_keys.get(key, key)
            key = f"name:{key}"
        return Span(start, end, kind, key)

    # ---- redacting

    def redact(self, text: str) -> Redacted:
        """`text` with every span replaced by its label."""
        pieces: list[str] = []
        removals: list[Removal] = []
        position = 0
        for span in self.spans(text):
            label = self.label_for(span.kind, span.key)
            pieces += [text[position : span.start], label]
            kind = "name" if span.kind == "person" else span.kind
            removals.append(Removal(span.start, span.end, kind, label, text[span.start : span.end]))
            position = span.end
        pieces.append(text[position:])
        return Redacted("".join(pieces), tuple(removals))

    def text(self, text: str) -> str:
        return self.redact(text).text

    def candidates(self, redacted: str) -> list[Candidate]:
        """What is left in already redacted text that a person should look at: capitalised
        words that are not ordinary words, numbers, quoted phrases; each with its context."""
        masked = _LABEL_RE.sub(lambda m: " " * len(m.group()), redacted)
        found: dict[tuple[str, str], Candidate] = {}

        def add(kind: str, word: str, start: int, end: int) -> None:
            key = (kind, word.casefold())
            if key in found:
                old = found[key]
                found[key] = Candidate(old.word, kind, old.context, old.count + 1)
                return
            found[key] = Candidate(word, kind, _context(redacted, start, end), 1)

        for match in _WORD_RE.finditer(masked):
            word = match.group()
            plain = _fold(word)
            if not _capitalised(word) or len(word) == 1 or plain in self.keep:
                continue
            if _ordinary(plain, self.ordinary) and not word.isupper():
                continue
            add("capitalised", _POSSESSIVE_RE.sub("", word), match.start(), match.end())
        for match in re.finditer(r"\d[\d,.:/-]*", masked):
            add("number", match.group().rstrip(".,:"), match.start(), match.end())
        for match in _QUOTE_RE.finditer(masked):
            add("quote", match.group(1).strip(), match.start(), match.end())
        return list(found.values())


# Ordinary words that often open a sentence in supervision notes and are missing from the
# nudges' vocabulary (which leaves out words that are also names: Grace, Hope, Joy stay out).
_MORE_ORDINARY = _words(
    """
    worth credit urgent urgently analysis description evaluation conclusion feelings action
    plan plans summary overall update progress concern concerns risk risks safety safeguarding
    supervision supervisor reflection reflections debrief boundaries boundary confidentiality
    disclosure consent referral referrals outcome outcomes goal goals strengths strength
    response support offered notes note follow-up followup next steps agreed agreement
    afterwards beforehand meanwhile honestly hopefully thankfully luckily sadly unfortunately
    apparently eventually initially overall personally recently lately tonight tomorrow
    yesterday today somehow otherwise instead still perhaps maybe possibly probably definitely
    certainly clearly obviously quietly slowly gently briefly partly mostly mainly
    sometimes often usually rarely never always later earlier first second third finally
    lastly also anyway though although whereas while whilst since because unless until
    wellbeing self-care burnout fatigue exhaustion relapse recovery sobriety cravings craving
    withdrawal detox rehab housing eviction arrears debt benefits court hearing probation
    custody parole tenancy landlord neighbour neighbours family partner children kids
    grief loss bereavement trauma anxiety depression panic shame guilt anger fear hopeful
    hopeless worried tired exhausted relieved grateful proud frustrated stuck overwhelmed
    checked checking listened listening noticed noticing named naming reflected reflecting
    validated validating explored exploring offered offering signposted signposting
    practised practising paused pausing agreed agreeing modelled modelling
    group groups session sessions meeting meetings drop-in outreach phone text call calls
    """
)

# Endings of abstract nouns, which are not names: "Movement helped", "Kindness matters".
# ("-ance", "-ence" and "-ity" are left out: Constance, Florence, Felicity.)
_ABSTRACT_ENDINGS = ("ment", "ness", "tion", "sion", "ism", "ship", "hood")


def _ordinary(folded: str, more: frozenset[str] = frozenset()) -> bool:
    """An ordinary word, as a capitalised word at the start of a sentence usually is."""
    return (
        is_common_word(folded)
        or folded in _MORE_ORDINARY
        or folded in more
        or (len(folded) > 6 and folded.endswith(_ABSTRACT_ENDINGS))
    )


def _time_word(folded: str) -> bool:
    """Days, months and holidays, also in the plural ("on Thursdays")."""
    return folded in _TIME_WORDS or (folded.endswith("s") and folded[:-1] in _TIME_WORDS)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_title_line(line: str, words: list[re.Match[str]]) -> bool:
    """A Markdown heading, or a Title Case line ("After A Hard Week With The Team")."""
    if re.match(r"\s{0,3}#{1,6}\s", line):
        return True
    content = [m.group() for m in words if m.group().casefold() not in _SMALL_WORDS]
    if len(content) < 2 or line.rstrip().endswith((".", "!", "?")):
        return False
    return all(_capitalised(word) for word in content)


def _sentence_start(line: str, position: int) -> bool:
    i = position - 1
    while i >= 0 and line[i] in _SKIP_BACK:
        i -= 1
    return i < 0 or line[i] in _SENTENCE_ENDS or (line[i].isdigit() and line[i + 1 : i + 2] == ".")


def _word_before(line: str, position: int) -> str:
    match = re.search(r"([^\W\d_]+)\s+$", line[:position])
    return match.group(1).casefold() if match else ""


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    line = ("…" if start > CONTEXT_CHARS else "") + left + text[start:end] + right
    if end + CONTEXT_CHARS < len(text):
        line += "…"
    return " ".join(line.split())


def _resolve(spans: list[Span]) -> list[Span]:
    """Longest first (on a tie the more specific kind), keeping only what does not overlap."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), -_PRIORITY[s.kind], s.start)):
        if span.end <= span.start:
            continue
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
