"""Days and delivery windows in customers' SMS, resolved against "now" in their time zone.

No Duckling here, and no date library handles SMS windows well ("tmrw after 5", "2-4 on fri"),
so this is a small rule layer over a normaliser that maps SMS shorthand and Spanish onto one
English vocabulary. The conventions are the operator's, not the calendar's:

- morning 08:00-12:00, afternoon 12:00-17:00, evening/tonight 17:00-21:00, noon 12:00,
  "after lunch" after 13:00;
- a bare hour 1-7 is pm (delivery hours), 8-11 am: "after 5" -> after 17:00;
- a weekday is its next occurrence, today counting as itself; "next <weekday>" is the same
  unless that is today (then a week later); "this weekend" is the coming Saturday;
- numeric dates are US month/day; a time with no day leaves the date empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MORNING = (8 * 60, 12 * 60)
AFTERNOON = (12 * 60, 17 * 60)
EVENING = (17 * 60, 21 * 60)
LUNCH_END = 13 * 60

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


@dataclass(frozen=True, slots=True)
class When:
    """A day and/or a window: date None when no day was said; bounds are "HH:MM" or None."""

    date: date | None = None
    after: str | None = None
    before: str | None = None


# --- normalising ------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(mapping: dict[str, str]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"(?<!')\b(?:{k})\b"), v) for k, v in mapping.items()]


_ES_DAYS = "lunes|martes|miercoles|jueves|viernes|sabado|domingo"
# Order matters: longer Spanish phrases before the words inside them.
_SPANISH = _words(
    {
        r"(\d{1,2}(?::\d\d)?)\s+de\s+la\s+manana": r"\1am",
        r"(\d{1,2}(?::\d\d)?)\s+de\s+la\s+(?:tarde|noche)": r"\1pm",
        r"pasado\s+manana": "day after tomorrow",
        r"esta\s+manana": "this morning",
        r"(?:en|por|de|durante)\s+la\s+manana|en\s+las\s+mananas|por\s+las\s+mananas": "morning",
        r"esta\s+tarde": "this afternoon",
        r"(?:en|por|durante)\s+la\s+tarde|en\s+las\s+tardes|por\s+las\s+tardes": "afternoon",
        r"esta\s+noche": "tonight",
        r"(?:en|por|de|durante)\s+la\s+noche": "evening",
        r"manana": "tomorrow",
        r"hoy": "today",
        r"medio\s?dia": "noon",
        r"(?:despues|luego)\s+(?:del|de)\s+(?:almuerzo|comer|la\s+comida|comida)": "after lunch",
        r"antes\s+(?:del|de)\s+(?:almuerzo|comer|la\s+comida|comida)": "before lunch",
        r"no\s+antes\s+de(?:l|\s+las?)?": "not before",
        r"no\s+despues\s+de(?:l|\s+las?)?": "not after",
        r"(?:despues|luego)\s+de(?:l|\s+las?)?": "after",
        r"antes\s+de(?:l|\s+las?)?": "before",
        r"a\s+partir\s+de(?:l|\s+las?)?": "after",
        r"entre(?:\s+las?)?\s+(\d{1,2}(?::\d\d)?(?:am|pm)?)\s+y(?:\s+las?)?": r"between \1 and",
        r"de(?:\s+las?)?\s+(\d{1,2}(?::\d\d)?(?:am|pm)?)\s+(?:a|hasta)(?:\s+las?)?": r"from \1 to",
        r"desde(?:l|\s+las?)?": "from",
        r"hasta(?:\s+las?)?": "until",
        r"a\s+las?": "at",
        rf"(?:el\s+)?(?:proximo|siguiente)\s+({_ES_DAYS})": r"next \1",
        rf"({_ES_DAYS})\s+que\s+viene": r"next \1",
        r"(?:este\s+)?fin\s+de\s+semana": "this weekend",
        r"(?:la\s+)?(?:proxima\s+semana|semana\s+que\s+viene)": "next week",
        r"lunes": "monday",
        r"martes": "tuesday",
        r"miercoles": "wednesday",
        r"jueves": "thursday",
        r"viernes": "friday",
        r"sabado": "saturday",
        r"domingo": "sunday",
        r"(?:dentro\s+de|en)\s+(\d{1,2})\s+dias": r"in \1 days",
        r"el\s+(?:dia\s+)?(\d{1,2})(?!\s*(?:am|pm|:|de\s+la))\b": r"the \1",
        r"(\d{1,2})\s+de\s+(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)": (  # noqa: E501
            r"\1 \2"
        ),
        r"enero": "january",
        r"febrero": "february",
        r"marzo": "march",
        r"abril": "april",
        r"mayo": "may",
        r"junio": "june",
        r"julio": "july",
        r"agosto": "august",
        r"se?ptiembre": "september",
        r"octubre": "october",
        r"noviembre": "november",
        r"diciembre": "december",
    }
)

_SHORTHAND = _words(
    {
        r"tmrw+|tmr|tmrow|tmro|tmw|tmorrow|tomoro+w?|tomor+ow|tom+or+ow|tomorr?w|2mor+o+w?|2mrw|2moz": (  # noqa: E501
            "tomorrow"
        ),
        r"2day|tdy|tday|todya": "today",
        r"2nite|2night|tonite|tonigh": "tonight",
        r"b4|bfore|befor|bfr": "before",
        r"aftr|afta|afer|atfer": "after",
        r"btwn|betwen|btween|inbetween": "between",
        r"til+|untill|untl": "until",
        r"thru": "to",
        r"mid\s?day|12\s*noon|noontime": "noon",
        r"mornin|morn|mrng|mornng|morining|mornings": "morning",
        r"arvo|aftn|afternon|afternoons|aftrnoon|afternoom": "afternoon",
        r"evenin|evenings|evning|eve": "evening",
        r"wknd|wkend|weekend": "weekend",
        r"nxt": "next",
        r"mon|mondy|munday": "monday",
        r"tue|tues|tuesdy|teusday": "tuesday",
        r"wed|weds|wendsday|wensday|wednsday|wedensday|wednesdy": "wednesday",
        r"thu|thur|thurs|thrusday|thursdy|thurday": "thursday",
        r"fri|firday|fryday|friday": "friday",
        r"saterday|satuday|saturdy|satday": "saturday",
        r"(?<!the )(?<!in )(?<!of )sun|sundy": "sunday",
        r"jan": "january",
        r"feb": "february",
        r"apr": "april",
        r"jun": "june",
        r"jul": "july",
        r"aug": "august",
        r"sept?": "september",
        r"oct": "october",
        r"nov": "november",
        r"dec": "december",
    }
)
# "sat" is a weekday unless something sat somewhere: "it sat on the porch".
_SAT = re.compile(r"(?<!\bit )(?<!\bhas )(?<!\bbeen )(?<!\bjust )\bsat\b(?!\s+(?:on|in|out|there))")


def normalize_sms(text: str) -> str:
    """Lower case, no accents, SMS shorthand and Spanish mapped onto plain English time words."""
    out = _strip_accents(text.lower())
    out = re.sub(r"[’`´]", "'", out)
    for pattern, repl in _SPANISH:
        out = pattern.sub(repl, out)
    out = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", out)
    for pattern, repl in _SHORTHAND:
        out = pattern.sub(repl, out)
    out = _SAT.sub("saturday", out)
    out = re.sub(r"\b(\d{1,2})\s*o'?\s?clock\b", r"\1", out)
    out = re.sub(r"\b(\d{1,2}(?::\d\d)?)\s*(am|pm|a|p)\b", r"\1\2", out)  # "5 pm" -> "5pm"
    out = re.sub(r"\b(\d{1,2}(?::\d\d)?)(a|p)\b", r"\1\2m", out)  # "5p" -> "5pm"
    out = re.sub(r"\b(\d{1,2})\.(\d\d)(am|pm)?\b", r"\1:\2\3", out)  # "5.30" -> "5:30"
    out = re.sub(r"\b(\d{1,2}(?::\d\d)?(?:am|pm)?)ish\b", r"\1", out)
    return re.sub(r"\s+", " ", out).strip()


# --- clock times ------------------------------------------------------------------------------

_NOT_A_CLOCK = (
    r"(?!\s*(?:st|nd|rd|th|days?|dias?|weeks?|hours?|hrs?|mins?|minutes?|business|times|"
    r"packages?|boxes|items|stops?|floors?|of\b|/|-\s*\d{3}|%|\$|x\b))"
)
_CLOCK = (
    r"(?:(?P<@h>\d{1,2})(?::(?P<@m>\d\d))?(?P<@ap>am|pm)?(?!\d)" + _NOT_A_CLOCK + r"|"
    r"(?P<@noon>noon)|(?P<@midnight>midnight))"
)


def _clock(name: str) -> str:
    return _CLOCK.replace("@", name)


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int
    minute: int
    meridiem: str | None  # "am"/"pm" when said, "noon" for noon

    def minutes(self, *, prefer: tuple[int, int] | None = None) -> int | None:
        """Minutes after midnight, with the delivery-hours rule for a bare hour."""
        h, m = self.hour, self.minute
        if self.meridiem == "noon":
            return 12 * 60
        if m > 59 or h > 24:
            return None
        if self.meridiem == "am":
            return (0 if h == 12 else h) * 60 + m if h <= 12 else None
        if self.meridiem == "pm":
            return (h if h == 12 else h + 12) * 60 + m if h <= 12 else None
        if h >= 13 or h == 0:
            return (h % 24) * 60 + m
        if prefer is not None:
            for candidate in (h * 60 + m, (h + 12) * 60 + m):
                if prefer[0] <= candidate <= prefer[1]:
                    return candidate
        if h == 12:
            return 12 * 60 + m
        return (h + 12 if h <= 7 else h) * 60 + m


def _read_clock(match: re.Match[str], name: str) -> _Clock | None:
    if match.group(f"{name}noon"):
        return _Clock(12, 0, "noon")
    if match.group(f"{name}midnight"):
        return _Clock(0, 0, "am")
    hour = match.group(f"{name}h")
    if hour is None:
        return None
    return _Clock(int(hour), int(match.group(f"{name}m") or 0), match.group(f"{name}ap"))


def _fmt(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    minutes = max(0, min(minutes, 23 * 60 + 59))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- windows ----------------------------------------------------------------------------------

_NEG = r"(?:not|no|cant|can't|cannot|wont|won't|dont|don't|never|except|unable)"
_RANGE_PATTERNS = [
    re.compile(
        rf"\bbetween\s+(?:the\s+hours\s+of\s+)?{_clock('a')}\s*(?:and|&|-|to)\s*{_clock('b')}"
    ),
    re.compile(rf"\bfrom\s+{_clock('a')}\s*(?:-|to|until|and)\s*{_clock('b')}"),
    re.compile(rf"(?<![\w#:/.-]){_clock('a')}\s*(?:-|–|to)\s*{_clock('b')}(?![\w:/-])"),
]
_NOT_BEFORE = re.compile(
    rf"\b(?:not\s+(?:before|until|till|earlier\s+than)|no\s+earlier\s+than|no\s+sooner\s+than)"
    rf"\s+(?:at\s+)?{_clock('a')}"
)
_NOT_AFTER = re.compile(
    rf"\b(?:not\s+(?:after|later\s+than)|no\s+later\s+than)\s+(?:at\s+)?{_clock('a')}"
)
_AFTER = re.compile(
    rf"\b(?:after|from|starting(?:\s+at)?|any\s?time\s+after|past|later\s+than|>)\s*(?:at\s+)?"
    rf"{_clock('a')}"
)
_BEFORE = re.compile(rf"\b(?:before|by|until|up\s+to|earlier\s+than|<)\s*(?:at\s+)?{_clock('a')}")
_AT = re.compile(rf"\b(?:at|around|arround|round|about|@)\s*{_clock('a')}")
_EXPLICIT_AMPM = re.compile(rf"(?<![\w#:/.-]){_clock('a')}")


_BUSY = re.compile(
    r"\b(?:work|working|busy|out|away|gone|trabajo|ocupad[oa]|fuera|at\s+work|school)\b"
    r"(?:\s+\w+){0,2}\s*$"
)
_NOT_A_WINDOW_BEFORE = re.compile(
    r"\b(?:close|closes|closed|closing|leave|leaving|open|opens|cierr[ao]n?|salgo|sale)\s*$"
)


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - 24) : start]
    return re.search(rf"\b{_NEG}\b(?:\s+\w+){{0,2}}\s*$", window) is not None


_BARE_AMPM = re.compile(rf"\b(?:in\s+the|tomorrow|today|weekend|{'|'.join(WEEKDAYS)})\s+(am|pm)\b")


def _period(text: str) -> tuple[tuple[int, int] | None, bool]:
    """The day part said (morning/afternoon/evening), and whether it was negated."""
    found: tuple[int, int] | None = None
    for word, span in (
        ("morning", MORNING),
        ("afternoon", AFTERNOON),
        ("evening", EVENING),
        ("tonight", EVENING),
        ("night", EVENING),
    ):
        for match in re.finditer(rf"\b{word}\b", text):
            if _negated(text, match.start()):
                return None, True
            found = found or span
    if found is None:
        for match in _BARE_AMPM.finditer(text):
            if not _negated(text, match.start()):
                found = MORNING if match.group(1) == "am" else AFTERNOON
                break
    return found, False


def _window(text: str) -> tuple[int | None, int | None]:
    period, _ = _period(text)
    after: int | None = None
    before: int | None = None

    for pattern in _RANGE_PATTERNS:
        for match in pattern.finditer(text):
            if _negated(text, match.start()):
                continue
            a, b = _read_clock(match, "a"), _read_clock(match, "b")
            if a is None or b is None:
                continue
            if pattern is _RANGE_PATTERNS[2] and not _plausible_bare_range(a, b):
                continue
            lo, hi = _range_minutes(a, b, period)
            if lo is not None and hi is not None and lo < hi:
                return lo, hi

    for match in _NOT_BEFORE.finditer(text):
        clock = _read_clock(match, "a")
        if clock:
            after = clock.minutes(prefer=period)
            break
    for match in _NOT_AFTER.finditer(text):
        clock = _read_clock(match, "a")
        if clock:
            before = clock.minutes(prefer=period)
            break
    if after is None:
        for match in _AFTER.finditer(text):
            clock = _read_clock(match, "a")
            if clock is None:
                continue
            if _negated(text, match.start()):  # "don't come after 5" = before 5
                before = before if before is not None else clock.minutes(prefer=period)
                continue
            after = clock.minutes(prefer=period)
            break
    if before is None:
        for match in _BEFORE.finditer(text):
            clock = _read_clock(match, "a")
            if clock is None:
                continue
            if _BUSY.search(text[: match.start()]):
                # "i work until 6": the window opens then (unless a day part says otherwise).
                if period is None and after is None:
                    after = clock.minutes(prefer=period)
                continue
            if _negated(text, match.start()):  # "dont come before 10": the window opens then
                after = after if after is not None else clock.minutes(prefer=period)
                continue
            before = clock.minutes(prefer=period)
            break
    if after is None and before is None:
        for pattern in (_AT, _EXPLICIT_AMPM):
            for match in pattern.finditer(text):
                clock = _read_clock(match, "a")
                if clock is None or _negated(text, match.start()):
                    continue
                if _NOT_A_WINDOW_BEFORE.search(text[: match.start()]):
                    continue  # "we close at 5" is a constraint, not the window asked for
                if pattern is _EXPLICIT_AMPM and clock.meridiem is None:
                    continue
                after = clock.minutes(prefer=period)
                break
            if after is not None:
                break

    if re.search(r"\b(?:after|past)\s+lunch(?:time)?\b", text) and after is None:
        after = LUNCH_END
    if re.search(r"\b(?:before|by)\s+lunch(?:time)?\b", text) and before is None:
        before = 12 * 60

    if period is not None:
        if after is None and before is None:
            return period
        if after is None and before is not None and period[0] < before:
            after = period[0]
        elif before is None and after is not None and after < period[1]:
            before = period[1]
    if after is not None and before is not None and after >= before:
        before = None
    return after, before


def _plausible_bare_range(a: _Clock, b: _Clock) -> bool:
    """ "2-4" is a window; "3-5 days" or "555-1234" is not (those are filtered by the regex)."""
    if a.meridiem or b.meridiem:
        return True
    return 1 <= a.hour <= 12 and 1 <= b.hour <= 12


def _range_minutes(
    a: _Clock, b: _Clock, period: tuple[int, int] | None
) -> tuple[int | None, int | None]:
    hi = b.minutes(prefer=period)
    if a.meridiem is None and b.meridiem in ("am", "pm") and a.hour <= 12 and hi is not None:
        same = _Clock(a.hour, a.minute, b.meridiem).minutes()
        if same is not None and same < hi:
            return same, hi
    lo = a.minutes(prefer=period)
    if lo is not None and hi is not None and lo >= hi and b.meridiem is None and b.hour <= 11:
        hi = (b.hour + 12) * 60 + b.minute
    return lo, hi


# --- days -------------------------------------------------------------------------------------

_MONTH_RE = "|".join(MONTHS)
_DAY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "numeric",
        re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?(?![\d/])"),
    ),
    (
        "month_day",
        re.compile(rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})\b"
        ),
    ),
    ("day_after_tomorrow", re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b")),
    ("tomorrow", re.compile(r"\btomorrow\b")),
    (
        "today",
        re.compile(
            r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening|am|pm)|later\s+today)\b"
        ),
    ),
    ("in_days", re.compile(r"\bin\s+(?P<n>\d{1,2}|a\s+couple(?:\s+of)?|two|three)\s+days\b")),
    ("weekend", re.compile(r"\b(?P<next>next\s+)?(?:this\s+|the\s+)?weekend\b")),
    (
        "weekday",
        re.compile(
            rf"\b(?P<next>next\s+|this\s+(?:coming\s+)?|coming\s+)?(?P<wd>{'|'.join(WEEKDAYS)})s?\b"
        ),
    ),
    (
        "ordinal",
        re.compile(
            r"\b(?:on\s+)?the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:floor|fl\b|door|house|bldg"
            r"|building|stop|street|st\b|ave|[-:]|to\b|and\b|or\b|am|pm|packages?|boxes|items"
            r"|days?|hours?|mins?|minutes?|of\s+(?:them|those|these)))"
            r"|\b(?P<d2>\d{1,2})(?:st|nd|rd|th)\b(?!\s*(?:floor|fl\b|door|house|street|st\b|ave))"
        ),
    ),
]
_NUMBER_WORDS = {"two": 2, "three": 3, "a couple": 2, "a couple of": 2}


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _next_month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    years = [year] if year is not None else [today.year, today.year + 1]
    for y in years:
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if year is not None or candidate >= today:
            return candidate
    return None


def _next_day_of_month(today: date, day: int) -> date | None:
    for offset in range(0, 13):
        month = (today.month - 1 + offset) % 12 + 1
        year = today.year + (today.month - 1 + offset) // 12
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _resolve_day(kind: str, match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if kind == "iso":
        return _next_month_day(today, int(groups["m"]), int(groups["d"]), int(groups["y"]))
    if kind == "numeric":
        month, day = int(groups["m"]), int(groups["d"])
        if month > 12 >= day:  # 23/11 can only be day/month
            month, day = day, month
        year = groups.get("y")
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        return _next_month_day(today, month, day, full_year)
    if kind in ("month_day", "day_month"):
        return _next_month_day(today, MONTHS.index(groups["mon"]) + 1, int(groups["d"]))
    if kind == "day_after_tomorrow":
        return today + timedelta(days=2)
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "today":
        return today
    if kind == "in_days":
        n = groups["n"]
        return today + timedelta(days=int(n) if n.isdigit() else _NUMBER_WORDS.get(n, 2))
    if kind == "weekend":
        saturday = _next_weekday(today, 5)
        if groups.get("next") and today.weekday() in (5, 6):
            saturday += timedelta(days=7)
        return saturday
    if kind == "weekday":
        weekday = WEEKDAYS.index(groups["wd"])
        day = _next_weekday(today, weekday)
        if groups.get("next", "") and groups["next"].startswith("next") and day == today:
            day += timedelta(days=7)
        return day
    if kind == "ordinal":
        return _next_day_of_month(today, int(groups.get("d") or groups.get("d2")))
    return None


def _day(text: str, today: date) -> date | None:
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DAY_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            if _day_ruled_out(text, match.start(), match.end()):
                continue
            resolved = _resolve_day(kind, match, today)
            if resolved is not None:
                found.append((match.start(), resolved))
    if not found:
        return None
    found.sort()
    # "we close at 5 friday so thursday is better": after a contrast, the later day is the ask.
    if len(found) > 1 and _CONTRAST.search(text[found[0][0] : found[-1][0]]):
        return found[-1][1]
    return found[0][1]


_CONTRAST = re.compile(
    r"\b(?:but|so|instead|rather|better|actually|pero|mejor|mas\s+bien|en\s+vez)\b"
)
_NOT_THERE_BEFORE = re.compile(
    r"\b(?:not|no|cant|can't|cannot|wont|won't|isnt|isn't|aren't|unable)\b(?:\s+\w+){0,3}?"
    r"\s+(?:home|here|there|around|available|estar|estoy|voy|be|free|in|work)\b"
    r"(?:\s+\w+){0,2}\s*$"
    r"|\b(?:until|till|through|out\s+until|away\s+until)\s*$"
)
_DAY_NEGATED = re.compile(
    r"\b(?:not|no|cant|can't|cannot|wont|won't|never|except)"
    r"(?:\s+(?:do|make|on|this|the|be|there|here|home|available|around|free|in|el|la))*\s*$"
)
_RULED_OUT_AFTER = re.compile(
    r"^\s*(?:doesnt|doesn't|does\s+not|dont|don't|wont|won't|isnt|isn't|is\s+no\s+good|"
    r"no\s+good|is\s+bad|no\s+me\s+sirve|no\s+puedo|no\s+funciona)\b"
)


def _day_ruled_out(text: str, start: int, end: int) -> bool:
    """A day the customer says does not work: "not home today", "tmrw doesnt work"."""
    before = text[max(0, start - 40) : start]
    return (
        _DAY_NEGATED.search(before) is not None
        or _NOT_THERE_BEFORE.search(before) is not None
        or _RULED_OUT_AFTER.match(text[end:]) is not None
    )


def parse_when(text: str, now: datetime) -> When:
    """The day and window a message asks for; `now` is the recipient's local time."""
    normalized = normalize_sms(text)
    day = _day(normalized, now.date())
    after, before = _window(normalized)
    return When(date=day, after=_fmt(after), before=_fmt(before))
