"""HSDS 3.x JSON and tabular loading, the load report, strict mode and format errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.errors import DirectoryFormatError, DirectoryValidationError

JSON_EXAMPLES = [
    ("service_full.json", 1, 1),
    ("service_list.json", 1, 0),
    ("organization_full.json", 1, 1),
    ("organization_list.json", 0, 0),
    ("service_at_location_full.json", 1, 1),
    ("service_at_location_list.json", 1, 1),
    ("location.json", 0, 1),
]


def _assert_accounted(directory: rm.Directory) -> None:
    report = directory.report
    assert report.balanced, report.summary()
    for name, counts in report.counts.items():
        assert counts.read == counts.loaded + counts.rejected, name
        assert counts.repaired <= counts.loaded, name


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
@pytest.mark.parametrize(("name", "services", "locations"), JSON_EXAMPLES)
def test_reference_json_examples_load(reference: Path, version: str, name: str, services: int,
                                      locations: int) -> None:  # fmt: skip
    directory = rm.load_directory(reference / "hsds" / version / name)
    assert directory.report.format == "hsds3-json"
    assert len(directory.services) == services
    assert len(directory.locations) == locations
    _assert_accounted(directory)


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
def test_reference_taxonomy_examples_load(reference: Path, version: str) -> None:
    terms = rm.load_directory(reference / "hsds" / version / "taxonomy_term_list.json")
    assert len(terms.taxonomy_terms) >= 1
    taxonomy = rm.load_directory(reference / "hsds" / version / "taxonomy.json")
    assert len(taxonomy.taxonomies) == 1


def test_service_full_is_navigable(reference: Path) -> None:
    directory = rm.load_directory(reference / "hsds" / "3.0" / "service_full.json")
    service = next(iter(directory.services.values()))
    assert service.name == "Community Counselling"
    assert service.minimum_age == 12 and service.maximum_age == 100
    org = directory.organization_of(service)
    assert org is not None and org.name
    schedules = directory.schedules_of(service)
    assert schedules and schedules[0].opens_at is not None and schedules[0].opens_at.hour == 10
    assert [lang.code for lang in service.languages]  # ISO codes
    assert all(len(lang.code or "xx") in (2, 3) for lang in service.languages)
    assert directory.service_areas_of(service)
    assert directory.locations_of(service)
    # the example phone number is wrapped in quotes: repaired and noted
    repairs = [i for i in directory.report.issues if i.severity == "repair" and i.field == "number"]
    assert repairs and repairs[0].pointer is not None and repairs[0].pointer.startswith("/")


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
def test_reference_tabular_packages_load(reference: Path, version: str) -> None:
    directory = rm.load_directory(reference / "hsds" / version / "csv")
    assert directory.report.format == "hsds3-tabular"
    assert len(directory.services) == 1
    assert len(directory.organizations) == 1
    _assert_accounted(directory)
    # the example location's latitude (100) is out of range: dropped with a note, location kept
    location = next(iter(directory.locations.values()))
    assert location.latitude is None
    assert any(i.field == "latitude" and i.file and i.file.endswith("locations.csv") and i.row == 1
               for i in directory.report.issues)  # fmt: skip
    # tables without a home in the model are reported, not silently skipped
    assert any(i.file and i.file.endswith("metadata.csv") for i in directory.report.issues)


def test_tabular_package_as_zip(reference: Path, tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "pkg"), "zip", reference / "hsds" / "3.0" / "csv")
    directory = rm.load_directory(archive)
    assert len(directory.services) == 1
    _assert_accounted(directory)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SERVICES = "id,organization_id,name,status,minimum_age,eligibility_description\n"
SAL = "id,service_id,location_id\n"
LOCATIONS = "id,location_type,name,latitude,longitude\n"


def test_tabular_problems_are_reported_with_file_row_field(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    _write(pkg, "organizations.csv", "id,name,description\no1,Harbor House,Shelter\n")
    _write(pkg, "services.csv", SERVICES + "s1,o1,Night Shelter,active,18 years,Adults\n"
           "s2,o1,,active,,\ns3,o9,Meals,active,abc,\ns1,o1,Duplicate,active,,\n")  # fmt: skip
    _write(
        pkg,
        "locations.csv",
        LOCATIONS + "l1,physical,Main,38.58,-121.49\nl2,physical,Far,123,-121\n",
    )
    _write(pkg, "service_at_location.csv", SAL + "sl1,s1,l1\nsl2,s404,l1\nsl3,s1,l404\n")
    _write(pkg, "schedules.csv", "id,service_id,byday,opens_at,closes_at\n"
           "sc1,s1,\"MO,TU\",9:00am,5 PM\nsc2,s1,FUNDAY,09:00,17:00\nsc3,s404,MO,09:00,17:00\n")  # fmt: skip
    directory = rm.load_directory(pkg)
    report = directory.report
    _assert_accounted(directory)
    assert set(directory.services) == {"s1", "s3"}
    c = report.counts
    assert (c["service"].read, c["service"].loaded, c["service"].rejected) == (4, 2, 2)
    assert c["service"].repaired == 2  # "18 years" read as 18; "abc" age dropped
    issues = report.to_frame()
    name_issue = issues[(issues.record_type == "service") & (issues.field == "name")]
    assert list(name_issue.row) == [2] and name_issue.file.iloc[0] == "services.csv"
    dup = issues[(issues.field == "id") & (issues.record_type == "service")]
    assert list(dup.row) == [4] and "duplicate" in dup.message.iloc[0]
    # dangling: service s3 names a missing organization; sl2 names a missing service; sl3 a location
    assert any(i.record_id == "s3" and i.field == "organization_id" for i in report.errors)
    assert "sl2" not in directory.service_at_locations
    assert any(i.row == 2 and i.file == "service_at_location.csv" for i in report.errors)
    assert any(i.record_id == "sl3" and i.field == "location_id" for i in report.errors)
    # schedules: times repaired; an unknown weekday is dropped with a note; a dangling one rejected
    sched = directory.schedules_of("s1")
    assert [s.id for s in sched] == ["sc1", "sc2"]
    assert sched[1].byday is None
    assert any(
        i.field == "byday" and i.row == 2 and i.file == "schedules.csv" for i in report.issues
    )
    assert sched[0].opens_at is not None and sched[0].opens_at.hour == 9
    assert sched[0].closes_at is not None and sched[0].closes_at.hour == 17
    assert c["schedule"].rejected == 1
    assert directory.locations["l2"].latitude is None
    assert "row" in report.summary() or "schedule" in report.summary()
    assert report.counts_frame().loc["schedule", "rejected"] == 1


def test_strict_raises_once_with_every_issue(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    _write(pkg, "services.csv", SERVICES + "s1,,A,active,,\ns2,,,active,,\ns3,,C,bogus,,\n")
    _write(pkg, "service_at_location.csv", SAL + "sl1,s9,\n")
    with pytest.raises(DirectoryValidationError) as info:
        rm.load_directory(pkg, strict=True)
    errors = [i for i in info.value.issues if i.severity == "error"]
    assert len(errors) == 3
    assert "3 problem(s)" in str(info.value)
    assert rm.load_directory(pkg).report.ok is False  # non-strict keeps the good records


def test_unknown_formats_explain_themselves(tmp_path: Path) -> None:
    folder = tmp_path / "junk"
    _write(folder, "notes.txt", "hello")
    with pytest.raises(DirectoryFormatError, match=r"Supported: HSDS 3\.x JSON"):
        rm.load_directory(folder)
    with pytest.raises(DirectoryFormatError, match="mapping"):
        rm.load_directory(_write(tmp_path, "x.csv", "a,b\n1,2\n"))
    with pytest.raises(DirectoryFormatError, match="not valid JSON"):
        rm.load_directory(_write(tmp_path, "bad.json", '{"id": "x", "name": '))
    with pytest.raises(DirectoryFormatError, match="unknown format"):
        rm.load_directory(folder, format="xml")
    with pytest.raises(DirectoryFormatError, match="no such file"):
        rm.load_directory(tmp_path / "missing")


def test_json_shapes_and_pointers(tmp_path: Path) -> None:
    doc = {
        "contents": [
            {"id": "s1", "name": "Food Pantry", "status": "active",
             "organization": {"id": "o1", "name": "Org", "description": "d"},
             "service_at_locations": [{"id": "sl1", "location": {
                 "id": "l1", "location_type": "physical", "latitude": 38.5, "longitude": -121.4}}],
             "schedules": [{"id": "sc1", "byday": "MO", "opens_at": "noon", "closes_at": "13:00"},
                           {"id": "sc2", "byday": "XX"}]},
            {"id": "s2", "name": "Second", "status": "active",
             "organization": {"id": "o1", "name": "Org", "description": "d"}},
            {"id": "s1", "name": "Duplicate", "status": "active"},
            42,
        ]
    }  # fmt: skip
    path = _write(tmp_path, "page.json", json.dumps(doc))
    directory = rm.load_directory(path)
    _assert_accounted(directory)
    assert set(directory.services) == {"s1", "s2"} and set(directory.organizations) == {"o1"}
    assert directory.organization_of("s2") is directory.organizations["o1"]
    assert directory.locations_of("s1")[0].latitude == 38.5
    pointers = {i.pointer for i in directory.report.issues}
    assert "/contents/0/schedules/1" in pointers  # bad weekday dropped, noted at its own pointer
    assert "/contents/0/schedules/0" in pointers  # "noon" repaired
    assert "/contents/2" in pointers and "/contents/3" in pointers
    assert directory.report.counts["schedule"].repaired == 2
    assert directory.report.counts["schedule"].rejected == 0
