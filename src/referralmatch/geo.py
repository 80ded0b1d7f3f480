"""Geography: offline place resolution, vectorised great-circle distance, and service areas.

Client places resolve **offline** from the ZIP centroid table bundled with the ``zipcodes``
package: a ZIP (or ZIP+4) gives its centroid, city, county, state and IANA time zone; a city and
state give the mean centroid of the city's ZIPs; coordinates give the county, state and time zone
of the nearest ZIP centroid. No network call is made unless a caller explicitly wraps a geopy
geocoder in :class:`GeopyGeocoder`.

Distances are haversine kilometres on a sphere of mean Earth radius (6371.0088 km), vectorised
over numpy arrays; :func:`unit_vectors` and :func:`chord_threshold` give a dot-product prefilter
for "within d km" that needs no trigonometry per service.

Service areas (HSDS ``service_area``: free-text ``name``/``description`` and an optional GeoJSON
``extent``) are judged by :func:`area_covers` / :class:`AreaMatcher`: True, False, or None when
the text cannot be judged.

Example:
    >>> place = OfflineGeocoder().resolve(_Place(postal_code="95814"))
    >>> place
    ResolvedPlace(precision='postal_code')
    >>> (place.city, place.county, place.state, place.timezone)
    ('Sacramento', 'Sacramento County', 'CA', 'America/Los_Angeles')
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from .errors import GeocodingError

__all__ = [
    "EARTH_RADIUS_KM",
    "AreaMatcher",
    "Geocoder",
    "GeopyGeocoder",
    "OfflineGeocoder",
    "PlaceLike",
    "PlaceResolution",
    "Precision",
    "ResolvedPlace",
    "area_covers",
    "chord_threshold",
    "correct_city",
    "haversine_km",
    "named_county",
    "normalize_city",
    "normalize_county",
    "normalize_state",
    "point_in_geojson",
    "resolve_place",
    "unit_vectors",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1) in kilometres, as geopy uses for great-circle distance."""

Precision = Literal["coordinates", "postal_code", "city"]

FloatArray = npt.NDArray[np.float64]

