"""Tests for referralmatch.geo: offline resolution, haversine distance, prefilter, service areas."""

from __future__ import annotations

import json
import math
import pickle
import socket
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from geopy.distance import geodesic
from geopy.exc import GeocoderServiceError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from referralmatch.errors import GeocodingError
from referralmatch.geo import (
    EARTH_RADIUS_KM,
    AreaMatcher,
    Geocoder,
    GeopyGeocoder,
    OfflineGeocoder,
    ResolvedPlace,
    area_covers,
    chord_threshold,
    haversine_km,
    normalize_city,
    normalize_county,
    normalize_state,
    point_in_geojson,
    unit_vectors,
)


@dataclass(frozen=True)
class Place:
    """Stands in for referralmatch.models.client.Place (duck-typed)."""

    latitude: float | None = None
    longitude: float | None = None
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    county: str | None = None


GEO = OfflineGeocoder()


def resolve(**kwargs: Any) -> ResolvedPlace:
    found = GEO.resolve(Place(**kwargs))
    assert found is not None
    return found


# ------------------------------------------------------------------ sockets stay closed


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_are_blocked_in_this_suite() -> None:
    with pytest.raises(Exception, match=r"(?i)socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


# ------------------------------------------------------------------ distance

# The library's places are in the US and its territories (about 13-72 degrees north). The
# sphere differs from the WGS 84 ellipsoid by up to ~0.56% for short north-south hops near the
# equator, so the 0.5% check draws latitudes of 20-72 degrees, both points in one hemisphere.
_lat = st.floats(20.0, 72.0)
_lon = st.floats(-180.0, 180.0)


@settings(max_examples=150, deadline=None)
@given(_lat, _lon, _lat, _lon, st.sampled_from([1.0, -1.0]))
def test_haversine_within_half_percent_of_geodesic(
    lat1: float, lon1: float, lat2: float, lon2: float, hemisphere: float
) -> None:
    lat1, lat2 = lat1 * hemisphere, lat2 * hemisphere
    reference = geodesic((lat1, lon1), (lat2, lon2)).km
    assume(reference > 1.0)  # sub-km pairs: relative error is meaningless
    assume(reference < 19_000.0)  # near-antipodal pairs: geodesic itself is ill-conditioned
    ours = float(haversine_km(lat1, lon1, lat2, lon2))
    assert abs(ours - reference) / reference < 0.005


@settings(max_examples=100, deadline=None)
@given(st.floats(-89.0, 89.0), _lon, st.floats(-89.0, 89.0), _lon)
def test_haversine_anywhere_within_0_6_percent(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    reference = geodesic((lat1, lon1), (lat2, lon2)).km
    assume(1.0 < reference < 19_000.0)
    assert abs(float(haversine_km(lat1, lon1, lat2, lon2)) - reference) / reference < 0.006


def test_haversine_broadcasts_and_is_symmetric() -> None:
    lats = np.array([37.77, 34.05, 38.58])
    lons = np.array([-122.42, -118.24, -121.49])
    one_to_many = haversine_km(38.5816, -121.4944, lats, lons)
    assert one_to_many.shape == (3,)
    back = haversine_km(lats, lons, 38.5816, -121.4944)
    np.testing.assert_allclose(one_to_many, back)
    assert one_to_many[2] < 1.0
    assert 550 < one_to_many[1] < 600  # Sacramento - Los Angeles, about 580 km
    assert float(haversine_km(10.0, 20.0, 10.0, 20.0)) == 0.0


@settings(max_examples=150, deadline=None)
@given(_lat, _lon, _lat, _lon, st.floats(1.0, 5000.0))
def test_chord_threshold_agrees_with_haversine(
    lat1: float, lon1: float, lat2: float, lon2: float, max_km: float
) -> None:
    km = float(haversine_km(lat1, lon1, lat2, lon2))
    assume(abs(km - max_km) > 1e-6 * max(1.0, max_km))  # not exactly on the boundary
    u = unit_vectors([lat1, lat2], [lon1, lon2])
    assert bool(u[0] @ u[1] >= chord_threshold(max_km)) == (km <= max_km)


def test_unit_vectors_shape_and_norm() -> None:
    u = unit_vectors(np.linspace(-80, 80, 9), np.linspace(-170, 170, 9))
    assert u.shape == (9, 3)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0)
    assert chord_threshold(0.0) == 1.0
    assert chord_threshold(math.pi * EARTH_RADIUS_KM + 1) == -1.0


# ------------------------------------------------------------------ offline geocoding


def test_zip_resolves_to_sacramento() -> None:
    place = resolve(postal_code="95814")
    assert (place.city, place.county, place.state) == ("Sacramento", "Sacramento County", "CA")
    assert place.timezone == "America/Los_Angeles"
    assert place.precision == "postal_code"
    assert place.postal_code == "95814"
    assert float(haversine_km(place.latitude, place.longitude, 38.5816, -121.4944)) < 5


@pytest.mark.parametrize("code", ["95814-1234", "958141234", " 95814 "])
def test_zip_plus_four_and_spacing(code: str) -> None:
    assert resolve(postal_code=code).postal_code == "95814"


def test_integer_zip_is_zero_padded() -> None:
    place = GEO.resolve(Place(postal_code=2134))  # type: ignore[arg-type]
    assert place is not None and place.state == "MA"


def test_unknown_zip_and_empty_place_are_none() -> None:
    assert GEO.resolve(Place(postal_code="00000")) is None
    assert GEO.resolve(Place(postal_code="not a zip")) is None
    assert GEO.resolve(Place()) is None
    assert GEO.resolve(Place(postal_code="09001")) is None  # military ZIP without a centroid


def test_unknown_zip_falls_back_to_city() -> None:
    place = resolve(postal_code="00000", city="Sacramento", state="CA")
    assert place.precision == "city" and place.city == "Sacramento"


def test_city_state_gives_mean_centroid() -> None:
    place = resolve(city="sacramento", state="California")
    assert place.precision == "city"
    assert place.postal_code is None
    assert (place.city, place.county, place.state) == ("Sacramento", "Sacramento County", "CA")
    assert place.timezone == "America/Los_Angeles"
    assert float(haversine_km(place.latitude, place.longitude, 38.5816, -121.4944)) < 15


def test_city_forms_are_tolerated() -> None:
    a = resolve(city="St. Louis", state="MO")
    b = resolve(city="Saint Louis", state="mo")
    assert (a.latitude, a.longitude) == (b.latitude, b.longitude)
    assert a.timezone == "America/Chicago"


def test_ambiguous_or_unknown_city_is_none() -> None:
    assert GEO.resolve(Place(city="Springfield")) is None  # many states
    assert GEO.resolve(Place(city="Nowhereville", state="CA")) is None
    assert GEO.resolve(Place(city="Sacramento", state="Narnia")) is None


def test_coordinates_take_the_nearest_zip_admin_areas() -> None:
    place = resolve(latitude=37.5630, longitude=-122.3255)  # downtown San Mateo
    assert place.precision == "coordinates"
    assert (place.latitude, place.longitude) == (37.5630, -122.3255)
    assert place.county == "San Mateo County" and place.state == "CA"
    assert place.timezone == "America/Los_Angeles"
    assert GEO.nearest_postal_code(40.7506, -73.9972) is not None


def test_coordinates_far_from_any_zip_keep_only_the_point() -> None:
    place = resolve(latitude=0.0, longitude=-140.0)  # mid Pacific
    assert place.state is None and place.county is None and place.timezone is None


def test_timezones_are_iana_names() -> None:
    # the table's zone for 99634 is not an IANA name; the nearest valid neighbour's is used
    assert resolve(postal_code="99634").timezone in {"America/Nome", "America/Anchorage"}
    assert resolve(postal_code="10001").timezone == "America/New_York"
    assert resolve(postal_code="96813").timezone == "Pacific/Honolulu"


def test_repr_hides_location() -> None:
    place = resolve(postal_code="95814")
    for text in (repr(place), str(place)):
        assert "95814" not in text and "38." not in text and "Sacramento" not in text
        assert "postal_code" in text
    assert pickle.loads(pickle.dumps(place)) == place
    with pytest.raises(AttributeError):
        place.city = "x"  # type: ignore[misc]


def test_offline_geocoder_satisfies_protocol() -> None:
    assert isinstance(GEO, Geocoder)
    assert isinstance(GeopyGeocoder(object()), Geocoder)


# ------------------------------------------------------------------ geopy adapter (fake, no network)


class FakeLocation:
    def __init__(self, latitude: float, longitude: float) -> None:
        self.latitude = latitude
        self.longitude = longitude


class FakeGeopy:
    def __init__(self, answer: FakeLocation | None = None, error: Exception | None = None) -> None:
        self.answer = answer
        self.error = error
        self.queries: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True) -> FakeLocation | None:
        self.queries.append(query)
        if self.error is not None:
            raise self.error
        return self.answer


