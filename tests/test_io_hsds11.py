"""Tests for the HSDS 1.1 / 2.0 -> HSDS 3 table converter (referralmatch.io.hsds11)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from referralmatch.errors import UnsafeInputError
from referralmatch.io.hsds11 import ROW_FILE_KEY, TABLE_MODELS, hsds11_tables, looks_like_hsds11
from referralmatch.io.report import LoadReport
from referralmatch.io.source import Bundle
from referralmatch.io.tabular import Table

SAMPLE = "openreferral_sample_hsds11"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """Independent reading of a CSV with the csv module (blank lines skipped)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [r for r in csv.DictReader(handle) if any((v or "").strip() for v in r.values())]


def _bundle(files: dict[str, str]) -> Bundle:
    return Bundle("test", {name: text.encode() for name, text in files.items()})


def _convert(files: dict[str, str]) -> tuple[dict[str, Table], LoadReport]:
    report = LoadReport(source="test")
    return hsds11_tables(_bundle(files), report), report


def _file_of(table: Table, values: dict[str, Any]) -> str:
    return str(values.get(ROW_FILE_KEY, table.file))


@pytest.fixture(scope="module")
def sample_dir(reference: Path) -> Path:
    return reference / SAMPLE


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> tuple[dict[str, Table], LoadReport]:
    report = LoadReport(source=SAMPLE)
    return hsds11_tables(Bundle.open(sample_dir), report), report


# ---- the real sample package


def test_sample_table_counts_match_the_csv_files(
    reference: Path, sample: tuple[dict[str, Table], LoadReport]
) -> None:
    folder = reference / SAMPLE
    tables, _ = sample
    n = {p.stem: len(_csv_rows(p)) for p in folder.glob("*.csv")}
    phone_codes = sum(
        len([c for c in r["language"].split(",") if c.strip()])
        for r in _csv_rows(folder / "phones.csv")
    )
    expected = {
        "organizations": n["organizations"],
        "programs": n["programs"],
        "services": n["services"],
        "locations": n["locations"],
        "service_at_location": n["services_at_location"],
        "phones": n["phones"],
        "contacts": n["contacts"],
        "addresses": n["physical_addresses"] + n["postal_addresses"],
        "schedules": n["regular_schedules"] + n["holiday_schedules"],
        "funding": n["funding"],
        "service_areas": n["service_areas"],
        "required_documents": n["required_documents"],
        "languages": n["languages"] + phone_codes,
        "accessibility": n["accessibility_for_disabilities"],
        "attributes": n["services_taxonomy"],
        "taxonomy_terms": n["taxonomy"],
    }
    assert {name: len(t.rows) for name, t in tables.items()} == expected
    # The numbers observed in the sample, so a change in either side is noticed.
    assert (expected["services"], expected["service_at_location"]) == (13, 13)
    assert (expected["schedules"], expected["addresses"], expected["languages"]) == (4, 2, 8)


def test_sample_rows_point_at_real_files_and_rows(
    reference: Path, sample: tuple[dict[str, Table], LoadReport]
) -> None:
    folder = reference / SAMPLE
    tables, _ = sample
    for name, table in tables.items():
        columns = set(TABLE_MODELS[name].model_fields)
        for row, values in table.rows:
            file = _file_of(table, values)
            source = _csv_rows(folder / file)
            assert 1 <= row <= len(source), (name, file, row)
            assert set(values) - {ROW_FILE_KEY} <= columns, name
            assert values["id"].startswith(source[row - 1]["id"])  # derived ids keep the source id


def test_sample_service_at_location_pairs(
    reference: Path, sample: tuple[dict[str, Table], LoadReport]
) -> None:
    tables, _ = sample
    expected = [
        (r["service_id"], r["location_id"])
        for r in _csv_rows(reference / SAMPLE / "services_at_location.csv")
    ]
    got = [(v["service_id"], v["location_id"]) for _, v in tables["service_at_location"].rows]
    assert got == expected
    assert tables["service_at_location"].file == "services_at_location.csv"


def test_sample_weekdays_and_times(
    reference: Path, sample: tuple[dict[str, Table], LoadReport]
) -> None:
    tables, _ = sample
    regular = [
        v
        for _, v in tables["schedules"].rows
        if _file_of(tables["schedules"], v) == "regular_schedules.csv"
    ]
    source = _csv_rows(reference / SAMPLE / "regular_schedules.csv")
    codes = {"1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU"}
    assert [v["byday"] for v in regular] == [codes[r["weekday"]] for r in source]
    assert all(v["freq"] == "WEEKLY" for v in regular)
    assert [v["opens_at"] for v in regular] == [r["opens_at"] for r in source]  # left as text
    assert all("weekday" not in v for v in regular)
    assert [v["service_at_location_id"] for v in regular] == [
        r["service_at_location_id"] for r in source
    ]


