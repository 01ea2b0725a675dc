"""SMS text to one English vocabulary: lower case, no accents, shorthand and Spanish mapped."""

from __future__ import annotations

import re
import unicodedata


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
        r"sabados": "saturdays",
        r"sabado": "saturday",
        r"domingos": "sundays",
        r"domingo": "sunday",
        r"(?:dentro\s+de|en)\s+(\d{1,2})\s+dias": r"in \1 days",
        # How long: "una semana", "unos (cuantos) días", "un par de días", "dos semanas"
        r"(?:el\s+)?resto\s+de\s+(?:la|esta)\s+semana": "the rest of the week",
        r"esta\s+semana": "this week",
        r"un\s+par\s+de": "a couple of",
        r"(?:unos|algunos|unos\s+cuantos|unos\s+pocos|pocos)(?=\s+(?:dias|semanas|meses))": "a few",
        r"varios(?=\s+(?:dias|semanas|meses))": "several",
        r"una?(?=\s+(?:dia|semana|mes)\b)": "a",
        r"dos(?=\s+(?:dias|semanas|meses))": "two",
        r"tres(?=\s+(?:dias|semanas|meses))": "three",
        r"cuatro(?=\s+(?:dias|semanas|meses))": "four",
        r"cinco(?=\s+(?:dias|semanas|meses))": "five",
        r"quince\s+dias": "two weeks",
        r"a\s+dia": "a day",
        r"a\s+semana": "a week",
        r"a\s+mes": "a month",
        r"(\d{1,2}|of|two|three|four|five|few|several)\s+dias": r"\1 days",
        r"(\d{1,2}|of|two|three|four|five|few|several)\s+semanas": r"\1 weeks",
        r"(\d{1,2}|of|two|three|four|five|few|several)\s+meses": r"\1 months",
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
_SAT = re.compile(
    r"(?<!\bit )(?<!\bhas )(?<!\bbeen )(?<!\bjust )\bsat\b(?!\s+(?:on|in|out|there)\b)"
)


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
