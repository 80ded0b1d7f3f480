"""Shared fixtures: where the reference data lives (skipping cleanly when it is absent), and
small directories more than one test file reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.models import Location, Organization, Service, ServiceAtLocation

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference() -> Path:
    """The ../shared/reference folder; tests using it skip when it is absent (a fresh clone)."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (fresh clone); skipping")
    return REFERENCE


@pytest.fixture
def private_pay_directory() -> rm.Directory:
    """Two senior ride services at one place (location ``l``): ``s0`` charges an hourly
    private-pay rate, ``s1`` a nominal fare."""
    fees = {"s0": "Straight fee of $18/hour, 3 hour minimum.", "s1": "$2.50 per ride."}
    return rm.Directory(
        organizations=[Organization(id="o", name="Org")],
        services=[
            Service(
                id=k, organization_id="o", name="Senior Ride Program", status="active",
                description="Rides to medical appointments for seniors.", fees_description=v,
            )
            for k, v in fees.items()
        ],
        locations=[Location(id="l", latitude=38.58, longitude=-121.49)],
        service_at_locations=[
            ServiceAtLocation(id=f"sl{k}", service_id=k, location_id="l") for k in fees
        ],
    )  # fmt: skip
