"""Hostile and messy input: every case either raises a library error or says what went wrong.

Each test builds its own small input in ``tmp_path`` (the suite blocks sockets, so nothing here can
reach the network); the HSDS 3.0 and Ohana cases read the real files through ``reference``.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.errors import DirectoryFormatError, DirectoryValidationError
from referralmatch.io.export import to_hsds_json
from referralmatch.io.report import LoadReport

SERVICE = {"id": "s1", "name": "Harbor Shelter", "status": "active"}


def _messages(directory: rm.Directory) -> list[str]:
    return [str(issue) for issue in directory.report.issues]


def _write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the crashes


def _encrypted_zip(path: Path) -> Path:
    """A zip whose one member has the 'encrypted' flag set (as a password-protected zip has)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("services.json", json.dumps([SERVICE]))
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flag_offset] |= 0x01
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(RuntimeError):
        archive.read("services.json")  # zipfile itself crashes on it
    return path


def test_encrypted_zip_member_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryFormatError, match="encrypted"):
        rm.load_directory(_encrypted_zip(tmp_path / "locked.zip"))


@pytest.mark.parametrize("depth", [65, 5_000, 100_000])
def test_deeply_nested_json_is_a_format_error(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + json.dumps(SERVICE) + "]" * depth, encoding="utf-8")
    with pytest.raises(DirectoryFormatError, match="nested deeper than 64"):
        rm.load_directory(path)


def test_nesting_inside_strings_does_not_count(tmp_path: Path) -> None:
    deep_text = "[" * 500
    path = _write_json(tmp_path / "s.json", [{**SERVICE, "description": deep_text}])
    directory = rm.load_directory(path)
    assert directory.services["s1"].description == deep_text


@pytest.mark.parametrize("digits", [301, 5_000, 50_000])
def test_huge_integer_is_a_format_error(tmp_path: Path, digits: int) -> None:
    path = tmp_path / "huge.json"
    path.write_text('[{"id": "s1", "name": "A", "minimum_age": ' + "9" * digits + "}]")
    with pytest.raises(DirectoryFormatError, match=f"{digits} digits"):
        rm.load_directory(path)


def test_huge_number_in_a_csv_cell_is_reported(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text(f"id,name,minimum_age\ns1,A,{'9' * 5000}\n")
    (tmp_path / "schedules.csv").write_text("id,service_id,byday\nsc1,s1,MO\n")
    directory = rm.load_directory(tmp_path)
    assert directory.services["s1"].minimum_age is None
    assert any("minimum_age" in m for m in _messages(directory))


# ------------------------------------------------------------------- loaded without saying


def test_zip_with_two_members_of_one_name_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "twice.zip"
    with zipfile.ZipFile(path, "w") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("services.json", json.dumps([SERVICE]))
        archive.writestr("services.json", json.dumps([{**SERVICE, "id": "s2"}]))
    directory = rm.load_directory(path)
    assert list(directory.services) == ["s2"]  # the last one, as the report says
    assert any("2 members named 'services.json'" in m for m in _messages(directory))


def _hsds3_package(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "services.csv").write_text("id,name,status\ns1,Harbor Shelter,active\n")
    (folder / "schedules.csv").write_text("id,service_id,byday,opens_at,closes_at\nsc1,s1,MO,09:00,17:00\n")
    return folder


def test_resource_path_that_is_a_url_is_never_fetched_and_is_named(tmp_path: Path) -> None:
    folder = _hsds3_package(tmp_path / "pkg")
    _write_json(folder / "datapackage.json", {"resources": [
        {"name": "service", "path": "services.csv"},
        {"name": "phone", "path": "https://example.org/phones.csv"},
    ]})  # fmt: skip
    directory = rm.load_directory(folder)
    assert list(directory.services) == ["s1"]
    assert any("'phone' has a URL as its path" in m for m in _messages(directory))


def test_hsds11_resource_url_and_missing_file_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\ns1,Food Pantry\n")
    (folder / "regular_schedules.csv").write_text("id,service_id,weekday\nr1,s1,Monday\n")
    _write_json(folder / "datapackage.json", {"version": "1.1", "resources": [
        {"name": "services", "path": "services.csv"},
        {"name": "phones", "path": "http://example.org/phones.csv"},
        {"name": "contacts", "path": "contacts.csv"},
    ]})  # fmt: skip
    messages = _messages(rm.load_directory(folder))
    assert any("'phones' has a URL as its path" in m for m in messages)
    assert any("'contacts' names 'contacts.csv', which is not in the package" in m for m in messages)


def test_symlink_out_of_the_folder_is_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    _write_json(outside, [{**SERVICE, "id": "from-outside"}])
    folder = tmp_path / "dir"
    folder.mkdir()
    _write_json(folder / "services.json", [SERVICE])
    (folder / "linked.json").symlink_to(outside)
    directory = rm.load_directory(folder)
    assert list(directory.services) == ["s1"]
    assert any("linked.json" in m and "outside the folder" in m for m in _messages(directory))


@pytest.mark.parametrize("descriptor", ["{not json", '{"resources": [{"name": "service", "path": "svc.csv"}]}'])
def test_broken_or_wrong_descriptor_is_reported(tmp_path: Path, descriptor: str) -> None:
    folder = _hsds3_package(tmp_path / "pkg")
    (folder / "datapackage.json").write_text(descriptor)
    directory = rm.load_directory(folder)
    assert list(directory.services) == ["s1"]  # standard file names still read
    assert any(i.record_type == "datapackage" for i in directory.report.issues)


def test_hsds11_descriptor_that_is_not_json_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\ns1,Food Pantry\n")
    (folder / "regular_schedules.csv").write_text("id,service_id,weekday\nr1,s1,Monday\n")
    (folder / "datapackage.json").write_text("{oops")
    messages = _messages(rm.load_directory(folder))
    assert any("descriptor is not a readable JSON object" in m for m in messages)


def test_hsds11_without_services_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "regular_schedules.csv").write_text("id,service_id,weekday\n" + "".join(
        f"r{i},s{i},Monday\n" for i in range(19)))  # fmt: skip
    (folder / "eligibility.csv").write_text("id,service_id,eligibility\ne1,s1,adults\n")
    with pytest.raises(DirectoryFormatError, match=r"core table services\.csv is missing"):
        rm.load_directory(folder)


