"""Issue 10 part 5: a place that cannot be resolved is said, not guessed.

An unknown ZIP or city gives a warning on the result (``MatchResult.warnings``, in ``explain()``,
``to_dict()`` and the CLI); distances become unknown and service areas are not judged as
covering it; a close misspelling of a city is corrected with a note; in gap analysis such
clients get the status ``location_unknown``, counted apart from met and unmet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import referralmatch as rm
from referralmatch.cli import main
from referralmatch.geo import OfflineGeocoder, correct_city, resolve_place

UNRESOLVABLE = [
    rm.Place(postal_code="99999"),
    rm.Place(postal_code="00000"),
    rm.Place(city="Nowhereville", state="CA"),
    rm.Place(postal_code="99999", city="Nowhereville", state="CA"),
]


@pytest.fixture(scope="module")
def matcher() -> rm.Matcher:
    return rm.Matcher(rm.load_directory(rm.sample_directory_path()))


def _client(place: rm.Place, needs: tuple[str, ...] = ("food", "housing")) -> rm.ClientProfile:
    return rm.ClientProfile(id="c-place", age=40, location=place, needs=[rm.Need(n) for n in needs])


@pytest.mark.parametrize("place", UNRESOLVABLE, ids=lambda p: repr(p.model_dump(exclude_none=True)))
def test_an_unresolved_place_is_said(matcher: rm.Matcher, place: rm.Place) -> None:
    result = matcher.match(_client(place), limit=5)
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert "distances are unknown and service areas are not judged" in warning
    assert result.explain().startswith(f"warning: {warning}")
    assert result.to_dict()["warnings"] == [warning]
    assert result.matches  # still answered, with the distance said to be unknown
    for m in result.matches:
        if not m.virtual:
            assert m.distance_km is None
            assert "the client's location could not be resolved" in m.factor("distance").detail
        # a service area never counts as covering a place that was not resolved
        assert not [n for n in m.eligibility if n.kind == "residency" and n.status == "met"]
    assert "out_of_area" not in result.exclusion_counts()
    # the client's own value never appears in the warning
    for value in (place.postal_code, place.city):
        if value:
            assert value not in warning


def test_unknown_zip_and_city_warn_in_words() -> None:
    geo = OfflineGeocoder()
    assert "ZIP code is not in the offline ZIP table" in resolve_place(geo, rm.Place(postal_code="99999")).warnings[0]
    assert "city is not in the offline table" in resolve_place(geo, rm.Place(city="Nowhereville", state="CA")).warnings[0]
    both = resolve_place(geo, rm.Place(postal_code="00000", city="Nowhereville", state="CA"))
    assert both.warnings[0].startswith("the ZIP code is not in the offline ZIP table and the city")
    # a known ZIP is silent
    assert resolve_place(geo, rm.Place(postal_code="95814")).warnings == ()
    # an unknown ZIP with a known city is located by the city, and says so
    r = resolve_place(geo, rm.Place(postal_code="99999", city="Sacramento", state="CA"))
    assert r.place is not None and r.place.precision == "city"
    assert r.warnings == ("the ZIP code is not in the offline ZIP table; located by city instead",)


def test_a_misspelt_city_is_corrected_with_a_note(matcher: rm.Matcher) -> None:
    result = matcher.match(_client(rm.Place(city="Sacremento", state="CA")), limit=5)
    assert result.warnings == (
        "city name not found; read as Sacramento, CA (closest spelling in the offline table)",
    )
    assert "read as Sacramento, CA" in result.explain()
    physical = [m for m in result.matches if not m.virtual]
    assert physical and all(m.distance_km is not None for m in physical)
    same = matcher.match(_client(rm.Place(city="Sacramento", state="CA")), limit=5)
    assert [m.service_id for m in same.matches] == [m.service_id for m in result.matches]
    assert same.warnings == ()


@pytest.mark.parametrize(
    ("typo", "state", "expected"),
    [("Sacremento", "CA", "Sacramento"), ("Stockon", "CA", "Stockton"), ("Fresnoo", "CA", "Fresno"),
     ("Baltimor", "MD", "Baltimore"), ("Sacremento", None, None), ("Qqqqq", "CA", None)],
)  # fmt: skip
def test_correct_city(typo: str, state: str | None, expected: str | None) -> None:
    found = correct_city(typo, state)
    assert (found.city if found else None) == expected


def test_cli_prints_the_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"age": 40, "location": {"postal_code": "99999"},
                                "needs": [{"category": "food"}]}))  # fmt: skip
    assert main(["match", "--client", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("warning: the ZIP code is not in the offline ZIP table")
    assert main(["match", "--client", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"][0].startswith("the ZIP code")


def test_gap_analysis_counts_unresolved_clients_apart() -> None:
    caseload = pd.DataFrame({
        "client_id": ["ok1", "ok2", "bad1", "bad2", "typo"],
        "age": [40, 35, 40, 50, 30],
        "postal_code": ["95814", "95823", "99999", "00000", None],
        "city": [None, None, None, None, "Sacremento"],
        "state": [None, None, None, None, "CA"],
        "needs": ["food", "food", "food", "food", "food"],
    })  # fmt: skip
    report = rm.gap_analysis(caseload, rm.sample_directory_path())
    per = report.per_client_need.set_index("client_id")
    assert per.loc["bad1", "status"] == "location_unknown"
    assert per.loc["bad2", "status"] == "location_unknown"
    assert pd.isna(per.loc["bad1", "reason"])
    assert per.loc["ok1", "status"] == "met" and per.loc["typo", "status"] == "met"
    food = report.by_need.loc["food"]
    assert (food.client_needs, food.met, food.unmet, food.location_unknown) == (5, 3, 0, 2)
    assert food.met_share == pytest.approx(1.0)  # of the needs whose location was resolved
    assert "2 with the location unknown" in report.summary()
    assert "location_unknown" in set(report.by_area.columns)