# How far (km) the nearest ZIP centroid may be from given coordinates for its county, state and
# time zone to be trusted (beyond this the point is probably at sea or outside the table).
_NEAREST_ZIP_MAX_KM = 100.0


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@runtime_checkable
class PlaceLike(Protocol):
    """Anything with a client place's attributes (``referralmatch.models.client.Place``)."""

    @property
    def latitude(self) -> float | None: ...

    @property
    def longitude(self) -> float | None: ...

    @property
    def postal_code(self) -> str | None: ...

    @property
    def city(self) -> str | None: ...

    @property
    def state(self) -> str | None: ...

    @property
    def county(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _Place:
    """A minimal :class:`PlaceLike` for doctests and internal use."""

    latitude: float | None = None
    longitude: float | None = None
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    county: str | None = None


@dataclass(frozen=True, slots=True, repr=False)
class ResolvedPlace:
    """A place resolved to a point (degrees, WGS 84) and its administrative areas.

    ``precision`` says what the point stands for: the client's own ``"coordinates"``, a
    ``"postal_code"`` centroid, or a ``"city"`` centroid. ``timezone`` is an IANA name such as
    ``"America/Los_Angeles"``. The repr shows only the precision, because a client's location is
    private.

    >>> ResolvedPlace(38.58, -121.49, "95814", "Sacramento", "Sacramento County", "CA",
    ...               "America/Los_Angeles", "postal_code")
    ResolvedPlace(precision='postal_code')
    """

    latitude: float
    longitude: float
    postal_code: str | None
    city: str | None
    county: str | None
    state: str | None
    timezone: str | None
    precision: Precision

    def __repr__(self) -> str:
        return f"ResolvedPlace(precision={self.precision!r})"

    __str__ = __repr__


@runtime_checkable
class Geocoder(Protocol):
    """Resolves a client place to a :class:`ResolvedPlace`, or None when it cannot."""

    def resolve(self, place: PlaceLike) -> ResolvedPlace | None:
        """Resolve ``place``; None when nothing usable is known about it."""
        ...


# --------------------------------------------------------------------------------------------
# Name normalisation
# --------------------------------------------------------------------------------------------

_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip
_STATE_BY_NAME: dict[str, str] = {}
for _code, _name in _STATES.items():
    _STATE_BY_NAME[re.sub(r"[^a-z ]", "", _name.lower())] = _code
_STATE_BY_NAME["virgin islands"] = "VI"
_STATE_BY_NAME["washington dc"] = "DC"
_STATE_BY_NAME["dc"] = "DC"

_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_ABBREVIATIONS = (
    (re.compile(r"^(st|ste|saint)\s"), "saint "),
    (re.compile(r"\bst\s"), "saint "),
    (re.compile(r"\bste\s"), "sainte "),
    (re.compile(r"\bft\s"), "fort "),
    (re.compile(r"\bmt\s"), "mount "),
    (re.compile(r"\bpt\s"), "point "),
)
_COUNTY_SUFFIX = re.compile(
    r"\s+(county|co|cnty|cty|parish|borough|census area|municipality|municipio|"
    r"city and borough)$"
)
_COUNTY_PREFIX = re.compile(r"^(county|parish|borough|municipality) of\s+")


def _clean(text: str) -> str:
    text = _PUNCT.sub(" ", text.lower().replace("'", "").replace("’", ""))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def normalize_city(name: str) -> str:
    """A city name folded for comparison: lower case, no punctuation, "St." -> "saint".

    >>> normalize_city("St. Louis") == normalize_city("Saint Louis")
    True
    >>> normalize_city("  Ft. Worth ")
    'fort worth'
    """
    text = _clean(name) + " "
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text.strip()


@lru_cache(maxsize=16384)
def normalize_county(name: str) -> str:
    """A county name folded for comparison, without "County"/"Co."/"Parish"/"County of".

    Independent cities keep their "city" suffix ("St. Louis city" is not "St. Louis County").

    >>> normalize_county("San Mateo County") == normalize_county("County of San Mateo")
    True
    >>> normalize_county("San Mateo Co.")
    'san mateo'
    >>> normalize_county("St. Louis city")
    'saint louis city'
    """
    text = normalize_city(name)
    text = _COUNTY_PREFIX.sub("", text)
    return _COUNTY_SUFFIX.sub("", text).strip()


def normalize_state(name: str | None) -> str | None:
    """A US state or territory as its two-letter USPS code, from a code or a name; else None.

    >>> normalize_state("California"), normalize_state("ca"), normalize_state("Narnia")
    ('CA', 'CA', None)
    """
    if not name:
        return None
    text = name.strip()
    if len(text) == 2 and text.upper() in _STATES:
        return text.upper()
    folded = _clean(text)
    folded = re.sub(r"^(the )?state of ", "", folded)
    folded = re.sub(r"^u s ", "", folded)
    return _STATE_BY_NAME.get(folded)


# --------------------------------------------------------------------------------------------
# Distance
# --------------------------------------------------------------------------------------------


def haversine_km(
    lat1: npt.ArrayLike,
    lon1: npt.ArrayLike,
    lat2: npt.ArrayLike,
    lon2: npt.ArrayLike,
    *,
    cos_lat2: npt.ArrayLike | None = None,
) -> FloatArray:
    """Great-circle distance in km between points given in degrees (numpy broadcasting).

    Scalars broadcast against arrays, so one client against many services is one call.
    Uses the mean Earth radius :data:`EARTH_RADIUS_KM`; within 0.5% of the WGS 84 geodesic.
    ``cos_lat2`` is ``cos(radians(lat2))`` when the caller keeps it (a matcher measures from
    many places to the same units): the same result, one cosine pass fewer.

    >>> round(float(haversine_km(38.5816, -121.4944, 37.7749, -122.4194)), 1)
    120.8
    >>> haversine_km(0.0, 0.0, [0.0, 0.0], [1.0, 2.0]).round(2).tolist()
    [111.2, 222.39]
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    cos2 = np.cos(p2) if cos_lat2 is None else np.asarray(cos_lat2, dtype=np.float64)
    h = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * cos2 * np.sin(dlmb / 2.0) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return np.asarray(out, dtype=np.float64)


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Points (degrees) as unit vectors on the sphere, shape (n, 3), for dot-product prefilters.

    >>> unit_vectors([0.0, 90.0], [0.0, 0.0]).round(6).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    phi = np.radians(np.atleast_1d(np.asarray(lat, dtype=np.float64)))
    lmb = np.radians(np.atleast_1d(np.asarray(lon, dtype=np.float64)))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)], axis=-1)


def chord_threshold(max_km: float) -> float:
    """The dot-product threshold for "within ``max_km`` km": ``dot(u1, u2) >= cos(d / R)``.

    Two unit vectors from :func:`unit_vectors` are within ``max_km`` great-circle km exactly
    when their dot product is at least this value (-1.0 for half the globe or more).

    >>> u = unit_vectors([38.58, 37.77], [-121.49, -122.42])
    >>> bool(u[0] @ u[1] >= chord_threshold(125.0)), bool(u[0] @ u[1] >= chord_threshold(115.0))
    (True, False)
    """
    angle = max(0.0, float(max_km)) / EARTH_RADIUS_KM
    return -1.0 if angle >= math.pi else math.cos(angle)


# --------------------------------------------------------------------------------------------
# The offline ZIP table
# --------------------------------------------------------------------------------------------

_IANA = re.compile(r"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+)+$")
_ZIP = re.compile(r"^\s*(\d{5})(?:[\s-]?\d{4})?\s*$")


@dataclass(frozen=True, slots=True)
class _ZipTable:
    zips: tuple[str, ...]
    city: tuple[str, ...]
    county: tuple[str | None, ...]
    state: tuple[str, ...]
    timezone: tuple[str | None, ...]
    lat: FloatArray
    lon: FloatArray
    units: FloatArray  # (n, 3) unit vectors
    by_zip: dict[str, int]
    by_city: dict[tuple[str, str], tuple[int, ...]]  # (normalised city, state) -> rows
    city_states: dict[str, tuple[str, ...]]  # normalised city -> states having it
    counties: frozenset[str]  # normalised county names
    county_states: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def _zip_table() -> _ZipTable:
    """Build (once, lazily) arrays and dictionaries from the ``zipcodes`` bundled data."""
    import zipcodes

    rows = [
        r
        for r in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if r.get("lat") and r.get("long") and (float(r["lat"]), float(r["long"])) != (0.0, 0.0)
    ]
    lat = np.array([float(r["lat"]) for r in rows], dtype=np.float64)
    lon = np.array([float(r["long"]) for r in rows], dtype=np.float64)
    units = unit_vectors(lat, lon)
    tz: list[str | None] = [
        r["timezone"] if _IANA.match(r.get("timezone") or "") else None for r in rows
    ]
    valid = np.array([t is not None for t in tz])
    if not valid.all() and valid.any():  # borrow the nearest valid neighbour's zone
        valid_idx = np.flatnonzero(valid)
        for i in np.flatnonzero(~valid).tolist():
            j = int(valid_idx[int(np.argmax(units[valid_idx] @ units[i]))])
            tz[i] = tz[j]
    by_zip: dict[str, int] = {}
    city_rows: dict[tuple[str, str], list[int]] = {}
    county_states: dict[str, set[str]] = {}
    for i, r in enumerate(rows):
        by_zip.setdefault(r["zip_code"], i)
        names = [r["city"], *(r.get("acceptable_cities") or [])]
        for name in names:
            if name:
                city_rows.setdefault((normalize_city(name), r["state"]), []).append(i)
        if r.get("county"):
            county_states.setdefault(normalize_county(r["county"]), set()).add(r["state"])
    city_states: dict[str, set[str]] = {}
    for city, state in city_rows:
        city_states.setdefault(city, set()).add(state)
    return _ZipTable(
        zips=tuple(r["zip_code"] for r in rows),
        city=tuple(r["city"] for r in rows),
        county=tuple(r.get("county") or None for r in rows),
        state=tuple(r["state"] for r in rows),
        timezone=tuple(tz),
        lat=lat,
        lon=lon,
        units=units,
        by_zip=by_zip,
        by_city={k: tuple(v) for k, v in city_rows.items()},
        city_states={k: tuple(sorted(v)) for k, v in city_states.items()},
        counties=frozenset(county_states),
        county_states={k: frozenset(v) for k, v in county_states.items()},
    )


def _zip5(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:05d}" if 0 <= value <= 99999 else None
    match = _ZIP.match(str(value))
    return match.group(1) if match else None


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


class OfflineGeocoder:
    """Resolve places from the ``zipcodes`` package's bundled ZIP table; never uses the network.

    Order: coordinates (if both given) -> nearest ZIP's county, state and time zone; else a ZIP
    or ZIP+4 -> its centroid; else a city with a state (or a city name found in only one state)
    -> the mean centroid of the city's ZIPs. An unknown ZIP falls back to the city when one is
    given. The table is built once per process on first use (about a second), after which a ZIP
    is a dictionary lookup.

    >>> geo = OfflineGeocoder()
    >>> geo.resolve(_Place(postal_code="95814-1234")).city
    'Sacramento'
    >>> geo.resolve(_Place(city="St. Louis", state="Missouri")).timezone
    'America/Chicago'
    >>> geo.resolve(_Place(postal_code="00000")) is None
    True
    """

    __slots__ = ()

    def resolve(self, place: PlaceLike) -> ResolvedPlace | None:
        """Resolve ``place`` offline; None when it has no usable coordinates, ZIP or city."""
        lat = getattr(place, "latitude", None)
        lon = getattr(place, "longitude", None)
        if lat is not None and lon is not None:
            return self._from_coordinates(float(lat), float(lon))
        zip5 = _zip5(getattr(place, "postal_code", None))
        if zip5 is not None:
            found = self.by_postal_code(zip5)
            if found is not None:
                return found
        city = getattr(place, "city", None)
        if city:
            return self.by_city(city, getattr(place, "state", None))
        return None

    @staticmethod
    def by_postal_code(postal_code: str) -> ResolvedPlace | None:
        """The centroid of a 5-digit ZIP or ZIP+4; None when unknown.

        >>> OfflineGeocoder.by_postal_code("10001").state
        'NY'
        """
        zip5 = _zip5(postal_code)
        table = _zip_table()
        i = table.by_zip.get(zip5) if zip5 else None
        if i is None:
            return None
        return ResolvedPlace(
            latitude=float(table.lat[i]),
            longitude=float(table.lon[i]),
            postal_code=table.zips[i],
            city=table.city[i],
            county=table.county[i],
            state=table.state[i],
            timezone=table.timezone[i],
            precision="postal_code",
        )

    @staticmethod
    def by_city(city: str, state: str | None = None) -> ResolvedPlace | None:
        """The mean centroid of a city's ZIPs; None when unknown or ambiguous without a state.

        >>> OfflineGeocoder.by_city("Saint Louis", "MO").timezone
        'America/Chicago'
        >>> OfflineGeocoder.by_city("Springfield") is None  # in many states
        True
        """
        table = _zip_table()
        key = normalize_city(city)
        code = normalize_state(state)
        if code is None:
            if state:  # a state was given but is not recognised
                return None
            states = table.city_states.get(key, ())
            if len(states) != 1:
                return None
            code = states[0]
        rows = table.by_city.get((key, code))
        if not rows:
            return None
        idx = np.asarray(rows)
        mean = table.units[idx].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm == 0.0:
            return None
        x, y, z = (mean / norm).tolist()
        primary = [i for i in rows if normalize_city(table.city[i]) == key] or list(rows)
        return ResolvedPlace(
            latitude=math.degrees(math.asin(max(-1.0, min(1.0, z)))),
            longitude=math.degrees(math.atan2(y, x)),
            postal_code=None,
            city=table.city[primary[0]],
            county=_most_common(table.county[i] for i in primary),
            state=code,
            timezone=_most_common(table.timezone[i] for i in primary),
            precision="city",
        )

    @staticmethod
    def nearest_postal_code(latitude: float, longitude: float) -> tuple[str, float] | None:
        """The nearest ZIP centroid to a point (degrees) and its distance in km.

        >>> code, km = OfflineGeocoder.nearest_postal_code(38.5804, -121.4922)
        >>> code, round(km, 3)
        ('95814', 0.0)
        """
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        table = _zip_table()
        u = unit_vectors(latitude, longitude)[0]
        i = int(np.argmax(table.units @ u))
        km = float(haversine_km(latitude, longitude, table.lat[i], table.lon[i]))
        return table.zips[i], km

    def _from_coordinates(self, lat: float, lon: float) -> ResolvedPlace | None:
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            return None
        nearest = self.nearest_postal_code(lat, lon)
        if nearest is None:
            return None
        code, km = nearest
        if km > _NEAREST_ZIP_MAX_KM:
            return ResolvedPlace(lat, lon, None, None, None, None, None, "coordinates")
        table = _zip_table()
        i = table.by_zip[code]
        return ResolvedPlace(
            latitude=lat,
            longitude=lon,
            postal_code=code,
            city=table.city[i],
            county=table.county[i],
            state=table.state[i],
            timezone=table.timezone[i],
            precision="coordinates",
        )


# --------------------------------------------------------------------------------------------
# Resolution with warnings (what a result says about the client's place)
# --------------------------------------------------------------------------------------------

CITY_SPELLING_CUTOFF = 85.0
"""Least rapidfuzz ``ratio`` (0-100) for an unknown city name to be read as a city of the same
state in the offline table."""


@lru_cache(maxsize=64)
def _state_cities(state: str) -> tuple[str, ...]:
    table = _zip_table()
    return tuple(sorted({city for city, st in table.by_city if st == state}))


def correct_city(city: str, state: str | None) -> ResolvedPlace | None:
    """The offline table's city of ``state`` closest in spelling to an unknown ``city`` (ratio at
    least :data:`CITY_SPELLING_CUTOFF`), resolved; None without a state or a close name.

    >>> correct_city("Sacremento", "CA").city
    'Sacramento'
    >>> correct_city("Xqzv", "CA") is None
    True
    """
    from rapidfuzz import fuzz, process

    code = normalize_state(state)
    if code is None or not city.strip():
        return None
    found = process.extractOne(
        normalize_city(city), _state_cities(code), scorer=fuzz.ratio,
        score_cutoff=CITY_SPELLING_CUTOFF,
    )  # fmt: skip
    return None if found is None else OfflineGeocoder.by_city(found[0], code)


@dataclass(frozen=True, slots=True, repr=False)
class PlaceResolution:
    """A client place as resolved, with what the caller must be told about it: ``warnings``
    name the field that could not be read (never its value), ``corrected`` says a city name was
    read as a close spelling."""

    place: ResolvedPlace | None
    warnings: tuple[str, ...] = ()
    corrected: bool = False

    def __repr__(self) -> str:
        return f"PlaceResolution(resolved={self.place is not None}, warnings={len(self.warnings)})"


_UNRESOLVED = "distances are unknown and service areas are not judged for this client"


def resolve_place(geocoder: Geocoder, place: PlaceLike) -> PlaceResolution:
    """Resolve a client place and say what could not be read: an unknown ZIP code, an unknown
    city (a close misspelling within the state is corrected, with a warning naming the city it
    was read as), coordinates out of range. A place that cannot be resolved at all is said so,
    never guessed.

    >>> r = resolve_place(OfflineGeocoder(), _Place(postal_code="99999"))
    >>> r.place is None, r.warnings[0]
    (True, 'the ZIP code is not in the offline ZIP table; distances are unknown and service areas are not judged for this client')
    >>> r = resolve_place(OfflineGeocoder(), _Place(city="Sacremento", state="CA"))
    >>> r.place.city, r.warnings[0]
    ('Sacramento', 'city name not found; read as Sacramento, CA (closest spelling in the offline table)')
    """
    resolved = geocoder.resolve(place)
    lat, lon = getattr(place, "latitude", None), getattr(place, "longitude", None)
    raw_zip = getattr(place, "postal_code", None)
    city, state = getattr(place, "city", None), getattr(place, "state", None)
    warnings: list[str] = []
    offline = isinstance(geocoder, OfflineGeocoder)
    if lat is not None and lon is not None:
        if resolved is None:
            warnings.append(f"the coordinates are out of range; {_UNRESOLVED}")
        return PlaceResolution(resolved, tuple(warnings))
    zip_known = (
        raw_zip is None
        or (resolved is not None and resolved.precision == "postal_code")
        or ((z := _zip5(raw_zip)) is not None and z in _zip_table().by_zip)
    )
    if resolved is not None:
        if offline and not zip_known:
            warnings.append("the ZIP code is not in the offline ZIP table; located by city instead")
        return PlaceResolution(resolved, tuple(warnings))
    if city:
        corrected = correct_city(city, state)
        if corrected is not None:
            if not zip_known:
                warnings.append("the ZIP code is not in the offline ZIP table")
            warnings.append(
                f"city name not found; read as {corrected.city}, {corrected.state} "
                "(closest spelling in the offline table)"
            )
            return PlaceResolution(corrected, tuple(warnings), corrected=True)
    what: list[str] = []
    if raw_zip is not None:
        what.append("the ZIP code is not in the offline ZIP table")
    if city:
        what.append(
            "the city is not in the offline table for the state" if normalize_state(state)
            else "the city is unknown or ambiguous without a state"
        )  # fmt: skip
    if not what and state:
        what.append("only a state was given")
    if not what:
        what.append("the location has no coordinates, ZIP code or city")
    warnings.append(f"{' and '.join(what)}; {_UNRESOLVED}")
    return PlaceResolution(None, tuple(warnings))


class GeopyGeocoder:
    """Adapter resolving places through a geopy geocoder — only when a caller builds one.

    .. warning::
        This sends the client's postal code, city, county and state to a third-party service.
        Under HIPAA, sharing a client's location with a vendor generally requires a business
        associate agreement (BAA) with that vendor; check before using it with real clients.
        referralmatch makes no network call unless you construct this class yourself.

    Coordinates already on the place are never sent: they resolve offline. The geocoder's point
    is completed with county, state and time zone from the offline table (nearest ZIP).
    ``geocoder`` is any object with geopy's ``geocode(query, exactly_one=True)`` method.

    >>> class Fake:
    ...     def geocode(self, query, exactly_one=True):
    ...         return type("Loc", (), {"latitude": 38.58, "longitude": -121.49})()
    >>> GeopyGeocoder(Fake()).resolve(_Place(city="Sacramento", state="CA")).county
    'Sacramento County'
    """

    __slots__ = ("_country", "_geocoder")

    def __init__(self, geocoder: Any, *, country: str | None = "USA") -> None:
        self._geocoder = geocoder
        self._country = country

    def __repr__(self) -> str:
        return f"GeopyGeocoder({type(self._geocoder).__name__})"

    def resolve(self, place: PlaceLike) -> ResolvedPlace | None:
        """Resolve ``place`` through the wrapped geocoder; None when it finds nothing.

        Raises :class:`referralmatch.errors.GeocodingError` when the service fails (the message
        names no place values).
        """
        lat = getattr(place, "latitude", None)
        lon = getattr(place, "longitude", None)
        offline = OfflineGeocoder()
        if lat is not None and lon is not None:
            return offline.resolve(place)
        zip_text = getattr(place, "postal_code", None)
        parts = [
            str(v).strip()
            for v in (
                getattr(place, "city", None),
                getattr(place, "county", None),
                getattr(place, "state", None),
                zip_text,
            )
            if v is not None and str(v).strip()
        ]
        if not parts:
            return None
        if self._country:
            parts.append(self._country)
        # geopy is already imported when a real geopy geocoder was passed; importing it here
        # would pull in urllib3, which probes sockets at import time.
        geopy_exc = sys.modules.get("geopy.exc")
        service_errors: tuple[type[BaseException], ...] = (
            (geopy_exc.GeopyError,) if geopy_exc is not None else ()
        )
        try:
            found = self._geocoder.geocode(", ".join(parts), exactly_one=True)
        except service_errors as exc:
            raise GeocodingError(
                f"the geocoding service ({type(exc).__name__}) failed for this place"
            ) from None
        if found is None:
            return None
        if isinstance(found, list):
            if not found:
                return None
            found = found[0]
        point = offline.resolve(_Place(latitude=found.latitude, longitude=found.longitude))
        if point is None:
            return None
        precision: Precision = "postal_code" if zip_text else "city"
        return ResolvedPlace(
            latitude=point.latitude,
            longitude=point.longitude,
            postal_code=_zip5(zip_text) or point.postal_code,
            city=point.city,
            county=point.county,
            state=point.state,
            timezone=point.timezone,
            precision=precision,
        )


# --------------------------------------------------------------------------------------------
# GeoJSON point-in-polygon
# --------------------------------------------------------------------------------------------


def _ring_contains(ring: FloatArray, lon: float, lat: float) -> bool:
    """Even-odd ray casting: is (lon, lat) inside the closed ring (n, 2 as lon, lat)?"""
    if ring.ndim != 2 or ring.shape[0] < 3 or ring.shape[1] < 2:
        return False
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    crosses = (y0 > lat) != (y1 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(crosses & (lon < x_at)) % 2)


def _polygons(geometry: Any) -> list[list[FloatArray]]:
    """A GeoJSON object's polygons, each as a list of rings (outer first); [] if none."""
    if not isinstance(geometry, dict):
        return []
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        return [p for f in geometry.get("features") or [] for p in _polygons(f)]
    if kind == "Feature":
        return _polygons(geometry.get("geometry"))
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries") or [] for p in _polygons(g)]
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return []
    try:
        if kind == "Polygon":
            return [[np.asarray(r, dtype=np.float64) for r in coords]]
        if kind == "MultiPolygon":
            return [[np.asarray(r, dtype=np.float64) for r in poly] for poly in coords]
    except (TypeError, ValueError):
        return []
    return []


