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
