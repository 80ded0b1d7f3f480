"""Collecting HSDS 3 nested records converted from other formats (AIRS XML, ORUK, APIs) into a Directory.

Converters turn each source record into an HSDS 3 JSON-shaped dict and hand it to a
:class:`Collector`, which builds the models with the same normalisation, accounting and
duplicate-id handling as HSDS 3 JSON (a repeated top-level id is rejected and reported). Where a
record came from is a pointer the converter chooses: a JSON pointer, or a path such as
``/Source/Agency[1]/Site[2]`` into XML.

Example:
    >>> from referralmatch.io.report import LoadReport
    >>> from referralmatch.models.directory import Service
    >>> report = LoadReport(source="demo")
    >>> collector = Collector(report, "demo.json")
    >>> collector.add(Service, {"id": "s1", "name": "Food Pantry"}, "/0")
    's1'
    >>> collector.add(Service, {"id": "s1", "name": "Food Pantry again"}, "/1")
    's1'
    >>> directory = collector.to_directory()
    >>> len(directory.services), report.counts["service"]
    (1, Counts(read=2, loaded=1, repaired=0, rejected=1))
"""

from __future__ import annotations

from typing import Any

from ..directory import Directory
from ..models.directory import (
    HSDSModel,
    Location,
    Organization,
    Program,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .hsds3 import _JsonCollector
from .report import LoadReport

__all__ = ["Collector"]


class Collector:
    """Builds HSDS 3 records from nested dicts, accounting for each in ``report``."""

    def __init__(self, report: LoadReport, file: str) -> None:
        self.report = report
        self.file = file
        self._inner = _JsonCollector(report, file)

    def at(self, file: str) -> None:
        """Name ``file`` as the source of the records added from now on (e.g. one API page)."""
        self.file = file
        self._inner.file = file

    def add(self, model: type[HSDSModel], raw: dict[str, Any], pointer: str) -> str | None:
        """Build one top-level record (and its nested records); its id, or None if rejected."""
        return self._inner.add(model, raw, pointer, top_level=True)

    def has(self, model: type[HSDSModel], record_id: str) -> bool:
        """True when a record of ``model`` with ``record_id`` was already loaded."""
        return record_id in self._inner.records[model]

    def to_directory(self, *others: Collector) -> Directory:
        """The Directory of everything collected here (and in ``others``; first id wins)."""
        merged: dict[type[HSDSModel], dict[str, HSDSModel]] = {}
        for collector in (self, *others):
            for model, records in collector._inner.records.items():
                for rid, obj in records.items():
                    merged.setdefault(model, {}).setdefault(rid, obj)

        def of(model: type[HSDSModel]) -> list[Any]:
            return list(merged.get(model, {}).values())

        return Directory(
            organizations=of(Organization),
            programs=of(Program),
            services=of(Service),
            locations=of(Location),
            service_at_locations=of(ServiceAtLocation),
            taxonomies=of(Taxonomy),
            taxonomy_terms=of(TaxonomyTerm),
            report=self.report,
        )
