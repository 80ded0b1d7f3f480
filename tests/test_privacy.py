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
NEEDLES = ["47.25", "12345", "12,345", "95827", "hmn", "Hmong", "canary-yellow", "laundromat"]


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
        {"languages": ["hmnx-canary-yellow"]},
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
