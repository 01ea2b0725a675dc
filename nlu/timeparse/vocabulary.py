"""The operator's day parts (minutes after midnight) and the calendar words the rules read.

The normaliser maps SMS shorthand and Spanish onto these words; windows and days match them.
"""

from __future__ import annotations

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