def test_geopy_adapter_uses_the_service_and_completes_admin_fields() -> None:
    fake = FakeGeopy(FakeLocation(37.5630, -122.3255))
    place = GeopyGeocoder(fake).resolve(Place(city="San Mateo", state="CA"))
    assert place is not None
    assert fake.queries == ["San Mateo, CA, USA"]
    assert place.precision == "city"
    assert place.county == "San Mateo County"
    assert (place.latitude, place.longitude) == (37.5630, -122.3255)


def test_geopy_adapter_never_sends_coordinates_and_handles_misses() -> None:
    fake = FakeGeopy(None)
    place = GeopyGeocoder(fake).resolve(Place(latitude=38.58, longitude=-121.49))
    assert place is not None and place.precision == "coordinates"
    assert fake.queries == []
    assert GeopyGeocoder(fake).resolve(Place(postal_code="95814")) is None
    assert fake.queries == ["95814, USA"]
    assert GeopyGeocoder(fake).resolve(Place()) is None


def test_geopy_adapter_wraps_service_errors_without_values() -> None:
    fake = FakeGeopy(error=GeocoderServiceError("failed for 123 Secret St, 95814"))
    with pytest.raises(GeocodingError) as info:
        GeopyGeocoder(fake).resolve(Place(postal_code="95814", city="Sacramento"))
    assert "95814" not in str(info.value) and "Secret" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert "GeopyGeocoder" in repr(GeopyGeocoder(fake))


