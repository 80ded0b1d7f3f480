"""Zip and path safety: nothing escapes its folder, oversized archives are refused unopened."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.errors import DirectoryFormatError, UnsafeInputError
from referralmatch.io.source import Bundle, safe_member_name

SERVICE = {"id": "s1", "name": "Pantry", "status": "active"}


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.json", "a/../../evil.json", "/etc/passwd", "C:/x.json", "..\\x"]
)
def test_unsafe_member_names_refused(name: str) -> None:
    with pytest.raises(UnsafeInputError):
        safe_member_name(name)


def test_zip_with_climbing_member_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"services.json": json.dumps(SERVICE), "../x.json": "{}"})
    with pytest.raises(UnsafeInputError, match="climbs out"):
        rm.load_directory(archive)
    assert not (tmp_path / "x.json").exists()


def test_zip_with_absolute_member_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"/abs.json": "{}"})
    with pytest.raises(UnsafeInputError, match="absolute"):
        rm.load_directory(archive)


def test_oversized_zip_refused_before_extraction(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "big.zip", {"services.json": json.dumps([SERVICE] * 2000)})
    with pytest.raises(UnsafeInputError, match="over the limit"):
        rm.load_directory(archive, max_unzipped_bytes=10_000)
    assert len(rm.load_directory(archive).services) == 1  # under the default limit it loads


def test_zipped_json_and_nested_folder_load(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"export/services.json": json.dumps([SERVICE])})
    directory = rm.load_directory(archive)
    assert list(directory.services) == ["s1"]


def test_datapackage_resource_paths_are_checked(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "services.csv").write_text("id,name,status\ns1,A,active\n")
    (pkg / "service_at_location.csv").write_text("id,service_id,location_id\n")
    descriptor = {"resources": [{"name": "services", "path": "../../etc/passwd"}]}
    (pkg / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(UnsafeInputError):
        rm.load_directory(pkg)


def test_symlink_out_of_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps([{"id": "leak", "name": "x", "status": "active"}]))
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "services.json").write_text(json.dumps([SERVICE]))
    (pkg / "link.json").symlink_to(secret)
    assert "leak" not in rm.load_directory(pkg).services


def test_random_bytes_and_truncated_files(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(DirectoryFormatError):
        rm.load_directory(tmp_path / "bad.zip")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "services.csv").write_bytes(b"id,name,status\ns1,A,act\x00\xff\xfe")
    (pkg / "service_at_location.csv").write_text("id,service_id\n")
    with pytest.raises(DirectoryFormatError):
        rm.load_directory(pkg)


def test_bundle_prefers_shallow_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "services.csv").write_text("id\n")
    (tmp_path / "a" / "b" / "services.csv").write_text("id\n")
    assert Bundle.open(tmp_path).find("SERVICES.csv") == "services.csv"
