"""Identifier nudges: likely identifiers in what a supporter types, found so the UI can warn.

`find_identifiers` spots emails, phone numbers, street addresses, exact birth dates, ID numbers
and people's names, so the UI can gently nudge the supporter towards aliases and the minimum
necessary. It only ever warns; it never blocks or rewrites anything. The digest's
de-identification (`core.deidentify`) builds on it and on the word lists here.

The name heuristics deliberately favour precision over recall: a supporter who sees a warning on
every sentence learns to ignore all of them, which is worse than missing the odd name.

Removing control characters from text is `core.sanitize`. Standard library only, no I/O;
nothing here imports textual or rich. The patterns compile on their first use
(`core.patterns`), so importing this module costs little.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from peerjournal.core.patterns import LazyPattern
from peerjournal.core.sanitize import sanitize_line

__all__ = [
    "HINT_KINDS",
    "IdentifierHint",
    "find_identifiers",
    "is_common_word",
    "is_known_term",
    "pseudonym_hints",
]

HINT_KINDS: tuple[str, ...] = ("email", "phone", "address", "birth_date", "id_number", "name")

# One plain, kind sentence per kind. They are constants on purpose: the message must never
# echo the matched text, which could otherwise end up in logs or screenshots.
_MESSAGES: dict[str, str] = {
    "email": "This looks like an email address. Consider leaving it out.",
    "phone": "This looks like a phone number. Consider leaving it out.",
    "address": (
        "This looks like a street address. A general area is usually enough, "
        "or consider leaving it out."
    ),
    "birth_date": (
        "This looks like an exact date of birth. An age or age range is usually enough."
    ),
    "id_number": (
        "This looks like an ID or reference number. Consider leaving it out "
        "unless it is truly needed."
    ),
    "name": "This looks like a name. If it is a real person, consider using an alias instead.",
}

# When two hits overlap, the longer one wins; on equal length the more specific kind does.
_SPECIFICITY: dict[str, int] = {
    "email": 6,
    "birth_date": 5,
    "id_number": 4,
    "address": 3,
    "phone": 2,
    "name": 1,
}


@dataclass(frozen=True)
class IdentifierHint:
    """One likely identifier in a piece of text: a warning for the UI, never a block."""

    kind: str  # one of HINT_KINDS
    start: int  # offset in the text
    end: int
    text: str  # text[start:end]
    message: str  # a kind sentence for the UI; never includes `text`


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str


# --- shared building blocks -----------------------------------------------------------------

_MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))

# Full dates only: day, month and year. Separators must match (\2) so "12/03-1987" is not one.
_NUMERIC_DATE_RE = LazyPattern(
    r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.-]\d)"
)
# "12 03 1987" is only treated as a date with a four-digit year; it is masked so the phone and
# ID detectors do not read it as an eight-digit number.
_SPACED_DATE_RE = LazyPattern(r"(?<![\w/.-])(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})(?![\w/]|[.-]\d)")
_ISO_DATE_RE = LazyPattern(r"(?<![\w/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\w/]|[.-]\d)")
_DAY_MONTH_YEAR_RE = LazyPattern(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MONTH_ALT})\.?,?\s+(\d{{4}})\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR_RE = LazyPattern(
    rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
# "14:00", and "10.30-12.00" (dotted times are common in UK notes).
_TIME_RE = LazyPattern(
    r"(?<![\w:.])(?:[01]?\d|2[0-3])[:.][0-5]\d(?::[0-5]\d)?(?:\s?[ap]\.?m\.?)?(?![\w:]|\.\d)",
    re.IGNORECASE,
)
# Money is masked so "£1 200 000" or "$12.000.000" is never read as a phone or ID number.
_MONEY_RE = LazyPattern(r"[$£€¥₹]\s?\d+(?:[ ,.]\d{3}(?!\d))*(?:\.\d{1,2})?")
_URL_RE = LazyPattern(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL_RE = LazyPattern(
    r"(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}\b"
)


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    year: int | None  # four-digit year when known; None for two-digit years


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _find_dates(text: str) -> list[_Date]:
    """Every full date in `text`, whatever it is used for (birth or session)."""
    found: list[_Date] = []
    for m in _NUMERIC_DATE_RE.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        # Day-first and month-first are both common; either reading makes it a date.
        if _valid_day_month(a, b) or _valid_day_month(b, a):
            found.append(_Date(m.start(), m.end(), int(y) if len(y) == 4 else None))
    for m in _SPACED_DATE_RE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if _valid_day_month(a, b) or _valid_day_month(b, a):
            found.append(_Date(m.start(), m.end(), int(m.group(3))))
    for m in _ISO_DATE_RE.finditer(text):
        if _valid_day_month(int(m.group(4)), int(m.group(3))):
            found.append(_Date(m.start(), m.end(), int(m.group(1))))
    for m in _DAY_MONTH_YEAR_RE.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            found.append(_Date(m.start(), m.end(), int(m.group(3))))
    for m in _MONTH_DAY_YEAR_RE.finditer(text):
        if 1 <= int(m.group(2)) <= 31:
            found.append(_Date(m.start(), m.end(), int(m.group(3))))
    found.sort(key=lambda d: (d.start, -d.end))
    return found


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out `spans` (keeping offsets) so later number detectors cannot see them.

    NUL is used because it is neither a digit, a word character nor a separator.
    """
    ordered = sorted(spans)
    if not ordered:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in ordered:
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append("\x00" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# --- emails ---------------------------------------------------------------------------------


def _find_emails(text: str) -> list[_Hit]:
    return [_Hit(m.start(), m.end(), "email") for m in _EMAIL_RE.finditer(text)]


# --- birth dates ----------------------------------------------------------------------------

_BIRTH_CUE_RE = LazyPattern(
    r"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|b'?day)(?!\w)",
    re.IGNORECASE,
)
# The cue must be in the same clause as the date: "born in Leeds. Met on 2026-11-20" is a
# session date, not a birth date.
_CLAUSE_BREAK_RE = LazyPattern(r"[!?;\n]|\.(?:\s|$)")
_BIRTH_WINDOW = 40
# "12/03/1987 (DOB)": the cue may also follow the date, separated only by punctuation.
_TRAILING_CUE_GAP_RE = LazyPattern(r"[\s(),:\-]{0,4}")


def _find_birth_dates(text: str, dates: list[_Date], current_year: int) -> list[_Hit]:
    hits: list[_Hit] = []
    cues = list(_BIRTH_CUE_RE.finditer(text))
    if not cues:
        return hits
    cue_ends = [c.end() for c in cues]  # sorted, because matches never overlap
    for d in dates:
        if d.year is not None and d.year > current_year:
            continue  # nobody is born in the future; likely an appointment
        if _cue_before(text, d, cues, cue_ends, current_year) or _cue_after(
            text, d, cues, cue_ends, current_year
        ):
            hits.append(_Hit(d.start, d.end, "birth_date"))
    return hits


def _cue_before(
    text: str, d: _Date, cues: list[re.Match[str]], cue_ends: list[int], current_year: int
) -> bool:
    """A cue shortly before the date, in the same clause: "DOB 12/03/1987", "born 3 May 1990"."""
    first = bisect_left(cue_ends, d.start - _BIRTH_WINDOW)
    last = bisect_right(cue_ends, d.start)
    for cue in cues[first:last]:
        if _CLAUSE_BREAK_RE.search(text[cue.end() : d.start]):
            continue
        # "birthday party on 2026-12-05" is a celebration this year, not a date of birth.
        is_birthday = cue.group().lower().startswith(("birthday", "bday", "b'day"))
        if is_birthday and (d.year is None or d.year >= current_year):
            continue
        return True
    return False


def _cue_after(
    text: str, d: _Date, cues: list[re.Match[str]], cue_ends: list[int], current_year: int
) -> bool:
    """A cue right after an old enough date, joined only by punctuation: "12/03/1987 (DOB)"."""
    if d.year is None or d.year >= current_year - 10:
        return False
    first = bisect_right(cue_ends, d.end)
    for cue in cues[first : first + 1]:
        if cue.start() <= d.end + 4 and _TRAILING_CUE_GAP_RE.fullmatch(text[d.end : cue.start()]):
            return True
    return False


# --- ID numbers -----------------------------------------------------------------------------

# UK National Insurance number: two prefix letters (D, F, I, Q, U, V never used; O not second),
# six digits, suffix A-D. Upper case only, so ordinary words never match.
_NI_RE = LazyPattern(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
# US Social Security number: 3-2-4 digits.
_SSN_RE = LazyPattern(r"(?<![\w.-])\d{3}([- ])\d{2}\1\d{4}(?![\w]|[.-]\d)")

_ID_LABEL = (
    r"(?:"
    r"i\.?d\.?(?:\s+(?:number|no\.?|num|#))?"
    r"|(?:case|client|patient|customer|account|tenancy|claim|crime|reference|ref|member(?:ship)?)"
    r"\s+(?:number|no\.?|num|#|id|ref(?:erence)?)"
    r"|ni\s+(?:number|no\.?)"
    r"|national\s+insurance(?:\s+(?:number|no\.?))?"
    r"|ssn|social\s+security(?:\s+(?:number|no\.?))?"
    r"|mrn|medical\s+record(?:\s+(?:number|no\.?))?|hospital\s+(?:number|no\.?)"
    r"|nhs\s+(?:number|no\.?)|chi\s+(?:number|no\.?)"
    r"|passport(?:\s+(?:number|no\.?))?"
    r"|driv(?:er'?s|ing)\s+licen[cs]e(?:\s+(?:number|no\.?))?"
    r"|licen[cs]e\s+(?:number|no\.?)"
    r")"
)
# The value after a label: one or more tokens that each contain a digit, joined by a single
# space, slash or dash ("2023/4471", "A1234567", "943 476 5919").
_LABELLED_ID_RE = LazyPattern(
    rf"(?<!\w){_ID_LABEL}(?!\w)\s*(?:[:#=]|is|was)?\s*"
    r"(?P<value>[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[ /-][A-Za-z0-9]*\d[A-Za-z0-9]*)*)",
    re.IGNORECASE,
)


def _find_labelled_ids(text: str, dates: list[_Date]) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _LABELLED_ID_RE.finditer(text):
        value = m.group("value")
        start, end = m.span("value")
        if sum(c.isdigit() for c in value) < 3:
            continue  # "ID 2" is more likely a list item than an identifier
        if any(d.start <= start and end <= d.end for d in dates) or _TIME_RE.fullmatch(value):
            continue  # "passport 12/03/2027" is an expiry date, not a number to hide
        hits.append(_Hit(start, end, "id_number"))
    return hits


def _find_pattern_ids(text: str) -> list[_Hit]:
    hits = [_Hit(m.start(), m.end(), "id_number") for m in _NI_RE.finditer(text)]
    hits.extend(_Hit(m.start(), m.end(), "id_number") for m in _SSN_RE.finditer(text))
    return hits


# --- phone numbers and long digit runs ------------------------------------------------------

# A run of digit groups joined by single spaces, dots or dashes, optionally with a "+44"
# country code and a "(555)" or "(0)" area part. The look-behind keeps it from starting inside
# another number, a word, money or a ratio; the look-ahead keeps it from ending mid-number.
_DIGIT_RUN_RE = LazyPattern(
    r"(?<![\w+$£€¥₹.,/:#%-])"
    r"(?:\+\d{1,3}[ .-]?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"\d+(?:[ .-]\d+)*"
    r"(?!\w|[.,-]\d|%)"
)
_PHONE_CONTEXT_RE = LazyPattern(
    r"\b(?:phone|mobile|mob|cell|tel|telephone|call|called|ring|rang|text|texted|"
    r"whatsapp|landline|contact|number|no)\b[^\n]{0,20}$",
    re.IGNORECASE,
)
_ID_CONTEXT_RE = LazyPattern(
    r"\b(?:id|nhs|ssn|mrn|ni|chi|passport|licen[cs]e|account|ref|reference|"
    r"case\s+(?:number|no|ref))\b[^\n]{0,15}$",
    re.IGNORECASE,
)
# North American numbering plan: an optional leading 1, then 3-3-4 digits, "(555) 123-4567".
_NANP_RE = LazyPattern(r"(?:1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}")


def _nhs_checksum_ok(digits: str) -> bool:
    """Modulus 11 check used by NHS numbers; it tells 943 476 5919 apart from a US phone."""
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _classify_digit_run(run: str, before: str) -> str | None:
    """Decide whether a digit run is a phone number, an ID number or nothing at all."""
    digits = "".join(c for c in run if c.isdigit())
    n = len(digits)
    if n < 8:
        return None
    groups = re.findall(r"\d+", run)
    # Lists of years ("2019 2020 2021") and of small counts are not identifiers.
    if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups) and len(groups) > 1:
        return None
    if sum(len(g) == 1 for g in groups) > 2 or len(groups) > 6:
        return None
    if len(groups) == 2 and "." in run and " " not in run and "-" not in run:
        return None  # a decimal like 3.14159265
    id_context = bool(_ID_CONTEXT_RE.search(before))
    phone_context = bool(_PHONE_CONTEXT_RE.search(before))
    if 9 <= n <= 15 and not id_context:
        if run.startswith(("+", "(")) or digits.startswith("0"):
            return "phone"
        spaced_nhs = re.fullmatch(r"\d{3} \d{3} \d{4}|\d{10}", run) is not None
        if spaced_nhs and _nhs_checksum_ok(digits) and not phone_context:
            return "id_number"
        if _NANP_RE.fullmatch(run) or phone_context:
            return "phone"
    return "id_number"


def _find_digit_runs(masked: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _DIGIT_RUN_RE.finditer(masked):
        start, end = m.span()
        run = m.group()
        # "Room 4 07700 900123": a short count glued on by a space is not part of the number.
        lead = re.match(r"\d{1,2} (?=[0(+])", run)
        if lead and not run.startswith(("+", "(")):
            start += lead.end()
            run = run[lead.end() :]
        kind = _classify_digit_run(run, masked[max(0, start - 40) : start])
        if kind is not None:
            hits.append(_Hit(start, end, kind))
    return hits


# --- street addresses -----------------------------------------------------------------------

_STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
    r"close|crescent|cres|terrace|terr|grove|gardens|gdns|square|sq|mews|row|walk|parade|"
    r"highway|hwy"
)
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_ADDRESS_RE = LazyPattern(
    r"(?:\b(?i:flat|apt|apartment|unit|suite)\.?\s*\d+[A-Za-z]?,?\s+)?"
    r"(?<![\w.,/:$£€-])\d{1,5}[A-Za-z]?(?:-\d{1,5})?,?\s+"
    rf"(?:{_CAP_WORD}\s+){{1,4}}?"
    rf"(?i:{_STREET_WORDS})\b"
    # ", Hull HU1 3XY": a town and postcode right after the street belong to the address.
    r"(?:,\s*[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'’-]*)?)?"
    r"(?:,?\s+(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b)?",
)
# UK postcodes: the inward code never uses C, I, K, M, O or V, which keeps "4PM" out.
_POSTCODE_RE = LazyPattern(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b")


def _find_addresses(text: str) -> list[_Hit]:
    hits = [_Hit(m.start(), m.end(), "address") for m in _ADDRESS_RE.finditer(text)]
    hits.extend(_Hit(m.start(), m.end(), "address") for m in _POSTCODE_RE.finditer(text))
    return hits


# --- names ----------------------------------------------------------------------------------


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Common English words. A capitalised word that is one of these (or an inflection of one) is
# almost always a sentence start, a heading or emphasis, not a person. Words that are also
# common given names or surnames (will, hope, grace, rose, mark, bill, frank, walker, ...) are
# left out on purpose so that "talked to Grace" is still noticed.
_COMMON_WORDS = _words(
    """
    a about above absolutely across act actually add addiction address admit advice afraid after
    afternoon again against age ago agree ahead aid all allow almost alone along already alright
    also although always am amazing among an and anger angry another answer anxiety anxious any
    anybody anyhow anymore anyone anything anyway anywhere apart apartment apparently
    appointment appreciate are area argue argument around arrive as ask asleep at attempt attend
    away awful awkward baby back bad badly bag balance bank bar based basically bath bathroom be
    beautiful because become bed bedroom been beer before begin behind being believe bell below
    benefit benefits best better between big bike birth birthday bit bitter black blame blood
    blue body book booked boring born both bottle bottom boundary boundaries box boy boyfriend
    brain brave bread break breakfast breath breathe breathing brief bright bring broke broken
    brother brought brown budget building bus busy but buy by bye cafe call calm came can cannot
    car card care careful carer case cat caught cause cell centre center certain chair chance
    change changed charge chat cheap check cheers chemist child childhood children choice choose
    church city class clean clear clearly client clinic close closed clothes club coffee cold
    college colleague come comfortable coming community complete completely concern concerned
    confidence confident confused consent contact continue control conversation cook cope coping
    cost could council counselling counsellor counselor country couple course court cousin cover
    covid craving cravings crazy crisis cry crying cup current currently cut dad daddy daily
    damage dark date daughter day days dead deal dear death debt decide decided decision deep
    definitely depressed depression detox did die died diet different difficult dinner direct
    disability discuss discussed distress do doctor does dog doing done door doubt down drink
    drinking drive driving drop drove drug drugs drunk due during dying each early easier easy
    eat eating effort either else email emergency emotional emotions employer empty end energy
    enjoy enough entire especially even evening event ever every everybody everyday everyone
    everything everywhere ex exactly example except excited exercise exhausted expect experience
    explain explained eye eyes face fact fair fairly fall family far fast father fear feel
    feeling feelings fell felt few fight file fill final finally financial find fine finish
    finished fire first five flat floor focus follow followup food for forget forgot forgive
    form forward found four free friday friend friends from front full fully fun funeral funny
    future game gave general generally gentle get getting gift girl girlfriend give given glad
    go goal goals god goes going gone good goodbye got gotten gp grandad grandma grandmother
    grandfather grandpa granny grateful gratitude great green grief ground grounding group grow
    guess guilt guilty gym habit had hair half hand handle hang happen happened happy hard harm
    has hate have having he head health healthy hear heard heart heavy held hello help helped
    helpful helping her here herself hey hi high higher him himself his history hit hold holiday
    home homeless honest honestly horrible hospital hostel hot hour hours house housing how
    however huge hug human hungry hurt husband i idea if ill illness important in including
    income incredibly indeed info information injury inside instead interest into is isolated
    isolation issue issues it its itself job join journal journey just keen keep kept key kid
    kids kind kitchen knew know knowing known lack lady language large last late lately later
    laugh learn least leave left legal less let letter level lie life light like likely line
    list listen listened listening little live lived lives living local lock lonely long look
    looked looking lose loss lost lot lots loud love lovely low lucky lunch mad made main make
    making man many maybe me meal mean meaning meant med medical medication medicine meds meet
    meeting member mental message met middle might mind mine minute minutes miss missed mixed
    mobile moment money month months mood more morning most mostly mother move moved much mum
    mummy mam mom mommy music must my myself name nan nana nanny near nearly need needed
    neighbour neighbor neither nervous never new news next nice night nine no nobody none nor
    normal not note notes nothing notice now number nurse ok okay of off offer offered office
    often oh old on once one ones online only onto open or order other others otherwise our ours
    ourselves out outside over overall overdose own pain panic paper parent parents park part
    partner party pass past patient pay people per perhaps person personal phone pick picture
    place plan planned planning play please pleased point police poor positive possible possibly
    post pray prayer prefer pretty price prison private probably problem problems progress
    promise proud pub push put quick quickly quiet quite rain ran rather reach read ready real
    really reason recent recently recovery red referral referred refused rehab relapse relapsed
    relationship relief remember rent respect rest result return right risk road room rough
    round rule rules run safe safely safety said same saturday save saw say saying says scared
    school second see seeing seem seemed seems seen self send sense sent serious service
    services session sessions set seven several shame share shared she shelter shift shop short
    should shower sick side sign simple since single sister sit six sleep slept slightly slow
    small smoke so sober sobriety social some somebody somehow someone something sometimes
    somewhere son soon sorry sort sound space speak special spent spoke sponsor staff stage
    start started state stay stayed step steps still stop stopped story straight strange street
    stress stressed strong struggle struggling stuck student stuff success such suddenly suggest
    suicidal suicide sunday support supported supporter supportive suppose sure surgery take
    taken taking talk talked talking tea team tell ten tense text than thank thanks that the
    their them themselves then therapist therapy there these they thing things think thinking
    third this those though thought three through thursday time times tired to today together
    told tomorrow tonight too took top total touch tough town trauma treatment tried trigger
    triggered trouble true trust try trying tuesday turn two type uncle under understand
    understanding unit university unless until up upon upset us use used useful usual usually
    very visit voice volunteer wait waiting wake walk want wanted war ward warm was watch water
    way we wednesday week weekend weeks weird welcome well went were what whatever when where
    whether which while white who whole whom whose why wife win with within without woke woman
    women wonder wonderful word words work worker working world worried worry worse worst would
    write writing wrong yeah year years yes yesterday yet you young your yours yourself
    yourselves able across afterwards agreed alcohol alcoholic almost annoyed apologised
    apologized arranged arrived asked aunt auntie aunty awake awesome basic bedtime began begun
    bills blessed bored bothered bought brilliant brought calls calmer carefully caring catch
    certainly chosen city cleaner closer comfort confirm cried daily deadline deserve difference
    disappointed done drank drunk eaten emotionally ended ends engaged evening everyday
    excellent family fed fine forgotten fresh frightened frustrated gentle glad grown guidance
    hardly heavy hiding holidays hopeful hopefully hopeless hurting important improved improving
    interesting keeping kindness lesson lonely lovely mate mates meanwhile mentioned nearby
    neither nevertheless newly noticed ongoing opened overwhelmed pleased plenty pressure
    previous previously proper properly quit rang realised realized reflect reflection relapsing
    relaxed reminded responded response rough sad sadly scary scheduled shaky shared shaking
    sleeping slowly smaller solid sooner spoken stable stressful strongly struggled supposed
    sweet tearful tears terrible thankful thankfully tight tiring tonight tricky ugly unable
    unhappy unsafe unsure unwell upcoming uplifting useless valued vulnerable weekly welcome
    wellbeing whilst wish worked worn worried worthless wrote also another any both each either
    every few many most much neither none other several some such these those whoever whichever
    whenever wherever zero eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
    nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    fourth fifth sixth seventh eighth ninth tenth once twice absent abuse abused abusive
    acceptance access accommodation action addict addicted admin advocate advocacy agency alive
    allowance ambulance anniversary appeal application arrest arrested assessment attention bail
    bed benefit bereavement boss breakdown bullying carer ceremony charity chip chips claim
    coach colleagues community conference counsellor crash custody deposit diagnosis discharge
    discharged disclosure domestic dose eviction evicted fellowship fine fostering funding grant
    harmful homelessness hotline helpline housing hearing inpatient inquest interview jail
    jobcentre judge keyworker landlord landlady lawyer leaflet licence license literature
    manager medic medics mentor methadone midwife milestone minister newcomer nurses officer
    outpatient outreach paramedic paramedics payment peer pharmacy pharmacist placement
    probation programme program psychiatrist psychologist reception receptionist referral refuge
    rehabilitation relapse reminder rent request residential review safeguarding sanction scheme
    script sentence settlement shelter shop solicitor sponsee staff supervision supervisor
    tenancy therapist treatment tribunal trustee unemployed visit visiting warden withdrawal
    withdrawals worker workshop accident account actual adult adults afford alarm animal answer
    anybody apply approach april art attack attitude average avoid award bedsit blanket bloods
    boat bones bored bottle brave bridge brief british broken bus cake camera cancel cancelled
    canceled cancer capital career careful cash catch cause chain challenge chapter cheque chest
    chicken choir cigarette cigarettes circle clock coat code coffee coin cold comment
    compassion condition consider cooking corner correct cough count counter country courage
    crowd culture curfew customer danger dance decent degree dentist desk detail device dignity
    dinner dirty disaster doctor doctors dream dress dry dust duty earth east edge education egg
    election else emergency engine environment equal escape evidence exam exit expensive extra
    factor fail fallen false fare farm fault favour favourite feet field figure film fine finger
    fish fit flight flower fly foot football forest fortune fresh fruit fuel fund garden gas
    gate gentle ghost glass gold grid guard guest gun habits hall hat healing heat hell hero
    hidden hill hole honesty horse host hotel hunger ice ideal image inventory iron island joke
    journey judgement jump justice knee knife lake land laundry law lead leader leg lesson lift
    limit lip liquor load loan lounge luck lyrics machine mail map market mask match meat memory
    metal milk mirror mission mistake model modern moon motivation motorway mountain mouth movie
    nail nature neck needle nerve net noise north nose novel object ocean offence oil orange
    outcome owner pack package page paint pair paperwork parcel past path peace pen pencil pet
    phase piece pill pills pilot pipe pitch plant plate platform pocket poem poetry pool
    population post pot pound powder practical pray present president press pride prince print
    prize process product profile property protect psalm psalms pub public purpose queen
    question queue race radio rate ready reality recipe record relative release religion report
    rescue research resource rest rice ride ring rock role roof rope route row rubbish sale salt
    sand scale scene science score screen script sea season seat secret section security seed
    self-care series sex shape sheet ship shirt shock shoe shoes shoulder shout sight signal
    silence silver sing site size skill skin snow soap soft soil song soul sound soup source
    south spring square staff stairs standard star station steel stick stomach storm stranger
    stream strength subject sugar suit sun supply surface survey sweet swim symptom system table
    tablet tablets talent tank tape target task taste tax teacher tear technology teeth
    temperature term test theory thread throat ticket tie tiny title toilet tone tool tooth
    topic tour track trade traffic train training translate transport trap travel tree trial
    trip truck truth tube uni union upstairs valley value van verse victim video view village
    violence vision vote wage wall wallet warning wash waste weapon weather wedding weight west
    wheel wild wind window wine winter wire wisdom wood yard yoga youth
    """
)

# Capitalised words that are common in peer-support notes and are not people: fellowships,
# services, faith, holidays, days and months, medications, apps and shops, nationalities.
_ALLOWED_WORDS = _words(
    """
    aa na ca ga smart recovery al-anon alateen nar-anon coda celebrate anonymous alcoholics
    narcotics cocaine gamblers twelve traditions big book serenity higher power fellowship
    god jesus christ allah lord bible quran koran torah buddha prayer amen church mosque
    temple synagogue gurdwara chapel christian catholic muslim jewish hindu sikh buddhist
    islam islamic protestant orthodox
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
    sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec
    christmas xmas easter ramadan eid diwali hanukkah chanukah passover thanksgiving halloween
    lent advent pride valentine valentines boxing bonfire new year years eve
    er a&e gp nhs cbt dbt emdr wrap act iapt cmht cpn crht dwp pip esa uc jsa hmrc dvla cab
    medicaid medicare snap va veterans samaritans shelter mind crisis refuge childline police
    probation universal credit jobcentre jobseeker jobseekers talking therapies mungo mungos
    narcan naloxone suboxone subutex buprenorphine methadone naltrexone acamprosate antabuse
    disulfiram vivitrol sublocade buvidal espranor librium chlordiazepoxide diazepam valium
    xanax fentanyl heroin spice ketamine codeine tramadol oxycodone oxycontin pregabalin
    gabapentin lyrica sertraline zoloft citalopram fluoxetine prozac mirtazapine quetiapine
    seroquel olanzapine lithium adderall ritalin mdma ecstasy nicotine
    zoom teams whatsapp google facebook instagram tiktok snapchat twitter youtube signal
    telegram messenger discord reddit netflix amazon uber iphone android apple samsung
    microsoft skype facetime gmail outlook internet wifi wi-fi bluetooth
    tesco asda sainsbury sainsburys lidl aldi morrisons greggs costa starbucks mcdonald
    mcdonalds kfc boots primark argos walmart walgreens cvs subway co-op
    english british scottish welsh irish american canadian australian european african
    caribbean asian latino latina latinx hispanic polish romanian spanish portuguese italian
    french german arabic urdu punjabi bengali somali kurdish turkish russian ukrainian chinese
    indian pakistani bangladeshi nigerian jamaican ghanaian eritrean afghan syrian iranian
    england scotland wales ireland britain uk europe america africa asia canada australia
    alzheimer alzheimers parkinson parkinsons asperger aspergers crohn crohns tourette
    tourettes huntington huntingtons covid coronavirus lockdown
    poland romania lithuania latvia ukraine russia syria iraq iran afghanistan pakistan india
    bangladesh nigeria ghana somalia eritrea ethiopia sudan jamaica mexico brazil spain
    portugal italy france germany turkey china philippines vietnam
    lamotrigine valproate depakote venlafaxine duloxetine propranolol zopiclone amitriptyline
    aripiprazole abilify risperidone clozapine lorazepam ativan klonopin clonazepam
    wellbutrin bupropion lexapro escitalopram paroxetine
    spotify headspace deliveroo doritos calm
    ok okay hi hello hey thanks cheers dear ps nb re fwd fyi asap lol tbc tbd
    mr mrs ms miss mx dr prof sir madam st saint
    """
)

# Words that, inside a run of capitalised words, mark it as an organisation or place
# ("Hope House", "Citizens Advice", "Job Centre Plus") rather than a person.
_ORG_WORDS = _words(
    """
    centre center office team service services council hospital clinic bureau trust foundation
    charity association society group house hall church mosque temple chapel cathedral school
    college university academy street road avenue lane park square station court prison hostel
    shelter project partnership network institute department agency authority board committee
    unit ward surgery pharmacy practice library cafe café bank hotel market club gym pub act
    programme program scheme fund ltd inc anonymous helpline hotline army advice housing health
    credit estate airport stadium museum theatre cinema restaurant services
    """
)

# After these a capitalised word is nearly always a place, shop or organisation:
# "lives in Leeds", "met at Costa", "the Samaritans". Possessives ("at Maria's") still count.
_PLACE_PREPOSITIONS = frozenset({"the", "in", "at", "near", "outside", "inside", "around", "via"})

# Verbs that, right after a sentence-initial capitalised word, make it very likely a person:
# "Maria said", "Sam texted".
_PERSON_VERBS = _words(
    """
    said says told tells called calls texted texts rang rings phoned messaged emailed asked
    mentioned shared disclosed admitted explained wants wanted
    """
)

# Titles that always introduce a name, even at the start of a sentence.
_TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor"})

# Letters, optionally joined by apostrophes or hyphens ("O'Brien", "Jean-Luc", "River's").
_WORD_RE = LazyPattern(r"(?<![\w'’-])[^\W\d_]+(?:['’-][^\W\d_]+)*['’]?")
_CONTRACTION_RE = LazyPattern(r"['’](?:m|re|ve|ll|d|t)$|n['’]t$", re.IGNORECASE)
_POSSESSIVE_RE = LazyPattern(r"['’](?:s|S)?$")
_LINE_RE = LazyPattern(r"[^\n]+")
# A sentence starts after these (looking back past spaces, quotes, brackets and bullets).
_SENTENCE_ENDS = frozenset(".!?…:;\n")
_SKIP_BACK = frozenset(" \t\"'“”‘’([{*•·–—->")
_HEADING_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "and", "or", "for", "in", "on", "at", "by", "with", "from"}
)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int  # end of the name part, without any possessive "'s"
    word: str  # the name part
    full_end: int  # end including the possessive
    possessive: bool
    capitalised: bool


