"""Tests of column mappings: the flat one-row-per-service case, transforms, errors, and Ohana."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from referralmatch.errors import ConfigurationError
from referralmatch.io import tabular
from referralmatch.io.mapping import (
    OHANA,
    ROW_KEY,
    ColumnMapping,
    Join,
    Lookup,
    Map,
    Split,
    TableMapping,
    Weekday,
    mapped_tables,
)
from referralmatch.io.report import LoadReport
from referralmatch.io.source import Bundle


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def ohana(reference: Path) -> Path:
    return reference / "ohana_smc_sample_csv"


def _flat_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Program": ["Harbor Shelter", "Job Club", "Peer Group"],
            "Agency": ["Harbor House", "Harbor House", "Works Inc"],
            "Who": ["Adults 18+", None, "Anyone"],
            "Street": ["1 Main St", "2 Oak Ave", None],
            "Town": ["San Mateo", "Redwood City", None],
            "Zip": ["94401", "94063", None],
            "Lat": [37.56, 37.48, None],
            "Lon": [-122.32, -122.21, None],
            "Tel": ["650 555-0100", None, "650 555-0199"],
            "Spoken": ["English, Spanish", "English", None],
            "Hours": ["Mon-Fri 9am-5pm", None, "Tue 6pm-8pm"],
        }
    )


FLAT = ColumnMapping.flat(
    service={"name": "Program", "eligibility_description": "Who"},
    organization={"name": "Agency"},
    location={"latitude": "Lat", "longitude": "Lon"},
    address={"address_1": "Street", "city": "Town", "postal_code": "Zip"},
    phone="Tel",
    languages="Spoken",
    hours="Hours",
)


# ---- the flat case ------------------------------------------------------------------------


def _check_flat(tables: dict[str, tabular.Table], file: str) -> None:
    services = tables["services"].rows
    assert [values["name"] for _, values in services] == [
        "Harbor Shelter",
        "Job Club",
        "Peer Group",
    ]
    assert [values["id"] for _, values in services] == [f"{file}:1", f"{file}:2", f"{file}:3"]
    assert services[0][1]["organization_id"] == "Harbor House"
    # organizations are distinct by name
    assert [v["id"] for _, v in tables["organizations"].rows] == ["Harbor House", "Works Inc"]
    # row 3 has no place: no location, address or link for it
    assert [v["id"] for _, v in tables["locations"].rows] == [f"{file}:1", f"{file}:2"]
    assert float(tables["locations"].rows[0][1]["latitude"]) == pytest.approx(37.56)
    links = [(v["service_id"], v["location_id"]) for _, v in tables["service_at_location"].rows]
    assert links == [(f"{file}:1", f"{file}:1"), (f"{file}:2", f"{file}:2")]
    assert tables["addresses"].rows[1][1]["city"] == "Redwood City"
    assert tables["addresses"].rows[1][1]["address_type"] == "physical"
    languages = [(n, v["service_id"], v["name"]) for n, v in tables["languages"].rows]
    assert languages == [
        (1, f"{file}:1", "English"),
        (1, f"{file}:1", "Spanish"),
        (2, f"{file}:2", "English"),
    ]
    assert [v["service_id"] for _, v in tables["phones"].rows] == [f"{file}:1", f"{file}:3"]
    assert tables["schedules"].rows[1][1]["description"] == "Tue 6pm-8pm"


def test_flat_dataframe() -> None:
    report = LoadReport(source="df")
    tables = mapped_tables(_flat_frame(), FLAT, report)
    _check_flat(tables, "<DataFrame>")
    assert report.issues == []


def test_flat_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "services.csv"
    _flat_frame().to_csv(path, index=False)
    report = LoadReport(source="csv")
    tables = mapped_tables(path, FLAT, report)
    _check_flat(tables, "services.csv")
    assert tables["services"].file == "services.csv"


def test_flat_xlsx_file(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "directory.xlsx"
    _flat_frame().to_excel(path, index=False)
    tables = mapped_tables(path, FLAT, LoadReport(source="xlsx"))
    _check_flat(tables, "directory.xlsx")


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame({"Title": ["Pantry", "Clinic"]}).to_excel(
            writer, sheet_name="Svc", index=False
        )
    mapping = ColumnMapping(
        tables=(TableMapping(table="services", source="Svc", columns={"name": "Title"}),)
    )
    tables = mapped_tables(path, mapping, LoadReport(source="xlsx"))
    assert [v["id"] for _, v in tables["services"].rows] == ["book.xlsx[Svc]:1", "book.xlsx[Svc]:2"]


def test_flat_assembles_balanced() -> None:
    report = LoadReport(source="df")
    directory = tabular.assemble(mapped_tables(_flat_frame(), FLAT, report), report, "df")
    assert len(directory.services) == 3
    assert directory.organization_of("<DataFrame>:2").name == "Harbor House"  # type: ignore[union-attr]
    location = directory.locations_of("<DataFrame>:1")[0]
    assert (location.latitude, location.longitude) == (37.56, -122.32)
    assert [lang.code for lang in directory.services["<DataFrame>:1"].languages] == ["en", "es"]
    assert report.balanced and report.ok


def test_dataframe_integer_ids_and_numpy_values() -> None:
    frame = pd.DataFrame({"sid": [7, 8], "title": ["A", "B"], "lang": ["Spanish", None]})
    mapping = ColumnMapping.flat(service={"name": "title"}, languages="lang", service_id="sid")
    tables = mapped_tables(frame, mapping, LoadReport(source="df"))
    assert [v["id"] for _, v in tables["services"].rows] == ["7", "8"]
    assert tables["languages"].rows[0][1]["service_id"] == "7"


# ---- errors -------------------------------------------------------------------------------


def test_missing_columns_are_all_named() -> None:
    mapping = ColumnMapping.flat(
        service={"name": "Program", "description": "About"},
        location={"latitude": "Latitude"},
        phone="Telephone",
    )
    with pytest.raises(ConfigurationError) as caught:
        mapped_tables(_flat_frame(), mapping, LoadReport(source="df"))
    message = str(caught.value)
    for column in ("about", "latitude", "telephone"):
        assert column in message
    assert "program" not in message.split(":", 1)[1]


def test_missing_required_file_and_columns_in_folder(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("id,name\n1,Pantry\n")
    mapping = ColumnMapping(
        tables=(
            TableMapping(
                table="services",
                source="services.csv",
                id_from="id",
                columns={"name": "name", "description": "blurb"},
            ),
            TableMapping(table="phones", source="phones.csv", columns={"number": "number"}),
        )
    )
    with pytest.raises(ConfigurationError, match=r"phones\.csv: file not found.*blurb"):
        mapped_tables(tmp_path, mapping, LoadReport(source="dir"))


def test_dataframe_with_named_sources_is_refused() -> None:
    mapping = ColumnMapping(
        tables=(TableMapping(table="services", source="a.csv", columns={"name": "n"}),)
    )
    with pytest.raises(ConfigurationError, match=r"a\.csv"):
        mapped_tables(pd.DataFrame({"n": ["x"]}), mapping, LoadReport(source="df"))


def test_mapping_validation() -> None:
    with pytest.raises(ValidationError, match="unknown HSDS 3 table"):
        TableMapping(table="service", columns={"name": "x"})
    with pytest.raises(ValidationError, match="eligibility"):
        TableMapping(table="services", columns={"eligibility": "x"})
    with pytest.raises(ValidationError, match="id_from"):
        TableMapping(table="services", columns={"id": "x"})
    with pytest.raises(ValidationError, match="id_prefix"):
        ColumnMapping(tables=(TableMapping(table="attributes", columns={"value": "a"}),
                              TableMapping(table="attributes", columns={"value": "b"})))  # fmt: skip
    with pytest.raises(ValidationError):
        Join(columns=("a", "b"), labels=("x",))
    mapping = ColumnMapping.flat(service={"name": "x"})
    with pytest.raises(ValidationError):
        mapping.tables[0].id_prefix = "p"  # type: ignore[misc]


# ---- transforms ---------------------------------------------------------------------------


def test_split_transform() -> None:
    assert Split(column="L").items({"l": " English ,Spanish,, English"}) == ["English", "Spanish"]
    assert Split(column="L", sep=";").items({"l": "a, b; c"}) == ["a, b", "c"]
    assert Split(column="L").items({"l": None}) == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Monday", "MO"), ("sun", "SU"), (3, "WE"), ("1", "MO"), ("Mon-Fri", "MO,TU,WE,TH,FR"),
     ("Sat, Sun", "SA,SU"), ("Friday to Monday", "FR,SA,SU,MO"), ("", None)],
)  # fmt: skip
def test_weekday_transform(cell: object, expected: str | None) -> None:
    assert Weekday(column="day").apply({"day": cell}) == expected


def test_weekday_unreadable_rejects_the_row_with_its_place() -> None:
    frame = pd.DataFrame({"title": ["A"], "day": ["Someday"], "opens": ["9am"]})
    mapping = ColumnMapping(
        tables=(
            TableMapping(table="services", columns={"name": "title"}),
            TableMapping(
                table="schedules",
                columns={
                    "service_id": ROW_KEY,
                    "opens_at": "opens",
                    "byday": Weekday(column="day"),
                },
            ),
        )
    )
    report = LoadReport(source="df")
    tables = mapped_tables(frame, mapping, report)
    assert tables["schedules"].rows == []
    (issue,) = report.errors
    assert (issue.file, issue.row, issue.field, issue.record_type) == (
        "<DataFrame>",
        1,
        "byday",
        "schedule",
    )
    assert report.counts["schedule"].rejected == 1 and report.balanced


def test_join_and_map_transforms() -> None:
    join = Join(columns=("A", "B", "C"), sep=" | ", labels=("", "b=", "c="))
    assert join.apply({"a": "x", "b": None, "c": 2.0}) == "x | c=2"
    mapping = Map(column="v", values={"TRUE": "virtual", "false": "physical"})
    assert mapping.apply({"v": " True "}) == "virtual"
    assert mapping.apply({"v": ""}) is None
    with pytest.raises(ValueError, match="not among"):
        mapping.apply({"v": "maybe"})


def test_unknown_map_value_is_a_warning_and_blank() -> None:
    frame = pd.DataFrame({"n": ["Site"], "virt": ["maybe"]})
    mapping = ColumnMapping(tables=(TableMapping(table="locations", columns={
        "name": "n", "location_type": Map(column="virt", values={"true": "virtual"})}),))  # fmt: skip
    report = LoadReport(source="df")
    row = mapped_tables(frame, mapping, report)["locations"].rows[0][1]
    assert "location_type" not in row
    assert [(i.severity, i.field) for i in report.issues] == [("warning", "location_type")]


def test_lookup_from_another_file(tmp_path: Path) -> None:
    bundle = Bundle("b", {
        "sites.csv": b"id,org\nL1,O1\nL2,O2\n",
        "svc.csv": b"id,site,title\nS1,L2,Pantry\nS2,L9,Clinic\n",
    })  # fmt: skip
    mapping = ColumnMapping(tables=(TableMapping(table="services", source="svc.csv", id_from="id",
        columns={"name": "title", "organization_id": Lookup(file="sites.csv", key="site",
                                                            column="org")}),))  # fmt: skip
    report = LoadReport(source="b")
    rows = mapped_tables(bundle, mapping, report)["services"].rows
    assert rows[0][1]["organization_id"] == "O2"
    assert "organization_id" not in rows[1][1]
    assert [(i.row, i.field) for i in report.issues] == [(2, "organization_id")]


def test_unmapped_columns_warn_and_blank_rows_are_accounted() -> None:
    frame = pd.DataFrame({"title": ["A", None], "extra": ["x", "y"], "skip": ["z", None]})
    mapping = ColumnMapping(tables=(TableMapping(table="services", columns={"name": "title"},
                                                 when=("title",), ignore=("skip",)),))  # fmt: skip
    report = LoadReport(source="df")
    tables = mapped_tables(frame, mapping, report)
    assert len(tables["services"].rows) == 1
    fields = [(i.severity, i.row, i.field) for i in report.issues]
    assert ("error", 2, None) in fields  # the blank row, rejected and named
    assert ("warning", None, "extra") in fields
    assert all(f != "skip" for _, _, f in fields)
    assert report.counts["service"].read == report.counts["service"].rejected == 1


# ---- Ohana --------------------------------------------------------------------------------


def test_ohana_every_service_and_location_mapped(ohana: Path) -> None:
    report = LoadReport(source="ohana")
    tables = mapped_tables(ohana, OHANA, report)
    services = _csv_rows(ohana / "services.csv")
    locations = _csv_rows(ohana / "locations.csv")
    assert len(tables["services"].rows) == len(services) > 0
    assert len(tables["locations"].rows) == len(locations) > 0
    assert [v["id"] for _, v in tables["services"].rows] == [r["id"] for r in services]
    by_id = {v["id"]: v for _, v in tables["locations"].rows}
    with_coordinates = [r for r in locations if r["latitude"] and r["longitude"]]
    assert with_coordinates
    for row in with_coordinates:
        assert by_id[row["id"]]["latitude"] == row["latitude"]
        assert by_id[row["id"]]["longitude"] == row["longitude"]
    # free text kept where HSDS 3 has a home for it
    first = tables["services"].rows[0][1]
    assert first["eligibility_description"] == services[0]["eligibility"]
    assert first["fees_description"].startswith(services[0]["fees"])
    sal = {v["service_id"]: v["location_id"] for _, v in tables["service_at_location"].rows}
    assert sal == {r["id"]: r["location_id"] for r in services if r["location_id"]}
    areas = sum(len([a for a in r["service_areas"].split(",") if a.strip()]) for r in services)
    assert len(tables["service_areas"].rows) == areas
    assert {v["address_type"] for _, v in tables["addresses"].rows} == {"physical", "postal"}
    bydays = [v.get("byday") for _, v in tables["schedules"].rows if "freq" in v]
    assert bydays[:2] == ["MO", "TU"] and all(bydays)
    assert report.errors == []


def test_ohana_service_organization_comes_from_its_location(ohana: Path) -> None:
    tables = mapped_tables(ohana, OHANA, LoadReport(source="ohana"))
    location_org = {r["id"]: r["organization_id"] for r in _csv_rows(ohana / "locations.csv")}
    for row in _csv_rows(ohana / "services.csv"):
        mapped = next(v for _, v in tables["services"].rows if v["id"] == row["id"])
        assert mapped.get("organization_id") == location_org[row["location_id"]]


@pytest.mark.skipif(not hasattr(tabular, "assemble"), reason="io.tabular.assemble not written yet")
def test_ohana_end_to_end(ohana: Path) -> None:
    report = LoadReport(source="ohana")
    directory = tabular.assemble(mapped_tables(ohana, OHANA, report), report, "ohana")
    services = _csv_rows(ohana / "services.csv")
    assert len(directory.services) == len(services)
    assert report.counts["service"].read == len(services)
    for row in _csv_rows(ohana / "locations.csv"):
        location = directory.locations[row["id"]]
        if row["latitude"] and row["longitude"]:
            assert (location.latitude, location.longitude) == (
                float(row["latitude"]),
                float(row["longitude"]),
            )
    holiday = [i for i in report.issues if i.file == "holiday_schedules.csv"]
    assert {i.field for i in holiday} >= {"valid_from", "valid_to"}
    assert any("0001" in i.message for i in holiday) and any(
        "12/24/15" in i.message for i in holiday
    )
    for record_type, counts in report.counts.items():
        assert counts.read == counts.loaded + counts.rejected, record_type
    closures = [
        s for s in directory.locations["22"].schedules if (s.description or "").startswith("Closed")
    ]
    assert len(closures) == 2
    assert directory.organization_of("1") is not None
    assert any(a.link_type == "keyword" for a in directory.services["1"].attributes)
