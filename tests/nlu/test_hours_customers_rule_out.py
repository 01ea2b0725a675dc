"""Hours customers say not to come in ("please don't deliver between 11 and 2", "no deliveries
12-1", "entre las 11 y las 2 no"): no window that overlaps them will do. They are not the window
asked for; it is Wednesday morning in New York."""

from __future__ import annotations

import json

import pytest
from when_helpers import WEDNESDAY, d

from nlu.entities import resolve_entities
from nlu.timeparse import parse_when
from nlu.understanding import Entities


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("please don't deliver between 11 and 2 (lunch rush)", ("11:00", "14:00")),
        ("not between 11 and 2", ("11:00", "14:00")),
        ("anytime except 11 to 2", ("11:00", "14:00")),
        ("no deliveries 12-1", ("12:00", "13:00")),
        ("no deliveries from 12 until 1 pls", ("12:00", "13:00")),
        ("12-1 doesn't work for us", ("12:00", "13:00")),
        ("we're closed 12-1 for lunch", ("12:00", "13:00")),
        ("avoid 11:30am-1:30pm if you can", ("11:30", "13:30")),
        ("entre las 11 y las 2 no", ("11:00", "14:00")),
        ("no entreguen entre las 11 y las 2 por favor", ("11:00", "14:00")),
        ("cualquier hora excepto de 12 a 2", ("12:00", "14:00")),
    ],
)
def test_hours_said_not_to_come_in_are_ruled_out_not_asked(
    text: str, hours: tuple[str, str]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert when.hours_ruled_out == (hours,)
    assert (when.after, when.before) == (None, None)


@pytest.mark.parametrize(
    ("text", "after", "before", "hours"),
    [
        ("not home between 11 and 2, after 3 works", "15:00", None, ("11:00", "14:00")),
        ("can't do 12-2, how about 2-4", "14:00", "16:00", ("12:00", "14:00")),
    ],
)
def test_hours_ruled_out_beside_a_window_asked(
    text: str, after: str, before: str | None, hours: tuple[str, str]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.after, when.before, when.hours_ruled_out) == (after, before, (hours,))


@pytest.mark.parametrize(
    "text",
    [
        "between 2 and 4 please",
        "no, between 2 and 4",
        "not home till 5 but 5-7 works",
        "no problem, 12-2 is fine",
        "no 2-4 is better",
        "we're closed next week",
        # The day is what can't be: "can't do tomorrow 2-4" says nothing of 2-4 on other days.
        "can't do tomorrow 2-4, friday?",
        "not friday between 11 and 2",
    ],
)
def test_a_window_asked_rules_out_no_hours(text: str) -> None:
    assert parse_when(text, WEDNESDAY).hours_ruled_out == ()


def test_hours_ruled_out_keep_the_day_said() -> None:
    when = parse_when("tomorrow is fine but not 12-2", WEDNESDAY)
    assert (when.date, when.hours_ruled_out) == (d(19), (("12:00", "14:00"),))


def test_hours_ruled_out_survive_a_request_kept_while_the_delivery_is_asked_for() -> None:
    entities = resolve_entities("please don't deliver between 11 and 2", now=WEDNESDAY)
    kept = Entities.from_json(json.loads(json.dumps(entities.as_json())))
    assert kept == entities and kept.hours_ruled_out == (("11:00", "14:00"),)
    # A request kept before hours were read has none.
    assert Entities.from_json({"date": None}).hours_ruled_out == ()
