"""Delivery windows: "between 2 and 4", "after 5", "not before 10", "tomorrow morning"."""

from __future__ import annotations

import re

from nlu.timeparse.clock import _Clock, _clock, _read_clock
from nlu.timeparse.mentions import _day_mentions
from nlu.timeparse.vocabulary import AFTERNOON, EVENING, LUNCH_END, MORNING, WEEKDAYS

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


# "nobody can sign for it after 2", "no one's home after 3pm", "we're closed past 4": nobody
# takes it from then on, so the window closes then. Not when the words turn to the ask ("not
# home until after 5", "no problem, after 2") or say nothing against the time ("don't mind").
_NOBODY_THEN = re.compile(
    rf"(?:\b{_NEG}|\bnobody|\bno\s?one|\bnadie|\bisn'?t|\baren'?t|\bbusy|\bclosed|\bshut)"
    r"(?:'s)?(?:\s+(?!(?:until|till|before|but|so|then|and|or|if|mind|matter|problem|rush|"
    r"worries|sure|preference)\b)[\w']+){0,6}\s*$"
)


def _nobody_then(text: str, start: int) -> bool:
    """The time said after is when the customer can no longer take it."""
    clause = re.split(r"[,.;!?]", text[max(0, start - 60) : start])[-1]
    return _NOBODY_THEN.search(clause) is not None


# "please don't deliver between 11 and 2", "anytime except 11 to 2", "no deliveries 12-1",
# "we're closed 12-1", "avoid 11-2", "excepto de 11 a 2": hours the customer says not to come in
# (not when the words turn to the ask: "not home till 5 but 5-7 works", "don't mind 2-4").
_HOURS_RULED_OUT_BEFORE = re.compile(
    rf"(?:\b{_NEG}|\bavoid|\bother\s+than|\bclosed|\bshut|\bbusy|\bexcepto|\bmenos|\bsalvo)"
    r"(?:\s+(?!(?:but|so|then|and|or|if|pero|mind|matter|problem|worries|sure|preference)\b)"
    r"[\w']+){0,3}\s*$"
)
# "between 11 and 2 no", "12-1 doesn't work", "11 to 2 is bad", "de 11 a 2 no me sirve".
_HOURS_RULED_OUT_AFTER = re.compile(
    r"^\s*(?:(?:is|are|would\s+be)\s+(?:bad|no\s+good|not\s+good|out|impossible)|no\s+good"
    r"|(?:doesnt|doesn't|does\s+not|dont|don't|wont|won't)\s+work|no\s+me\s+sirven?"
    r"|no(?=\s*(?:[,.;!?)]|$)))"
)


# "no 2-4 is better", "can't do 12-2, 2-4 works": hours said to suit are asked, not ruled out.
_HOURS_ASKED_AFTER = re.compile(
    r"^\s*(?:works|would\s+work|(?:is|are|would\s+be)\s+(?:fine|good|ok|okay|better|best)"
    r"|instead)\b"
)


def _hours_ruled_out(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The ranges of hours the customer says not to come in, each with its span in the text
    (so the window asked is read without them): any window overlapping one is no good."""
    found: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for pattern in _RANGE_PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for (start, end), _ in found):
                continue
            clause = re.split(r"[,.;!?(]", text[max(0, match.start() - 40) : match.start()])[-1]
            if _HOURS_ASKED_AFTER.match(text[match.end() :]):
                continue
            said = _HOURS_RULED_OUT_BEFORE.search(clause)
            if said is None and not _HOURS_RULED_OUT_AFTER.match(text[match.end() :]):
                continue
            if said is not None and _day_mentions(clause[said.start() :]):
                continue  # "can't do tomorrow 2-4": the day is what is ruled out
            a, b = _read_clock(match, "a"), _read_clock(match, "b")
            if a is None or b is None:
                continue
            if pattern is _RANGE_PATTERNS[2] and not _plausible_bare_range(a, b):
                continue
            lo, hi = _range_minutes(a, b, None)
            if lo is not None and hi is not None and lo < hi:
                found.append((match.span(), (lo, hi)))
    return sorted(found)


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
            if _nobody_then(text, match.start()):  # "don't come after 5" = before 5
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