def test_sample_holiday_closure_and_id_clash(sample: tuple[dict[str, Table], LoadReport]) -> None:
    tables, report = sample
    table = tables["schedules"]
    holidays = [(row, v) for row, v in table.rows if _file_of(table, v) == "holiday_schedules.csv"]
    assert len(holidays) == 1
    row, values = holidays[0]
    assert row == 1
    assert values["description"].startswith("Closed")
    assert values["notes"] == "holiday closure"
    assert (values["valid_from"], values["valid_to"]) == ("2019-12-24", "2019-12-26")
    assert "opens_at" not in values and "closed" not in values
    # The sample reuses a regular schedule's id for its holiday row: renamed, with a warning.
    ids = [v["id"] for _, v in table.rows]
    assert len(ids) == len(set(ids))
    clash = [i for i in report.issues if i.field == "id" and i.file == "holiday_schedules.csv"]
    assert len(clash) == 1 and clash[0].severity == "warning" and clash[0].row == 1


def test_sample_merges_and_accounting(sample: tuple[dict[str, Table], LoadReport]) -> None:
    tables, report = sample
    services = {v["id"]: v for _, v in tables["services"].rows}
    helpline = services["c89eb05c-62dd-4b64-b494-0cc347b6ea7f"]
    assert helpline["eligibility_description"] == "adult"
    assert helpline["fees_description"] == "Payments accepted: cash, credit card"
    assert "taxonomy_ids" not in helpline
    assert (report.counts["eligibility"].read, report.counts["eligibility"].loaded) == (1, 1)
    assert (report.counts["payment_accepted"].read, report.counts["payment_accepted"].loaded) == (
        2,
        2,
    )
    assert report.balanced and report.ok


def test_sample_languages_addresses_taxonomy(sample: tuple[dict[str, Table], LoadReport]) -> None:
    tables, _ = sample
    langs = tables["languages"]
    assert langs.file == "languages.csv"
    from_file = [v for _, v in langs.rows if _file_of(langs, v) == "languages.csv"]
    assert [(v["name"], v["code"]) for v in from_file] == [
        ("English", "English"),
        ("Spanish", "Spanish"),
    ]
    from_phone = [(row, v) for row, v in langs.rows if _file_of(langs, v) == "phones.csv"]
    first = [v for row, v in from_phone if row == 1]
    assert [(v["code"], v["name"]) for v in first] == [("en", "English"), ("es", "Spanish")]
    assert all(v["phone_id"] == "3733e828-58e5-4ff5-9dc6-ae24f92a0f56" for v in first)
    types = sorted(
        (v["address_type"], _file_of(tables["addresses"], v)) for _, v in tables["addresses"].rows
    )
    assert types == [("physical", "physical_addresses.csv"), ("postal", "postal_addresses.csv")]
    ((_, term),) = tables["taxonomy_terms"].rows
    assert term["taxonomy"] == "AIRS" and term["name"] == "Taxonomy A" and "code" not in term
    ((_, access),) = tables["accessibility"].rows
    assert access["description"] == "disabled_parking"
    assert tables["organizations"].rows[0][1]["website"] == "http://example.com"


def test_sample_unused_files_warned_once(sample: tuple[dict[str, Table], LoadReport]) -> None:
    _, report = sample
    unused = [i for i in report.issues if "not part of the directory model" in i.message]
    assert sorted(i.file for i in unused if i.file) == [
        "meta_table_descriptions.csv",
        "metadata.csv",
    ]
    assert all(i.severity == "warning" and "1 row" in i.message for i in unused)


# ---- sniffing


def test_sniffer(reference: Path) -> None:
    assert looks_like_hsds11(Bundle.open(reference / SAMPLE))
    assert not looks_like_hsds11(Bundle.open(reference / "hsds" / "3.0" / "csv"))
    assert not looks_like_hsds11(Bundle.open(reference / "hsds" / "3.0"))


