"""One canonical list of failure reason codes, and every source's codes mapped to it.

The canonical set follows ../shared/reference/product_anchors.md section 5.4. Every adapter
and the importer translate a source's own code through `to_canonical`; anything unknown
becomes `other`, with the source's code kept beside it on the event.
"""

from __future__ import annotations

import enum
import re


class ReasonCode(enum.StrEnum):
    RECIPIENT_UNAVAILABLE = "recipient_unavailable"
    BUSINESS_CLOSED = "business_closed"
    NO_ACCESS = "no_access"
    NO_SAFE_LOCATION = "no_safe_location"
    ADDRESS_INCORRECT_OR_INCOMPLETE = "address_incorrect_or_incomplete"
    REFUSED = "refused"
    CUSTOMER_REQUESTED_RESCHEDULE = "customer_requested_reschedule"
    DAMAGED = "damaged"
    LOST = "lost"
    HELD_FOR_PAYMENT_OR_ID = "held_for_payment_or_id"
    WEATHER_OR_FORCE_MAJEURE = "weather_or_force_majeure"
    CARRIER_OPS_DELAY = "carrier_ops_delay"
    RETURNING_TO_SENDER = "returning_to_sender"
    OTHER = "other"


R = ReasonCode

DESCRIPTIONS: dict[ReasonCode, str] = {
    R.RECIPIENT_UNAVAILABLE: "Nobody was available to receive the package.",
    R.BUSINESS_CLOSED: "The business was closed when the driver arrived.",
    R.NO_ACCESS: "The driver could not get to the door (gate, code, locked building, dog).",
    R.NO_SAFE_LOCATION: "There was no safe place to leave the package.",
    R.ADDRESS_INCORRECT_OR_INCOMPLETE: "The address is wrong or missing a detail (unit, number).",
    R.REFUSED: "The recipient refused the package.",
    R.CUSTOMER_REQUESTED_RESCHEDULE: "The customer asked for another day or time.",
    R.DAMAGED: "The package was damaged.",
    R.LOST: "The package is lost.",
    R.HELD_FOR_PAYMENT_OR_ID: "The package is held until payment or ID is provided.",
    R.WEATHER_OR_FORCE_MAJEURE: "Weather or another event outside anyone's control.",
    R.CARRIER_OPS_DELAY: "A delay on the carrier's side (missort, vehicle, not enough time).",
    R.RETURNING_TO_SENDER: "The package is on its way back to the sender.",
    R.OTHER: "Another reason; the source's own code is kept on the event.",
}

