"""Interoperability: referral results and directory records as exchange formats (FHIR R4).

Everything here returns plain JSON-serialisable dicts; no FHIR library is needed at run time.
"""

from __future__ import annotations

from .fhir import (
    GRAVITY_SYSTEM,
    fhir_id,
    healthcare_service,
    healthcare_services,
    location_resource,
    service_requests,
)

__all__ = [
    "GRAVITY_SYSTEM",
    "fhir_id",
    "healthcare_service",
    "healthcare_services",
    "location_resource",
    "service_requests",
]