@pytest.mark.parametrize(
    ("version", "expected"), [("1.1", True), ("2.0.1", True), ("3.0.0", False), ("", False)]
)
def test_sniffer_datapackage_version(version: str, expected: bool) -> None:
    files = {"datapackage.json": json.dumps({"version": version}), "services.csv": "id,name\n"}
    assert looks_like_hsds11(_bundle(files)) is expected
    assert not looks_like_hsds11(_bundle({"datapackage.json": "not json", "services.csv": "id\n"}))
    files["addresses.csv"] = "id\n"  # an HSDS 3 package with its own version number 1.x
    assert not looks_like_hsds11(_bundle(files))


# ---- synthetic packages

SERVICES = "id,name,eligibility_description\ns1,Harbor Shelter,\ns2,Food Bank,Residents only\n"


def test_weekday_forms_and_bad_weekday_reported() -> None:
    tables, report = _convert({
        "services.csv": SERVICES,
        "regular_schedules.csv": (
            "id,service_id,weekday,opens_at,closes_at\n"
            "r1,s1,Monday-Friday,9:00am,5:00pm\n"
            "r2,s1,\"Sat, Sun\",10am,noon\n"
            "r3,s1,7,0900,1700\n"
            "r4,s1,Funday,9,5\n"
            "r5,s1,,9,5\n"
        ),
    })  # fmt: skip
    rows = {v["id"]: (row, v) for row, v in tables["schedules"].rows}
    assert rows["r1"][1]["byday"] == "MO,TU,WE,TH,FR"
    assert rows["r1"][1]["opens_at"] == "9:00am" and rows["r1"][1]["closes_at"] == "5:00pm"
    assert rows["r2"][1]["byday"] == "SA,SU"
    assert rows["r3"][1]["byday"] == "SU" and rows["r3"][0] == 3
    assert "r4" not in rows and "r5" not in rows
    errors = sorted((i.file, i.row, i.field, i.record_id) for i in report.errors)
    assert errors == [
        ("regular_schedules.csv", 4, "weekday", "r4"),
        ("regular_schedules.csv", 5, "weekday", "r5"),
    ]
    assert "Funday" in report.errors[0].message
    assert report.counts["schedule"].read == 2 and report.counts["schedule"].rejected == 2


def test_holiday_rows() -> None:
    tables, report = _convert({
        "services.csv": SERVICES,
        "holiday_schedules.csv": (
            "id,service_id,closed,opens_at,closes_at,start_date,end_date\n"
            "h1,s1,true,,,2024-12-25,2024-12-25\n"
            "h2,s1,FALSE,10:00am,2:00pm,12/24/2024,\n"
            "h3,s1,maybe,,,2024-01-01,2024-01-01\n"
            "h4,s1,true,,,,\n"
            "h5,s1,,9:00,12:00,not a date,2024-07-04\n"
        ),
    })  # fmt: skip
    rows = {v["id"]: v for _, v in tables["schedules"].rows}
    assert (
        rows["h1"]["description"] == "Closed (holiday)" and rows["h1"]["notes"] == "holiday closure"
    )
    assert not rows["h2"]["description"].startswith("Closed")
    assert (rows["h2"]["opens_at"], rows["h2"]["closes_at"]) == ("10:00am", "2:00pm")
    assert rows["h2"]["valid_from"] == rows["h2"]["valid_to"] == "12/24/2024"  # builder parses
    assert rows["h3"]["description"].startswith("Closed")  # no hours: an unreadable flag is closed
    assert rows["h5"]["valid_from"] == "not a date"  # passed through for the builder to report
    assert not rows["h5"]["description"].startswith("Closed")
    assert "h4" not in rows
    (error,) = report.errors
    assert (error.file, error.row, error.field) == ("holiday_schedules.csv", 4, "start_date")
    warned = sorted(i.row or 0 for i in report.issues if i.field == "closed")
    assert warned == [3, 5]


def test_eligibility_and_payments_merge_with_accounting() -> None:
    tables, report = _convert({
        "services.csv": SERVICES,
        "eligibility.csv": (
            "id,service_id,eligibility\ne1,s1,adult\ne2,s1,female\ne3,s2,family\n"
            "e4,missing,teen\ne5,s1,\n"
        ),
        "payments_accepted.csv": "id,service_id,payment\np1,s2,cash\np2,s2,SNAP\np3,zz,check\n",
    })  # fmt: skip
    services = {v["id"]: v for _, v in tables["services"].rows}
    assert services["s1"]["eligibility_description"] == "adult; female"
    assert services["s2"]["eligibility_description"] == "Residents only; family"
    assert services["s2"]["fees_description"] == "Payments accepted: cash, SNAP"
    assert "fees_description" not in services["s1"]
    elig, pay = report.counts["eligibility"], report.counts["payment_accepted"]
    assert (elig.read, elig.loaded, elig.rejected) == (5, 3, 2)
    assert (pay.read, pay.loaded, pay.rejected) == (3, 2, 1)
    assert report.balanced
    where = sorted((i.file, i.row, i.field) for i in report.errors)
    assert where == [
        ("eligibility.csv", 4, "service_id"),
        ("eligibility.csv", 5, "eligibility"),
        ("payments_accepted.csv", 3, "service_id"),
    ]


