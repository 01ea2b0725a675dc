"""Tracking numbers: one normal form, and the formats carriers and the operator use."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalize_tracking_number(raw: str) -> str:
    """Upper case without spaces, dashes, dots, underscores: "ds-2046 1187" -> DS20461187."""
    return _SEPARATORS.sub("", raw).upper()


@dataclass(frozen=True, slots=True)
class TrackingFormat:
    carrier: str
    pattern: re.Pattern[str]


def carrier_formats(operator_pattern: str = r"DS\d{8}") -> tuple[TrackingFormat, ...]:
    """Formats matched against a normalized tracking number, most specific first."""
    return (
        TrackingFormat("operator", re.compile(operator_pattern, re.IGNORECASE)),
        TrackingFormat("ups", re.compile(r"1Z[0-9A-Z]{16}")),
        TrackingFormat("amazon", re.compile(r"TBA\d{12}")),
        TrackingFormat("usps", re.compile(r"[A-Z]{2}\d{9}US")),
        TrackingFormat("usps", re.compile(r"9\d{19,21}")),
        TrackingFormat("fedex", re.compile(r"\d{12}|\d{15}|\d{20}|\d{22}")),
    )


def identify_carrier(tracking_number: str, operator_pattern: str = r"DS\d{8}") -> str | None:
    """The carrier whose format a normalized tracking number matches, or None."""
    normalized = normalize_tracking_number(tracking_number)
    for fmt in carrier_formats(operator_pattern):
        if fmt.pattern.fullmatch(normalized):
            return fmt.carrier
    return None
