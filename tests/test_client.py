"""ClientProfile, Place and AvailabilityWindow: normalisation, validation, and privacy."""

from __future__ import annotations

import pickle
from datetime import date, time

import pytest

from referralmatch.errors import ReferralMatchError
from referralmatch.models.client import (
    AvailabilityWindow,
    ClientProfile,
    ClientValidationError,
    Place,
)
from referralmatch.models.need import Need

DISTINCTIVE = ("47", "12345", "95814", "hmn", "Hmong")


def test_fields_normalise():
    c = ClientProfile(
        id="c1", age=47, gender=" Woman ", household_size=3, dependents_ages=[4, 9],
        annual_income=12345, insurance=["Medi-Cal", "medicare", "MEDICAID"],
        languages=["Hmong", "es", "Spanish"], immigration_status="Green card holder",
        location=Place(postal_code="95814"), needs=["housing", Need("therapy", priority=1)],
    )  # fmt: skip
    assert c.gender == "female"
    assert c.insurance == ("medicaid", "medicare")
    assert c.languages == ("hmn", "es")
    assert c.immigration_status == "permanent_resident"
    assert [n.category for n in c.needs] == ["housing", "therapy"]
    assert c.needs[1].priority == 1
    assert c.dependents_ages == (4.0, 9.0)
    assert c.telehealth_ok is True and c.consent_to_share_sensitive is False
    assert c.state is None


def test_everything_optional_and_id_generated():
    a, b = ClientProfile(), ClientProfile()
    assert a.id != b.id and len(a.id) >= 8
    assert a.age is None and a.needs == () and a.location is None
    assert a.age_on(date(2026, 1, 1)) is None


def test_age_on_from_date_of_birth():
    c = ClientProfile(date_of_birth=date(1990, 6, 15))
    assert c.age_on(date(2026, 6, 14)) == 35
    assert c.age_on(date(2026, 6, 15)) == 36
    assert ClientProfile(date_of_birth=date(2030, 1, 1)).age_on(date(2026, 1, 1)) == 0
    # date_of_birth wins over a stated age that agrees with it (within a year, today)
    dob = date(2000, 1, 1)
    today_age = ClientProfile(date_of_birth=dob).age_on()
    assert today_age is not None
    agreeing = ClientProfile(age=today_age - 1, date_of_birth=dob)
    assert agreeing.age_on(date(2026, 6, 1)) == 26


@pytest.mark.parametrize(
    "kwargs",
    [
        {"latitude": 38.58, "longitude": -121.49},
        {"postal_code": "95814"},
        {"postal_code": "95814-1234"},
        {"city": "Sacramento", "state": "ca", "county": "Sacramento County"},
    ],
)
def test_place_forms(kwargs):
    place = Place(**kwargs)
    assert place.state in (None, "CA")
    assert "set=[" in repr(place)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "place"),
        ({"city": "Sacramento"}, "place"),
        ({"latitude": 38.5}, "place"),
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": 181}, "longitude"),
        ({"postal_code": "9581"}, "postal_code"),
        ({"postal_code": "95814-12"}, "postal_code"),
        ({"city": "Sacramento", "state": "California"}, "state"),
    ],
)
def test_place_rejects(kwargs, field):
    with pytest.raises(ClientValidationError) as info:
        Place(**kwargs)
    assert field in info.value.fields


def test_availability_window():
    w = AvailabilityWindow(weekday=6, start=time(22), end=time(2))  # overnight is allowed
    assert w.weekday == 6
    with pytest.raises(ClientValidationError):
        AvailabilityWindow(weekday=7, start=time(9), end=time(10))
    with pytest.raises(ClientValidationError):
        AvailabilityWindow(weekday=1, start=time(9), end=time(9))
    c = ClientProfile(availability=[{"weekday": 1, "start": "17:00", "end": "20:00"}])
    assert c.availability is not None and c.availability[0].start == time(17)


def test_repr_and_str_hide_values():
    c = ClientProfile(
        id="c1", age=47, annual_income=12345, languages=["hmn"],
        location=Place(postal_code="95814"), needs=["housing", "food"],
    )  # fmt: skip
    assert repr(c) == "ClientProfile(set=[age, annual_income, languages, location, needs(2)])"
    assert "c1" not in repr(c) and "c1" not in str(c)  # the id is often a medical record number
    for text in (repr(c), str(c), repr(c.location), str(c.location)):
        for value in DISTINCTIVE:
            assert value not in text
    assert "telehealth_ok" in repr(ClientProfile(telehealth_ok=False))


@pytest.mark.parametrize(
    "bad",
    [
        {"age": -47, "annual_income": -12345, "languages": ["hmn", ""]},
        {"age": "47 years", "location": {"postal_code": "95814x"}},
        {"annual_income": "12345 dollars", "languages": [95814]},
        {"age": 470, "location": {"latitude": 95814, "longitude": 47}},
        {"needs": [""], "gender": "  ", "household_size": -47, "dependents_ages": [-47]},
    ],
)
def test_errors_name_fields_never_values(bad):
    with pytest.raises(ClientValidationError) as info:
        ClientProfile(id="c1", **bad)
    message = str(info.value)
    assert message.startswith("invalid client profile: ")
    for value in DISTINCTIVE:
        assert value not in message, value
        assert value not in repr(info.value), value
    assert info.value.fields  # every problem names a field
    for field in info.value.fields:
        assert field.split(".")[0] in bad