# ------------------------------------------------------------------ names


def test_name_normalisation() -> None:
    assert normalize_county("San Mateo County") == "san mateo"
    assert normalize_county("San Mateo Co.") == "san mateo"
    assert normalize_county("County of San Mateo") == "san mateo"
    assert normalize_county("Orleans Parish") == "orleans"
    assert normalize_county("St. Louis County") != normalize_county("St. Louis city")
    assert normalize_city("St. Louis") == normalize_city("SAINT LOUIS") == "saint louis"
    assert normalize_state("  california ") == "CA"
    assert normalize_state("State of New York") == "NY"
    assert normalize_state("DC") == "DC"
    assert normalize_state("") is None


# ------------------------------------------------------------------ service areas

SACRAMENTO = "95814"
ELK_GROVE = "95624"  # Sacramento County, not the city of Sacramento
SAN_MATEO = "94401"
OAKLAND = "94601"  # Alameda County
SAN_FRANCISCO = "94103"


@pytest.mark.parametrize(
    ("name", "zip_code", "expected"),
    [
        ("San Mateo County", SAN_MATEO, True),
        ("San Mateo Co.", SAN_MATEO, True),
        ("County of San Mateo", SAN_MATEO, True),
        ("all of San Mateo County", SAN_MATEO, True),
        ("San Mateo County", SACRAMENTO, False),  # another county, same state
        ("Alameda County, San Mateo County", SACRAMENTO, False),
        ("Alameda County, San Mateo County", OAKLAND, True),
        ("Alameda and San Mateo Counties", SAN_MATEO, True),
        ("City of Sacramento", SACRAMENTO, True),
        ("City of Sacramento", ELK_GROVE, False),
        ("Sacramento", SACRAMENTO, True),
        ("Sacramento", ELK_GROVE, None),  # may mean the county, which Elk Grove is in
        ("Sacramento County", ELK_GROVE, True),
        ("Residents of Sacramento County", ELK_GROVE, True),
        ("Sacramento, CA", SACRAMENTO, True),
        ("Sacramento, CA", SAN_MATEO, False),
        ("San Mateo County, CA", SACRAMENTO, False),  # "CA" qualifies; not all of California
        ("95811, 95814", SACRAMENTO, True),
        ("95811, 95814", ELK_GROVE, False),
        ("ZIP codes 95811 and 95814", SACRAMENTO, True),
        ("California", SACRAMENTO, True),
        ("CA", SACRAMENTO, True),
        ("All of California", SACRAMENTO, True),
        ("Oregon", SACRAMENTO, False),
        ("Nationwide", SACRAMENTO, True),
        ("Belmont, Burlingame, East Palo Alto", SAN_MATEO, False),
        ("Colma, Daly City, South San Francisco", SAN_MATEO, False),
        ("City and County of San Francisco", SAN_FRANCISCO, True),
        ("Greater Sacramento area", SACRAMENTO, True),
        ("Greater Sacramento area", ELK_GROVE, None),
        ("The service is available to all residents of the MyCity area.", SACRAMENTO, None),
        ("", SACRAMENTO, None),
    ],
)
def test_area_text(name: str, zip_code: str, expected: bool | None) -> None:
    assert area_covers(name, None, None, None, resolve(postal_code=zip_code)) is expected


