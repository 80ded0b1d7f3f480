"""Reading a live Open Referral API (HSDS 3 or Open Referral UK) into a Directory.

This is one of the two places the library uses the network (the other is an explicitly configured
geocoder), and only when :func:`read_api` is called: importing referralmatch opens no socket.

:func:`read_api` pages through ``{base_url}/services`` (``page`` and ``per_page`` query
parameters; HSDS 3 pages hold ``contents`` and ``total_pages``, ORUK pages ``content`` and
``totalPages``), fetches ``/services/{id}`` for list entries that are shallow (no nested
lists such as ``service_at_locations`` or ``schedules``), retries on HTTP 429 and 5xx and on
timeouts with exponential backoff, waiting what ``Retry-After`` asks (up to
``max_retry_after_s``), and shows a tqdm progress bar only when standard error is a terminal.
Only ``http`` and ``https`` URLs are followed (no ``file:`` or ``ftp:``, also not by redirect),
and a response larger than ``max_response_bytes`` is refused.

A page that still fails is reported (record type ``"page"``, with the URL and the reason) and
the other pages are kept; a full record that cannot be fetched leaves the list entry loaded,
with a warning. Every page is counted in the load report as read and loaded or rejected, and
every service as for files.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ..errors import ConfigurationError
from ..models.directory import Service
from .collect import Collector
from .report import LoadReport

if TYPE_CHECKING:
    from ..directory import Directory

__all__ = ["DIALECTS", "ApiError", "read_api"]

DIALECTS = ("hsds3", "oruk")
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_NESTED_LISTS = (
    "service_at_locations", "schedules", "regular_schedules", "phones", "languages", "attributes",
    "contacts", "eligibilitys", "service_taxonomys", "cost_options", "service_areas",
)  # fmt: skip


class ApiError(Exception):
    """One failed request (internal: reported in the load report, never raised to callers)."""


def _clean_url(url: str) -> str:
    """``url`` without its query string and credentials (safe to put in a report)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _opener() -> Any:
    import urllib.request

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _retry_after(value: str | None, cap: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), capped."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - time.time()
    return max(0.0, min(seconds, cap))


