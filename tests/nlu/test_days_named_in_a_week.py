"""Days named with the week they fall in ("closed thursday and friday next week", "next week on
monday"): the week says which days, it does not rule out (or ask for) all seven of its own;
it is Wednesday morning, Nov 18 2026, so next week runs Mon Nov 23 to Sun Nov 29."""

from __future__ import annotations

from datetime import date

import pytest
from when_helpers import WEDNESDAY, d

from nlu.timeparse import parse_when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're closed thursday and friday next week", [d(26), d(27)]),
        ("we're off monday and tuesday next week", [d(23), d(24)]),
        ("closed next week thursday", [d(26)]),
        ("we're closed next week on thursday and friday", [d(26), d(27)]),
        ("not thursday of next week", [d(26)]),
        ("closed mon to wed next week", [d(23), d(24), d(25)]),
        ("can't do tue or wed next week", [d(24), d(25)]),
        ("cerramos el jueves y viernes de la próxima semana", [d(26), d(27)]),
        ("estamos cerrados el lunes de la próxima semana", [d(23)]),
        ("we're closed friday this week", [d(20)]),
    ],
)
def test_a_week_that_names_its_days_rules_out_only_those(text: str, expected: list[date]) -> None:
    assert list(parse_when(text, WEDNESDAY).ruled_out) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're away next week", [d(n) for n in range(23, 30)]),
        ("closed next week", [d(n) for n in range(23, 30)]),
        ("not this week", [d(n) for n in range(18, 23)]),
        ("estamos cerrados la próxima semana", [d(n) for n in range(23, 30)]),
    ],
)
def test_a_week_said_on_its_own_still_rules_out_all_of_it(text: str, expected: list[date]) -> None:
    assert list(parse_when(text, WEDNESDAY).ruled_out) == expected


@pytest.mark.parametrize(
    ("text", "expected_day"),
    [
        ("can you come thursday next week", d(26)),
        ("next week on monday please", d(23)),
        ("el martes de la próxima semana", d(24)),
        ("we're closed monday next week, tuesday works", d(24)),
    ],
)
def test_a_day_asked_in_a_week_is_that_weeks_day(text: str, expected_day: date) -> None:
    when = parse_when(text, WEDNESDAY)
    assert when.date == expected_day
    assert expected_day not in when.ruled_out
