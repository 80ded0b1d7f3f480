"""``load_directory``: sniff the format of a source, load it, check references, report everything.

Supported formats (``format=`` names):

- ``"hsds3-json"``: HSDS 3.x JSON (a ``.json`` file, or a folder/zip of them);
- ``"hsds3-tabular"``: an HSDS 3.x tabular data package (folder or zip of CSVs);
- ``"hsds1-tabular"``: an HSDS 1.1/2.0 tabular data package (most real 211 exports);
- ``"mapped"``: any CSV, Excel file, folder of CSVs, JSON records file or pandas DataFrame
  through a :class:`~referralmatch.io.mapping.ColumnMapping`;
- ``"airs-xml"``: AIRS XML 3.0 / 4.0 draft exports of 211 software (:mod:`.airs_xml`);
- ``"oruk-json"``: Open Referral UK ``/services`` JSON (:mod:`.oruk`).

Loading makes no network call, never evaluates or unpickles input, and accounts for every record.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..directory import Directory
from ..errors import ConfigurationError, DirectoryFormatError, DirectoryValidationError
from .report import LoadReport
from .source import DEFAULT_MAX_UNZIPPED_BYTES, Bundle

if TYPE_CHECKING:
    import pandas as pd

    from .mapping import ColumnMapping

__all__ = [
    "FORMATS",
    "check_references",
    "load_directory",
    "looks_like_ohana",
    "note_bundle",
    "note_empty",
    "note_ignored_files",
    "sniff_format",
]

FORMATS = ("hsds3-json", "hsds3-tabular", "hsds1-tabular", "mapped", "airs-xml", "oruk-json")


def sniff_format(bundle: Bundle) -> str:
    """The format name of ``bundle``'s contents, or raise DirectoryFormatError saying what was found."""
    from .hsds3 import looks_like_hsds3_tabular
    from .hsds11 import looks_like_hsds11

    if looks_like_hsds11(bundle):
        return "hsds1-tabular"
    if looks_like_hsds3_tabular(bundle):
        return "hsds3-tabular"
    other = _sniff_other(bundle)
    if other is not None:
        return other
    names = bundle.names()
    if any(
        n.lower().endswith(".json") and not n.lower().endswith("datapackage.json") for n in names
    ):
        return "hsds3-json"
    found = (
        ", ".join(sorted(names)[:8]) + (" ..." if len(names) > 8 else "") if names else "no files"
    )
    raise DirectoryFormatError(
        f"{bundle.label}: unrecognised directory format (found: {found}). Supported: HSDS 3.x JSON, "
        "HSDS 3.x tabular data package, HSDS 1.1/2.0 tabular data package, AIRS XML, Open "
        "Referral UK JSON, or any CSV/Excel/JSON/DataFrame with mapping=ColumnMapping(...)"
    )


def check_references(directory: Directory, report: LoadReport) -> None:
    """Report every reference that names no record; drop links whose service does not exist."""
    for service in directory.services.values():
        for fk, table in (
            ("organization_id", directory.organizations),
            ("program_id", directory.programs),
        ):
            ref = getattr(service, fk)
            if ref and table and ref not in table:
                report.add("error", "service", f"dangling reference: {fk} names no loaded record",
                           record_id=service.id, field=fk)  # fmt: skip
        for attribute in service.attributes:
            term = attribute.taxonomy_term_id
            if term and directory.taxonomy_terms and term not in directory.taxonomy_terms:
                report.add("warning", "attribute", "taxonomy_term_id names no loaded taxonomy term",
                           record_id=attribute.id, field="taxonomy_term_id")  # fmt: skip
    for sal_id, sal in list(directory.service_at_locations.items()):
        if sal.service_id not in directory.services:
            report.add("error", "service_at_location",
                       "dangling reference: service_id names no loaded service; link not loaded",
                       record_id=sal_id, field="service_id")  # fmt: skip
            del directory.service_at_locations[sal_id]
            directory._sal_by_service.pop(sal.service_id, None)
            counts = report.counts.get("service_at_location")
            if counts is not None:
                counts.loaded -= 1
                counts.rejected += 1
        elif sal.location_id and sal.location_id not in directory.locations:
            report.add("error", "service_at_location",
                       "dangling reference: location_id names no loaded location",
                       record_id=sal_id, field="location_id")  # fmt: skip