def _lemmas(word: str) -> Iterator[str]:
    """The word and a few naive de-inflections, enough to match "Sessions" to "session"."""
    yield word
    n = len(word)
    if n > 3 and word.endswith("ies"):
        yield word[:-3] + "y"
    if n > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
        yield word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith("ss"):
        yield word[:-1]
    if n > 4 and word.endswith("ied"):
        yield word[:-3] + "y"
    if n > 4 and word.endswith("ed"):
        yield word[:-2]
        yield word[:-1]
        if word[-3] == word[-4]:
            yield word[:-3]
    if n > 5 and word.endswith("ing"):
        yield word[:-3]
        yield word[:-3] + "e"
        if word[-4] == word[-5]:
            yield word[:-4]
    if n > 5 and word.endswith("ly"):
        yield word[:-2]
        if word.endswith("ily"):
            yield word[:-3] + "y"
    if n > 5 and word.endswith("ness"):
        yield word[:-4]


def _in_vocabulary(word: str, vocabulary: frozenset[str]) -> bool:
    folded = word.casefold().replace("’", "'")
    if any(lemma in vocabulary for lemma in _lemmas(folded)):
        return True
    if "-" in folded:
        # "Self-Care", "Follow-Up": every part ordinary means the whole is ordinary.
        return all(
            any(lemma in vocabulary for lemma in _lemmas(part))
            for part in folded.split("-")
            if part
        )
    return False


