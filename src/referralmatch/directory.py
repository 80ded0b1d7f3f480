"""The Directory: every record of one resource directory, with lookups by id and navigation.

A Directory is what :func:`referralmatch.load_directory` returns. It holds organizations,
programs, services, locations, service-at-location links and taxonomy terms by id, and answers
the questions a matcher or a data steward asks: which organization runs this service, where is
it delivered, when is it open, which taxonomy terms classify it, which areas it serves.

Example:
    >>> from referralmatch.models import Organization, Service, Location, ServiceAtLocation
    >>> d = Directory(
    ...     organizations=[Organization(id="o1", name="Harbor House")],
    ...     services=[Service(id="s1", organization_id="o1", name="Shelter", status="active")],
    ...     locations=[Location(id="l1", latitude=37.56, longitude=-122.32)],
    ...     service_at_locations=[ServiceAtLocation(id="sl1", service_id="s1", location_id="l1")],
    ... )
    >>> d.organization_of("s1").name, [loc.id for loc in d.locations_of("s1")]
    ('Harbor House', ['l1'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .models.directory import (
    Location,
    Organization,
    Program,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    import pandas as pd

    from .io.report import LoadReport

__all__ = ["Directory"]


class Directory:
    """A loaded resource directory. Records are kept by id in insertion order.

    ``report`` is the :class:`~referralmatch.io.report.LoadReport` of the load that made it (an
    empty report for a directory built in code). Equality compares the records, not the report.
    """

    def __init__(
        self,
        *,
        organizations: Iterable[Organization] = (),
        programs: Iterable[Program] = (),
        services: Iterable[Service] = (),
        locations: Iterable[Location] = (),
        service_at_locations: Iterable[ServiceAtLocation] = (),
        taxonomies: Iterable[Taxonomy] = (),
        taxonomy_terms: Iterable[TaxonomyTerm] = (),
        report: LoadReport | None = None,
    ) -> None:
        from .io.report import LoadReport

        self.organizations: dict[str, Organization] = {o.id: o for o in organizations}
        self.programs: dict[str, Program] = {p.id: p for p in programs}
        self.services: dict[str, Service] = {s.id: s for s in services}
        self.locations: dict[str, Location] = {loc.id: loc for loc in locations}
        self.service_at_locations: dict[str, ServiceAtLocation] = {
            sal.id: sal for sal in service_at_locations
        }
        self.taxonomies: dict[str, Taxonomy] = {t.id: t for t in taxonomies}
        self.taxonomy_terms: dict[str, TaxonomyTerm] = {t.id: t for t in taxonomy_terms}
        self.report: LoadReport = report if report is not None else LoadReport(source="<memory>")
        self._sal_by_service: dict[str, list[ServiceAtLocation]] = defaultdict(list)
        for sal in self.service_at_locations.values():
            self._sal_by_service[sal.service_id].append(sal)

    def __repr__(self) -> str:
        return (
            f"Directory({len(self.organizations)} organizations, {len(self.services)} services, "
            f"{len(self.locations)} locations)"
        )

    def __len__(self) -> int:
        return len(self.services)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Directory):
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name)
            for name in (
                "organizations",
                "programs",
                "services",
                "locations",
                "service_at_locations",
                "taxonomies",
                "taxonomy_terms",
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def _service(self, service: str | Service) -> Service:
        return self.services[service] if isinstance(service, str) else service

    def organization_of(self, service: str | Service) -> Organization | None:
        """The organization that runs ``service`` (an id or a Service), or None if unknown."""
        org_id = self._service(service).organization_id
        return self.organizations.get(org_id) if org_id else None

    def service_at_locations_of(self, service: str | Service) -> list[ServiceAtLocation]:
        """The service-at-location links of ``service``."""
        return list(self._sal_by_service.get(self._service(service).id, ()))

    def locations_of(self, service: str | Service) -> list[Location]:
        """The locations where ``service`` is delivered (links to missing locations are skipped)."""
        out = []
        for sal in self.service_at_locations_of(service):
            location = self.locations.get(sal.location_id) if sal.location_id else None
            if location is not None:
                out.append(location)
        return out

    def schedules_of(self, service: str | Service) -> list[Schedule]:
        """Every schedule of ``service``: its own, and those of its service-at-location links."""
        svc = self._service(service)
        schedules = list(svc.schedules)
        for sal in self.service_at_locations_of(svc):
            schedules.extend(sal.schedules)
        return schedules

    def service_areas_of(self, service: str | Service) -> list[ServiceArea]:
        """Every service area of ``service``: its own and those given per location (HSDS 3.1)."""
        svc = self._service(service)
        areas = list(svc.service_areas)
        for sal in self.service_at_locations_of(svc):
            areas.extend(sal.service_areas)
        return areas

    def taxonomy_terms_of(self, service: str | Service) -> list[TaxonomyTerm]:
        """The taxonomy terms attached to ``service`` through its attributes."""
        terms = []
        for attribute in self._service(service).attributes:
            term = self.taxonomy_terms.get(attribute.taxonomy_term_id or "")
            if term is not None:
                terms.append(term)
        return terms

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tidy DataFrames, one per HSDS table, plus a flat ``services`` frame; see ``io.export``."""
        from .io.export import to_frames

        return to_frames(self)

    def to_hsds_json(self, path: str | Path) -> Path:
        """Write the directory as HSDS 3.0 JSON (a list of full services); see ``io.export``."""
        from .io.export import to_hsds_json

        return to_hsds_json(self, path)