# Source name -> {source code (as the source spells it) -> canonical code}.
SOURCE_CODES: dict[str, dict[str, ReasonCode]] = {
    # ANSI X12 element 1651, Shipment Status or Appointment Reason Code (214 messages).
    "x12_1651": {
        "A1": R.RECIPIENT_UNAVAILABLE,  # Missed Delivery
        "A2": R.ADDRESS_INCORRECT_OR_INCOMPLETE,  # Incorrect Address
        "A3": R.OTHER,  # Indirect Delivery
        "A5": R.ADDRESS_INCORRECT_OR_INCOMPLETE,  # Unable to Locate
        "A6": R.ADDRESS_INCORRECT_OR_INCOMPLETE,  # Address Corrected - Delivery Attempted
        "AA": R.CARRIER_OPS_DELAY,  # Mis-sort
        "AD": R.CUSTOMER_REQUESTED_RESCHEDULE,  # Customer Requested Future Delivery
        "AG": R.OTHER,  # Consignee Related
        "AH": R.CARRIER_OPS_DELAY,  # Driver Related
        "AI": R.CARRIER_OPS_DELAY,  # Mechanical Breakdown
        "AN": R.BUSINESS_CLOSED,  # Holiday - Closed
        "AO": R.WEATHER_OR_FORCE_MAJEURE,  # Weather or Natural Disaster
        "AQ": R.RECIPIENT_UNAVAILABLE,  # Recipient Unavailable - Delivery Delayed
        "B1": R.BUSINESS_CLOSED,  # Consignee Closed
        "B4": R.HELD_FOR_PAYMENT_OR_ID,  # Held for Payment
        "B5": R.OTHER,  # Held for Consignee
        "B9": R.BUSINESS_CLOSED,  # Receiving Time Restricted
        "BC": R.HELD_FOR_PAYMENT_OR_ID,  # Missing Documents
        "BE": R.WEATHER_OR_FORCE_MAJEURE,  # Road Conditions
        "BH": R.CARRIER_OPS_DELAY,  # Insufficient Time to Complete Delivery
        "BK": R.CUSTOMER_REQUESTED_RESCHEDULE,  # Prearranged Appointment
        "C1": R.OTHER,  # Waiting for Customer Pick-up
        "C4": R.RECIPIENT_UNAVAILABLE,  # Customer Vacation
    },
    # X12 element 641, Status Reason Code (older, FedEx-style).
    "x12_641": {
        "A01": R.RECIPIENT_UNAVAILABLE,
        "A03": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "A05": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "A07": R.REFUSED,
        "A09": R.DAMAGED,
        "A10": R.DAMAGED,
        "A11": R.BUSINESS_CLOSED,
        "A14": R.RETURNING_TO_SENDER,
        "A17": R.CUSTOMER_REQUESTED_RESCHEDULE,
        "A18": R.CARRIER_OPS_DELAY,
        "A42": R.BUSINESS_CLOSED,
        "A43": R.WEATHER_OR_FORCE_MAJEURE,
        "A46": R.RECIPIENT_UNAVAILABLE,
    },
    # AfterShip "<Tag>_<nnn>" subtags that carry a reason.
    "aftership": {
        "AttemptFail_001": R.RECIPIENT_UNAVAILABLE,  # failed attempt, notice left
        "AttemptFail_002": R.RECIPIENT_UNAVAILABLE,
        "AttemptFail_003": R.BUSINESS_CLOSED,
        "Exception_001": R.OTHER,
        "Exception_002": R.ADDRESS_INCORRECT_OR_INCOMPLETE,  # customer moved
        "Exception_003": R.REFUSED,
        "Exception_004": R.HELD_FOR_PAYMENT_OR_ID,  # customs delay
        "Exception_005": R.WEATHER_OR_FORCE_MAJEURE,  # external factors
        "Exception_006": R.HELD_FOR_PAYMENT_OR_ID,
        "Exception_007": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "Exception_008": R.RECIPIENT_UNAVAILABLE,  # pickup missed
        "Exception_009": R.CARRIER_OPS_DELAY,  # rejected by carrier
        "Exception_010": R.RETURNING_TO_SENDER,
        "Exception_011": R.RETURNING_TO_SENDER,
        "Exception_012": R.DAMAGED,
        "Exception_013": R.LOST,
        "Exception_016": R.CARRIER_OPS_DELAY,
        "Exception_017": R.WEATHER_OR_FORCE_MAJEURE,
        "Exception_018": R.HELD_FOR_PAYMENT_OR_ID,  # missing documents
        "Exception_019": R.CARRIER_OPS_DELAY,  # late flight
        "Exception_020": R.OTHER,  # cancelled
        "Exception_021": R.LOST,  # disposed
    },
    # EasyPost tracker status_detail.
    "easypost": {
        "address_correction": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "awaiting_information": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "damaged": R.DAMAGED,
        "delayed": R.CARRIER_OPS_DELAY,
        "delivery_exception": R.OTHER,
        "failure": R.OTHER,
        "held": R.HELD_FOR_PAYMENT_OR_ID,
        "lost": R.LOST,
        "missorted": R.CARRIER_OPS_DELAY,
        "refused": R.REFUSED,
        "return": R.RETURNING_TO_SENDER,
        "return_to_sender": R.RETURNING_TO_SENDER,  # the tracker status, per section 5.4
        "transit_exception": R.CARRIER_OPS_DELAY,
        "weather_delay": R.WEATHER_OR_FORCE_MAJEURE,
    },
    # Shippo tracking_status.substatus.code.
    "shippo": {
        "address_issue": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "contact_carrier": R.OTHER,
        "delayed": R.CARRIER_OPS_DELAY,
        "delivery_attempted": R.RECIPIENT_UNAVAILABLE,
        "delivery_rescheduled": R.CUSTOMER_REQUESTED_RESCHEDULE,
        "reschedule_delivery": R.CUSTOMER_REQUESTED_RESCHEDULE,
        "location_inaccessible": R.NO_ACCESS,
        "notice_left": R.RECIPIENT_UNAVAILABLE,
        "package_damaged": R.DAMAGED,
        "package_held": R.HELD_FOR_PAYMENT_OR_ID,
        "package_lost": R.LOST,
        "package_disposed": R.LOST,
        "package_undeliverable": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "package_unclaimed": R.RETURNING_TO_SENDER,
        "return_to_sender": R.RETURNING_TO_SENDER,
        "other": R.OTHER,
    },
    # Onfleet completionDetails.failureReason. Onfleet's docs do not publish the full
    # enumeration; these are the values its dashboard offers drivers, as best known.
    "onfleet": {
        "NONE": R.OTHER,
        "RECIPIENT_NOT_AVAILABLE": R.RECIPIENT_UNAVAILABLE,
        "RECIPIENT_UNAVAILABLE": R.RECIPIENT_UNAVAILABLE,
        "CANT_FIND_ADDRESS": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "WRONG_ADDRESS": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "CANT_ACCESS_LOCATION": R.NO_ACCESS,
        "NO_ACCESS": R.NO_ACCESS,
        "BUSINESS_CLOSED": R.BUSINESS_CLOSED,
        "RECIPIENT_REFUSED": R.REFUSED,
        "REFUSED": R.REFUSED,
        "DAMAGED": R.DAMAGED,
        "NO_SAFE_PLACE": R.NO_SAFE_LOCATION,
        "OTHER": R.OTHER,
    },
    # Strings USPS (and other carriers) print that customers quote; matched case-insensitively.
    "usps": {
        "no authorized recipient available": R.RECIPIENT_UNAVAILABLE,
        "notice left (no authorized recipient available)": R.RECIPIENT_UNAVAILABLE,
        "no secure location available": R.NO_SAFE_LOCATION,
        "notice left (no secure location available)": R.NO_SAFE_LOCATION,
        "no access to delivery location": R.NO_ACCESS,
        "insufficient address": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "no such number": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "refused": R.REFUSED,
        "business closed": R.BUSINESS_CLOSED,
        "customer not available or business closed": R.RECIPIENT_UNAVAILABLE,
        "incorrect address": R.ADDRESS_INCORRECT_OR_INCOMPLETE,
        "local weather delay - delivery not attempted": R.WEATHER_OR_FORCE_MAJEURE,
        "return to sender": R.RETURNING_TO_SENDER,
    },
}

