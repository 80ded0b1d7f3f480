"""Column mappings over JSON records (dotted paths, nested lists), mappings saved as JSON, presets,
the CLI's --mapping/--preset, and the message for JSON no format recognises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import referralmatch as rm
from referralmatch.cli import main
from referralmatch.errors import ConfigurationError, DirectoryFormatError
from referralmatch.io.json_records import json_rows
from referralmatch.io.mapping import OHANA, ColumnMapping, Join, Map, Split, TableMapping
from referralmatch.io.presets import LINKSF, PRESETS, preset

RECORDS: list[dict[str, Any]] = [
    {"key": "f1", "title": "Harbor House", "geo": {"lat": 37.5, "lng": -122.3},
     "langs": ["English", "Spanish"], "extra": "x",
     "programs": [{"pid": "p1", "label": "Shelter", "hours": [{"day": "Mon", "from": 900, "to": 1700}]},
                  {"pid": "p2", "label": "Meals", "hours": []}]},
    {"key": "f2", "title": "Hope Center", "geo": {"lat": 37.6, "lng": -122.4}, "langs": [],
     "programs": [{"pid": "p3", "label": "", "hours": []}]},
]  # fmt: skip

MAPPING = ColumnMapping(tables=(
    TableMapping(table="organizations", id_from="key", columns={"name": "title"}),
    TableMapping(table="locations", id_from="key",
                 columns={"organization_id": "key", "latitude": "geo.lat", "longitude": "geo.lng"}),
    TableMapping(table="languages", id_from="key", id_prefix="lang-", split=Split(column="langs"),
                 columns={"location_id": "key", "name": "langs", "code": "langs"}),
    TableMapping(table="services", source="#programs", id_from="programs.pid",
                 columns={"name": "programs.label", "organization_id": "key",
                          "description": Join(columns=("title", "programs.label"), sep=": ")}),
    TableMapping(table="schedules", source="#programs.hours",
                 columns={"service_id": "programs.pid", "opens_at": "programs.hours.from",
                          "closes_at": "programs.hours.to",
                          "byday": Map(column="programs.hours.day", values={"mon": "MO"})}),
))  # fmt: skip


def _write(tmp_path: Path, data: Any, name: str = "feed.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_rows_flatten_and_explode() -> None:
    rows = json_rows(RECORDS, "feed.json")
    assert rows[0][1]["geo.lat"] == 37.5 and rows[0][1]["langs"] == "English, Spanish"
    assert rows[0][1]["programs.1.label"] == "Meals"
    nested = json_rows(RECORDS, "feed.json", "programs.hours")
    assert [(n, v["programs.pid"], v["title"], v["@parent"]) for n, v in nested] == [
        (1, "p1", "Harbor House", "feed.json#programs:1")
    ]


def test_mapping_over_json_records(tmp_path: Path) -> None:
    directory = rm.load_directory(_write(tmp_path, RECORDS), mapping=MAPPING)
    report = directory.report
    assert report.format == "mapped" and report.balanced
    assert set(directory.organizations) == {"f1", "f2"}
    assert directory.locations["f1"].latitude == 37.5
    assert [lang.code for lang in directory.locations["f1"].languages] == ["en", "es"]
    assert set(directory.services) == {"p1", "p2"}
    assert directory.services["p1"].description == "Harbor House: Shelter"
    schedule = directory.services["p1"].schedules[0]
    assert (schedule.byday, schedule.opens_at.hour, schedule.closes_at.hour) == ("MO", 9, 17)  # type: ignore[union-attr]
    # the program without a label is rejected with its file, row and field
    rejected = [i for i in report.errors if i.record_id == "p3"]
    assert rejected and rejected[0].field == "name" and rejected[0].file == "feed.json#programs"
    assert rejected[0].row == 3
    # an unmapped value is reported once; parent values read by nested mappings are not
    unmapped = {i.field for i in report.issues if "not mapped" in i.message}
    assert unmapped == {"extra"}


def test_exact_repeats_are_reported_with_their_nested_rows(tmp_path: Path) -> None:
    directory = rm.load_directory(_write(tmp_path, [*RECORDS, RECORDS[0]]), mapping=MAPPING)
    report = directory.report
    assert report.balanced
    assert len(directory.services["p1"].schedules) == 1  # not doubled by the repeat
    repeats = [i for i in report.errors if "repeats row" in i.message]
    assert {i.record_type for i in repeats} >= {"organization", "service", "schedule"}
    assert report.counts["service"].read == 5 and report.counts["service"].rejected == 3


def test_records_path_only_for_json(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name\nA\n", encoding="utf-8")
    mapping = ColumnMapping(tables=(TableMapping(table="services", source="#items",
                                                 columns={"name": "name"}),))  # fmt: skip
    with pytest.raises(ConfigurationError, match="only for JSON"):
        rm.load_directory(path, mapping=mapping)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_mapping_round_trips_through_json(tmp_path: Path, name: str) -> None:
    mapping = preset(name)
    path = tmp_path / f"{name}.json"
    text = mapping.to_json(path)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)
    assert ColumnMapping.from_json(path) == mapping
    assert ColumnMapping.from_json(text) == mapping


def test_invalid_mapping_file_names_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, {"tables": [{"table": "servicez"},
                                        {"table": "services", "columns": {"nom": "x"}}]}, "m.json")  # fmt: skip
    with pytest.raises(ConfigurationError) as caught:
        ColumnMapping.from_json(path)
    assert "servicez" in str(caught.value) and "nom" in str(caught.value)
    with pytest.raises(ConfigurationError, match="mapping file"):
        ColumnMapping.from_json(tmp_path / "absent.json")


def test_linksf_loads_through_its_mapping_all_130_accounted(reference: Path) -> None:
    path = reference / "linksf_2014" / "linksf.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    services = [s for f in raw for s in f["services"]]
    assert len(services) == 130
    directory = rm.load_directory(path, mapping=LINKSF)
    report = directory.report
    assert report.balanced
    counts = report.counts["service"]
    assert counts.read == 130 == counts.loaded + counts.rejected
    unique = {s["objectId"]: s for s in services}
    assert set(directory.services) == set(unique)
    # the export repeats some facilities whole: each repeat is reported, nothing doubled
    assert counts.rejected == 130 - len(unique)
    assert all("repeats row" in i.message for i in report.errors if i.record_type == "service")
    for sid, source in unique.items():
        hours = sum(len(v) for v in (source.get("openHours") or {}).values())
        assert len(directory.services[sid].schedules) == hours, sid
    service = directory.services[services[0]["objectId"]]
    assert service.organization_id == raw[0]["objectId"]
    assert directory.locations_of(service)[0].latitude == pytest.approx(raw[0]["location"]["latitude"])
    keywords = {a.value for s in directory.services.values() for a in s.attributes
                if a.link_type == "keyword"}  # fmt: skip
    assert keywords == {s["category"] for s in services}
    audiences = {a.value for s in directory.services.values() for a in s.attributes
                 if a.link_type == "audience"}  # fmt: skip
    assert audiences <= {"children", "youth", "adults", "seniors"} and "seniors" in audiences
    assert not [i for i in report.issues if "not mapped" in i.message]


def test_linksf_without_mapping_says_what_was_tried(reference: Path) -> None:
    with pytest.raises(DirectoryFormatError) as caught:
        rm.load_directory(reference / "linksf_2014" / "linksf.json")
    message = str(caught.value)
    assert "Tried: HSDS 3.x JSON" in message and "Open Referral UK" in message
    assert "--mapping" in message and "ColumnMapping" in message


def test_cli_validate_with_preset_and_mapping_file(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(reference / "linksf_2014" / "linksf.json")
    assert main(["validate", path, "--preset", "linksf", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["format"] == "mapped" and payload["counts"]["service"]["read"] == 130
    mapping_file = tmp_path / "linksf-mapping.json"
    LINKSF.to_json(mapping_file)
    assert main(["validate", path, "--mapping", str(mapping_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == payload["counts"]
    assert main(["validate", path]) == 2
    assert "Tried" in capsys.readouterr().err
    assert main(["validate", path, "--preset", "linksf", "--mapping", str(mapping_file)]) == 2
    assert "not both" in capsys.readouterr().err


def test_cli_preset_ohana(reference: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(reference / "ohana_smc_sample_csv"), "--preset", "ohana"]) == 0
    out = capsys.readouterr().out
    assert "as mapped" in out
    direct = rm.load_directory(reference / "ohana_smc_sample_csv", mapping=OHANA)
    assert f"{direct.report.counts['service'].loaded:>7}" in out


def test_cli_match_with_preset(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = tmp_path / "client.json"
    client.write_text(json.dumps({"age": 40, "location": {"postal_code": "94103"},
                                  "max_travel_km": 5, "needs": [{"category": "food"}]}))  # fmt: skip
    path = str(reference / "linksf_2014" / "linksf.json")
    assert main(["match", "--directory", path, "--preset", "linksf", "--client", str(client),
                 "--json", "--limit", "3"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    matches = payload["needs"][0]["matches"]
    directory = rm.load_directory(path, mapping=LINKSF)
    assert matches and all(m["service_id"] in directory.services for m in matches)


def test_json_paths_absent_from_every_record(tmp_path: Path) -> None:
    records = [{**r, "programs": [{k: v for k, v in p.items() if k != "hours"}
                                  for p in r["programs"]]} for r in RECORDS]  # fmt: skip
    directory = rm.load_directory(_write(tmp_path, records), mapping=MAPPING)
    report = directory.report
    assert report.balanced and set(directory.services) == {"p1", "p2"}
    assert not any(s.schedules for s in directory.services.values())
    wrong = ColumnMapping(tables=(TableMapping(table="services", columns={"name": "nom"}),))
    with pytest.raises(ConfigurationError, match="nom"):
        rm.load_directory(_write(tmp_path, records, "other.json"), mapping=wrong)
    partly = ColumnMapping(tables=(TableMapping(table="services", id_from="key",
                                                columns={"name": "title", "url": "site"}),))  # fmt: skip
    report = rm.load_directory(_write(tmp_path, records, "third.json"), mapping=partly).report
    assert any(i.record_type == "mapping" and "site" in i.message for i in report.issues)
