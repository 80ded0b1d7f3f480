"""Privacy: no network, and a client's values never reach logs, error messages or reprs."""

from __future__ import annotations

import logging
import pickle
import socket

import pytest

import referralmatch as rm
from referralmatch.errors import ClientValidationError, ReferralMatchError

# Distinctive values: none of these strings occurs in the sample data or in any message text.
CANARY = {
    "id": "client-canary",
    "age": 47.25,
    "annual_income": 12_345.67,
    "postal_code": "95827",
    "language": "hmn",
    "detail": "lives behind the canary-yellow laundromat",
}
NEEDLES = [
    "47.25", "12345", "12,345", "95827", "hmn", "Hmong", "canary-yellow", "laundromat",
    "client-canary", "Marshallese", "Mixteco-canary",
]  # fmt: skip


def test_sockets_are_blocked() -> None:
    with pytest.raises(Exception, match=r"(?i)socket"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)


def _canary_client() -> rm.ClientProfile:
    return rm.ClientProfile(
        id=CANARY["id"], age=CANARY["age"], annual_income=CANARY["annual_income"], household_size=3,
        languages=[CANARY["language"]], location=rm.Place(postal_code=CANARY["postal_code"]),
        insurance=["medicaid"], veteran=True,
        needs=[rm.Need("housing", detail=CANARY["detail"]), rm.Need("therapy")],
    )  # fmt: skip


def _assert_clean(text: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, needle


def test_canary_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = _canary_client()
    _assert_clean(repr(client) + str(client) + repr(client.needs) + repr(client.location))
    matcher = rm.Matcher(rm.load_directory(rm.sample_directory_path()))
    result = matcher.match(client)
    _assert_clean(repr(result))
    for exclusion in result.excluded:
        _assert_clean(" ".join(exclusion.reasons))
    for match in result.matches:
        _assert_clean(match.explain().replace("Hmong", ""))  # a service may speak Hmong itself
    # errors from bad input name fields, never values
    bad_inputs = [
        {"age": -47.25},
        {"annual_income": "12345 dollars"},
        {"languages": ["hmn", ""]},
        {"languages": [95827]},
        {"location": {"postal_code": "9582"}},
        {"needs": [{"category": "housing", "priority": 95827}]},
    ]
    for bad in bad_inputs:
        with pytest.raises(ClientValidationError) as info:
            rm.ClientProfile(**bad)  # type: ignore[arg-type]
        _assert_clean(str(info.value) + repr(info.value))
        again = pickle.loads(pickle.dumps(info.value))
        assert isinstance(again, ReferralMatchError)
        _assert_clean(str(again))
    records = [r.getMessage() + " " + repr(r.args) for r in caplog.records]
    assert any("matched" in r for r in records)  # logging ran at DEBUG
    _assert_clean(" ".join(records))


def test_client_id_in_no_repr() -> None:
    client = _canary_client()
    result = rm.Matcher(rm.load_directory(rm.sample_directory_path())).match(client)
    assert result.client_id == CANARY["id"]  # kept for joining back, ...
    _assert_clean(repr(result) + str(result) + repr(client) + str(client))  # ... never shown
    for need in result.needs:  # nor in the parts of a result
        _assert_clean(repr(need).replace("Hmong", ""))
    for exclusion in result.excluded:
        _assert_clean(repr(exclusion))


def test_unknown_language_warns_without_the_value(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.warns(UserWarning) as caught:
        client = rm.ClientProfile(id=CANARY["id"], languages=["Mixteco-canary", "Marshallese"])
    assert client.languages == ("und", "mh")
    _assert_clean(" ".join(str(w.message) for w in caught) + repr(client))
    _assert_clean(" ".join(r.getMessage() for r in caplog.records))


def test_every_client_side_error_is_value_free() -> None:
    from datetime import time

    attempts = [
        lambda: rm.Place(postal_code="95827x"),
        lambda: rm.Place(latitude=95827, longitude=47.25),
        lambda: rm.ClientProfile(id=CANARY["id"], age=47.25, date_of_birth="1900-01-01"),
        lambda: rm.ClientProfile(id=CANARY["id"], availability=[{"weekday": 95827, "start": "09:00", "end": "10:00"}]),
        lambda: rm.ClientProfile.model_validate_json('{"id": "client-canary", "age": "47.25 years"}'),
        lambda: rm.models.client.AvailabilityWindow(weekday=1, start=time(9), end=time(9)),
        lambda: rm.Need("housing", priority="lives behind the canary-yellow laundromat"),
        lambda: rm.Need("housing", urgency="95827"),
        lambda: rm.Need.model_validate({"category": "housing", "priority": "12,345"}),
        lambda: rm.ClientProfile(id=CANARY["id"], needs=[{"category": "food", "priority": "47.25"}]),
        lambda: rm.ClientProfile(id=CANARY["id"], situations=["Mixteco-canary"]),
    ]
    for attempt in attempts:
        with pytest.raises(ClientValidationError) as info:
            attempt()
        _assert_clean(str(info.value) + repr(info.value) + repr(info.value.fields))


def test_screening_errors_do_not_echo_free_text_keys() -> None:
    from referralmatch.errors import ScreeningError

    with pytest.raises(ScreeningError) as info:
        rm.screening.phq9({"lives behind the canary-yellow laundromat": 1})
    _assert_clean(str(info.value) + repr(info.value))
