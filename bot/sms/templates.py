"""Customer-facing SMS text: operator-editable YAML per language, rendered with Jinja2."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, StrictUndefined

from bot.settings import Settings
from flows.model import Reply

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("en", "es")
_DAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "es": ["lun", "mar", "mie", "jue", "vie", "sab", "dom"],
}
_WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "es": ["lunes", "martes", "miercoles", "jueves", "viernes", "sabados", "domingos"],
}
# Hours written in English ("Mon-Fri 8am-4pm", "Sat until 2pm"), said in Spanish day by day.
_ENGLISH_DAY = re.compile(
    r"\b(?:(mon)(?:day)?|(tue)(?:s|sday)?|(wed)(?:s|nesday)?|(thu)(?:r|rs|rsday)?|(fri)(?:day)?"
    r"|(sat)(?:urday)?|(sun)(?:day)?)s?\.?(?![a-z])",
    re.I,
)
_HOURS_WORDS = {
    "es": {
        "until": "hasta",
        "from": "desde",
        "to": "a",
        "and": "y",
        "closed": "cerrado",
        "noon": "mediodia",
        "weekdays": "entre semana",
        "daily": "todos los dias",
    }
}
# A carrier's date-only estimate ends the day at 23:59 (data/ingest/adapters/common.py).
_END_OF_DAY = time(23, 59)
_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}


class Templates:
    """All templates of one directory; `render(reply, language)` gives the SMS text."""

    def __init__(
        self,
        directory: Path = TEMPLATE_DIR,
        *,
        default_tz: str = "America/New_York",
        common: dict[str, Any] | None = None,
    ) -> None:
        self.default_tz = default_tz
        self.common = common or {}  # brand, support contact, response hours
        self.texts: dict[str, dict[str, Any]] = {}
        for language in LANGUAGES:
            with (directory / f"{language}.yml").open(encoding="utf-8") as fh:
                self.texts[language] = yaml.safe_load(fh)
        self._compiled: dict[tuple[str, str], Any] = {}

    def message_keys(self) -> list[str]:
        """Every message key ('section.name'), from the English file."""
        words = ("statuses", "reasons")
        return [
            f"{section}.{name}"
            for section, names in self.texts["en"].items()
            if section not in words
            for name in names
        ]

    def render(self, reply: Reply, language: str, **common: Any) -> str:
        language = language if language in LANGUAGES else "en"
        template = self._compiled.get((language, reply.key))
        if template is None:
            section, name = reply.key.split(".", 1)
            own = self.texts[language].get(section, {}).get(name)
            source = own or self.texts["en"][section][name]
            template = self._environment(language).from_string(source)
            self._compiled[(language, reply.key)] = template
        params = {"tz": self.default_tz, **self.common, **common, **reply.params}
        text = " ".join(template.render(**params).split())
        if reply.then is not None:
            text = f"{text} {self.render(reply.then, language, **common)}"
        return text

    @lru_cache(maxsize=4)  # noqa: B019 - one environment per language, for the process
    def _environment(self, language: str) -> Environment:
        env = Environment(undefined=StrictUndefined, autoescape=False)
        words = self.texts[language]
        env.filters["status"] = lambda s: words["statuses"].get(s, s.replace("_", " "))
        reasons = words["reasons"]
        env.filters["reason"] = lambda r: reasons.get(r or "other", reasons["other"])
        env.filters["weekday"] = lambda d: _WEEKDAYS[language][d.weekday()]
        env.filters["when"] = lambda dt, tz=None: self._when(dt, tz, language)
        env.filters["clock"] = lambda dt, tz=None: _clock(_local(dt, tz or self.default_tz))
        env.filters["window"] = lambda s, e, tz=None: self._window(s, e, tz, language)
        env.filters["hours"] = lambda text: _hours(text, language)
        return env

    def _when(self, dt: datetime | None, tz: str | None, language: str) -> str:
        if dt is None:
            return ""
        local = _local(dt, tz or self.default_tz)
        joiner = " a las " if language == "es" else " at "
        return _day(local, language) + joiner + _clock(local)

    def _window(
        self, start: datetime | None, end: datetime | None, tz: str | None, language: str
    ) -> str:
        if start is None:
            return ""
        s = _local(start, tz or self.default_tz)
        if end is None:
            return f"{_day(s, language)} {_clock(s)}"
        e = _local(end, tz or self.default_tz)
        whole_days = s.time() == time(0, 0) and e.time() >= _END_OF_DAY
        # A window that ends at midnight ends on its first day (6pm-12am).
        last_day = (e - timedelta(microseconds=1)).date() if e.time() == time(0, 0) else e.date()
        if last_day != s.date():  # a range over several days (a carrier's estimate)
            if whole_days:
                return f"{_day(s, language)}-{_day(e, language)}"
            return f"{_day(s, language)} {_clock(s)}-{_day(e, language)} {_clock(e)}"
        if whole_days:  # some time that day
            return _day(s, language)
        first = _clock(s)
        if first[-2:] == _clock(e)[-2:]:
            first = first[:-2]
        return f"{_day(s, language)}, {first}-{_clock(e)}"


def _local(dt: datetime, tz: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def _day(dt: datetime, language: str) -> str:
    day, month = _DAYS[language][dt.weekday()], _MONTHS[language][dt.month - 1]
    return f"{day} {dt.day} {month}" if language == "es" else f"{day} {month} {dt.day}"


def _hours(text: object, language: str) -> str:
    """Opening hours as written in English ("Mon-Fri 8am-4pm"), in the reply's language
    ("lun-vie 8am-4pm"); English text is left as it is."""
    text = "" if text is None else str(text)
    if language == "en":
        return text
    days = _ENGLISH_DAY.sub(lambda m: _DAYS[language][m.lastindex - 1], text)
    words = _HOURS_WORDS.get(language, {})
    return re.sub(
        r"\b[a-z]+\b", lambda m: words.get(m.group(0).lower(), m.group(0)), days, flags=re.I
    )


def _clock(dt: datetime) -> str:
    """2pm, 2:30pm, 12pm."""
    hour = dt.hour % 12 or 12
    minutes = f":{dt.minute:02d}" if dt.minute else ""
    return f"{hour}{minutes}{'am' if dt.hour < 12 else 'pm'}"


_loaded: dict[tuple, Templates] = {}


def default_templates(settings: Settings) -> Templates:
    """The bundled templates with the operator's details, loaded once per process."""
    common = {
        "brand": settings.brand_name,
        "support": settings.support_contact,
        "hours": settings.human_response_hours,
    }
    key = (settings.operator_timezone, *common.values())
    if key not in _loaded:
        _loaded[key] = Templates(default_tz=settings.operator_timezone, common=common)
    return _loaded[key]