def load_directory(
    source: str | Path | pd.DataFrame,
    *,
    format: str | None = None,
    strict: bool = False,
    mapping: ColumnMapping | None = None,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
) -> Directory:
    """Load a community resource directory from a folder, zip, JSON, CSV/Excel file or DataFrame.

    Args:
        source: a path (folder, ``.zip``, ``.json``, ``.csv``, ``.xlsx``) or a pandas DataFrame.
        format: one of :data:`FORMATS`; sniffed when None (a ``mapping`` implies ``"mapped"``).
        strict: raise one :class:`~referralmatch.errors.DirectoryValidationError` listing every
            issue when any record was rejected or any reference dangles.
        mapping: a :class:`~referralmatch.io.mapping.ColumnMapping` for CSV/Excel/DataFrame input.
        max_unzipped_bytes: refuse a zip whose contents would unpack to more than this (bytes).

    Returns:
        The Directory; ``directory.report`` accounts for every input record.

    Example:
        >>> from referralmatch import load_directory, sample_directory_path
        >>> directory = load_directory(sample_directory_path())
        >>> directory.report.balanced, len(directory.services) >= 150
        (True, True)
    """
    import pandas as pd

    if format is not None and format not in FORMATS:
        raise DirectoryFormatError(f"unknown format {format!r}; supported: {', '.join(FORMATS)}")
    if isinstance(source, pd.DataFrame) or mapping is not None or format == "mapped":
        if mapping is None:
            raise DirectoryFormatError(
                "a CSV, Excel file or DataFrame needs mapping=ColumnMapping(...) to say which "
                "column is which; HSDS packages and JSON are read without one"
            )
        from .mapping import mapped_tables
        from .tabular import assemble

        label = "<DataFrame>" if isinstance(source, pd.DataFrame) else Path(source).name
        report = LoadReport(source=label, format="mapped")
        src: Any = (
            source
            if isinstance(source, pd.DataFrame)
            else Bundle.open(Path(source), max_unzipped_bytes=max_unzipped_bytes)
        )
        directory = assemble(mapped_tables(src, mapping, report), report, label)
        if isinstance(src, Bundle):
            note_bundle(src, report)
    else:
        path = Path(source)
        if path.suffix.lower() in (".csv", ".xlsx", ".xls") and path.is_file():
            raise DirectoryFormatError(
                f"{path.name}: a single CSV/Excel file needs mapping=ColumnMapping(...); supported "
                "without a mapping: HSDS 3.x JSON, HSDS 3.x or 1.1/2.0 tabular data packages"
            )
        bundle = Bundle.open(path, max_unzipped_bytes=max_unzipped_bytes)
        ohana = _load_ohana(bundle) if format is None and looks_like_ohana(bundle) else None
        if isinstance(ohana, Directory):
            directory, report = ohana, ohana.report
        else:
            fmt = format or sniff_format(bundle)
            report = LoadReport(source=bundle.label, format=fmt)
            if ohana is not None:
                hint = (f"this looks like an Ohana API CSV export but does not fit mapping=OHANA "
                        f"({ohana}); pass mapping=ColumnMapping(...) to read it")  # fmt: skip
                report.add("warning", "file", f"{hint}; read as {fmt}")
            try:
                directory = _load_bundle(bundle, fmt, report)
            except DirectoryFormatError as exc:
                if ohana is None:
                    raise
                raise DirectoryFormatError(f"{exc}; {hint}") from None
            if format is None:
                _check_recognised(directory, report)
            note_ignored_files(bundle, fmt, report)
        note_bundle(bundle, report)
    check_references(directory, report)
    note_empty(directory, report)
    if strict and not directory.services:
        raise DirectoryValidationError(
            f"{report.source}: strict mode: the source holds no services", tuple(report.issues)
        )
    if strict and not report.ok:
        errors = report.errors
        head = "; ".join(str(i) for i in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise DirectoryValidationError(
            f"{report.source}: {len(errors)} problem(s) in strict mode: {head}{more}",
            tuple(report.issues),
        )
    return directory


def _sniff_other(bundle: Bundle) -> str | None:
    """``"airs-xml"`` or ``"oruk-json"`` when the bundle holds one of them, else None."""
    from .airs_xml import looks_like_airs_xml
    from .oruk import looks_like_oruk

    if looks_like_airs_xml(bundle):
        return "airs-xml"
    if looks_like_oruk(bundle):
        return "oruk-json"
    return None


def _check_recognised(directory: Directory, report: LoadReport) -> None:
    """Raise DirectoryFormatError when sniffed JSON gave no record at all: say what was tried."""
    if report.format != "hsds3-json" or directory.services or directory.organizations:
        return
    if directory.locations or directory.taxonomy_terms or not report.errors:
        return
    keys: dict[str, None] = {}
    for issue in report.errors:
        if issue.field:
            keys.setdefault(issue.field)
    fields = ", ".join(list(keys)[:8]) or "none"
    raise DirectoryFormatError(
        f"{report.source}: no record was recognised ({len(report.errors)} record(s) rejected; "
        f"fields named in the problems: {fields}). Tried: HSDS 3.x JSON (objects with HSDS field "
        "names such as a service's name and status), Open Referral UK JSON (content/totalPages, "
        "eligibilitys, ...), AIRS XML. To load other JSON, describe its fields with a column "
        "mapping: load_directory(path, mapping=ColumnMapping(...)) with dotted JSON paths such as "
        "'services.name', or on the command line --mapping FILE.json or --preset NAME "
        "(see docs/formats-json.md)"
    )


def _load_bundle(bundle: Bundle, fmt: str, report: LoadReport) -> Directory:
    from . import hsds3
    from .tabular import assemble

    if fmt == "airs-xml":
        from .airs_xml import load_airs_xml

        return load_airs_xml(bundle, report)
    if fmt == "oruk-json":
        from .oruk import load_oruk

        return load_oruk(bundle, report)

    if fmt == "hsds3-json":
        return hsds3.load_json(bundle, report)
    if fmt == "hsds3-tabular":
        return hsds3.load_tabular(bundle, report)
    from .hsds11 import hsds11_tables

    return assemble(hsds11_tables(bundle, report), report, bundle.label)


_DESCRIPTOR_NAMES = ("datapackage.json", "base.json", "tabular.json")


def looks_like_ohana(bundle: Bundle) -> bool:
    """True when ``bundle`` is an Ohana API CSV export (read with ``mapping=OHANA``).

    An Ohana export has no data-package descriptor; its ``services.csv`` carries a
    ``location_id`` and Ohana's ``taxonomy_ids``/``keywords`` columns, and its ``locations.csv``
    Ohana's ``admin_emails`` (HSDS packages have none of these).

    >>> ohana = Bundle("x", {"services.csv": b"id,location_id,keywords,name\\n",
    ...                      "locations.csv": b"id,admin_emails,name\\n"})
    >>> looks_like_ohana(ohana), looks_like_ohana(Bundle("y", {"services.csv": b"id,name\\n"}))
    (True, False)
    """
    if bundle.find("datapackage.json") is not None:
        return False
    services, locations = bundle.find("services.csv"), bundle.find("locations.csv")
    if services is None or locations is None:
        return False
    try:
        service_columns = set(_header(bundle, services))
        location_columns = set(_header(bundle, locations))
    except DirectoryFormatError:
        return False
    return (
        "location_id" in service_columns
        and bool({"taxonomy_ids", "keywords"} & service_columns)
        and "admin_emails" in location_columns
    )


def _header(bundle: Bundle, name: str) -> list[str]:
    text = bundle.read_text(name)
    first = text.split("\n", 1)[0]
    return [c.strip().strip('"').lower() for c in first.split(",")]


def _load_ohana(bundle: Bundle) -> Directory | str:
    """The bundle loaded with mapping=OHANA, or the reason it does not fit that mapping."""
    from .mapping import OHANA, mapped_tables
    from .tabular import assemble

    report = LoadReport(source=bundle.label, format="mapped")
    report.add("warning", "file", "recognised as an Ohana API CSV export and loaded with "
               "mapping=OHANA; pass mapping= or format= to read it otherwise")  # fmt: skip
    try:
        tables = mapped_tables(bundle, OHANA, report)
    except ConfigurationError as exc:
        return str(exc)
    return assemble(tables, report, bundle.label)


def note_bundle(bundle: Bundle, report: LoadReport) -> None:
    """Copy what the bundle noticed while reading (links out, repeated zip members, long CSV
    rows) into ``report``."""
    for note in bundle.notes:
        report.add(note.severity, note.record_type, note.message, file=note.file, row=note.row)


def note_ignored_files(bundle: Bundle, fmt: str, report: LoadReport) -> None:
    """Warn, once, about data files of another format that the load of ``fmt`` left unread
    (a folder holding both HSDS JSON and a CSV package loads one and says which it ignored)."""
    names = bundle.names()
    json_files = sorted(
        n for n in names
        if n.lower().endswith(".json") and n.lower().rsplit("/", 1)[-1] not in _DESCRIPTOR_NAMES
    )  # fmt: skip
    csv_files = sorted(n for n in names if n.lower().endswith(".csv"))
    if fmt in ("hsds1-tabular", "hsds3-tabular") and json_files:
        ignored, kind = json_files, "JSON"
    elif fmt == "hsds3-json" and csv_files:
        ignored, kind = csv_files, "CSV"
    else:
        return
    shown = ", ".join(ignored[:5]) + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "")
    report.add("warning", "file", f"loaded as {fmt}; {len(ignored)} {kind} file(s) of another "
               f"format were ignored: {shown}")  # fmt: skip


def note_empty(directory: Directory, report: LoadReport) -> None:
    """Warn when a load produced no service at all (an empty list, a file that is no directory)."""
    if not directory.services:
        report.add("warning", "service", "the source holds no services; the directory is empty")
