"""API misuse gets a clear library error, or is accepted where that is natural (issue 11)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.errors import ClientValidationError, ConfigurationError, ReferralMatchError

SECRET = "HIV+ needs meds"


@pytest.fixture(scope="module")
def matcher() -> rm.Matcher:
    return rm.Matcher(rm.load_directory(rm.sample_directory_path()))


def _client() -> rm.ClientProfile:
    return rm.ClientProfile(age=30, location=rm.Place(postal_code="95814"), needs=["food"])


def test_a_client_given_as_a_mapping_is_read_as_a_profile(matcher: rm.Matcher) -> None:
    as_dict = matcher.match({"age": 30, "location": {"postal_code": "95814"}, "needs": ["food"]})
    assert [m.service_id for m in as_dict.matches] == [m.service_id for m in matcher.match(_client()).matches]


def test_a_bad_mapping_names_fields_never_values(matcher: rm.Matcher) -> None:
    with pytest.raises(ClientValidationError) as info:
        matcher.match({"age": SECRET, "needs": ["food"]})
    assert "age" in str(info.value) and SECRET not in str(info.value)


@pytest.mark.parametrize("client", [42, "client", None, ["food"]])
def test_something_that_is_no_client_is_refused(matcher: rm.Matcher, client: object) -> None:
    with pytest.raises(ConfigurationError, match="ClientProfile"):
        matcher.match(client)  # type: ignore[arg-type]


def test_a_matcher_built_from_a_path_loads_the_directory() -> None:
    path = rm.sample_directory_path()
    for source in (path, str(path)):
        assert rm.Matcher(source).index.n_services == 205  # type: ignore[arg-type]


@pytest.mark.parametrize("source", [42, None, object()])
def test_a_matcher_needs_a_directory(source: object) -> None:
    with pytest.raises(ConfigurationError, match="Directory"):
        rm.Matcher(source)  # type: ignore[arg-type]


def test_a_missing_path_is_a_library_error(tmp_path: Path) -> None:
    with pytest.raises(ReferralMatchError):
        rm.Matcher(tmp_path / "nothing-here.json")


@pytest.mark.parametrize("limit", [0, -1, None, 2.5, "5", True])
def test_limit_must_be_a_whole_number_of_one_or_more(matcher: rm.Matcher, limit: object) -> None:
    with pytest.raises(ConfigurationError, match="limit"):
        matcher.match(_client(), limit=limit)  # type: ignore[arg-type]


def test_at_accepts_an_iso_string(matcher: rm.Matcher) -> None:
    as_text = matcher.match(_client(), at="2026-03-03T10:00")  # type: ignore[arg-type]
    as_datetime = matcher.match(_client(), at=datetime(2026, 3, 3, 10, 0))
    assert [m.service_id for m in as_text.matches] == [m.service_id for m in as_datetime.matches]


@pytest.mark.parametrize("at", ["next tuesday", 1234, "2026-13-40"])
def test_a_moment_that_is_no_datetime_is_refused(matcher: rm.Matcher, at: object) -> None:
    with pytest.raises(ConfigurationError, match="at"):
        matcher.match(_client(), at=at)  # type: ignore[arg-type]


def test_match_config_errors_name_fields_never_values() -> None:
    with pytest.raises(ConfigurationError) as info:
        rm.MatchConfig(max_travel_km=SECRET)  # type: ignore[arg-type]
    assert "max_travel_km" in str(info.value) and SECRET not in str(info.value)
    zero = {f"weight_{name}": 0 for name in rm.MatchConfig().weights()}
    with pytest.raises(ConfigurationError, match="weight"):
        rm.MatchConfig(**zero)
    with pytest.raises(ConfigurationError, match="poverty_year"):
        rm.MatchConfig(poverty_year=2019)