def _parse_extent(extent: str | None, extent_type: str | None) -> list[list[FloatArray]] | None:
    """The polygons of a GeoJSON ``extent``; None when it is absent or not readable GeoJSON."""
    if not extent or (extent_type and extent_type.strip().lower() not in {"geojson", "json"}):
        return None
    text = extent.strip()
    if not text.startswith("{"):
        return None
    try:
        polygons = _polygons(json.loads(text))
    except ValueError:
        return None
    return polygons or None


def _in_polygons(polygons: Sequence[Sequence[FloatArray]], lat: float, lon: float) -> bool:
    for rings in polygons:
        if (
            rings
            and _ring_contains(rings[0], lon, lat)
            and not any(_ring_contains(hole, lon, lat) for hole in rings[1:])
        ):
            return True
    return False


def point_in_geojson(geojson: str | dict[str, Any], latitude: float, longitude: float) -> bool:
    """Whether a point (degrees) lies inside a GeoJSON Polygon/MultiPolygon (holes respected).

    Feature and FeatureCollection wrappers are accepted. Coordinates in GeoJSON are
    ``[longitude, latitude]``. Unreadable GeoJSON contains nothing.

    >>> square = '{"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,10],[0,0]]]}'
    >>> point_in_geojson(square, 5.0, 5.0), point_in_geojson(square, 5.0, 15.0)
    (True, False)
    """
    if isinstance(geojson, dict):
        polygons = _polygons(geojson)
    else:
        polygons = _parse_extent(geojson, "geojson") or []
    return _in_polygons(polygons, float(latitude), float(longitude))


