"""Open Referral UK feeds: the real Bristol feed and a full ORUK service load as HSDS 3, accounted for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import referralmatch as rm
from referralmatch.io.html_text import html_to_text

FULL_SERVICE: dict[str, Any] = {
    "id": "svc-1",
    "name": "Community Counselling",
    "description": "<p>Talking therapy &amp; support.</p><script>steal()</script>",
    "status": "Active",
    "fees": "Free",
    "deliverable_type": "1 to 1 support",
    "pc_attendingAccess_additionalInfo": "Call first",
    "pc_widget": {"colour": "blue"},
    "organization": {"id": "org-1", "name": "Mind Bristol", "url": "https://mind.example"},
    "eligibilitys": [{"id": "e1", "eligibility": "Adults", "minimum_age": 18, "maximum_age": 65}],
    "languages": [{"id": "l1", "language": "English"}, {"id": "l2", "language": "Polish"}],
    "regular_schedules": [
        {"id": "r1", "opens_at": "09:00", "closes_at": "17:00", "byday": "MO,TU", "freq": "WEEKLY"}
    ],
    "service_at_locations": [
        {
            "id": "sal-1",
            "location": {
                "id": "loc-1",
                "name": "Main",
                "latitude": 51.45,
                "longitude": -2.59,
                "physical_addresses": [
                    {
                        "id": "a1",
                        "address_1": "1 High St",
                        "city": "Bristol",
                        "postal_code": "BS1 1AA",
                        "country": "GB",
                    }
                ],
                "accessibility_for_disabilities": [{"id": "x1", "accessibility": "Step-free"}],
            },
        }
    ],
    "service_taxonomys": [
        {
            "id": "t1",
            "taxonomy": {
                "id": "bccsoc:1",
                "name": "Mental health",
                "vocabulary": "BCC Social Care",
            },
        }
    ],
    "cost_options": [{"id": "c1", "option": "Session", "amount": 0}],
    "service_areas": [{"id": "sa1", "service_area": "Bristol"}],
    "contacts": [
        {"id": "ct1", "name": "Reception", "phones": [{"id": "p1", "number": "0117 000 0000"}]}
    ],
}


def _page(tmp_path: Path, services: list[dict[str, Any]]) -> Path:
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            {"totalElements": len(services), "totalPages": 1, "number": 1, "content": services}
        ),
        encoding="utf-8",
    )
    return path


def test_bristol_feed_loads_every_record_accounted(reference: Path) -> None:
    path = reference / "oruk_bristol_2021" / "services.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    directory = rm.load_directory(path)
    report = directory.report
    assert report.format == "oruk-json"
    assert report.balanced
    counts = report.counts["service"]
    assert counts.read == len(raw) == 819
    ids = [s["id"] for s in raw]
    duplicates = {i for i in ids if ids.count(i) > 1}
    unnamed = [s["id"] for s in raw if not s["name"].strip()]
    assert len(directory.services) == len(set(ids) - set(unnamed)) == counts.loaded
    assert counts.rejected == len(raw) - counts.loaded == 2
    errors = {(i.record_id, i.field) for i in report.errors if i.record_type == "service"}
    assert (unnamed[0], "name") in errors
    assert any(rid in duplicates and field == "id" for rid, field in errors)
    # HTML is gone from every description, organizations came from the nesting
    tags = re.compile(r"</?(p|br|div|span|strong|em|a|ul|li)\b|&nbsp;|&amp;", re.IGNORECASE)
    html_in = [s["id"] for s in raw if tags.search(s["description"])]
    assert len(html_in) > 500
    assert not [s.id for s in directory.services.values() if tags.search(s.description or "")]
    orgs = {s["organization"]["id"] for s in raw if "organization" in s}
    assert set(directory.organizations) == orgs
    # vendor target audiences became audience attributes the matcher reads
    audiences = [
        a.value
        for s in directory.services.values()
        for a in s.attributes
        if a.link_type == "audience"
    ]
    expected = sum(len(s["pc_targetAudience"]) for s in raw if s["name"].strip())
    assert len(audiences) >= expected - 2 and "Dementia" in audiences
    assert any(i.field == "pc_metadata" for i in report.issues)


def test_full_oruk_service_maps_nested_parts(tmp_path: Path) -> None:
    directory = rm.load_directory(_page(tmp_path, [FULL_SERVICE]))
    report = directory.report
    assert report.balanced and report.ok, [str(i) for i in report.errors]
    service = directory.services["svc-1"]
    assert service.description == "Talking therapy & support."
    assert service.status == "active" and service.fees_description == "Free"
    assert (service.minimum_age, service.maximum_age) == (18.0, 65.0)
    assert service.eligibility_description == "Adults"
    assert [lang.code for lang in service.languages] == ["en", "pl"]
    assert service.schedules[0].byday == "MO,TU"
    location = directory.locations_of(service)[0]
    assert location.addresses[0].postal_code == "BS1 1AA"
    assert location.accessibility[0].description == "Step-free"
    assert directory.organizations["org-1"].website == "https://mind.example"
    assert [t.name for t in directory.taxonomy_terms_of(service)] == ["Mental health"]
    kept = {a.link_type: a.value for a in service.attributes if a.value}
    assert kept["deliverable_type"] == "1 to 1 support"
    assert kept["pc_attendingaccess_additionalinfo"] == "Call first"
    assert any(i.field == "pc_widget" for i in report.issues)  # reported, not silently dropped


def test_html_to_text_drops_scripts_and_keeps_structure() -> None:
    text = html_to_text(
        "<h2>Help</h2><p>Call&nbsp;us<br>today</p><style>p{}</style>"
        "<ul><li>Food</li><li></li></ul><script>x()</script>"
    )
    assert text == "Help\nCall us\ntoday\n- Food"
    assert html_to_text("5 &lt; 6 &amp; <b>bold</b>") == "5 < 6 & bold"


def test_list_with_a_non_object_is_reported(tmp_path: Path) -> None:
    path = _page(tmp_path, [FULL_SERVICE, "oops"])  # type: ignore[list-item]
    report = rm.load_directory(path).report
    assert report.balanced
    assert report.counts["service"].rejected == 1
    assert any(i.pointer == "/content/1" for i in report.errors)


@pytest.mark.parametrize("marker", ["eligibilitys", "service_taxonomys", "pc_targetAudience"])
def test_sniffed_by_oruk_keys(tmp_path: Path, marker: str) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"id": "s", "name": "X", "status": "active", marker: []}]))
    assert rm.load_directory(path).report.format == "oruk-json"


def test_zero_coordinates_and_text_ages(tmp_path: Path) -> None:
    service = json.loads(json.dumps(FULL_SERVICE))
    service["service_at_locations"][0]["location"].update(latitude=0, longitude="0.0")
    service["eligibilitys"] = [{"id": "e1", "minimum_age": "16", "maximum_age": None}]
    service["languages"] = ["French"]
    service["reviews"] = [{"id": "r1", "score": 5}]
    directory = rm.load_directory(_page(tmp_path, [service]))
    loaded = directory.services["svc-1"]
    location = directory.locations_of(loaded)[0]
    assert location.latitude is None and location.longitude is None
    assert loaded.minimum_age == 16.0 and loaded.maximum_age is None
    assert [lang.code for lang in loaded.languages] == ["fr"]
    fields = {i.field for i in directory.report.issues if i.severity == "warning"}
    assert {"reviews", "location"} <= fields


def test_id_repeated_in_another_file_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "page1.json").write_text(json.dumps({"totalPages": 2, "content": [FULL_SERVICE]}))
    second = {**FULL_SERVICE, "name": "Another name"}
    (folder / "page2.json").write_text(json.dumps({"services": [second], "totalPages": 2}))
    directory = rm.load_directory(folder)
    report = directory.report
    assert report.format == "oruk-json" and report.balanced
    assert report.counts["service"].read == 2 and report.counts["service"].rejected == 1
    assert directory.services["svc-1"].name == "Community Counselling"
    duplicate = [i for i in report.errors if i.field == "id"]
    assert duplicate and duplicate[0].file == "page2.json" and duplicate[0].pointer == "/services/0"
