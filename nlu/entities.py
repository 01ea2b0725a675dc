"""Entities resolved into values the app can use: deterministic rules merged with Rasa's spans.

Rasa (DIET) tags `address` and `access_code` spans; everything with a format (tracking numbers,
codes with '#'/'*' that Rasa's tokenizer drops, days and windows, delays, stop numbers) is read
from the raw text here. Tracking numbers and phone numbers are found first and masked, so a
digit run inside them is never mistaken for a code, a time or a stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.tracking import carrier_formats, normalize_tracking_number
from nlu.timeparse import parse_when
from nlu.understanding import Audience, Entities


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    value: str


def _mask(text: str, spans: Iterable[Span]) -> str:
    """The text with each span blanked out, positions unchanged."""
    chars = list(text)
    for span in spans:
        for i in range(span.start, span.end):
            chars[i] = " "
    return "".join(chars)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- tracking numbers -------------------------------------------------------------------------

_PIECE = re.compile(r"[A-Za-z0-9]+")
_JOIN = re.compile(r"[ \t\-_.]{1,2}")


def find_tracking_numbers(text: str, operator_pattern: str = r"DS\d{8}") -> list[Span]:
    """Tracking numbers in any carrier's format, spaced or dashed as people type them."""
    formats = [f.pattern for f in carrier_formats(operator_pattern)]
    pieces = list(_PIECE.finditer(text))
    found: list[Span] = []
    i = 0
    while i < len(pieces):
        best: tuple[int, str] | None = None
        # Join this piece with the ones after it while only separators stand between them.
        last = i
        while last + 1 < len(pieces) and last - i < 9:
            gap = text[pieces[last].end() : pieces[last + 1].start()]
            if not _JOIN.fullmatch(gap):
                break
            last += 1
        for j in range(last, i - 1, -1):
            candidate = normalize_tracking_number(text[pieces[i].start() : pieces[j].end()])
            if any(p.fullmatch(candidate) for p in formats):
                best = (j, candidate)
                break
        if best is None:
            i += 1
            continue
        j, value = best
        found.append(Span(pieces[i].start(), pieces[j].end(), value))
        i = j + 1
    return found


_PHONE = re.compile(r"(?<![\w/])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w/])")


def find_phone_numbers(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0)) for m in _PHONE.finditer(text)]


# --- access codes -----------------------------------------------------------------------------

# "code" words beat place words: "buzzer 405 then door code 1357" -> 1357.
_CODE_CONTEXTS = (
    re.compile(
        r"\b(?:code|pin|pass\s?code|passcode|combo|combination|c[oó]digo|clave|contrase[nñ]a)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:gate|door|entry|entrance|building|bldg|lobby|lock\s?box|key\s?box|buzzer|buzz|"
        r"call\s?box|intercom|keypad|key\s?pad|garage|access|port[oó]n|puerta|entrada|caja)\b",
        re.IGNORECASE,
    ),
)
_CODE_TOKEN = re.compile(r"(?<![\w#*])([#*]*[A-Za-z0-9]*\d[A-Za-z0-9]*[#*]*)(?![\w#*])")
_FILLER = re.compile(r"^[\sA-Za-zÀ-ÿ:=,'\"()-]*$")
_NOT_A_CODE_AFTER = re.compile(
    r"^\s*(?:am|pm|a\.m|p\.m|:\d|st\b|nd\b|rd\b|th\b|mins?|minutes?|hrs?|hours?|days?|"
    r"o'?clock|ish\b)",
    re.IGNORECASE,
)
_TIME_WORD_BEFORE = re.compile(
    r"\b(?:at|after|before|by|until|til|till|between|around|antes|despues|después"
    r"|las)\s*$",
    re.IGNORECASE,
)
_UNIT_WORD_BEFORE = re.compile(
    r"\b(?:apt|apartment|unit|suite|ste|no|number|num|order|tracking|ticket|case|invoice|"
    r"confirmation|ref|reference|package|pkg|stop|room|rm|floor|fl|apto|parada)\.?\s*$",
    re.IGNORECASE,
)
_STREET_AFTER = re.compile(
    r"^\s+(?:[nsew]\.?\s+)?(?:[A-Za-z0-9'.]+\s+){0,3}?(?:st|street|ave|avenue|rd|road|blvd|"
    r"boulevard|dr|drive|ln|lane|ct|court|pl|place|way|ter|terrace|pkwy|parkway|hwy|highway|"
    r"cir|circle|trl|trail|plaza)\b",
    re.IGNORECASE,
)