def test_languages_addresses_and_dropped_columns() -> None:
    tables, report = _convert({
        "services.csv": "id,name,taxonomy_ids\ns1,Clinic,101\ns2,Pantry,\n",
        "languages.csv": "id,service_id,language\nl1,s1,Spanish\nl2,s1,\"Vietnamese, Tagalog\"\n",
        "phones.csv": (
            "id,service_id,number,language,department\n"
            "ph1,s1,555-0100,\"en, es\",Intake\nph2,s1,555-0101,,Billing\n"
        ),
        "physical_addresses.csv": (
            "id,location_id,address_1,address_2,address_3,address_4,city,state_province,postal_code,"
            "country\na1,x,1 Main St,Suite 2,Building B,Rear,Town,CA,95814,US\n"
        ),
    })  # fmt: skip
    langs = [
        (v["id"], v.get("phone_id"), v["name"], v["code"]) for _, v in tables["languages"].rows
    ]
    assert langs == [
        ("l1", None, "Spanish", "Spanish"),
        ("l2", None, "Vietnamese", "Vietnamese"),
        ("l2-2", None, "Tagalog", "Tagalog"),
        ("ph1-language-1", "ph1", "English", "en"),
        ("ph1-language-2", "ph1", "Spanish", "es"),
    ]
    assert tables["languages"].rows[3][0] == 1
    assert tables["languages"].rows[3][1][ROW_FILE_KEY] == "phones.csv"
    assert all("language" not in v and "department" not in v for _, v in tables["phones"].rows)
    ((_, address),) = tables["addresses"].rows
    assert address["address_2"] == "Suite 2, Building B, Rear"
    assert address["address_type"] == "physical" and "address_3" not in address
    dropped = sorted((i.file, i.field, i.message) for i in report.issues if i.severity == "warning")
    assert [(f, c) for f, c, _ in dropped] == [
        ("phones.csv", "department"),
        ("services.csv", "taxonomy_ids"),
    ]
    assert "2 value" in dropped[0][2] and "1 value" in dropped[1][2]


def test_taxonomy_terms_and_attributes() -> None:
    tables, _ = _convert({
        "services.csv": SERVICES,
        "taxonomy.csv": (
            "id,name,parent_id,parent_name,vocabulary\n"
            "1102,Housing,,,Open Eligibility\n1103,Shelter,1102,Housing,Open Eligibility\n"
            "BH-1800,Food Pantries,,,AIRS\n"
        ),
        "services_taxonomy.csv": "id,service_id,taxonomy_id,taxonomy_detail\nst1,s1,1103,\n",
    })  # fmt: skip
    terms = {v["id"]: v for _, v in tables["taxonomy_terms"].rows}
    assert terms["1102"]["code"] == "1102" and terms["1103"]["parent_id"] == "1102"
    assert terms["1103"]["taxonomy"] == "Open Eligibility" and "parent_name" not in terms["1103"]
    assert "code" not in terms["BH-1800"]
    ((_, attr),) = tables["attributes"].rows
    assert attr == {
        "id": "st1", "link_id": "s1", "link_type": "service", "link_entity": "service",
        "taxonomy_term_id": "1103", "value": "",
    }  # fmt: skip


