"""Which item of a short numbered list the customer means: "2", "2nd", "the second one",
"el segundo", "the last one", "monday one" (English and Spanish). Pure text matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_ORDINALS = {
    1: ("1", "1st", "first", "primero", "primera", "primer", "uno"),
    2: ("2", "2nd", "second", "two", "segundo", "segunda", "dos"),
    3: ("3", "3rd", "third", "three", "tercero", "tercera", "tercer", "tres"),
    4: ("4", "4th", "fourth", "four", "cuarto", "cuarta", "cuatro"),
    5: ("5", "5th", "fifth", "five", "quinto", "quinta", "cinco"),
}
_LAST = ("last", "ultimo", "ultima")
_DAYS = (
    ("monday", "mon", "lunes", "lun"),
    ("tuesday", "tue", "tues", "martes", "mar"),
    ("wednesday", "wed", "miercoles", "mie"),
    ("thursday", "thu", "thur", "thurs", "jueves", "jue"),
    ("friday", "fri", "viernes", "vie"),
    ("saturday", "sat", "sabado", "sab"),
    ("sunday", "sun", "domingo", "dom"),
)
# Words that may surround a pick without changing it ("the 2nd one please", "opcion 2").
_FILLER = frozenset(
    {
        "the",
        "a",
        "an",
        "one",
        "una",
        "option",
        "opcion",
        "number",
        "num",
        "nr",
        "pick",
        "choose",
        "i",
        "ll",
        "take",
        "want",
        "please",
        "pls",
        "plz",
        "el",
        "la",
        "lo",
        "los",
        "las",
        "de",
        "quiero",
        "prefiero",
        "por",
        "favor",
        "elijo",
        "mejor",
        "that",
        "this",
        "it",
        "ok",
        "okay",
        "yes",
        "si",
        "go",
        "with",
        "works",
        "for",
        "me",
        "is",
        "fine",
        "good",
    }
)
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _WORD.findall(plain.replace("#", " "))


def pick_index(text: str, count: int, weekdays: Sequence[int] = ()) -> int | None:
    """The 0-based index the customer picked out of `count`, or None when unclear.

    `weekdays` (Mon=0) of each item lets "the monday one" pick, when only one item is that day.
    Long messages with other content are not taken as a pick: they go to the NLU's reading.
    """
    words = _words(text)
    if not words or count <= 0:
        return None
    picked: set[int] = set()
    other: list[str] = []
    for word in words:
        number = next((n for n, names in _ORDINALS.items() if word in names), None)
        if number is not None and number <= count:
            picked.add(number - 1)
        elif word in _LAST:
            picked.add(count - 1)
        elif word not in _FILLER:
            other.append(word)
    day = next((i for i, names in enumerate(_DAYS) for w in other if w in names), None)
    if day is not None and weekdays:
        same_day = [i for i, weekday in enumerate(weekdays) if weekday == day]
        if len(same_day) == 1 and (not picked or picked == set(same_day)):
            rest = [w for w in other if w not in _DAYS[day] and w not in ("morning", "afternoon")]
            if not rest:
                return same_day[0]
    if not picked and not other and "one" in words or words == ["una"]:
        return 0  # "one", "option one"
    if len(picked) != 1 or other:
        return None
    return picked.pop()
