"""Absences customers tell ("out till sunday", "hold it until monday"): no day before they are
back is booked; it is Wednesday morning in New York."""

from __future__ import annotations

from datetime import date

import pytest
from when_helpers import WEDNESDAY, d, days_before

from nlu.timeparse import parse_when


@pytest.mark.parametrize(
    ("text", "asked", "back"),
    [
        ("I'm out till sunday", None, d(22)),
        ("away until the 25th", None, d(25)),
        ("not back until monday", None, d(23)),
        ("we're closed until friday", None, d(20)),
        ("i won't be home until friday", None, d(20)),
        ("out of town thru friday", None, d(21)),
        ("estoy fuera hasta el lunes", None, d(23)),
        ("we're out of the office until tuesday, pls redeliver", None, d(24)),
        ("on vacation until wednesday", None, d(25)),  # today's weekday: next week's
        ("im out til sunday, monday after 3?", d(23), d(22)),
    ],
)
def test_away_until_a_day_rules_out_the_days_before_it_not_that_day(
    text: str, asked: date | None, back: date
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, days_before(back))


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("hold it until monday", d(23)),
        ("can you hold it till monday", d(23)),
        ("keep it till friday", d(20)),
        ("can it wait until saturday", d(21)),
        ("please hold off until the 24th", d(24)),
        ("guárdenlo hasta el lunes", d(23)),
        # Today's weekday is next week's, as for an absence.
        ("hold it until wednesday", d(25)),
    ],
)
def test_hold_it_until_a_day_means_not_before_that_day(text: str, back: date) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, days_before(back))


@pytest.mark.parametrize(
    ("text", "asked", "ruled_out"),
    [
        ("deliver by friday", d(20), []),
        ("i'm out until 5 on friday", d(20), []),
    ],
)
def test_a_time_until_is_not_an_absence(
    text: str, asked: date | None, ruled_out: list[date]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, ruled_out)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("deliver it after friday", d(21)),
        ("any day after tuesday", d(25)),
        ("sometime after the 25th", d(26)),
        ("not before friday", d(20)),
        ("no antes del viernes", d(20)),
        ("after the weekend please", d(23)),
        ("después del fin de semana", d(23)),
        ("hold it for the weekend", d(23)),
        ("keep it over the weekend", d(23)),
        ("can you hold it till after the weekend", d(23)),
        ("guárdenlo el fin de semana", d(23)),
        ("after next week", d(30)),
    ],
)
def test_after_a_day_or_not_before_it_rules_out_the_days_before_the_first_one_taken(
    text: str, first: date
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, days_before(first))


@pytest.mark.parametrize(
    ("text", "asked", "after"),
    [
        ("hold it for friday", d(20), None),
        ("the day after tomorrow", d(20), None),
        ("friday after lunch", d(20), "13:00"),
        ("deliver monday after 2", d(23), "14:00"),
    ],
)
def test_a_day_asked_with_after_a_time_is_still_the_day_asked(
    text: str, asked: date, after: str | None
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, when.after, when.ruled_out) == (asked, after, ())
