"""Reading the files of a directory source safely: a folder, a zip archive, or a single file.

A :class:`Bundle` is a read-only set of named files. Zip members and data-package resource paths
that are absolute or climb out with ``..`` are refused, and a zip whose declared uncompressed size
exceeds ``max_unzipped_bytes`` is refused before anything is extracted. Encrypted zip members are
refused with a :class:`~referralmatch.errors.DirectoryFormatError`. Nothing is evaluated or
unpickled; CSV is read as text, every value a string.

What the bundle noticed but did not refuse (a symlink pointing out of the folder, two zip members
of one name, a CSV row longer than its header) is kept in :attr:`Bundle.notes`, which the loader
copies into the load report.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from ..errors import DirectoryFormatError, UnsafeInputError

__all__ = ["DEFAULT_MAX_UNZIPPED_BYTES", "Bundle", "BundleNote", "CsvRow", "safe_member_name"]

DEFAULT_MAX_UNZIPPED_BYTES = 1 << 30  # 1 GiB
_UNICODE_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)  # fmt: skip
CsvRow = tuple[int, dict[str, str]]


@dataclass(frozen=True, slots=True)
class BundleNote:
    """Something the bundle noticed while reading: copied into the load report by the loader."""

    severity: Literal["error", "warning", "repair"]
    record_type: str
    message: str
    file: str | None = None
    row: int | None = None


def safe_member_name(name: str) -> str:
    """Return ``name`` as a clean relative POSIX path, or raise UnsafeInputError.

    >>> safe_member_name("csv/services.csv")
    'csv/services.csv'
    >>> safe_member_name("../etc/passwd")
    Traceback (most recent call last):
    ...
    referralmatch.errors.UnsafeInputError: refused path '../etc/passwd': it climbs out of the source with '..'
    """
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise UnsafeInputError(f"refused path {name!r}: absolute paths are not allowed")
    parts = PurePosixPath(text).parts
    if ".." in parts:
        raise UnsafeInputError(f"refused path {name!r}: it climbs out of the source with '..'")
    return "/".join(p for p in parts if p not in (".", ""))


class Bundle:
    """The files of one source, by relative POSIX name. Build with :meth:`open`."""

    def __init__(self, label: str, files: dict[str, bytes | Path]) -> None:
        self.label = label
        self._files = files
        self.notes: list[BundleNote] = []
        self._csv_noted: set[tuple[str, str]] = set()

    @classmethod
    def open(cls, source: Path, *, max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES) -> Bundle:
        """Open a folder, a ``.zip`` or a single file as a bundle."""
        if source.is_dir():
            files: dict[str, bytes | Path] = {}
            outside: list[str] = []
            broken: list[str] = []
            root = source.resolve()
            for path in sorted(source.rglob("*")):
                if path.is_file() or path.is_symlink():
                    try:
                        resolved = path.resolve(strict=path.is_symlink())
                    except (OSError, RuntimeError):  # a link loop or a dangling link
                        broken.append(path.relative_to(source).as_posix())
                        continue
                    if path.is_symlink() and not resolved.is_relative_to(root):
                        # a link out of the folder is not part of the source: not followed, noted
                        outside.append(path.relative_to(source).as_posix())
                        continue
                    if not resolved.is_file():
                        continue  # a link to a folder, a pipe or a device: not a data file
                    files[path.relative_to(source).as_posix()] = path
            bundle = cls(source.name or str(source), files)
            for name in broken:
                bundle.notes.append(BundleNote(
                    "warning", "file", "symbolic link is broken or loops; not followed", file=name))  # fmt: skip
            for name in outside:
                bundle.notes.append(BundleNote(
                    "warning", "file", "symbolic link points outside the folder; not followed, "
                    "its contents were not loaded", file=name))  # fmt: skip
            return bundle
        if not source.exists():
            raise DirectoryFormatError(f"no such file or folder: {source}")
        if zipfile.is_zipfile(source):
            return cls._from_zip(source, max_unzipped_bytes)
        return cls(source.name, {source.name: source})

    @classmethod
    def _from_zip(cls, source: Path, max_unzipped_bytes: int) -> Bundle:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DirectoryFormatError(
                f"{source.name}: not a readable zip archive ({exc})"
            ) from None
        with archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            encrypted = [i.filename for i in infos if i.flag_bits & 0x1]
            if encrypted:
                raise DirectoryFormatError(
                    f"{source.name}: {len(encrypted)} member(s) are encrypted (first: "
                    f"{encrypted[0]!r}); password-protected archives are not supported, unzip it "
                    "first"
                )
            total = sum(i.file_size for i in infos)
            if total > max_unzipped_bytes:
                raise UnsafeInputError(
                    f"{source.name}: refused, it would unpack to {total} bytes, "
                    f"over the limit of {max_unzipped_bytes} bytes"
                )
            names = [safe_member_name(i.filename) for i in infos]
            repeated = {n: k for n, k in Counter(names).items() if k > 1}
            files: dict[str, bytes | Path] = {}
            read = 0
            for info, name in zip(infos, names, strict=True):
                if name.startswith("__MACOSX/"):
                    continue
                try:
                    data = archive.read(info)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError,
                        RuntimeError) as exc:  # fmt: skip
                    raise DirectoryFormatError(
                        f"{source.name}: member {name!r} unreadable ({exc})"
                    ) from None
                read += len(data)
                if read > max_unzipped_bytes:  # the header lied about sizes
                    raise UnsafeInputError(
                        f"{source.name}: refused, unpacked size exceeds the limit"
                    )
                files[name] = data
        # A package zipped with its folder: strip one common top-level folder.
        tops = {n.split("/", 1)[0] for n in files}
        stripped = len(tops) == 1 and all("/" in n for n in files)
        if stripped:
            files = {n.split("/", 1)[1]: v for n, v in files.items()}
        bundle = cls(source.name, files)
        for name, count in sorted(repeated.items()):
            if name.startswith("__MACOSX/"):
                continue
            shown = name.split("/", 1)[1] if stripped and "/" in name else name
            bundle.notes.append(BundleNote(
                "warning", "file", f"the zip holds {count} members named {name!r}; only the last "
                "one was loaded", file=shown))  # fmt: skip
        return bundle

    def names(self) -> list[str]:
        """Relative names of every file in the bundle."""
        return list(self._files)

    def find(self, name: str) -> str | None:
        """The bundle name whose last part is ``name`` (case-insensitive), shallowest first."""
        matches = [n for n in self._files if n.rsplit("/", 1)[-1].lower() == name.lower()]
        return min(matches, key=lambda n: (n.count("/"), n)) if matches else None

    def read_bytes(self, name: str) -> bytes:
        """The raw bytes of one file."""
        name = safe_member_name(name)
        if name not in self._files:
            raise DirectoryFormatError(f"{self.label}: no file {name!r}")
        value = self._files[name]
        return value.read_bytes() if isinstance(value, Path) else value

    def read_text(self, name: str) -> str:
        """One file decoded as UTF-8 (a byte-order mark is dropped; cp1252 is the fallback);
        a UTF-16 or UTF-32 byte-order mark selects that encoding."""
        data = self.read_bytes(name)
        for bom, encoding in _UNICODE_BOMS:
            if data.startswith(bom):
                try:
                    return data[len(bom) :].decode(encoding)
                except UnicodeDecodeError:
                    raise DirectoryFormatError(
                        f"{self.label}/{name}: starts with a {encoding} byte-order mark but is "
                        f"not {encoding} text"
                    ) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                raise DirectoryFormatError(
                    f"{self.label}/{name}: not UTF-8 or Windows-1252 text"
                ) from None

    def read_csv(self, name: str) -> tuple[list[str], list[CsvRow]]:
        """Header and rows of a CSV file; each row is (1-based data row number, values by column).

        Raises DirectoryFormatError when the file is not CSV text.
        """
        text = self.read_text(name)
        if "\x00" in text:
            raise DirectoryFormatError(f"{self.label}/{name}: binary data, not CSV text")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            rows: list[CsvRow] = []
            long_rows: list[int] = []
            for number, values in enumerate(_records(reader), start=1):
                if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                    long_rows.append(number)
                padded = values + [""] * (len(header) - len(values))
                rows.append((number, dict(zip(header, padded, strict=False))))
        except csv.Error as exc:
            raise DirectoryFormatError(f"{self.label}/{name}: malformed CSV ({exc})") from None
        repeated = sorted({h for h in header if h and header.count(h) > 1})
        if repeated and (name, "header") not in self._csv_noted:
            self._csv_noted.add((name, "header"))
            self.notes.append(BundleNote(
                "warning", PurePosixPath(name).stem.lower(),
                f"the header names {', '.join(repr(h) for h in repeated[:5])} more than once; "
                "only the last column of each name was loaded", file=name,
            ))  # fmt: skip
        if long_rows and (name, "long") not in self._csv_noted:
            self._csv_noted.add((name, "long"))
            first = ", ".join(str(n) for n in long_rows[:5])
            self.notes.append(BundleNote(
                "warning", PurePosixPath(name).stem.lower(),
                f"{len(long_rows)} row(s) have more values than the header has columns; the extra "
                f"values were not loaded (first rows: {first})", file=name, row=long_rows[0],
            ))  # fmt: skip
        return header, rows


def _records(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    for values in reader:
        if any(v.strip() for v in values):
            yield values
