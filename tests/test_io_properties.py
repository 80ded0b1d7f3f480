"""Property tests: mutated records and files never crash the loader, and nothing is dropped."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import referralmatch as rm
from referralmatch.errors import ReferralMatchError

BASE: list[dict[str, Any]] = [
    {
        "id": f"s{i}", "name": f"Service {i}", "status": "active", "minimum_age": 18,
        "organization": {"id": "o1", "name": "Org", "description": "d"},
        "schedules": [{"id": f"sc{i}", "byday": "MO,TU", "opens_at": "09:00", "closes_at": "17:00"}],
        "languages": [{"id": f"lg{i}", "name": "Spanish", "code": "es"}],
        "service_at_locations": [{"id": f"sl{i}", "location": {
            "id": f"l{i}", "location_type": "physical", "latitude": 38.5, "longitude": -121.4,
            "addresses": [{"id": f"a{i}", "address_1": "1 Main", "city": "Sacramento",
                           "state_province": "CA", "postal_code": "95814", "country": "US",
                           "address_type": "physical"}]}}],
    }
    for i in range(3)
]  # fmt: skip

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=8),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            out += _paths(value, (*prefix, index))
    return out


def _mutate(doc: Any, path: tuple[Any, ...], action: str, junk: Any) -> Any:
    if not path:
        return junk if action == "replace" else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    else:
        parent[key] = junk
    return doc


def _check(path: Path) -> None:
    try:
        directory = rm.load_directory(path)
    except ReferralMatchError:
        return
    report = directory.report
    assert report.balanced, report.summary()
    for counts in report.counts.values():
        assert counts.read == counts.loaded + counts.rejected
    for location in directory.locations.values():
        assert location.latitude is None or -90 <= location.latitude <= 90


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), action=st.sampled_from(["replace", "delete", "duplicate"]), junk=JUNK)
def test_mutated_json_never_crashes_and_balances(
    data: st.DataObject, action: str, junk: Any
) -> None:
    doc = copy.deepcopy(BASE)
    paths = _paths(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        try:
            doc = _mutate(doc, path, action, copy.deepcopy(junk))
        except (KeyError, IndexError, TypeError):
            continue
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "dir.json"
        target.write_text(json.dumps(doc, default=str))
        _check(target)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(0, 2000), noise=st.binary(max_size=64))
def test_truncated_or_noisy_files_raise_only_library_errors(cut: int, noise: bytes) -> None:
    text = json.dumps(BASE).encode()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "dir.json"
        target.write_bytes(text[:cut] + noise)
        _check(target)


CSV_TABLES = {
    "services.csv": "id,name,status,minimum_age\ns1,A,active,18\ns2,B,inactive,\n",
    "locations.csv": "id,location_type,latitude,longitude\nl1,physical,38.5,-121.4\n",
    "service_at_location.csv": "id,service_id,location_id\nsl1,s1,l1\nsl2,s2,l1\n",
    "schedules.csv": "id,service_id,byday,opens_at,closes_at\nsc1,s1,MO,9am,5pm\n",
}


@settings(max_examples=80, deadline=None)
@given(
    table=st.sampled_from(sorted(CSV_TABLES)),
    cell=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=10),
    row=st.integers(1, 2), column=st.integers(0, 4),
)  # fmt: skip
def test_mutated_csv_cells_balance(table: str, cell: str, row: int, column: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in CSV_TABLES.items():
            lines = text.splitlines()
            if name == table and row < len(lines):
                cells = lines[row].split(",")
                if column < len(cells):
                    cells[column] = '"' + cell.replace('"', '""') + '"'
                lines[row] = ",".join(cells)
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        _check(folder)
