"""A while customers ask us to wait or say they are away ("hold it for a week", "I'm away a few
days", "guárdenlo una semana"): no day before it is over is booked, as for "hold it until
monday". It is Wednesday morning, November 18 2026, in New York."""

from __future__ import annotations

from datetime import date

import pytest
from when_helpers import WEDNESDAY, d, days_before

from nlu.timeparse import When, asks_to_wait, parse_when


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("hold it for a week", d(25)),
        ("can you keep it a few days", d(21)),
        ("I'm away for a week", d(25)),
        ("wait a couple of days", d(20)),
        ("not for 3 days", d(21)),
        ("please hang on to it for 2 weeks", d(2, 12)),
        ("we're out of town for 5 days, redeliver after", d(23)),
        ("nobody will be home for a few days", d(21)),
        ("I won't be in for a week", d(25)),
        ("won't be home a few days", d(21)),
        ("don't bring it for another week", d(25)),
        ("can it wait a few more days?", d(21)),
        ("i'll be gone the next 4 days", d(22)),
        ("we're closed for the rest of the week", d(23)),
        ("taking 3 days off, bring it after", d(21)),
        ("deliver it in a week", d(25)),
        ("give it a few days", d(21)),
        ("a week from now is better", d(25)),
    ],
)
def test_a_while_to_wait_in_english_rules_out_the_days_until_it_is_over(
    text: str, back: date
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, days_before(back))


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("guárdenlo una semana", d(25)),
        ("en unos días", d(21)),
        ("no estoy por una semana", d(25)),
        ("pueden esperar un par de días más?", d(20)),
        ("estaré fuera dos semanas", d(2, 12)),
        ("me voy de viaje por 10 días", d(28)),
        ("dentro de una semana por favor", d(25)),
        ("no lo traigan en unos días", d(21)),
        ("no vamos a estar una semana", d(25)),
        ("no estaré en casa por una semana", d(25)),
        ("me voy unos días de viaje", d(21)),
        ("estamos cerrados el resto de la semana", d(23)),
    ],
)
def test_a_while_to_wait_in_spanish_rules_out_the_days_until_it_is_over(
    text: str, back: date
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, days_before(back))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("hold it a day", 1),
        ("hold it a couple days", 2),
        ("hold it a day or two", 2),
        ("hold it a few days", 3),
        ("hold it 2-3 days", 3),
        ("hold it two or three days", 3),
        ("hold it several days", 4),
        ("hold it a week or so", 7),
        ("hold it a week or two", 14),
        ("hold it for a month", 30),
    ],
)
def test_a_vague_while_is_read_as_the_least_it_can_mean_and_a_range_as_its_longest(
    text: str, days: int
) -> None:
    assert len(parse_when(text, WEDNESDAY).ruled_out) == days


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("away for a week from friday", [d(n) for n in range(20, 27)]),
        ("we're closed for 3 days starting monday", [d(23), d(24), d(25)]),
        ("taking 2 days off from friday", [d(20), d(21)]),
        ("estamos fuera una semana a partir del viernes", [d(n) for n in range(20, 27)]),
        # Not before a week after friday: every day until then.
        ("bring it in a week from friday", days_before(d(27))),
    ],
)
def test_a_while_that_starts_on_a_day_said_is_counted_from_that_day(
    text: str, ruled_out: list[date]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, ruled_out)


@pytest.mark.parametrize(
    "text",
    [
        "it took 3-5 days last time",
        "I've been waiting for a week",
        "it's been out for delivery for 3 days",
        "I was away for a week and it never came",
        "I can't wait a week for this",
        "no one has been in touch for a week",
        "my package is 3 days late",
        "ordered it a week ago",
        "this is bs, still no package after a week",
        "still not delivered in 2 weeks",
        "no package in a week!",
        "todavía no llega en una semana",
    ],
)
def test_a_while_that_is_no_wait_rules_nothing_out(text: str) -> None:
    assert parse_when(text, WEDNESDAY).ruled_out == ()


@pytest.mark.parametrize(
    ("text", "asked"),
    [("in 2 days", d(20)), ("in a couple of days", d(20)), ("en 3 días", d(21))],
)
def test_a_count_of_days_said_with_in_is_still_the_day_asked(text: str, asked: date) -> None:
    assert parse_when(text, WEDNESDAY) == When(asked)


@pytest.mark.parametrize(
    ("text", "waits"),
    [
        ("hold it for a week", True),
        ("can you hold it till friday", True),
        ("keep it until next week", True),
        ("I'm away a few days", True),
        ("not for 3 days", True),
        ("guárdenlo una semana", True),
        ("en unos días", True),
        ("no, in a week please", True),
        ("keep it over the weekend", True),
        ("hold it for next week", True),
        ("deliver it after friday", True),
        ("don't deliver it for a week", True),
        ("hold it at the depot, I'll pick it up", False),
        ("bring it monday", False),
        ("will it come in a few days?", False),
        ("I've been waiting for a week", False),
        ("not home today", False),
    ],
)
def test_a_message_asking_us_to_wait_is_told_from_one_asking_a_day(text: str, waits: bool) -> None:
    assert asks_to_wait(text) is waits