def test_area_city_aliases_and_independent_cities() -> None:
    st_louis_city = resolve(postal_code="63101")  # St. Louis city (independent city)
    assert area_covers("Saint Louis", None, None, None, st_louis_city) is True
    assert area_covers("St. Louis County", None, None, None, st_louis_city) is False


def test_area_description_is_scanned() -> None:
    text = "Serving residents of San Mateo County and Santa Clara County"
    assert area_covers(None, text, None, None, resolve(postal_code=SAN_MATEO)) is True
    assert area_covers(None, text, None, None, resolve(postal_code=SACRAMENTO)) is False
    assert area_covers(None, None, None, None, resolve(postal_code=SACRAMENTO)) is None


def test_statewide_needs_a_state() -> None:
    sac = resolve(postal_code=SACRAMENTO)
    assert area_covers("Statewide", None, None, None, sac) is None
    assert area_covers("Statewide", None, None, None, sac, state="CA") is True
    assert area_covers("Statewide", None, None, None, sac, state="NV") is False
    assert area_covers("California statewide", None, None, None, sac) is True


_SACRAMENTO_BOX = {
    "type": "Polygon",
    "coordinates": [[[-121.6, 38.4], [-121.3, 38.4], [-121.3, 38.7], [-121.6, 38.7], [-121.6, 38.4]]],
}


def test_area_polygon_extent() -> None:
    extent = json.dumps(_SACRAMENTO_BOX)
    assert area_covers(None, None, extent, "geojson", resolve(postal_code=SACRAMENTO)) is True
    assert area_covers(None, None, extent, "geojson", resolve(postal_code=SAN_MATEO)) is False
    # text that names the client's county wins over a polygon that misses the point
    assert area_covers("San Mateo County", None, extent, "geojson", resolve(postal_code=SAN_MATEO))
    # an unreadable extent (the HSDS example literally says "extent") is ignored
    assert area_covers(None, None, "extent", "geojson", resolve(postal_code=SACRAMENTO)) is None


def test_point_in_polygon_with_hole_and_multipolygon() -> None:
    outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    donut = {"type": "Polygon", "coordinates": [outer, hole]}
    assert point_in_geojson(donut, 2.0, 2.0) is True
    assert point_in_geojson(donut, 5.0, 5.0) is False  # in the hole
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[outer], [[[20, 20], [30, 20], [25, 30], [20, 20]]]],
    }
    assert point_in_geojson(multi, 22.0, 25.0) is True  # lat 22, lon 25: second polygon
    assert point_in_geojson(multi, 15.0, 15.0) is False
    feature = json.dumps({"type": "Feature", "geometry": donut, "properties": {}})
    assert point_in_geojson(feature, 1.0, 9.0) is True
    assert point_in_geojson("not json", 1.0, 1.0) is False
    assert point_in_geojson({"type": "Polygon", "coordinates": None}, 1.0, 1.0) is False


def test_area_matcher_is_reusable_and_its_repr_is_safe() -> None:
    matcher = AreaMatcher("San Mateo County", extent=json.dumps(_SACRAMENTO_BOX),
                          extent_type="geojson")  # fmt: skip
    assert matcher.judgeable
    assert matcher.covers(resolve(postal_code=SAN_MATEO)) is True
    assert matcher.covers(resolve(postal_code=SACRAMENTO)) is True  # inside the polygon
    assert matcher.covers(resolve(postal_code=OAKLAND)) is False
    assert matcher.covers(None) is None
    assert "counties=1" in repr(matcher)
    assert not AreaMatcher("somewhere nice").judgeable
