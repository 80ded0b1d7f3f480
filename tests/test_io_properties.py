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


# ------------------------------------------------------------------- hostile mutations


def _check_hostile(path: Path, expect_in_report: str | None = None) -> None:
    """A library error, or a balanced report that (when given) mentions ``expect_in_report``."""
    try:
        directory = rm.load_directory(path)
    except ReferralMatchError:
        return
    report = directory.report
    assert report.balanced, report.summary()
    if expect_in_report is not None:
        assert any(expect_in_report in str(issue) for issue in report.issues), report.summary()


@settings(max_examples=40, deadline=None)
@given(depth=st.integers(1, 3000), wrapper=st.sampled_from(["list", "object", "contents"]))
def test_nesting_at_any_depth_never_crashes(depth: int, wrapper: str) -> None:
    opening, closing = {"list": ("[", "]"), "object": ('{"x": ', "}"),
                        "contents": ('{"contents": ', "}")}[wrapper]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "deep.json"
        target.write_text(opening * depth + json.dumps(BASE) + closing * depth)
        _check_hostile(target)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), digits=st.integers(1, 6000), negative=st.booleans())
def test_integers_of_any_length_never_crash(data: st.DataObject, digits: int, negative: bool) -> None:
    doc = copy.deepcopy(BASE)
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    marker = "__HUGE__"
    try:
        doc = _mutate(doc, path, "replace", marker)
    except (KeyError, IndexError, TypeError):
        return
    number = ("-" if negative else "") + "7" * digits
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "dir.json"
        target.write_text(json.dumps(doc).replace(f'"{marker}"', number))
        _check_hostile(target)


@settings(max_examples=30, deadline=None)
@given(document=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                          st.text(max_size=20), st.lists(st.integers(), max_size=3),
                          st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)))  # fmt: skip
def test_shapes_of_no_format_are_format_errors(document: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "x.json"
        target.write_text(json.dumps(document))
        try:
            directory = rm.load_directory(target)
        except ReferralMatchError:
            return
        # only an empty list or object loads: as an empty directory, with a warning
        assert document in ([], {}) or not directory.services
        assert any("holds no services" in str(i) for i in directory.report.issues)


TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(name=st.one_of(TEXT, st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False)))
def test_names_survive_unicode_and_wrong_types(name: Any) -> None:
    import unicodedata

    doc = [{"id": "s1", "name": name, "status": "active"}]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "x.json"
        target.write_text(json.dumps(doc))
        directory = rm.load_directory(target)
    report = directory.report
    assert report.balanced
    service = directory.services.get("s1")
    if isinstance(name, str):
        expected = " ".join(unicodedata.normalize("NFC", name).split())
        if expected:
            assert service is not None
            assert "".join(service.name.split()) == "".join(expected.split())  # only spaces change
            for joiner in ("\u200d", "\u200c"):
                assert service.name.count(joiner) == name.count(joiner)
    else:
        assert service is not None
        assert any(i.field == "name" and i.severity == "repair" for i in report.issues)


@settings(max_examples=40, deadline=None)
@given(
    mutation=st.sampled_from(["duplicate_member", "url_resource", "missing_resource",
                              "bad_descriptor", "long_row", "idless_rows", "encrypted"]),
    rows=st.integers(1, 30),
)  # fmt: skip
def test_package_mutations_are_reported_or_refused(mutation: str, rows: int) -> None:
    files = {
        "services.csv": "id,name,status\n" + "".join(f"s{i},Service {i},active\n" for i in range(rows)),
        "schedules.csv": "id,service_id,byday,opens_at,closes_at\n"
                         + "".join(f"sc{i},s{i},MO,09:00,17:00\n" for i in range(rows)),
        "datapackage.json": json.dumps({"resources": [{"name": "service", "path": "services.csv"},
                                                      {"name": "schedule", "path": "schedules.csv"}]}),
    }  # fmt: skip
    expect = {
        "duplicate_member": "members named",
        "url_resource": "URL as its path",
        "missing_resource": "which is not in the package",
        "bad_descriptor": "descriptor unreadable",
        "long_row": "more values than the header",
        "idless_rows": "derived the stable id",
        "encrypted": None,
    }[mutation]
    descriptor = json.loads(files["datapackage.json"])
    if mutation == "url_resource":
        descriptor["resources"].append({"name": "phone", "path": "https://example.org/p.csv"})
    elif mutation == "missing_resource":
        descriptor["resources"].append({"name": "phone", "path": "phones.csv"})
    files["datapackage.json"] = json.dumps(descriptor)
    if mutation == "bad_descriptor":
        files["datapackage.json"] = files["datapackage.json"][: rows]
    elif mutation == "long_row":
        files["services.csv"] += "sx,Extra,active,surplus\n"
    elif mutation == "idless_rows":
        files["schedules.csv"] = "service_id,byday\n" + "".join(f"s{i},TU\n" for i in range(rows))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "pkg.zip"
        import warnings
        import zipfile

        with warnings.catch_warnings(), zipfile.ZipFile(target, "w") as archive:
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate we write
            for name, text in files.items():
                archive.writestr(name, text)
            if mutation == "duplicate_member":
                archive.writestr("services.csv", files["services.csv"])
        if mutation == "encrypted":
            data = bytearray(target.read_bytes())
            data[data.find(b"PK\x03\x04") + 6] |= 1
            data[data.find(b"PK\x01\x02") + 8] |= 1
            target.write_bytes(bytes(data))
            try:
                rm.load_directory(target)
            except ReferralMatchError:
                return
            raise AssertionError("an encrypted member was loaded")
        _check_hostile(target, expect)