def test_folder_with_json_and_csv_package_says_which_was_ignored(tmp_path: Path) -> None:
    folder = _hsds3_package(tmp_path / "both")
    _write_json(folder / "export.json", [{**SERVICE, "id": "json-only"}])
    directory = rm.load_directory(folder)
    assert directory.report.format == "hsds3-tabular"
    assert "json-only" not in directory.services
    assert any("1 JSON file(s)" in m and "export.json" in m for m in _messages(directory))


@pytest.mark.parametrize("document", [42, "a string", True, None, 3.5])
def test_scalar_json_is_a_format_error(tmp_path: Path, document: object) -> None:
    with pytest.raises(DirectoryFormatError, match="single"):
        rm.load_directory(_write_json(tmp_path / "x.json", document))


@pytest.mark.parametrize("document", [{"foo": 1}, [{"colour": "red"}, [1, 2]], [[["x"]]]])
def test_json_of_no_hsds_shape_is_a_format_error(tmp_path: Path, document: object) -> None:
    with pytest.raises(DirectoryFormatError, match="no JSON document holds an HSDS object"):
        rm.load_directory(_write_json(tmp_path / "x.json", document))


def test_empty_list_warns_and_fails_strict(tmp_path: Path) -> None:
    path = _write_json(tmp_path / "empty.json", [])
    directory = rm.load_directory(path)
    assert not directory.services
    assert any("holds no services" in m for m in _messages(directory))
    with pytest.raises(DirectoryValidationError, match="holds no services"):
        rm.load_directory(path, strict=True)
    from referralmatch.cli import main

    assert main(["validate", "--strict", str(path)]) == 1


def test_number_in_a_text_field_is_coerced_with_a_note(tmp_path: Path) -> None:
    directory = rm.load_directory(_write_json(tmp_path / "x.json", [{**SERVICE, "name": 1234}]))
    assert directory.services["s1"].name == "1234"
    repairs = [i for i in directory.report.issues if i.severity == "repair" and i.field == "name"]
    assert repairs and "as text" in repairs[0].message
    assert directory.report.counts["service"].repaired == 1


def test_unicode_is_nfc_and_keeps_joiners(tmp_path: Path) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "می\u200cخواهم"  # a zero-width non-joiner inside a word
    decomposed = "Cafe\u0301"
    directory = rm.load_directory(_write_json(tmp_path / "x.json", [
        {**SERVICE, "name": f"{family} {decomposed}", "description": persian}]))  # fmt: skip
    service = directory.services["s1"]
    assert service.name == f"{family} Caf\u00e9"
    assert service.description == persian
    assert "\u200d" in service.name and "\u200c" in (service.description or "")


