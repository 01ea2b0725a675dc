"""Days and delivery windows in customers' SMS, resolved against "now" in their time zone.

No Duckling here, and no date library handles SMS windows well ("tmrw after 5", "2-4 on fri"),
so this is a small rule layer over a normaliser that maps SMS shorthand and Spanish onto one
English vocabulary. The conventions are the operator's, not the calendar's:

- morning 08:00-12:00, afternoon 12:00-17:00, evening/tonight 17:00-21:00, noon 12:00,
  "after lunch" after 13:00;
- a bare hour 1-7 is pm (delivery hours), 8-11 am: "after 5" -> after 17:00;
- a weekday is its next occurrence, today counting as itself while the window asked for (or
  the delivery day) has not ended; "next <weekday>" and "this coming <weekday>" said on that
  day are a week later; "this weekend" is the coming Saturday. A rebook reads today's weekday
  said on its own as next week's (`todays_weekday_named`: today's routes are already planned);
- numeric dates are US month/day; a time with no day leaves the date empty;
- days the customer rules out ("we're closed the 24th", "not wednesday") are never the day
  asked: `When.ruled_out` lists them, a habit ("fridays are bad") for the next few weeks;
- "hold it until monday", "not before friday", "after friday" (from saturday), "keep it over
  the weekend" (from monday) and a while the customer asks us to wait or is away ("hold it for
  a week", "away a few days", "not for 3 days") mean not before then: the days until then are
  ruled out (`absences`; `durations`: couple = 2, few = 3, several = 4); `asks_to_wait` tells
  such a message from a day asked;
- hours the customer says not to come in ("don't deliver between 11 and 2", "no deliveries
  12-1", "entre las 11 y las 2 no") are not the window asked: `When.hours_ruled_out` lists
  them, and no window overlapping one will do;
- opening hours said ("we're only open 9-12 on saturdays", "we close at noon") are neither
  the window nor the day asked: `stated_hours` reads them, with the weekdays they name.

Modules, in the order a message goes through them: `normalize` (SMS and Spanish to plain
English), `hours`, the days (`mentions` finds and resolves them; `ruled_out`, with `absences`
and `durations`, tells the days the customer can't take; `days` the day asked), `windows`
(built on `clock`), and `when` (`parse_when`, which puts them together). `vocabulary` holds the
day parts and calendar words they share. Names with a leading underscore are shared inside this
package only; the public names are the ones below.
"""

from nlu.timeparse.clock import clock_time
from nlu.timeparse.hours import Hours, stated_hours
from nlu.timeparse.normalize import normalize_sms
from nlu.timeparse.vocabulary import AFTERNOON, EVENING, LUNCH_END, MONTHS, MORNING, WEEKDAYS
from nlu.timeparse.when import When, asks_to_wait, parse_when, todays_weekday_named

__all__ = [
    "AFTERNOON",
    "EVENING",
    "LUNCH_END",
    "MONTHS",
    "MORNING",
    "WEEKDAYS",
    "Hours",
    "When",
    "asks_to_wait",
    "clock_time",
    "normalize_sms",
    "parse_when",
    "stated_hours",
    "todays_weekday_named",
]