def test_hsds20_names() -> None:
    tables, report = _convert({
        "services.csv": SERVICES,
        "service_at_location.csv": "id,service_id,location_id\nsl1,s1,loc1\n",
        "service_attributes.csv": "id,service_id,taxonomy_term_id\nsa1,s2,t9\n",
        "other_attributes.csv": "id,link_id,link_type,taxonomy_term_id\noa1,loc1,location,t9\n",
        "taxonomy_terms.csv": "id,term,description,parent_id,taxonomy,language\nt9,Food,,,,\n",
        "schedules.csv": (
            "id,service_id,freq,byday,opens_at,closes_at,weekday\n"
            "sc1,s1,WEEKLY,MO,09:00,17:00,\nsc2,s1,,,09:00,12:00,Friday\n"
        ),
    })  # fmt: skip
    assert [v["location_id"] for _, v in tables["service_at_location"].rows] == ["loc1"]
    attrs = {v["id"]: v for _, v in tables["attributes"].rows}
    assert attrs["sa1"]["link_id"] == "s2" and attrs["sa1"]["taxonomy_term_id"] == "t9"
    assert attrs["oa1"]["link_entity"] == "location"
    assert tables["taxonomy_terms"].rows[0][1]["name"] == "Food"
    schedules = {v["id"]: v for _, v in tables["schedules"].rows}
    assert schedules["sc1"]["byday"] == "MO"
    assert (schedules["sc2"]["byday"], schedules["sc2"]["freq"]) == ("FR", "WEEKLY")
    assert report.ok and not report.issues


def test_datapackage_resource_paths_and_unsafe_paths() -> None:
    descriptor = {"version": "1.1", "resources": [
        {"name": "service", "path": "data/svc.csv"},
        {"name": "services_at_location", "path": "data/sal.csv"},
    ]}  # fmt: skip
    tables, report = _convert(
        {
            "datapackage.json": json.dumps(descriptor),
            "data/svc.csv": SERVICES,
            "data/sal.csv": "id,service_id,location_id\nx1,s1,l1\n",
        }
    )
    assert tables["services"].file == "data/svc.csv" and len(tables["services"].rows) == 2
    assert tables["service_at_location"].file == "data/sal.csv"
    assert not report.issues
    bad = {"resources": [{"name": "service", "path": "../../etc/passwd"}]}
    with pytest.raises(UnsafeInputError):
        _convert({"datapackage.json": json.dumps(bad), "services.csv": SERVICES})


def test_unreadable_file_reported_not_raised() -> None:
    report = LoadReport(source="test")
    bundle = Bundle("test", {"services.csv": SERVICES.encode(), "funding.csv": b"id\x00,x\n1,2\n"})
    tables = hsds11_tables(bundle, report)
    assert len(tables["services"].rows) == 2 and "funding" not in tables
    (error,) = report.errors
    assert error.file == "funding.csv" and "not read" in error.message


# ---- the whole load, when the assembler exists


def test_sample_assembles_into_a_directory(sample_dir: Path) -> None:
    from referralmatch.io import tabular

    assemble = getattr(tabular, "assemble", None)
    if assemble is None:
        pytest.skip("referralmatch.io.tabular.assemble is not written yet")
    report = LoadReport(source=SAMPLE)
    tables = hsds11_tables(Bundle.open(sample_dir), report)
    directory = assemble(tables, report, SAMPLE)
    assert len(directory.services) == 13
    for record_type, counts in report.counts.items():
        assert counts.read == counts.loaded + counts.rejected, record_type
    assert report.ok
    assert report.counts["schedule"].loaded == 4 and report.counts["address"].loaded == 2
    helpline = directory.services["c89eb05c-62dd-4b64-b494-0cc347b6ea7f"]
    assert helpline.eligibility_description == "adult"
    assert sorted(lang.code for lang in helpline.languages) == ["en", "es"]
    schedules = directory.schedules_of(helpline)
    closures = [s for s in schedules if (s.description or "").startswith("Closed")]
    assert len(closures) == 1 and str(closures[0].valid_from) == "2019-12-24"
    assert sorted(s.byday for s in schedules if s.byday) == ["MO", "TU", "WE"]


def test_assembled_report_names_the_real_file_of_merged_rows() -> None:
    from referralmatch.io import tabular

    assemble = getattr(tabular, "assemble", None)
    if assemble is None:
        pytest.skip("referralmatch.io.tabular.assemble is not written yet")
    report = LoadReport(source="test")
    tables = hsds11_tables(
        _bundle({
            "services.csv": SERVICES,
            "locations.csv": "id,name\nloc1,Main\n",
            "physical_addresses.csv": "id,location_id,address_1\na1,loc1,1 Main St\n",
            "postal_addresses.csv": "id,location_id,address_1\na2,nowhere,PO Box 1\n",
        }),
        report,
    )  # fmt: skip
    assemble(tables, report, "test")
    (error,) = report.errors
    assert (error.file, error.row, error.record_id) == ("postal_addresses.csv", 1, "a2")