_FOLD = re.compile(r"[\s\u2013\u2014]+")


def _key(source: str, code: str) -> str:
    code = code.strip()
    if source == "usps":
        return _FOLD.sub(" ", code.replace("\u2013", "-")).lower()
    if source in {"x12_1651", "x12_641", "onfleet"}:
        return code.upper()
    return code


_LOOKUP: dict[str, dict[str, ReasonCode]] = {
    source: {_key(source, code): canonical for code, canonical in codes.items()}
    for source, codes in SOURCE_CODES.items()
}


def to_canonical(source: str, code: str | None) -> ReasonCode:
    """The canonical reason for a source's code; unknown or missing codes are `other`."""
    if not code:
        return R.OTHER
    if source == "canonical":
        return parse_reason_code(code) or R.OTHER
    table = _LOOKUP.get(source)
    if table is None:
        raise ValueError(f"unknown reason-code source {source!r}; known: {sorted(_LOOKUP)}")
    return table.get(_key(source, code), R.OTHER)


def parse_reason_code(value: str) -> ReasonCode | None:
    """A canonical code by its value, or None if `value` is not one."""
    try:
        return ReasonCode(value.strip().lower())
    except ValueError:
        return None


def describe(code: ReasonCode | str) -> str:
    """The plain-language description of a canonical code."""
    return DESCRIPTIONS[ReasonCode(code)]
