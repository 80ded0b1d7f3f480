"""Normalisers for messy directory values."""

from __future__ import annotations

import contextlib
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referralmatch.io import normalize as n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00am", time(9)), ("9:00 AM", time(9)), ("9 AM", time(9)), ("9am", time(9)),
        ("0900", time(9)), ("900", time(9)), ("17:30", time(17, 30)), ("17:30:00", time(17, 30)),
        ("5:30 p.m.", time(17, 30)), ("12am", time(0)), ("12pm", time(12)), ("noon", time(12)),
        ("Midnight", time(0)), ("24:00", time(23, 59, 59)), (1730, time(17, 30)), ("9.30", time(9, 30)),
    ],
)  # fmt: skip
def test_parse_time(text: object, expected: time) -> None:
    assert n.parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "sometime", "25:00", "13pm", "9:75", "closed", "99999"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        n.parse_time(text)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Monday", "MO"),
        ("tues", "TU"),
        ("WE", "WE"),
        (1, "MO"),
        ("7", "SU"),
        (0, "SU"),
        ("Sat.", "SA"),
    ],
)
def test_parse_weekday(value: object, code: str) -> None:
    assert n.parse_weekday(value) == code


def test_parse_weekday_refuses() -> None:
    for bad in ("Funday", 9, 2.5, True):
        with pytest.raises(ValueError):
            n.parse_weekday(bad)


def test_languages() -> None:
    assert n.language_code("Spanish") == "es"
    assert n.language_code("  Español ") == "es"
    assert n.language_code("Chinese (Mandarin)") == "zh"
    assert n.language_code("en-US") == "en"
    assert n.language_code("American Sign Language") == "ase"
    assert n.language_name("vi") == "Vietnamese"
    with pytest.raises(ValueError):
        n.language_code("Klingonese")


def test_phone_bool_age_date_text() -> None:
    assert n.normalize_phone("650.372.6200") == "(650) 372-6200"
    assert n.normalize_phone("1-650-372-6200") == "(650) 372-6200"
    with pytest.raises(ValueError):
        n.normalize_phone("none")
    assert n.parse_bool("Y") is True and n.parse_bool("no") is False
    with pytest.raises(ValueError):
        n.parse_bool("maybe")
    assert n.parse_age("18 years") == 18.0
    assert n.parse_age("6 months") == 0.5
    assert n.parse_age("60+") == 60.0
    with pytest.raises(ValueError):
        n.parse_age("adult")
    assert n.parse_date("12/24/2015") == date(2015, 12, 24)
    assert n.parse_date("March 1, 2024") == date(2024, 3, 1)
    for bad in ("January 01, 0001", "12/24/15", "soon"):
        with pytest.raises(ValueError):
            n.parse_date(bad)
    assert n.clean_text("\ufeffA\u00a0 b\x07") == "A\u00a0 b"


@given(st.one_of(st.text(max_size=12), st.integers(), st.floats()))
def test_parsers_raise_only_value_error(value: object) -> None:
    for parser in (n.parse_time, n.parse_weekday, n.parse_age, n.parse_bool, n.parse_date):
        with contextlib.suppress(ValueError):
            parser(value)


# ------------------------------------------------------------ phones, times, coordinates


def test_phone_fields_are_split_with_notes() -> None:
    from referralmatch.io.records import RecordContext, build
    from referralmatch.io.report import LoadReport
    from referralmatch.models.directory import Phone

    report = LoadReport(source="t")
    cases = {
        "(650) 372-6200 ext. 12": ("(650) 372-6200", "12", None),
        "415-555-1212 or 415-555-1313": ("415-555-1212", None, "also 415-555-1313"),
        "(415) 555-1212 (24 hrs)": ("(415) 555-1212", None, "(24 hrs)"),
        "1-800-FLOWERS": ("1-800-FLOWERS", None, None),
        "call 211 any time": ("call 211 any time", None, None),
    }
    for index, (text, (number, extension, description)) in enumerate(cases.items()):
        phone = build(Phone, {"id": f"p{index}", "number": text}, RecordContext(report, row=index))
        assert phone is not None
        assert (phone.number, phone.extension, phone.description) == (number, extension, description)
    kept_as_text = [i for i in report.issues if i.row == 4]
    assert [i.severity for i in kept_as_text] == ["warning"]
    assert "kept as written" in kept_as_text[0].message
    assert report.counts["phone"].loaded == 5 and report.counts["phone"].repaired == 4


def test_phone_e164() -> None:
    from referralmatch.io.normalize import phone_e164

    assert phone_e164("1-800-FLOWERS") == "+18003569377"
    assert phone_e164("(650) 372-6200", "12") == "+16503726200 ext. 12"
    assert phone_e164("+44 20 7946 0958") == "+442079460958"
    assert phone_e164("211") is None