def test_csv_row_longer_than_its_header_is_reported(tmp_path: Path) -> None:
    folder = _hsds3_package(tmp_path / "pkg")
    (folder / "services.csv").write_text("id,name,status\ns1,Shelter,active,EXTRA,MORE\ns2,B,active\n")
    directory = rm.load_directory(folder)
    assert set(directory.services) == {"s1", "s2"}
    issue = next(i for i in directory.report.issues if "more values than the header" in i.message)
    assert issue.file == "services.csv" and issue.row == 1 and "1 row(s)" in issue.message


# ------------------------------------------------------------ the official HSDS 3.0 package


def test_official_hsds3_datapackage_loads_every_table(reference: Path, tmp_path: Path) -> None:
    source = reference / "hsds" / "3.0"
    folder = tmp_path / "official"
    folder.mkdir()
    for csv_file in (source / "csv").glob("*.csv"):
        shutil.copy(csv_file, folder / csv_file.name)
    shutil.copy(source / "datapackage.json", folder / "datapackage.json")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert {"service", "organization"} <= {r["name"] for r in descriptor["resources"]}
    directory = rm.load_directory(folder)
    assert not [i for i in directory.report.issues if "unknown table" in i.message]
    counts = directory.report.counts
    for record_type in ("organization", "service", "location", "service_at_location", "phone",
                        "schedule", "address", "language", "contact", "taxonomy_term"):  # fmt: skip
        assert counts[record_type].loaded >= 1, record_type
    assert directory.report.balanced
    assert len(directory.services) == 1 and len(directory.organizations) == 1


# ----------------------------------------------------------------------- Ohana silent loss


def test_ohana_contacts_all_reach_the_directory(reference: Path) -> None:
    from referralmatch.io.mapping import OHANA

    directory = rm.load_directory(reference / "ohana_smc_sample_csv", mapping=OHANA)
    held = sum(len(x.contacts) for table in (directory.locations, directory.services,
               directory.organizations, directory.service_at_locations) for x in table.values())  # fmt: skip
    assert held == directory.report.counts["contact"].loaded == 32


def test_ohana_folder_without_a_mapping_is_recognised(reference: Path) -> None:
    from referralmatch.io.mapping import OHANA

    sniffed = rm.load_directory(reference / "ohana_smc_sample_csv")
    mapped = rm.load_directory(reference / "ohana_smc_sample_csv", mapping=OHANA)
    assert sniffed == mapped
    assert any("Ohana" in m for m in _messages(sniffed))


def test_programs_not_linked_to_a_service_survive_hsds_json(tmp_path: Path) -> None:
    from referralmatch.models import Organization, Program, Service

    directory = rm.Directory(
        organizations=[Organization(id="o1", name="Harbor House")],
        programs=[Program(id="p1", organization_id="o1", name="Used"),
                  Program(id="p2", organization_id="o1", name="Not used by any service")],
        services=[Service(id="s1", organization_id="o1", program_id="p1", name="Shelter")],
    )  # fmt: skip
    again = rm.load_directory(to_hsds_json(directory, tmp_path / "out.json"))
    assert set(again.programs) == {"p1", "p2"}
    assert again == directory


# ------------------------------------------------------------------------- rows without ids


def _idless_hsds11(folder: Path, schedules: int = 40, eligibility: int = 30) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "services.csv").write_text("id,name\ns1,Food Pantry\ns2,Shelter\n")
    (folder / "regular_schedules.csv").write_text("service_id,weekday,opens_at,closes_at\n" + "".join(
        f"s{1 + i % 2},{('Monday', 'Tuesday', 'Wednesday')[i % 3]},{8 + i % 4}:00am,5:00pm\n"
        for i in range(schedules)))  # fmt: skip
    (folder / "eligibility.csv").write_text("eligibility\n" + "adults\n" * eligibility)
    return folder


