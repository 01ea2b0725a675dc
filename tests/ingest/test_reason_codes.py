"""One canonical list of failure reasons; every source's codes land in it."""

import pytest

from data.reason_codes import DESCRIPTIONS, SOURCE_CODES, ReasonCode, describe, to_canonical


def test_the_canonical_list_is_the_agreed_fourteen_with_words_for_each() -> None:
    assert [c.value for c in ReasonCode] == [
        "recipient_unavailable",
        "business_closed",
        "no_access",
        "no_safe_location",
        "address_incorrect_or_incomplete",
        "refused",
        "customer_requested_reschedule",
        "damaged",
        "lost",
        "held_for_payment_or_id",
        "weather_or_force_majeure",
        "carrier_ops_delay",
        "returning_to_sender",
        "other",
    ]
    assert set(DESCRIPTIONS) == set(ReasonCode)
    assert describe("no_access").startswith("The driver could not get to the door")


@pytest.mark.parametrize(
    ("source", "code", "expected"),
    [
        ("x12_1651", "A1", "recipient_unavailable"),
        ("x12_1651", "b1", "business_closed"),
        ("x12_1651", "AO", "weather_or_force_majeure"),
        ("x12_641", "A07", "refused"),
        ("x12_641", "A10", "damaged"),
        ("aftership", "AttemptFail_003", "business_closed"),
        ("aftership", "Exception_013", "lost"),
        ("easypost", "address_correction", "address_incorrect_or_incomplete"),
        ("easypost", "weather_delay", "weather_or_force_majeure"),
        ("shippo", "location_inaccessible", "no_access"),
        ("shippo", "reschedule_delivery", "customer_requested_reschedule"),
        ("onfleet", "RECIPIENT_REFUSED", "refused"),
        ("usps", "Notice Left (No Secure Location Available)", "no_safe_location"),
        ("usps", "  no access to delivery location ", "no_access"),
    ],
)
def test_each_sources_codes_map_to_ours(source: str, code: str, expected: str) -> None:
    assert to_canonical(source, code) == expected


def test_unknown_and_missing_codes_are_other_and_an_unknown_source_is_an_error() -> None:
    assert to_canonical("easypost", "gremlins") is ReasonCode.OTHER
    assert to_canonical("aftership", None) is ReasonCode.OTHER
    with pytest.raises(ValueError, match="unknown reason-code source"):
        to_canonical("pigeon_post", "A1")


def test_every_mapping_points_into_the_canonical_list() -> None:
    for codes in SOURCE_CODES.values():
        assert all(isinstance(code, ReasonCode) for code in codes.values())