def clean_access_code(raw: str) -> str:
    """As given, without leading/trailing '#': "#2291" -> "2291"; "7731*" stays "7731*"."""
    return raw.strip().strip("#").strip()


def _looks_like_clock(core: str) -> bool:
    """ "1130" or "1700" after "at"/"after" is a time, not a code."""
    return core.isdigit() and len(core) in (3, 4) and int(core[:-2]) <= 23 and int(core[-2:]) < 60


def _plausible_code(text: str, match: re.Match[str]) -> bool:
    code = clean_access_code(match.group(1))
    core = code.strip("*")
    digits = sum(c.isdigit() for c in core)
    if len(core) < 3 or len(core) > 10 or digits < 2 or not core.isalnum():
        return False
    if _NOT_A_CODE_AFTER.match(text[match.end() :]):
        return False
    if _TIME_WORD_BEFORE.search(text[: match.start()]) and _looks_like_clock(core):
        return False
    if _STREET_AFTER.match(text[match.end() :]):
        return False
    # A ZIP after a state: "NJ 07114".
    return not (
        core.isdigit() and len(core) == 5 and re.search(r"\b[A-Z]{2},?\s*$", text[: match.start()])
    )


def find_access_code(
    text: str, *, rasa_spans: Sequence[Span] = (), audience: Audience = "customer"
) -> str | None:
    """The gate/door/lockbox code, preferring one said next to a word like "gate" or "código"."""
    for contexts in _CODE_CONTEXTS:
        for context in contexts.finditer(text):
            match = _CODE_TOKEN.search(text, context.end())
            if match is None:
                break
            between = text[context.end() : match.start()]
            plausible = _FILLER.match(between) and len(between.split()) <= 5
            if plausible and _plausible_code(text, match):
                return clean_access_code(match.group(1))
    for span in rasa_spans:
        start, end = span.start, span.end
        while start > 0 and text[start - 1] in "#*":
            start -= 1
        while end < len(text) and text[end] in "#*":
            end += 1
        match = _CODE_TOKEN.match(text, start)
        if match and match.end() >= end and _plausible_code(text, match):
            return clean_access_code(match.group(1))
    # No context word: "#2291" (a customer's '#' number), "7731*", "4512#".
    for match in _CODE_TOKEN.finditer(text):
        raw = match.group(1)
        marked = raw.endswith(("*", "#")) or raw.startswith("*")
        if audience == "customer" and raw.startswith("#"):
            marked = True
        if not marked or _UNIT_WORD_BEFORE.search(text[: match.start()]):
            continue
        if sum(c.isdigit() for c in raw) >= 3 and _plausible_code(text, match):
            return clean_access_code(raw)
    return None


# --- addresses --------------------------------------------------------------------------------