def test_linkable_rows_without_id_get_stable_ids(tmp_path: Path) -> None:
    first = rm.load_directory(_idless_hsds11(tmp_path / "a"))
    second = rm.load_directory(_idless_hsds11(tmp_path / "b"))
    counts = first.report.counts["schedule"]
    assert counts.read == counts.loaded == counts.repaired == 40
    ids = [s.id for service in first.services.values() for s in service.schedules]
    assert len(ids) == len(set(ids)) == 40
    assert all(i.startswith("regular_schedules-") for i in ids)
    again = [s.id for service in second.services.values() for s in service.schedules]
    assert ids == again  # same file, same content: same ids on every load
    notes = [i for i in first.report.issues if i.severity == "repair" and i.field == "id"]
    assert len(notes) == 40


def test_unlinkable_rows_without_id_are_one_summarised_issue(tmp_path: Path) -> None:
    directory = rm.load_directory(_idless_hsds11(tmp_path / "a", eligibility=2244))
    counts = directory.report.counts["eligibility"]
    assert counts.read == counts.rejected == 2244
    issues = [i for i in directory.report.issues if i.record_type == "eligibility"]
    assert len(issues) == 1
    assert issues[0].file == "eligibility.csv" and "2244 row(s)" in issues[0].message
    assert "first rows: 1, 2, 3, 4, 5" in issues[0].message
    assert directory.report.balanced


def test_unlinkable_child_rows_in_hsds3_are_summarised(tmp_path: Path) -> None:
    folder = _hsds3_package(tmp_path / "pkg")
    (folder / "phones.csv").write_text("number\n" + "650-555-0100\n" * 500)
    directory = rm.load_directory(folder)
    issues = [i for i in directory.report.issues if i.record_type == "phone"]
    assert len(issues) == 1 and "500 row(s)" in issues[0].message
    assert directory.report.counts["phone"].rejected == 500 and directory.report.balanced


def test_report_summary_stays_short_for_many_bad_rows(tmp_path: Path) -> None:
    report = rm.load_directory(_idless_hsds11(tmp_path / "a", schedules=0, eligibility=5000)).report
    assert len(report.issues) < 10
    assert isinstance(report, LoadReport)


def test_link_loops_dangling_links_and_pipes_are_skipped_and_reported(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "dir"
    folder.mkdir()
    _write_json(folder / "services.json", [SERVICE])
    (folder / "a.json").symlink_to(folder / "b.json")
    (folder / "b.json").symlink_to(folder / "a.json")
    (folder / "gone.json").symlink_to(folder / "missing.json")
    os.mkfifo(folder / "pipe.json")  # reading it would block for ever
    directory = rm.load_directory(folder)
    assert list(directory.services) == ["s1"]
    broken = {i.file for i in directory.report.issues if "broken or loops" in i.message}
    assert broken == {"a.json", "b.json", "gone.json"}


def test_csv_header_naming_a_column_twice_is_reported(tmp_path: Path) -> None:
    folder = _hsds3_package(tmp_path / "pkg")
    (folder / "services.csv").write_text("id,name,name,status\ns1,First,Second,active\n")
    directory = rm.load_directory(folder)
    assert directory.services["s1"].name == "Second"
    assert any("'name' more than once" in m for m in _messages(directory))


def test_nested_objects_without_id_get_stable_ids(tmp_path: Path) -> None:
    document = [{**SERVICE, "phones": [{"number": "650-555-0100"}, {"number": "650-555-0101"}],
                 "schedules": [{"byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}]}]  # fmt: skip
    first = rm.load_directory(_write_json(tmp_path / "a.json", document))
    again = rm.load_directory(_write_json(tmp_path / "a.json", document))
    service = first.services["s1"]
    assert [len(service.phones), len(service.schedules)] == [2, 1]
    ids = [p.id for p in service.phones] + [s.id for s in service.schedules]
    assert len(set(ids)) == 3 and all(i.startswith("a-") for i in ids)
    assert ids == [p.id for p in again.services["s1"].phones] + [s.id for s in again.services["s1"].schedules]
    assert first.report.counts["phone"].repaired == 2 and first.report.balanced


def test_lone_surrogate_escapes_are_replaced_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"id": "s1", "name": "Caf\\ud800 Hope", "status": "active"}]')
    directory = rm.load_directory(path)
    assert directory.services["s1"].name == "Caf\ufffd Hope"
    assert any("lone UTF-16 surrogate" in m for m in _messages(directory))
    "".join(_messages(directory)).encode("utf-8")  # every message can be printed


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(json.dumps([SERVICE]).encode(encoding))  # Python writes the BOM
    assert list(rm.load_directory(path).services) == ["s1"]
