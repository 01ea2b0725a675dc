"""Phone numbers in E.164, and how they appear in logs."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """Not a phone number we can text."""


def to_e164(raw: str, *, region: str = "US") -> str:
    """'(201) 555-0123' -> '+12015550123'; raises InvalidPhoneNumber with the reason."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number ({exc})") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """'+12015550123' -> '+1201***0123': enough to tell numbers apart in logs."""
    if len(e164) <= 8:
        return "***"
    return f"{e164[:5]}***{e164[-4:]}"
