"""The exceptions referralmatch raises: one root, each subclass also a fitting builtin.

Every error survives a pickle round trip (Dask ships errors between processes), and no
message ever contains a client's value: messages name fields, files, rows and reasons.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CaseloadError",
    "ClientValidationError",
    "ConfigurationError",
    "DirectoryFormatError",
    "DirectoryValidationError",
    "GeocodingError",
    "MissingExtraError",
    "ReferralMatchError",
    "ScreeningError",
    "UnsafeInputError",
]


class ReferralMatchError(Exception):
    """Root of every error referralmatch raises on purpose."""


class DirectoryFormatError(ReferralMatchError, ValueError):
    """Raised when a directory source is in no supported format, or cannot be read at all.

    The message says what was found and which formats are supported.
    """


class UnsafeInputError(ReferralMatchError, ValueError):
    """Raised when an input would escape its folder or exceed a size limit.

    Examples: a zip member or data-package path that is absolute or climbs out with ``..``;
    a zip whose uncompressed size exceeds the configured limit.
    """


class DirectoryValidationError(ReferralMatchError, ValueError):
    """Raised by ``load_directory(..., strict=True)`` when any record had a problem.

    ``issues`` holds every problem found (not only the first), each a
    :class:`referralmatch.io.report.Issue`.
    """

    def __init__(self, message: str, issues: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.issues = tuple(issues)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.issues))


class ClientValidationError(ReferralMatchError, ValueError):
    """Raised when a :class:`ClientProfile` (or its :class:`Place`) is built from bad data.

    Every problem is collected and reported at once. The message and ``fields`` name the fields
    and what is wrong (``"age (must be >= 0)"``), never the values given, so the error can be
    logged. Survives a pickle round trip.
    """

    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = tuple(fields)
        self.problems: tuple[tuple[str, str], ...] = ()  # (field path, reason), while raising

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.fields))


class ConfigurationError(ReferralMatchError, ValueError):
    """Raised when a configuration or column mapping is inconsistent."""


class GeocodingError(ReferralMatchError, LookupError):
    """Raised when a place cannot be resolved to coordinates and the caller asked for one."""


class ScreeningError(ReferralMatchError, ValueError):
    """Raised when screening answers are missing or invalid.

    ``items`` names every bad item (never the client's other answers).
    """

    def __init__(self, message: str, items: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.items = tuple(items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.items))


class CaseloadError(ReferralMatchError, ValueError):
    """Raised when a caseload table has bad rows; ``problems`` lists (row, column, reason)."""

    def __init__(self, message: str, problems: tuple[tuple[int, str, str], ...] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.problems))


class MissingExtraError(ReferralMatchError, ImportError):
    """Raised when an optional feature is used without its extra installed.

    The message names the extra, e.g. ``pip install 'referralmatch[dask]'``.
    """