_STREET_TYPES = (
    r"st|street|ave|avenue|av|rd|road|blvd|boulevard|dr|drive|ln|lane|ct|court|pl|place|way|"
    r"ter|terrace|pkwy|parkway|hwy|highway|cir|circle|sq|square|trl|trail|loop|plaza|row|aly"
)
_UNIT = (
    r"(?:apartamento|apartment|departamento|depto|apto|apt|unit|suite|ste|building|bldg|floor|"
    r"fl|#)\.?\s*#?\s*(?:[A-Za-z]?\d+[A-Za-z0-9-]*|[A-Za-z]\b)"
)
_STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEWnsew]\.?\s+)?(?:[A-Za-z0-9'.]+\s+){{0,4}}?"
    rf"(?:{_STREET_TYPES})\b\.?"
    rf"(?:\s*,?\s*{_UNIT})?"
    rf"(?:\s*,\s*[A-Za-z][A-Za-z .]*?(?:,\s*|\s+)(?:(?-i:[A-Z]{{2}})\b(?:\s+\d{{5}}(?:-\d{{4}})?)?"
    rf"|[A-Za-z]{{2}}\s+\d{{5}}(?:-\d{{4}})?))?",
    re.IGNORECASE,
)
_SPANISH_STREET = re.compile(
    r"\b(?:calle|avenida|avda|carrera)\s+[A-Za-zÀ-ÿ ]{1,30}?\s*#?\s*\d{1,6}[A-Za-z]?\b"
    rf"(?:\s*,?\s*{_UNIT})?",
    re.IGNORECASE,
)
_UNIT_ALONE = re.compile(rf"\b{_UNIT}", re.IGNORECASE)
_ADDRESSY = re.compile(rf"\d|\b(?:{_STREET_TYPES}|calle|avenida|apt|unit|suite|apto)\b", re.I)


def find_address(
    text: str, *, rasa_spans: Sequence[Span] = (), masked: Sequence[Span] = ()
) -> str | None:
    """The address as written: Rasa's span grown over any street/unit pattern it touches."""
    searchable = _mask(text, masked)
    rules = [
        (m.start(), m.end())
        for pattern in (_STREET_ADDRESS, _SPANISH_STREET)
        for m in pattern.finditer(searchable)
    ]
    units = [(m.start(), m.end()) for m in _UNIT_ALONE.finditer(searchable)]
    plausible = [
        (s.start, s.end)
        for s in rasa_spans
        if _ADDRESSY.search(text[s.start : s.end])
        and not any(_overlaps((s.start, s.end), (m.start, m.end)) for m in masked)
    ]
    chosen: tuple[int, int] | None = None
    for candidates in (plausible, rules, units):
        if candidates:
            chosen = min(candidates)
            break
    if chosen is None:
        return None
    start, end = chosen
    grown = True
    while grown:
        grown = False
        for s, e in rules + units:
            close = s <= end + 2 and e >= start - 2
            if close and (s < start or e > end):
                start, end, grown = min(start, s), max(end, e), True
    value = text[start:end].strip(" \t,.;:!?-")
    return value or None


# --- drivers: delay and stop ------------------------------------------------------------------

_NUMBER_WORDS = {
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "forty five": 45,
    "forty-five": 45,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "cinco": 5,
    "diez": 10,
    "quince": 15,
    "veinte": 20,
    "veinticinco": 25,
    "treinta": 30,
    "cuarenta": 40,
    "cuarenta y cinco": 45,
    "two": 2,
    "dos": 2,
    "three": 3,
    "tres": 3,
}
_NUMBER_WORD_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b"
)
_MIN = r"(?:m|min|mins|minute|minutes|mn|mns|minuto|minutos)\b"
_HR = r"(?:h|hr|hrs|hour|hours|hora|horas)(?![a-z])"
_DELAYS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(rf"\b(?:(?:an?|one|1|una)\s+)?{_HR}\s+(?:and|y)\s+(?:a\s+)?(?:half|media)\b"), 90),
    (re.compile(r"\b(?:1\s+and\s+a\s+half|one\s+and\s+a\s+half)\s+(?:h|hr|hrs|hours?)\b"), 90),
    (re.compile(r"\b(?:half\s+(?:an\s+)?hour|half\s+hr|media\s+hora|1/2\s*(?:hr|hour))\b"), 30),
    (re.compile(r"\b(?:(?:a\s+)?quarter\s+(?:of\s+an\s+)?hour|cuarto\s+de\s+hora)\b"), 15),
    (re.compile(r"\b(?:a\s+)?couple(?:\s+of)?\s+(?:hours|hrs)\b"), 120),
    (
        re.compile(rf"\b(\d{{1,2}}(?:\.\d+)?)\s*{_HR}\s*(?:and\s+|y\s+)?(\d{{1,2}})\s*(?:{_MIN})?"),
        lambda m: round(float(m.group(1)) * 60) + int(m.group(2)),
    ),
    (re.compile(rf"\b(\d{{1,2}}(?:\.\d+)?)\s*{_HR}"), lambda m: round(float(m.group(1)) * 60)),
    (re.compile(rf"\b(\d{{1,3}})\s*{_MIN}"), lambda m: int(m.group(1))),
    (re.compile(rf"\b(?:an?|one|una)\s+{_HR}"), 60),
    (
        re.compile(
            r"\b(\d{1,3})\s+(?:behind|late|out|away|tarde|de\s+retraso|atrasado|retrasado)\b"
        ),
        lambda m: int(m.group(1)),
    ),
    (
        re.compile(r"\b(?:eta|in|en|delay(?:ed)?(?:\s+by)?|behind\s+by|late\s+by)\s+(\d{1,3})\b"),
        lambda m: int(m.group(1)),
    ),
]