# --------------------------------------------------------------------------------------------
# Service areas
# --------------------------------------------------------------------------------------------

_NATIONWIDE = re.compile(
    r"\b(nation\s*wide|national(ly)?|all\s+(50\s+)?states|(the\s+)?(entire\s+)?united\s+states|"
    r"(anywhere|all)\s+in\s+the\s+(us|usa|u\s?s|united\s+states)|usa|no\s+restrictions?|"
    r"any\s*where|all\s+areas|no\s+geographic\s+restrictions?)\b"
)
_STATEWIDE = re.compile(r"\bstate\s*wide\b|\bthroughout\s+the\s+state\b|\bentire\s+state\b")
_ZIP_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
_SPLIT = re.compile(r"\s*(?:[,;/|\n]|\s&\s|\band\b|\bor\b|\bplus\b)\s*")
_COUNTY_IN_TEXT = re.compile(
    r"\b((?:[A-Z][\w.'’]*\s+){0,3}[A-Z][\w.'’]*)\s+(County|Parish|Borough)\b"
    r"|\b(?:County|Parish) of\s+((?:[A-Z][\w.'’]*\s?){1,4})"
)
_STATE_IN_TEXT = re.compile(
    r"\b(" + "|".join(sorted((re.escape(n) for n in _STATES.values()), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_LEAD_NOISE = re.compile(
    r"^(?:(?:the|all|of|residents?|in|within|serving|serves|service|available|to|areas?|zip|"
    r"zips|zip\s*codes?|postal\s*codes?|parts?)\s+)+"
)
_FUZZY = re.compile(r"\b(greater|area|region|vicinity|surrounding|nearby|metro|near|parts?)\b")
_TRAIL_NOISE = re.compile(r"\s+(?:residents?|only|area|region|metro|vicinity)$")
_CITY_PREFIX = re.compile(r"^(?:city|town|village|township) of\s+")
_CITY_SUFFIX = re.compile(r"\s+(?:city limits|city)$")
_BOTH_PREFIX = re.compile(r"^city and county of\s+")
_COUNTY_WORD = re.compile(
    r"(?:^(?:county|parish|borough) of\s)|(?:\s(?:county|co|cnty|cty|parish|borough|"
    r"census area|counties)$)"
)


@dataclass(frozen=True, slots=True)
class _AreaParts:
    nationwide: bool = False
    statewide: bool = False
    zips: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()  # whole states covered
    qualifier_states: frozenset[str] = frozenset()  # states named only to qualify places
    counties: frozenset[str] = frozenset()  # normalised county names
    cities: frozenset[str] = frozenset()  # normalised city names
    bare: frozenset[str] = frozenset()  # bare names read as cities (may also be a county)
    fuzzy: bool = False  # "greater X area": a non-match cannot be judged
    unrecognised: bool = False  # some of the name could not be read

    @property
    def anything(self) -> bool:
        return bool(
            self.nationwide or self.statewide or self.zips or self.states or self.counties
            or self.cities or self.bare
        )  # fmt: skip


def _parse_segment(segment: str, acc: dict[str, set[str]], flags: dict[str, bool]) -> None:
    raw = segment.strip()
    if not raw:
        return
    for z in _ZIP_IN_TEXT.findall(raw):
        acc["zips"].add(z)
    text = _ZIP_IN_TEXT.sub(" ", raw)
    norm = normalize_city(text)
    if _FUZZY.search(norm):
        flags["fuzzy"] = True
    norm = _LEAD_NOISE.sub("", norm)
    norm = _FUZZY.sub(" ", norm)
    norm = _TRAIL_NOISE.sub("", _SPACES.sub(" ", norm).strip())
    if not norm or norm in {"zip", "zips", "zip codes", "zip code", "postal codes"}:
        return
    if _NATIONWIDE.fullmatch(norm) or norm in {"us", "u s", "nationwide"}:
        flags["nationwide"] = True
        return
    if _STATEWIDE.search(norm):
        flags["statewide"] = True
        norm = _STATEWIDE.sub(" ", norm).strip()
        if not norm:
            return
    code = text.strip().strip(".")
    if len(code) == 2 and code.upper() in _STATES:
        acc["qual_states"].add(code.upper())
        return
    state = normalize_state(norm)
    if state is not None:
        acc["state_names"].add(state)
        return
    if _BOTH_PREFIX.match(norm):
        name = _BOTH_PREFIX.sub("", norm)
        acc["cities"].add(name)
        acc["counties"].add(normalize_county(name))
        return
    if _COUNTY_WORD.search(norm):
        if norm.endswith(" counties"):
            acc["counties"].add(normalize_county(norm[: -len(" counties")]))
        else:
            acc["counties"].add(normalize_county(norm))
        return
    if _CITY_PREFIX.match(norm):
        acc["cities"].add(_CITY_PREFIX.sub("", norm))
        return
    table = _zip_table()
    if norm in table.city_states:
        acc["bare"].add(norm)
        return
    stripped = _CITY_SUFFIX.sub("", norm)
    if stripped != norm and stripped in table.city_states:
        acc["cities"].add(stripped)
        return
    if norm in table.counties:
        acc["bare"].add(norm)
        return
    flags["unrecognised"] = True


def _parse_area(name: str | None, description: str | None, extra: str | None) -> _AreaParts:
    acc: dict[str, set[str]] = {
        k: set() for k in ("zips", "qual_states", "state_names", "counties", "cities", "bare")
    }
    flags = {"nationwide": False, "statewide": False, "fuzzy": False, "unrecognised": False}
    if name and name.strip():
        if len(name) > 120 or len(_SPLIT.split(name)) > 40:
            _scan_sentence(name, acc, flags)
        else:
            # "Alameda and San Mateo Counties" -> two counties before splitting on "and"
            plural = re.match(r"^(.*)\s+Counties\s*$", name.strip(), re.IGNORECASE)
            if plural:
                for part in _SPLIT.split(plural.group(1)):
                    if part.strip():
                        acc["counties"].add(normalize_county(part))
            else:
                for segment in _SPLIT.split(name):
                    _parse_segment(segment, acc, flags)
    unrecognised_name = flags["unrecognised"]
    for text in (description, extra):
        if text and text.strip():
            _scan_sentence(text, acc, flags)
    flags["unrecognised"] = unrecognised_name
    # A two-letter state next to places qualifies them; alone it is the whole state.
    specific = acc["zips"] or acc["counties"] or acc["cities"] or acc["bare"]
    states = set(acc["state_names"])
    qualifiers: set[str] = set()
    if specific or flags["statewide"]:
        qualifiers |= acc["qual_states"]
        if specific and not flags["statewide"]:
            # "New York, NY": a state name beside places is probably a city of that name
            for code in list(states):
                city = normalize_city(_STATES[code])
                if acc["qual_states"] and city in _zip_table().city_states:
                    states.discard(code)
                    acc["bare"].add(city)
    else:
        states |= acc["qual_states"]
    if flags["statewide"]:
        states |= acc["qual_states"]
    return _AreaParts(
        nationwide=flags["nationwide"],
        statewide=flags["statewide"],
        zips=frozenset(acc["zips"]),
        states=frozenset(states),
        qualifier_states=frozenset(qualifiers | states),
        counties=frozenset(c for c in acc["counties"] if c),
        cities=frozenset(c for c in acc["cities"] if c),
        bare=frozenset(b for b in acc["bare"] if b),
        fuzzy=flags["fuzzy"],
        unrecognised=flags["unrecognised"],
    )


def _scan_sentence(text: str, acc: dict[str, set[str]], flags: dict[str, bool]) -> None:
    """Pick recognisable pieces (ZIPs, "X County", state names, nationwide) out of prose."""
    acc["zips"].update(_ZIP_IN_TEXT.findall(text))
    folded = normalize_city(text)
    if _NATIONWIDE.search(folded):
        flags["nationwide"] = True
    if _STATEWIDE.search(folded):
        flags["statewide"] = True
    for match in _COUNTY_IN_TEXT.finditer(text):
        name = match.group(1) or match.group(3) or ""
        words = name.split()
        # drop leading capitalised function words ("Serving San Mateo County")
        while words and words[0].lower() in {"serving", "serves", "in", "of", "the", "all",
                                             "residents", "and", "throughout", "within"}:
            words = words[1:]  # fmt: skip
        if words:
            acc["counties"].add(normalize_county(" ".join(words)))
    for match in _STATE_IN_TEXT.finditer(text):
        code = normalize_state(match.group(1))
        if code:
            acc["qual_states"].add(code)


class AreaMatcher:
    """A service area parsed once (at index time), judged against many client places.

    ``state`` is the state the service is in (e.g. from its location's address); it gives
    "statewide" and bare place names their state when the area text does not.

    >>> area = AreaMatcher("San Mateo Co.")
    >>> geo = OfflineGeocoder()
    >>> area.covers(geo.resolve(_Place(postal_code="94401")))  # San Mateo
    True
    >>> area.covers(geo.resolve(_Place(postal_code="95814")))  # Sacramento
    False
    >>> AreaMatcher("The MyCity area").covers(geo.resolve(_Place(postal_code="95814"))) is None
    True
    """

    __slots__ = ("_parts", "_polygons", "_state")

    def __init__(
        self,
        area_name: str | None = None,
        area_description: str | None = None,
        extent: str | None = None,
        extent_type: str | None = None,
        *,
        state: str | None = None,
    ) -> None:
        self._polygons = _parse_extent(extent, extent_type)
        text_extent = extent if (extent_type or "").strip().lower() == "text" else None
        self._parts = _parse_area(area_name, area_description, text_extent)
        self._state = normalize_state(state)

    def __repr__(self) -> str:
        p = self._parts
        return (
            f"AreaMatcher(zips={len(p.zips)}, cities={len(p.cities | p.bare)}, "
            f"counties={len(p.counties)}, states={sorted(p.states)}, "
            f"nationwide={p.nationwide}, polygon={self._polygons is not None})"
        )

    @property
    def judgeable(self) -> bool:
        """True when anything in the area could be read (text or polygon)."""
        return self._polygons is not None or self._parts.anything

    def covers(self, place: ResolvedPlace | None) -> bool | None:
        """True if the area covers the place, False if clearly not, None if it cannot be judged."""
        if place is None:
            return None
        text = self._covers_text(place)
        if text is True or self._polygons is None:
            return text
        return _in_polygons(self._polygons, place.latitude, place.longitude)

    def _covers_text(self, place: ResolvedPlace) -> bool | None:
        p = self._parts
        if not p.anything:
            return None
        if p.nationwide:
            return True
        state = normalize_state(place.state)
        known_states = p.qualifier_states or ({self._state} if self._state else set())
        if state is not None and state in p.states:
            return True
        if p.statewide and state is not None:
            if known_states:
                if state in known_states:
                    return True
            elif not (p.zips or p.counties or p.cities or p.bare):
                return None
        if place.postal_code and place.postal_code in p.zips:
            return True
        state_ok = state is None or not known_states or state in known_states
        county = normalize_county(place.county) if place.county else None
        city = normalize_city(place.city) if place.city else None
        if state_ok:
            if county is not None and county in p.counties:
                return True
            if city is not None and (city in p.cities or city in p.bare):
                return True
        # nothing matched: decide between "clearly elsewhere" and "cannot tell"
        if p.fuzzy or p.unrecognised:
            return None
        if state_ok and county is not None and county in p.bare:
            return None  # "Alameda" may mean the county, which the client lives in
        needs = []
        if p.zips:
            needs.append(place.postal_code is not None)
        if p.counties:
            needs.append(county is not None or (state is not None and not state_ok))
        if p.cities or p.bare:
            needs.append(city is not None or (state is not None and not state_ok))
        if p.states or p.statewide:
            needs.append(state is not None)
        return False if needs and all(needs) else None


_NAMED_COUNTY = re.compile(r"\b((?:[A-Z][a-z]+(?:['’]s)?\.? ){1,3}County)\b")


def named_county(*names: str | None) -> str | None:
    """The county the first of ``names`` that names one says it serves, or None.

    >>> named_county("Family Crisis Center of Baltimore County, Inc.")
    'Baltimore County'
    >>> named_county("Shelter", "Prince George's County Dept. of Social Services")
    "Prince George's County"
    >>> named_county("County Line Pantry") is None
    True
    """
    for name in names:
        found = _NAMED_COUNTY.search(name or "")
        if found:
            return found.group(1)
    return None


def area_covers(
    area_name: str | None,
    area_description: str | None,
    extent: str | None,
    extent_type: str | None,
    place: ResolvedPlace | None,
    *,
    state: str | None = None,
) -> bool | None:
    """Whether a service area covers a resolved client place: True, False, or None (unknown).

    True when the client's ZIP, city, county or state is named by the area text (tolerant of
    "San Mateo Co." / "County of San Mateo", "City of Sacramento", ZIP lists, state names or
    codes, "nationwide", "statewide", "all of X"), or the client's point is inside a GeoJSON
    Polygon/MultiPolygon ``extent``. False when the area clearly names somewhere else (say, a
    different county), or the polygon excludes the point. None when the text cannot be judged.
    ``state`` is the service's own state, used for "statewide". For many places, build an
    :class:`AreaMatcher` once instead.

    >>> sac = OfflineGeocoder().resolve(_Place(postal_code="95814"))
    >>> area_covers("County of Sacramento", None, None, None, sac)
    True
    >>> area_covers("Alameda County, San Mateo County", None, None, None, sac)
    False
    >>> area_covers("95811, 95814", None, None, None, sac), area_covers("CA", None, None, None, sac)
    (True, True)
    """
    return AreaMatcher(area_name, area_description, extent, extent_type, state=state).covers(place)