def test_fhir_telecom_is_e164() -> None:
    from referralmatch import Directory
    from referralmatch.interop.fhir import healthcare_service
    from referralmatch.models.directory import Phone, Service

    service = Service(id="s1", name="Line", phones=[Phone(id="p", number="(650) 372-6200", extension="3"),
                                                    Phone(id="q", number="ask at the desk")])  # fmt: skip
    resource = healthcare_service(service, Directory(services=[service]))
    assert [t["value"] for t in resource["telecom"]] == ["+16503726200 ext. 3", "ask at the desk"]


@pytest.mark.parametrize(
    ("text", "clock", "offset"),
    [("09:00-05:00", time(9), -5.0), ("10:00:00Z", time(10), 0.0), ("17:30+05:30", time(17, 30), 5.5),
     ("08:15:00-0800", time(8, 15), -8.0)],
)  # fmt: skip
def test_times_with_utc_offsets_are_read(text: str, clock: time, offset: float) -> None:
    from referralmatch.io.records import RecordContext, build
    from referralmatch.io.report import LoadReport
    from referralmatch.models.directory import Schedule

    assert n.parse_time(text) == clock
    report = LoadReport(source="t")
    schedule = build(Schedule, {"id": "x", "byday": "MO", "opens_at": text}, RecordContext(report))
    assert schedule is not None and schedule.opens_at == clock and schedule.timezone == offset
    assert report.counts["schedule"].repaired == 1


def test_a_range_is_not_an_offset() -> None:
    with pytest.raises(ValueError):
        n.parse_time("09:00-17:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42.108547, -87.974705", (42.108547, -87.974705)), ("(42.1; -87.9)", (42.1, -87.9)),
     ("42.1N, 87.9W", (42.1, -87.9)), ("42°06'30.8\"N 87°58'29.0\"W", (42.10856, -87.97472))],
)  # fmt: skip
def test_coordinate_strings(text: str, expected: tuple[float, float]) -> None:
    from referralmatch.io.normalize import parse_coordinates

    assert parse_coordinates(text) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("text", ["95, 200", "42 6 30.8 N, 87 58 29 W", "somewhere", "1e5, 3"])
def test_bad_coordinate_strings_are_refused(text: str) -> None:
    from referralmatch.io.normalize import parse_coordinates

    with pytest.raises(ValueError):
        parse_coordinates(text)


def test_location_coordinates_in_one_field_or_dms(tmp_path) -> None:
    import referralmatch as rm

    (tmp_path / "services.csv").write_text("id,name\ns1,A\n")
    (tmp_path / "schedules.csv").write_text("id,service_id,byday\nsc1,s1,MO\n")
    (tmp_path / "locations.csv").write_text(
        'id,latitude,longitude\nl1,"42.108547, -87.974705",\nl2,"42°06\'30.8""N","87°58\'29""W"\n')
    (tmp_path / "service_at_location.csv").write_text("id,service_id,location_id\nsl1,s1,l1\nsl2,s1,l2\n")
    directory = rm.load_directory(tmp_path)
    assert (directory.locations["l1"].latitude, directory.locations["l1"].longitude) == (42.108547, -87.974705)
    assert round(directory.locations["l2"].longitude or 0, 4) == -87.9747
    assert directory.report.counts["location"].repaired == 2


@pytest.mark.parametrize(
    ("note", "codes", "interpreters"),
    [
        ("Spanish.", {"es"}, False),
        ("Russian, Yiddish and Hebrew.", {"ru", "yi", "he"}, False),
        ("ASL and a Language line.", {"ase"}, True),
        ("Accommodations possible.", set(), True),
        ("Interpreters available.", set(), True),
        ("Materials in Spanish. Accommodations possible.", set(), True),
        ("Spanish-speaking officers are usually available 24/7.", {"es"}, False),
        ("Vary according to office.", set(), False),
        ("Spanish (410) 396-1337.", {"es"}, False),
        ("None.", set(), False),
        # an interpreter for a named language reaches that language only (as the matcher reads it)
        ("Spanish interpreters.", {"es"}, False),
        ("Books in Spanish.", set(), False),
    ],
)
def test_language_notes_as_211_exports_write_them(note, codes, interpreters):
    assert n.languages_named(note) == codes
    assert n.offers_interpretation(note) is interpreters


def test_short_or_lower_case_words_in_a_note_are_not_languages():
    # "to" is Tonga's code and "an" Aragonese's: a note's small words must not become languages
    assert n.languages_named("Call to ask for an interpreter or a translator") == frozenset()