def find_delay_minutes(text: str) -> int | None:
    """How late a driver says they are, in minutes: "half an hour behind" -> 30."""
    lowered = text.lower().replace("½", ".5")
    lowered = _NUMBER_WORD_RE.sub(lambda m: str(_NUMBER_WORDS[m.group(1)]), lowered)
    lowered = re.sub(r"\b1\s*\.\s*5\b", "1.5", lowered)
    for pattern, value in _DELAYS:
        match = pattern.search(lowered)
        if match:
            minutes = value(match) if callable(value) else value
            if 0 < minutes <= 12 * 60:
                return minutes
    return None


_STOP = re.compile(
    r"\b(?:stop|stp|parada|drop)\s*(?:#|no\.?|num(?:ber)?|n[uú]mero)?\s*(\d{1,4})\b"
    r"|(?<![\w#])#\s?(\d{1,4})(?![\w*#])",
    re.IGNORECASE,
)


def find_stop(text: str) -> int | None:
    """The stop a driver refers to: "#17 not home" -> 17, "stop 12", "parada 5"."""
    match = _STOP.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


# --- all of it --------------------------------------------------------------------------------


def rasa_spans(entities: Iterable[Mapping[str, Any]], name: str, text: str) -> list[Span]:
    """Spans Rasa tagged as `name`, de-duplicated across extractors."""
    spans: dict[tuple[int, int], Span] = {}
    for entity in entities:
        if entity.get("entity") != name:
            continue
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            continue
        if end > len(text):
            continue
        spans.setdefault((start, end), Span(start, end, text[start:end]))
    return sorted(spans.values(), key=lambda s: s.start)


def resolve_entities(
    text: str,
    *,
    rasa_entities: Iterable[Mapping[str, Any]] = (),
    audience: Audience = "customer",
    now: datetime,
    operator_pattern: str = r"DS\d{8}",
) -> Entities:
    """Everything the app can use from one message; `now` is the recipient's local time."""
    rasa_entities = list(rasa_entities)
    tracking = find_tracking_numbers(text, operator_pattern)
    phones = [
        p
        for p in find_phone_numbers(text)
        if not any(_overlaps((p.start, p.end), (t.start, t.end)) for t in tracking)
    ]
    masked_text = _mask(text, tracking + phones)
    code = find_access_code(
        masked_text,
        rasa_spans=[
            s
            for s in rasa_spans(rasa_entities, "access_code", text)
            if masked_text[s.start : s.end].strip()
        ],
        audience=audience,
    )
    address = find_address(
        text, rasa_spans=rasa_spans(rasa_entities, "address", text), masked=tracking + phones
    )
    # Codes, addresses and stop numbers are blanked before reading times: "#2291" is not 22:91.
    blank = masked_text
    if code:
        blank = blank.replace(code, " " * len(code))
    if address:
        blank = blank.replace(address, " " * len(address))
    stop = find_stop(blank) if audience == "driver" else None
    if audience == "driver":
        blank = _STOP.sub(lambda m: " " * len(m.group(0)), blank)
    when = parse_when(blank, now)
    delay = find_delay_minutes(blank) if audience == "driver" else None
    return Entities(
        tracking_number=tracking[0].value if tracking else None,
        access_code=code,
        address=address,
        date=when.date,
        after=when.after,
        before=when.before,
        ruled_out=when.ruled_out,
        alternatives=when.alternatives,
        hours_ruled_out=when.hours_ruled_out,
        delay_minutes=delay,
        stop=stop,
    )