def is_common_word(word: str) -> bool:
    """True when `word` (any case), or a simple inflection of it, is an ordinary English word.

    Words that are also common given names (Grace, Will, Hope, Rose) are not counted, so a
    capitalised one is still taken for a name. Used by the digest's de-identification.
    """
    return _in_vocabulary(word, _COMMON_WORDS)


def is_known_term(word: str) -> bool:
    """True for capitalised words common in peer-support notes that are not people: days,
    months, holidays, fellowships and services, faiths, medications, apps and shops,
    nationalities and countries."""
    return _in_vocabulary(word, _ALLOWED_WORDS)


def _normalise_aliases(known_aliases: Iterable[str]) -> frozenset[str]:
    """Aliases, and each word of a multi-word alias, case-folded and without possessives."""
    folded: set[str] = set()
    for alias in known_aliases:
        cleaned = sanitize_line(alias).casefold().replace("’", "'")
        if not cleaned:
            continue
        folded.add(cleaned)
        for part in cleaned.split():
            folded.add(_POSSESSIVE_RE.sub("", part) if part.endswith(("'s", "'")) else part)
    return frozenset(folded)


def _tokenise(line: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _WORD_RE.finditer(line):
        raw = m.group()
        if _CONTRACTION_RE.search(raw):
            # "I'm", "Don't", "They've" are never names; keep them as breaks in a run.
            tokens.append(_Token(m.start(), m.end(), raw, m.end(), False, False))
            continue
        possessive = False
        word = raw
        if raw.endswith(("'s", "’s", "'S", "’S")):
            word, possessive = raw[:-2], True
        elif raw.endswith(("'", "’")):
            word, possessive = raw[:-1], True
        capitalised = len(word) >= 2 and word[0].isupper() and any(c.islower() for c in word[1:])
        tokens.append(
            _Token(m.start(), m.start() + len(word), word, m.end(), possessive, capitalised)
        )
    return tokens


def _is_sentence_start(line: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and line[i] in _SKIP_BACK:
        i -= 1
    return i < 0 or line[i] in _SENTENCE_ENDS


def _is_heading(tokens: list[_Token]) -> bool:
    """A Title Case line ("Things To Work On This Week") capitalises ordinary words."""
    content = [t for t in tokens if t.word.casefold() not in _HEADING_SMALL_WORDS]
    if len(content) < 3:
        return False
    if not all(t.capitalised or t.word.isupper() for t in content):
        return False
    ordinary = sum(_in_vocabulary(t.word, _COMMON_WORDS) for t in content if t.capitalised)
    return ordinary >= max(2, (len(content) + 1) // 2)


_MARKDOWN_HEADING_RE = LazyPattern(r"^\s{0,3}#{1,6}\s")


def _find_names_in_line(line: str, offset: int, aliases: frozenset[str]) -> list[_Hit]:
    if _MARKDOWN_HEADING_RE.match(line) and not re.search(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b", line):
        # Reflection templates put their prompts in "## Heading" lines: capitalised words
        # there are headings, not names (titles still count: "## Call with Dr Patel").
        return []
    tokens = _tokenise(line)
    if not tokens:
        return []
    hits: list[_Hit] = []

    def joined(a: _Token, b: _Token) -> bool:
        # Only a single space joins two words into one name ("Maria Lopez").
        return line[a.full_end : b.start] == " " and not a.possessive

    def is_alias(token: _Token) -> bool:
        return token.word.casefold().replace("’", "'") in aliases

    def name_like(token: _Token) -> bool:
        return (
            token.capitalised
            and not is_alias(token)
            and not _in_vocabulary(token.word, _COMMON_WORDS)
            and not _in_vocabulary(token.word, _ALLOWED_WORDS)
        )

    # Titles introduce a name anywhere, even in a heading or at a sentence start.
    for i, tok in enumerate(tokens[:-1]):
        if tok.word not in _TITLES or tok.possessive:
            continue
        nxt = tokens[i + 1]
        gap = line[tok.full_end : nxt.start]
        if gap not in (" ", ". ") or not nxt.word[:1].isupper() or len(nxt.word) < 2:
            continue
        if is_alias(nxt) or _in_vocabulary(nxt.word, _ALLOWED_WORDS):
            continue
        if tok.word == "Miss" and _in_vocabulary(nxt.word, _COMMON_WORDS):
            continue  # "I Miss Home" is a feeling, not Miss Home
        end = nxt.end
        if i + 2 < len(tokens) and joined(nxt, tokens[i + 2]) and name_like(tokens[i + 2]):
            end = tokens[i + 2].end  # "Dr Anita Patel"
        hits.append(_Hit(offset + tok.start, offset + end, "name"))

    if _is_heading(tokens):
        return hits

    # Group consecutive capitalised words into runs, then judge each run as a whole.
    runs: list[list[int]] = []
    for i, tok in enumerate(tokens):
        if not tok.capitalised:
            continue
        if runs and runs[-1][-1] == i - 1 and joined(tokens[i - 1], tok):
            runs[-1].append(i)
        else:
            runs.append([i])

    for run in runs:
        words = [tokens[i] for i in run]
        if len(words) > 3:
            continue  # long Title Case runs are names of things, not people
        if any(w.word.casefold() in _ORG_WORDS for w in words):
            continue  # "Hope House", "Citizens Advice", "Job Centre Plus"
        if words[0].word in ("St", "Saint"):
            continue  # "St Mungo's", "St Thomas'": churches, hospitals, charities
        if any(w.word in _TITLES for w in words):
            continue  # already handled with its title above
        if words[0].word == "The" and len(words) > 1 and not words[-1].possessive:
            continue  # "The Haven", "The Samaritans": names of places and organisations
        first = run[0]
        if first > 0 and line[tokens[first - 1].full_end : words[0].start] == " ":
            previous = tokens[first - 1].word.casefold()
            if previous in _PLACE_PREPOSITIONS and not words[-1].possessive:
                continue
        starts_sentence = _is_sentence_start(line, words[0].start)

        # Split the run into stretches of name-like words; ordinary words separate them.
        stretches: list[list[_Token]] = []
        for pos, w in enumerate(words):
            if not name_like(w):
                continue
            if stretches and stretches[-1][-1] is words[pos - 1]:
                stretches[-1].append(w)
            else:
                stretches.append([w])

        for stretch in stretches:
            if stretch[0] is words[0] and starts_sentence and len(stretch) == 1:
                # A lone capitalised word opening a sentence is only a name when a clue says
                # so: "Maria said", "Maria's sister", "Maria and I".
                tok = stretch[0]
                after = line[tok.full_end :]
                verb = re.match(r" ([a-z]+)(?: ([a-zA-Z]+))?", after)
                clue = tok.possessive or (
                    verb is not None
                    and (
                        verb.group(1) in _PERSON_VERBS
                        or (verb.group(1) == "and" and verb.group(2) in ("I", "me"))
                    )
                )
                if not clue:
                    continue
            hits.append(_Hit(offset + stretch[0].start, offset + stretch[-1].end, "name"))
    return hits


def _find_names(text: str, aliases: frozenset[str]) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _LINE_RE.finditer(text):
        hits.extend(_find_names_in_line(m.group(), m.start(), aliases))
    return hits


# --- putting it together --------------------------------------------------------------------


def _resolve(hits: list[_Hit]) -> list[_Hit]:
    """Drop overlapping hits, keeping the longer one (or, on a tie, the more specific one)."""
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), -_SPECIFICITY[h.kind], h.start))
    # Kept hits never overlap, so sorted by start their ends are sorted too; a new hit only
    # needs comparing with its two neighbours. This keeps long notes linear-ish, not quadratic.
    starts: list[int] = []
    kept: list[_Hit] = []
    for hit in ordered:
        if hit.end <= hit.start:
            continue
        i = bisect_left(starts, hit.start)
        if i > 0 and kept[i - 1].end > hit.start:
            continue
        if i < len(kept) and kept[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        kept.insert(i, hit)
    return kept


def find_identifiers(
    text: str,
    known_aliases: Iterable[str] = (),
    *,
    current_year: int | None = None,
) -> list[IdentifierHint]:
    """Find likely identifiers in `text`, sorted by position and never overlapping.

    `known_aliases` are the pseudonyms the supporter already uses; they are never flagged, in
    any case or as a possessive. `current_year` exists for tests; it defaults to today's year
    and is used to tell an old birth date from a recent session date.

    These are nudges only: the caller decides what, if anything, to show.
    """
    if not text:
        return []
    year = current_year if current_year is not None else date.today().year
    aliases = _normalise_aliases(known_aliases)

    emails = _find_emails(text)
    urls = [m.span() for m in _URL_RE.finditer(text)]
    dates = _find_dates(text)

    hits: list[_Hit] = list(emails)
    hits.extend(_find_birth_dates(text, dates, year))
    hits.extend(_find_labelled_ids(text, dates))
    hits.extend(_find_pattern_ids(text))

    # Dates, times, money, emails and links are hidden from the digit-run detector so that
    # "2026-11-20", "14:00" and "$1,200" are never mistaken for phone or ID numbers.
    masked = _mask(
        text,
        [(d.start, d.end) for d in dates]
        + [m.span() for m in _TIME_RE.finditer(text)]
        + [m.span() for m in _MONEY_RE.finditer(text)]
        + [(h.start, h.end) for h in emails]
        + urls,
    )
    hits.extend(_find_digit_runs(masked))
    hits.extend(_find_addresses(text))

    # Words inside emails and links are not names.
    name_text = _mask(text, [(h.start, h.end) for h in emails] + urls)
    hits.extend(_find_names(name_text, aliases))

    return [
        IdentifierHint(h.kind, h.start, h.end, text[h.start : h.end], _MESSAGES[h.kind])
        for h in _resolve(hits)
    ]


PSEUDONYM_NAME_MESSAGE = (
    "This looks like a real name; a pseudonym keeps them safer if this laptop is lost."
)


def pseudonym_hints(pseudonym: str, known_aliases: Iterable[str] = ()) -> list[IdentifierHint]:
    """The identifier nudges for a new alias's pseudonym ("John Smith" looks like a real name).

    Run before an alias is created: once it exists, the notes' nudge treats it as an alias and
    would never mention it again. `known_aliases` are the existing pseudonyms.
    """
    return [
        IdentifierHint(hint.kind, hint.start, hint.end, hint.text, PSEUDONYM_NAME_MESSAGE)
        if hint.kind == "name"
        else hint
        for hint in find_identifiers(pseudonym, known_aliases)
    ]