class _Client:
    def __init__(self, *, timeout: float, headers: Mapping[str, str], retries: int,
                 backoff_s: float, max_retry_after_s: float, max_bytes: int) -> None:  # fmt: skip
        self.timeout = timeout
        self.headers = {"Accept": "application/json", "User-Agent": "referralmatch", **headers}
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_retry_after_s = max_retry_after_s
        self.max_bytes = max_bytes
        self.opener = _opener()

    def get_json(self, url: str) -> Any:
        """The JSON body of ``url``; ApiError (with a reason naming no secret) when it fails."""
        import http.client
        import urllib.error
        import urllib.request

        reason = "no attempt"
        for attempt in range(self.retries + 1):
            wait: float | None = None
            try:
                request = urllib.request.Request(url, headers=self.headers)
                with self.opener.open(request, timeout=self.timeout) as response:
                    body = response.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise ApiError(f"response larger than {self.max_bytes} bytes; refused")
                try:
                    return json.loads(body.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise ApiError(f"response is not JSON ({type(exc).__name__})") from None
            except urllib.error.HTTPError as exc:
                reason = f"HTTP {exc.code}"
                if exc.code not in _RETRY_STATUS:
                    raise ApiError(reason) from None
                wait = _retry_after(exc.headers.get("Retry-After"), self.max_retry_after_s)
            except http.client.HTTPException as exc:
                reason = f"broken HTTP response ({type(exc).__name__})"
            except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
                cause = getattr(exc, "reason", exc)
                if isinstance(cause, TimeoutError) or "timed out" in str(cause):
                    reason = f"timed out after {self.timeout:g} s"
                else:
                    reason = f"connection failed ({type(cause).__name__})"
                if isinstance(exc, urllib.error.URLError) and "unknown url type" in str(cause):
                    raise ApiError("refused: only http and https URLs are followed") from None
            if attempt < self.retries:
                time.sleep(wait if wait is not None else self.backoff_s * (2**attempt))
        raise ApiError(f"{reason} (after {self.retries + 1} attempts)")


def _page_items(document: Any) -> tuple[list[Any], int | None, bool]:
    """(items, total pages if given, whether this is the last page) of one API page."""
    if isinstance(document, list):
        return document, 1, True
    if not isinstance(document, dict):
        raise ApiError(f"page is a JSON {type(document).__name__}, not an object")
    items = document.get("contents", document.get("content"))
    if not isinstance(items, list):
        raise ApiError("page has no 'contents' (HSDS 3) or 'content' (ORUK) list")
    total = document.get("total_pages", document.get("totalPages"))
    last = document.get("last_page", document.get("last"))
    return items, total if isinstance(total, int) else None, last is True


def _shallow(item: Any) -> bool:
    return isinstance(item, dict) and not any(key in item for key in _NESTED_LISTS)


def read_api(
    base_url: str,
    *,
    dialect: Literal["hsds3", "oruk"] = "hsds3",
    per_page: int = 100,
    max_pages: int | None = None,
    timeout: float = 30.0,
    headers: Mapping[str, str] | None = None,
    full_records: bool | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
    max_retry_after_s: float = 120.0,
    max_response_bytes: int = 64 << 20,
    progress: bool | None = None,
) -> Directory:
    """Read every service of an Open Referral API into a Directory (see the module docstring).

    Args:
        base_url: the API root, e.g. ``"https://api.example.org/hsds"`` (``/services`` is added).
        dialect: ``"hsds3"`` (HSDS 3 API) or ``"oruk"`` (Open Referral UK).
        per_page: services asked for per page.
        max_pages: stop after this many pages (None: all).
        timeout: seconds to wait for each response.
        headers: extra request headers (e.g. an API key); never written to the report.
        full_records: fetch ``/services/{id}`` for each entry; None fetches only shallow entries.
        retries: further attempts after a 429, a 5xx or a timeout.
        backoff_s: first wait between attempts (seconds), doubling each time, unless the server
            sends ``Retry-After``.
        max_retry_after_s: longest ``Retry-After`` wait honoured (seconds).
        max_response_bytes: refuse a larger response.
        progress: show a tqdm bar; None shows one only when standard error is a terminal.

    Returns:
        The Directory; ``directory.report`` counts pages and records, and lists failed pages.

    Raises:
        ConfigurationError: for an unknown dialect or a URL that is not http(s).

    Example (no network: a URL that is not http or https is refused before anything is sent):
        >>> read_api("file:///etc/passwd")
        Traceback (most recent call last):
        ...
        referralmatch.errors.ConfigurationError: the API URL must be an http:// or https:// URL
    """
    from .loader import check_references

    if dialect not in DIALECTS:
        raise ConfigurationError(f"unknown API dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError("the API URL must be an http:// or https:// URL")
    if per_page < 1 or (max_pages is not None and max_pages < 1) or timeout <= 0 or retries < 0:
        raise ConfigurationError("per_page and max_pages must be >= 1, timeout > 0, retries >= 0")
    root = base_url.rstrip("/")
    services_url = f"{root}/services"
    report = LoadReport(source=_clean_url(root), format=f"{dialect}-api")
    client = _Client(timeout=timeout, headers=dict(headers or {}), retries=retries,
                     backoff_s=backoff_s, max_retry_after_s=max_retry_after_s,
                     max_bytes=max_response_bytes)  # fmt: skip
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm import tqdm

    bar = tqdm(desc="pages", unit="page", disable=not show, file=sys.stderr, leave=False)
    pages: list[tuple[str, list[Any]]] = []
    page, total = 1, None
    try:
        while max_pages is None or page <= max_pages:
            url = f"{services_url}?{urlencode({'page': page, 'per_page': per_page})}"
            label = f"{_clean_url(services_url)}?page={page}"
            report.count_read("page")
            try:
                items, total, last = _page_items(client.get_json(url))
            except ApiError as exc:
                report.add("error", "page", f"page not loaded: {exc}", file=label)
                report.count_rejected("page")
                if total is None:
                    break  # nothing tells how many pages there are
                last, items = page >= total, []
            else:
                report.count_loaded("page")
                pages.append((label, items))
            if bar.total is None and total is not None:
                bar.total = min(total, max_pages or total)
            bar.update(1)
            if last or (total is not None and page >= total) or (total is None and not items):
                break
            page += 1
    finally:
        bar.close()
    collector = Collector(report, report.source)
    fetch = (lambda item: True) if full_records else (_shallow if full_records is None else None)
    documents: list[tuple[str, list[Any]]] = []
    for label, items in pages:
        full = []
        for item in items:
            if fetch is not None and isinstance(item, dict) and fetch(item) and item.get("id"):
                detail_url = f"{services_url}/{quote(str(item['id']), safe='')}"
                try:
                    detail = client.get_json(detail_url)
                except ApiError as exc:
                    report.add("warning", "service", f"full record not loaded ({exc}); the list "
                               "entry was loaded", file=_clean_url(detail_url),
                               record_id=str(item["id"]))  # fmt: skip
                else:
                    if isinstance(detail, dict):
                        item = detail
            full.append(item)
        documents.append((label, full))
    if dialect == "oruk":
        from .oruk import load_oruk_documents

        directory = load_oruk_documents(documents, report, collector=collector)
    else:
        for label, items in documents:
            collector.at(label)
            for index, item in enumerate(items):
                pointer = f"/contents/{index}"
                if isinstance(item, dict):
                    collector.add(Service, item, pointer)
                else:
                    report.count_read("service")
                    report.add("error", "service", "record rejected: expected a JSON object",
                               file=label, pointer=pointer)  # fmt: skip
                    report.count_rejected("service")
        directory = collector.to_directory()
    check_references(directory, report)
    return directory
