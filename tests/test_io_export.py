"""Exports: the sample directory round-trips through schema-valid HSDS 3.0 JSON; tidy frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import referralmatch as rm
from referralmatch.io.records import record_type_of


@pytest.fixture(scope="module")
def sample() -> rm.Directory:
    return rm.load_directory(rm.sample_directory_path())


def _validators(schema_dir: Path) -> dict[str, jsonschema.protocols.Validator]:
    registry: Registry[Any] = Registry()
    schemas = {}
    for path in schema_dir.glob("*.json"):
        contents = json.loads(path.read_text())
        schemas[path.stem] = contents
        registry = registry.with_resource(path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
    checker = jsonschema.FormatChecker()
    return {
        name: jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
        for name, schema in schemas.items()
    }


def _schema_for(obj: dict[str, Any]) -> str:
    if "status" in obj or "service_at_locations" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if "taxonomy_detail" in obj or "parent_id" in obj or "code" in obj:
        return "taxonomy_term"
    return "organization"


def test_sample_round_trips_through_schema_valid_hsds_json(sample: rm.Directory, tmp_path: Path, reference: Path) -> None:
    assert sample.report.ok and sample.report.balanced
    out = sample.to_hsds_json(tmp_path / "out.json")
    validators = _validators(reference / "hsds" / "3.0" / "schema")
    objects = json.loads(out.read_text())
    assert len([o for o in objects if _schema_for(o) == "service"]) == len(sample.services)
    for index, obj in enumerate(objects):
        errors = list(validators[_schema_for(obj)].iter_errors(obj))
        assert not errors, (index, [e.message for e in errors[:3]])
    again = rm.load_directory(out)
    assert again == sample
    assert again.report.ok


def test_round_trip_keeps_orphans(tmp_path: Path) -> None:
    from referralmatch.models import Location, Organization, Service, TaxonomyTerm

    directory = rm.Directory(
        organizations=[Organization(id="o1", name="Lonely Org", description="no services")],
        services=[Service(id="s1", name="Meals", status="active")],
        locations=[Location(id="l1", name="Unused site", latitude=38.5, longitude=-121.5)],
        taxonomy_terms=[TaxonomyTerm(id="t1", name="Food", description="food")],
    )
    again = rm.load_directory(directory.to_hsds_json(tmp_path / "x.json"))
    assert again == directory


def test_to_frames(sample: rm.Directory) -> None:
    frames = sample.to_frames()
    assert len(frames["service"]) == len(sample.services)
    assert len(frames["schedule"]) == sum(len(sample.schedules_of(s)) for s in sample.services)
    flat = frames["services"]
    assert {"service_id", "organization_name", "latitude", "longitude"} <= set(flat.columns)
    assert flat["latitude"].dtype == "float64"
    assert set(flat["service_id"]) == set(sample.services)
    schedules = frames["schedule"]
    assert schedules["service_id"].notna().sum() + schedules["service_at_location_id"].notna().sum() >= len(schedules)
    assert record_type_of(type(next(iter(sample.services.values())))) in frames
