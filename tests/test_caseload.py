"""Tests for referralmatch.analysis.caseload: reading, validating and regrouping caseloads."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from referralmatch import sample_caseload_path
from referralmatch.analysis import (
    CASELOAD_COLUMNS,
    CaseloadMapping,
    clients_from_caseload,
    read_caseload,
)
from referralmatch.errors import CaseloadError
from referralmatch.models.client import ClientProfile, Place
from referralmatch.models.need import Need

HEADER = (
    "client_id,age,gender,household_size,dependents_ages,pregnant,annual_income,veteran,"
    "insurance,languages,postal_code,max_travel_km,needs"
)


def _sample_rows() -> list[dict[str, str]]:
    with sample_caseload_path().open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return read_caseload(sample_caseload_path())


def _without_source_row(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="source_row").reset_index(drop=True)


def _long_layout(rows: list[dict[str, str]], *, blank_repeats: bool = False) -> pd.DataFrame:
    """The one-row-per-client-need form of a one-row-per-client caseload."""
    out: list[dict[str, str]] = []
    for row in rows:
        for position, need in enumerate(row["needs"].split(";")):
            item = dict(row, needs=need)
            if blank_repeats and position:
                item = {k: ("" if k not in ("client_id", "needs") else v) for k, v in item.items()}
            out.append(item)
    return pd.DataFrame(out)


# ------------------------------------------------------------------------------ the sample


def test_sample_loads_cleanly(sample: pd.DataFrame) -> None:
    rows = _sample_rows()
    assert sample.attrs["problems"] == []
    assert sample.attrs["layout"] == "client"
    assert sample["client_id"].nunique() == len(rows) == 330
    assert len(sample) == sum(len(r["needs"].split(";")) for r in rows)
    assert list(sample.columns) == list(CASELOAD_COLUMNS)
    assert {c: str(t) for c, t in sample.dtypes.items()} == CASELOAD_COLUMNS
    # Clients in source order; needs in the cell's order with priorities 1, 2, ...
    assert list(dict.fromkeys(sample["client_id"])) == [r["client_id"] for r in rows]
    first = sample[sample["client_id"] == rows[0]["client_id"]]
    assert list(first["need"]) == rows[0]["needs"].split(";")
    assert list(first["need_priority"]) == [1, 2]
    assert list(first["source_row"]) == [1, 1]


def test_sample_values_are_typed(sample: pd.DataFrame) -> None:
    row = sample.iloc[0]
    assert row["dependents_ages"] == (10.0, 5.0, 4.0, 0.0)
    assert row["insurance"] == ("private",)
    assert row["languages"] == ("en",)
    assert row["postal_code"] == "95757"
    assert row["age"] == 27.0 and row["household_size"] == 5
    assert not pd.isna(row["veteran"]) and not row["veteran"]
    assert pd.isna(row["pregnant"]) and pd.isna(row["latitude"])
    bilingual = sample[sample["client_id"] == "C0009"].iloc[0]
    assert bilingual["languages"] == ("es", "en")


# ------------------------------------------------------------------------------ layouts


def test_both_layouts_give_identical_frames(sample: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    _long_layout(_sample_rows()).to_csv(path, index=False)
    long = read_caseload(path)
    assert long.attrs["layout"] == "client_need"
    assert long.attrs["problems"] == []
    assert_frame_equal(_without_source_row(long), _without_source_row(sample))
    # source_row points at the row each need came from.
    assert list(long["source_row"]) == list(range(1, len(long) + 1))


def test_long_layout_fills_blank_facts_from_other_rows(sample: pd.DataFrame) -> None:
    long = read_caseload(_long_layout(_sample_rows(), blank_repeats=True))
    assert long.attrs["layout"] == "client_need"
    assert_frame_equal(_without_source_row(long), _without_source_row(sample))


def test_needs_as_actual_lists(sample: pd.DataFrame) -> None:
    frame = pd.DataFrame(_sample_rows())
    frame["needs"] = [cell.split(";") for cell in frame["needs"]]
    frame["languages"] = [tuple(cell.split(";")) for cell in frame["languages"]]
    assert_frame_equal(read_caseload(frame), sample)


def test_priority_column_orders_needs() -> None:
    frame = pd.DataFrame({
        "client_id": ["a", "a", "a", "b"],
        "needs": ["food", "housing", "Therapy", "legal"],
        "need_priority": ["3", "1", "", "2"],
    })  # fmt: skip
    out = read_caseload(frame)
    assert out.attrs["layout"] == "client_need"
    assert list(out["need"]) == ["housing", "food", "therapy", "legal"]
    assert list(out["need_priority"]) == [1, 3, 3, 2]  # blank: position 3
    assert list(out["source_row"]) == [2, 1, 3, 4]
    [a, b] = clients_from_caseload(out)
    assert [(n.category, n.priority) for n in a.needs] == [
        ("housing", 1), ("food", 3), ("therapy", 3)]  # fmt: skip
    assert b.needs == (Need("legal", priority=2),)


def test_priorities_cap_at_five_and_repeats_are_kept_once() -> None:
    frame = pd.DataFrame({
        "client_id": ["a"],
        "needs": ["food;legal;crisis;housing;education;child_care;food"],
    })  # fmt: skip
    out = read_caseload(frame)
    assert list(out["need_priority"]) == [1, 2, 3, 4, 5, 5]
    assert list(out["need"]).count("food") == 1


def test_free_text_needs_are_kept() -> None:
    frame = pd.DataFrame({"client_id": ["a"], "needs": ["employment; grief group for widows"]})
    out = read_caseload(frame)
    assert list(out["need"]) == ["employment", "grief group for widows"]
    [client] = clients_from_caseload(out)
    assert client.needs[1].is_free_text


def test_explicit_layout_turns_repeats_into_errors() -> None:
    frame = pd.DataFrame({"client_id": ["a", "a"], "needs": ["food", "legal"]})
    assert read_caseload(frame).attrs["layout"] == "client_need"
    with pytest.raises(CaseloadError) as info:
        read_caseload(frame, layout="client")
    assert [(r, c) for r, c, _ in info.value.problems] == [(1, "client_id"), (2, "client_id")]


# ------------------------------------------------------------------------------ Excel


def test_excel_file(sample: pd.DataFrame, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "caseload.xlsx"
    # Excel users have numbers as numbers: read with pandas' own type guessing, then save.
    frame = pd.read_csv(sample_caseload_path(), dtype={"postal_code": str})
    assert frame["age"].dtype.kind in "if"
    frame.to_excel(path, index=False)
    assert_frame_equal(read_caseload(path), sample, check_like=False)


# ------------------------------------------------------------------------------ bad rows

BAD_ROWS = [
    "B001,34,female,2,5,,12000,false,medicaid,en,95814,10,housing;therapy",
    "B002,-47,male,1,,,0,false,,en,95814,,food;legal",
    "B003,52,female,0,,,2400,false,medicare,en,95814,,food;crisis",
    "B004,29,male,1,,,3100,maybe,,en,95814,,legal;employment",
    "B005,61,female,1,,,4200,true,,en,9581,,housing;food",
    "B006,23,female,1,,,5300,false,,es;klingon,95814,,therapy;fod",
    "B007,45,male,3,7;9,,6400,false,,en,95814,,hosing;food",
    "B001,34,female,2,5,,12000,false,medicaid,en,95814,10,housing;therapy",
    "B009,38,female,1,,,7500,false,,en,95814,,",
    "B010,41,nonbinary,1,,,8600,false,private,tl;en,95820,25,employment;grief group for widows",
    "B011,130,female,1,,perhaps,9700,false,,en,95814,,food;legal",
    "B012,19,male,1,,,,,,,95814,,job_training",
]
BAD_VALUES = ["-47", "maybe", "9581", "fod", "hosing", "130", "perhaps"]
EXPECTED = [
    (1, "client_id"),
    (2, "age"),
    (3, "household_size"),
    (4, "veteran"),
    (5, "postal_code"),
    (6, "needs"),
    (7, "needs"),
    (8, "client_id"),
    (9, "needs"),
    (11, "age"),
    (11, "pregnant"),
]


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, *BAD_ROWS]) + "\n", encoding="utf-8")
    return path


def test_bad_rows_raise_one_error_listing_every_problem(bad_csv: Path) -> None:
    with pytest.raises(CaseloadError) as info:
        read_caseload(bad_csv)
    error = info.value
    assert [(row, column) for row, column, _ in error.problems] == EXPECTED
    reasons = {(row, column): reason for row, column, reason in error.problems}
    assert reasons[(2, "age")] == "must be between 0 and 120"
    assert reasons[(3, "household_size")] == "must be between 1 and 50"
    assert reasons[(6, "needs")].startswith("unknown need category")
    assert reasons[(9, "needs")] == "required"
    message = str(error)
    assert message.startswith("caseload has 11 problem(s) in 10 row(s): ")
    assert "row 2, age: must be between 0 and 120" in message
    assert message.endswith("and 6 more")


def test_bad_rows_never_show_values(bad_csv: Path) -> None:
    with pytest.raises(CaseloadError) as info:
        read_caseload(bad_csv)
    text = str(info.value) + repr(info.value.problems)
    cells = {cell for line in BAD_ROWS for cell in line.split(",") for cell in cell.split(";")}
    shown = [c for c in cells if len(c) >= 3 and c not in ("true", "false") and c in text]
    assert shown == []
    for value in BAD_VALUES:
        assert value not in text
    # ... also not in the lenient mode's attrs.
    lenient = read_caseload(bad_csv, strict=False)
    assert not any(value in repr(lenient.attrs["problems"]) for value in BAD_VALUES)


def test_lenient_mode_keeps_good_rows(bad_csv: Path) -> None:
    frame = read_caseload(bad_csv, strict=False)
    assert [(row, column) for row, column, _ in frame.attrs["problems"]] == EXPECTED
    # B001 is repeated, so both of its rows are left out; every other bad row too.
    assert list(dict.fromkeys(frame["client_id"])) == ["B010", "B012"]
    assert list(frame["source_row"]) == [10, 10, 12]
    assert list(frame["need"]) == ["employment", "grief group for widows", "job_training"]
    assert {c: str(t) for c, t in frame.dtypes.items()} == CASELOAD_COLUMNS


def test_error_pickles(bad_csv: Path) -> None:
    with pytest.raises(CaseloadError) as info:
        read_caseload(bad_csv)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.problems == info.value.problems and str(copy) == str(info.value)


def test_long_layout_conflicting_facts() -> None:
    frame = pd.DataFrame({
        "client_id": ["a", "a", "a", "b"],
        "age": ["30", "", "31", "40"],
        "gender": ["female", "Woman", "", "male"],
        "needs": ["food", "legal", "crisis", "food"],
    })  # fmt: skip
    with pytest.raises(CaseloadError) as info:
        read_caseload(frame)
    # Blank is not a conflict; "Woman" normalises to "female", so gender agrees.
    assert info.value.problems == (
        (1, "age", "differs between rows of the same client_id"),
        (3, "age", "differs between rows of the same client_id"),
    )
    assert list(read_caseload(frame, strict=False)["client_id"]) == ["b"]


def test_places_and_numbers_are_checked() -> None:
    frame = pd.DataFrame({
        "client_id": ["a", "b", "c", "d", "e", "f"],
        "latitude": [38.5, 95.0, None, 38.6, None, None],
        "longitude": [-121.5, -121.5, None, None, None, None],
        "city": ["", "", "Sacramento", "", "Davis", ""],
        "state": ["", "", "", "", "ca", ""],
        "annual_income": ["$18,000", "", "-5", "", "", "lots"],
        "max_travel_km": [10, 0, None, None, 5.5, None],
        "telehealth_ok": ["yes", "no", "", "1", "0", ""],
        "needs": ["food"] * 6,
    })  # fmt: skip
    with pytest.raises(CaseloadError) as info:
        read_caseload(frame)
    assert [(r, c) for r, c, _ in info.value.problems] == [
        (2, "latitude"), (2, "max_travel_km"),
        (3, "state"), (3, "annual_income"),
        (4, "longitude"),
        (6, "annual_income"),
    ]  # fmt: skip
    good = read_caseload(frame, strict=False)
    assert list(good["client_id"]) == ["a", "e"]
    assert list(good["annual_income"].astype(object)) == [18000.0, pd.NA]
    assert list(good["state"].astype(object)) == [pd.NA, "CA"]
    assert list(good["telehealth_ok"]) == [True, False]


def test_missing_required_column_raises_in_both_modes() -> None:
    frame = pd.DataFrame({"client_id": ["a"], "need": ["food"]})
    for strict in (True, False):
        with pytest.raises(CaseloadError) as info:
            read_caseload(frame, strict=strict)
        assert info.value.problems == ((0, "needs", "column is missing"),)


def test_blank_client_id_is_reported() -> None:
    frame = pd.DataFrame({"client_id": ["a", " ", None], "needs": ["food", "legal", "crisis"]})
    out = read_caseload(frame, strict=False)
    assert out.attrs["problems"] == [(2, "client_id", "required"), (3, "client_id", "required")]
    assert list(out["client_id"]) == ["a"]


def test_excel_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from referralmatch.errors import MissingExtraError

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a)
    )
    with pytest.raises(MissingExtraError, match=r"referralmatch\[excel\]"):
        read_caseload(tmp_path / "caseload.xlsx")


def test_reading_in_parts_equals_reading_whole(sample: pd.DataFrame) -> None:
    rows = pd.DataFrame(_sample_rows())
    parts = [read_caseload(rows.iloc[:100]), read_caseload(rows.iloc[100:])]
    joined = pd.concat(parts, ignore_index=True)
    assert_frame_equal(_without_source_row(joined), _without_source_row(sample))


def test_empty_caseload_has_the_schema() -> None:
    frame = read_caseload(pd.DataFrame({"client_id": [], "needs": []}))
    assert len(frame) == 0
    assert {c: str(t) for c, t in frame.dtypes.items()} == CASELOAD_COLUMNS
    assert clients_from_caseload(frame) == []


# ------------------------------------------------------------------------------ mapping


def test_mapping_with_renamed_columns(sample: pd.DataFrame) -> None:
    renames = {"client_id": "Client #", "age": "Age (years)", "needs": "Assessed needs",
               "languages": "Spoken", "postal_code": "ZIP"}  # fmt: skip
    frame = pd.DataFrame(_sample_rows()).rename(columns=renames)
    for column in ("Assessed needs", "Spoken", "dependents_ages", "insurance"):
        frame[column] = frame[column].str.replace(";", "|")
    mapping = CaseloadMapping(separator="|", **{k: v.upper() for k, v in renames.items()})
    assert_frame_equal(read_caseload(frame, mapping=mapping), sample)
    # Problems name the source column.
    frame.loc[0, "Age (years)"] = "-1"
    with pytest.raises(CaseloadError) as info:
        read_caseload(frame, mapping=mapping)
    assert info.value.problems == ((1, "Age (years)", "must be between 0 and 120"),)


def test_mapping_none_ignores_a_column_and_named_columns_must_exist() -> None:
    frame = pd.DataFrame({"client_id": ["a"], "age": ["not a number"], "needs": ["food"]})
    out = read_caseload(frame, mapping=CaseloadMapping(age=None))
    assert pd.isna(out.loc[0, "age"])
    with pytest.raises(CaseloadError) as info:
        read_caseload(frame, mapping=CaseloadMapping(gender="Sex"))
    assert info.value.problems == ((0, "Sex", "column is missing"),)
    with pytest.raises(ValueError, match="same source column"):
        CaseloadMapping(age="x", gender="X")
    with pytest.raises(ValueError):
        CaseloadMapping(unknown="x")  # type: ignore[call-arg]


# ------------------------------------------------------------------------------ round trip


def _expected_profile(row: dict[str, str]) -> ClientProfile:
    """A ClientProfile built straight from a CSV row, independently of read_caseload."""

    def opt(name: str) -> str | None:
        return row[name] or None

    def flag(name: str) -> bool | None:
        return None if not row[name] else row[name] == "true"

    data: dict[str, Any] = {
        "id": row["client_id"],
        "age": float(row["age"]) if row["age"] else None,
        "gender": opt("gender"),
        "household_size": int(row["household_size"]) if row["household_size"] else None,
        "dependents_ages": [float(a) for a in row["dependents_ages"].split(";")]
        if row["dependents_ages"] else None,
        "pregnant": flag("pregnant"),
        "annual_income": float(row["annual_income"]) if row["annual_income"] else None,
        "veteran": flag("veteran"),
        "insurance": row["insurance"].split(";") if row["insurance"] else None,
        "languages": row["languages"].split(";") if row["languages"] else None,
        "location": Place(postal_code=row["postal_code"]) if row["postal_code"] else None,
        "max_travel_km": float(row["max_travel_km"]) if row["max_travel_km"] else None,
        "needs": [Need(k, priority=min(i, 5)) for i, k in enumerate(row["needs"].split(";"), 1)],
    }  # fmt: skip
    return ClientProfile(**data)


def test_clients_round_trip(sample: pd.DataFrame) -> None:
    rows = _sample_rows()
    clients = clients_from_caseload(sample)
    assert len(clients) == len(rows)
    for client, row in zip(clients, rows, strict=True):
        expected = _expected_profile(row)
        assert client.model_dump() == expected.model_dump()
        assert client.model_fields_set - {"location"} <= expected.model_fields_set


def test_clients_from_a_reordered_frame(sample: pd.DataFrame) -> None:
    shuffled = sample.sample(frac=1.0, random_state=3)
    by_id = {c.id: c for c in clients_from_caseload(sample)}
    for client in clients_from_caseload(shuffled):
        assert client.model_dump() == by_id[client.id].model_dump()


def test_clients_from_an_edited_frame_report_rows_not_values(sample: pd.DataFrame) -> None:
    frame = sample.copy()
    frame["age"] = frame["age"].astype("object")
    frame.loc[0, "age"] = 999.5
    with pytest.raises(CaseloadError) as info:
        clients_from_caseload(frame)
    assert [(row, column) for row, column, _ in info.value.problems] == [(1, "age")]
    assert "999" not in str(info.value)


def test_coordinates_and_city_round_trip() -> None:
    frame = pd.DataFrame({
        "client_id": ["a", "b"],
        "latitude": ["38.58", ""], "longitude": ["-121.49", ""],
        "city": ["", "Davis"], "state": ["", "CA"],
        "telehealth_ok": ["no", ""], "needs": ["food", "legal"],
    })  # fmt: skip
    a, b = clients_from_caseload(read_caseload(frame))
    assert a.location == Place(latitude=38.58, longitude=-121.49)
    assert a.telehealth_ok is False and b.telehealth_ok is True
    assert b.location == Place(city="Davis", state="CA")