def test_error_collects_every_problem():
    with pytest.raises(ClientValidationError) as info:
        ClientProfile(age=-1, annual_income=-1, languages=[""], household_size=0)
    assert set(info.value.fields) == {"age", "annual_income", "languages", "household_size"}
    assert "languages (must not contain empty names)" in str(info.value)
    assert "age (must be >= 0" in str(info.value)


def test_model_validate_and_json_also_hide_values():
    with pytest.raises(ClientValidationError) as info:
        ClientProfile.model_validate({"age": -47, "languages": ["hmn", " "]})
    assert "47" not in str(info.value) and info.value.fields == ("age", "languages")
    with pytest.raises(ClientValidationError) as info:
        ClientProfile.model_validate_json('{"annual_income": -12345}')
    assert "12345" not in str(info.value)
    ok = ClientProfile.model_validate_json('{"age": 30, "needs": ["food"]}')
    assert ok.age == 30 and ok.needs[0].category == "food"


def test_frozen_and_assignment_error_hides_value():
    c = ClientProfile(age=47)
    with pytest.raises(ClientValidationError) as info:
        c.age = 12345  # type: ignore[misc]
    assert "12345" not in str(info.value) and info.value.fields == ("age",)


def test_extra_fields_forbidden():
    with pytest.raises(ClientValidationError) as info:
        ClientProfile(ssn="123-45-6789")  # type: ignore[call-arg]
    assert "6789" not in str(info.value) and info.value.fields == ("ssn",)


def test_error_class_and_pickle():
    err = ClientValidationError("invalid client profile: age (must be >= 0)", ("age",))
    assert isinstance(err, ReferralMatchError) and isinstance(err, ValueError)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ClientValidationError
    assert str(back) == str(err) and back.fields == ("age",)


def test_profile_pickles():
    c = ClientProfile(age=47, location=Place(postal_code="95814"), needs=["housing"])
    assert pickle.loads(pickle.dumps(c)) == c


# ------------------------------------------------------------ real languages, needs, ages


@pytest.mark.parametrize(
    ("given", "code"),
    [("Pashto", "ps"), ("ps", "ps"), ("Dari", "prs"), ("prs", "prs"), ("Mien", "ium"),
     ("Marshallese", "mh"), ("Chuukese", "chk"), ("Cantonese", "yue"), ("Mandarin", "cmn"),
     ("Chinese", "zh"), ("ASL", "ase"), ("Spanish", "es"), ("es-MX", "es"), ("Somali", "so")],
)  # fmt: skip
def test_real_languages_resolve(given: str, code: str) -> None:
    assert ClientProfile(languages=[given]).languages == (code,)


def test_unknown_language_is_a_warning_and_und_never_a_rejection() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = ClientProfile(languages=["Mixteco", "Spanish", "Zzyzx"])
    assert client.languages == ("und", "es")
    assert [w.category.__name__ for w in caught] == ["UnknownLanguageWarning"] * 2
    assert all("Mixteco" not in str(w.message) and "Zzyzx" not in str(w.message) for w in caught)


def test_caseload_row_with_unknown_language_is_kept(tmp_path) -> None:
    from referralmatch.analysis.caseload import read_caseload

    path = tmp_path / "caseload.csv"
    path.write_text("client_id,age,languages,postal_code,needs\nc1,30,Mixteco;es,95814,food\n")
    with pytest.warns(UserWarning):
        frame = read_caseload(path)
    assert list(frame["client_id"]) == ["c1"]
    assert frame["languages"].iloc[0] == ("und", "es")


def test_language_affinity_of_macrolanguages() -> None:
    from referralmatch.io.normalize import language_affinity, languages_compatible

    assert language_affinity("yue", "cmn") == 0.0  # Cantonese is not Mandarin
    assert language_affinity("zh", "yue") == language_affinity("cmn", "Chinese") == 0.5
    assert language_affinity("fa", "Dari") == 0.5
    assert language_affinity("Spanish", "spa") == 1.0
    assert not languages_compatible("ase", "en")
    assert languages_compatible("zh", "cmn") and not languages_compatible("cmn", "yue")


def test_duplicate_needs_are_merged() -> None:
    from referralmatch.models.need import Need

    client = ClientProfile(needs=["food", "food", "Food", Need("housing", priority=4),
                                  Need("housing", priority=2, urgency="urgent")])  # fmt: skip
    assert [(n.category, n.priority, n.urgency) for n in client.needs] == [
        ("food", 3, "routine"), ("housing", 2, "urgent")]  # fmt: skip


def test_age_contradicting_date_of_birth_is_an_error() -> None:
    with pytest.raises(ClientValidationError) as info:
        ClientProfile(age=20, date_of_birth=date(1950, 1, 1))
    assert "contradicts date_of_birth" in str(info.value) and "20" not in str(info.value)
    assert "1950" not in str(info.value)
