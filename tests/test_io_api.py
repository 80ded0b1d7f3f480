"""read_api against a real HTTP server on 127.0.0.1 in this process: paging, shallow lists, 429 with
Retry-After, broken and slow pages, progress bar; and ``import referralmatch`` opens no socket.

Only the tests marked ``allow_hosts(["127.0.0.1"])`` may connect, and only to 127.0.0.1; every
other test of the suite keeps sockets blocked (pytest-socket, see pyproject.toml).
"""

from __future__ import annotations

import contextlib
import copy
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

import referralmatch as rm
from referralmatch.errors import ConfigurationError
from referralmatch.io.api import read_api

LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])


class _Handler(BaseHTTPRequestHandler):
    """Serves the routes in ``routes``: path -> callable(query) -> (status, headers, body)."""

    routes: ClassVar[dict[str, Any]] = {}
    hits: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:  # http.server's method name
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        key = parts.path + (f"?page={query['page']}" if "page" in query else "")
        self.hits[key] += 1
        route = self.routes.get(parts.path)
        status, headers, body = route(query, self.hits[key]) if route else (404, {}, b"{}")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _fresh_routes() -> Iterator[None]:
    _Handler.routes = {}
    _Handler.hits = Counter()
    yield


def _json(payload: Any, status: int = 200, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode()


def _oruk_pages(services: list[dict[str, Any]], per_page: int) -> list[dict[str, Any]]:
    pages = [services[i : i + per_page] for i in range(0, len(services), per_page)]
    return [
        {"totalElements": len(services), "totalPages": len(pages), "number": n, "size": per_page,
         "first": n == 1, "last": n == len(pages), "content": page}
        for n, page in enumerate(pages, start=1)
    ]  # fmt: skip


@LOCAL
def test_oruk_paging_retry_after_and_broken_page(server: str, reference: Path) -> None:
    services = json.loads((reference / "oruk_bristol_2021" / "services.json").read_text("utf-8"))
    services = services[:120]
    pages = _oruk_pages(services, 25)  # 5 pages

    def route(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
        page = int(query["page"])
        if page == 2 and hit == 1:
            return _json({"error": "slow down"}, 429, **{"Retry-After": "1"})
        if page == 4:
            return 500, {}, b"internal error"
        return _json(pages[page - 1])

    _Handler.routes["/oruk/services"] = route
    started = time.monotonic()
    directory = read_api(f"{server}/oruk", dialect="oruk", per_page=25, retries=2,
                         backoff_s=0.05, full_records=False)  # fmt: skip
    elapsed = time.monotonic() - started
    report = directory.report
    assert report.format == "oruk-api" and report.balanced
    assert report.counts["page"].read == 5
    assert report.counts["page"].loaded == 4 and report.counts["page"].rejected == 1
    broken = [i for i in report.errors if i.record_type == "page"]
    assert len(broken) == 1 and "page=4" in (broken[0].file or "") and "HTTP 500" in broken[0].message
    assert _Handler.hits["/oruk/services?page=4"] == 3  # first try and two retries
    assert _Handler.hits["/oruk/services?page=2"] == 2  # the 429, then the page
    assert elapsed >= 1.0  # Retry-After was waited for
    # every service of the four good pages is accounted for, none of page 4 invented
    expected = [s for i, s in enumerate(services) if not 75 <= i < 100]
    assert report.counts["service"].read == len(expected)
    named = {s["id"] for s in expected if s["name"].strip()}
    assert set(directory.services) == named


def _hsds_routes(full: dict[str, Any], listing: dict[str, Any], ids: list[str]) -> None:
    shallow = listing["contents"][0]

    def pages(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
        page, per_page = int(query["page"]), int(query["per_page"])
        chunk = ids[(page - 1) * per_page : page * per_page]
        contents = [{**shallow, "id": i, "name": f"Service {i}"} for i in chunk]
        total = -(-len(ids) // per_page)
        return _json({"total_items": len(ids), "total_pages": total, "page_number": page,
                      "size": len(contents), "first_page": page == 1, "last_page": page == total,
                      "empty": not contents, "contents": contents})  # fmt: skip

    def detail(sid: str) -> Any:
        def route(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
            if sid == ids[-1]:
                time.sleep(4.0)  # slower than the client's timeout
            record = copy.deepcopy(full)
            record.update(id=sid, name=f"Service {sid}")
            for n, sal in enumerate(record.get("service_at_locations", [])):
                sal["id"] = f"{sid}-sal-{n}"
                sal["service_id"] = sid
            return _json(record)

        return route

    _Handler.routes["/hsds/services"] = pages
    for sid in ids:
        _Handler.routes[f"/hsds/services/{sid}"] = detail(sid)


@LOCAL
def test_hsds3_shallow_list_fetches_full_records_slow_one_reported(server: str, reference: Path) -> None:
    full = json.loads((reference / "hsds" / "3.0" / "service_full.json").read_text("utf-8"))
    listing = json.loads((reference / "hsds" / "3.0" / "service_list.json").read_text("utf-8"))
    ids = [f"svc-{n}" for n in range(1, 6)]
    _hsds_routes(full, listing, ids)
    directory = read_api(f"{server}/hsds/", per_page=2, timeout=1.5, retries=0)
    report = directory.report
    assert report.counts["page"].read == report.counts["page"].loaded == 3
    assert set(directory.services) == set(ids)
    fetched = [sid for sid in ids[:-1] if directory.locations_of(sid)]
    assert fetched == ids[:-1]  # full records: their locations came with them
    assert directory.services[ids[0]].phones  # a nested list only the full record has
    slow = [i for i in report.issues if i.record_id == ids[-1] and "timed out" in i.message]
    assert slow and slow[0].severity == "warning"
    assert not directory.locations_of(ids[-1])  # the list entry was kept as it was
    assert _Handler.hits[f"/hsds/services/{ids[0]}"] == 1


@LOCAL
def test_slow_page_is_reported_and_the_rest_kept(server: str) -> None:
    def route(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
        page = int(query["page"])
        if page == 2:
            time.sleep(3.0)  # slower than the client's timeout, on every attempt
        items = [{"id": f"p{page}", "name": f"Pantry {page}", "status": "active", "phones": []}]
        return _json({"total_pages": 3, "page_number": page, "contents": items})

    _Handler.routes["/slow/services"] = route
    directory = read_api(f"{server}/slow", timeout=1.0, retries=1, backoff_s=0.01)
    report = directory.report
    assert set(directory.services) == {"p1", "p3"}
    failed = [i for i in report.errors if i.record_type == "page"]
    assert len(failed) == 1 and "timed out" in failed[0].message and "page=2" in (failed[0].file or "")
    assert report.balanced


@LOCAL
def test_not_json_page_and_max_pages(server: str) -> None:
    def route(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
        page = int(query["page"])
        if page == 2:
            return 200, {"Content-Type": "application/json"}, b"{not json"
        items = [{"id": f"p{page}", "name": f"Pantry {page}", "phones": [], "status": "active"}]
        return _json({"total_pages": 9, "contents": items})

    _Handler.routes["/x/services"] = route
    directory = read_api(f"{server}/x", max_pages=3, retries=0)
    assert set(directory.services) == {"p1", "p3"}
    assert any("not JSON" in i.message for i in directory.report.errors)
    assert _Handler.hits["/x/services?page=4"] == 0


@LOCAL
def test_progress_bar_off_when_not_a_terminal(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    def route(query: dict[str, str], hit: int) -> tuple[int, dict[str, str], bytes]:
        return _json({"total_pages": 2, "contents": [{"id": f"s{query['page']}", "name": "A",
                                                      "status": "active", "phones": []}]})  # fmt: skip

    _Handler.routes["/p/services"] = route
    read_api(f"{server}/p")
    assert capsys.readouterr().err == ""  # captured stderr is no terminal: no bar
    read_api(f"{server}/p", progress=True)
    assert "pages" in capsys.readouterr().err


@LOCAL
def test_first_page_failing_raises_nothing_and_reports(server: str) -> None:
    _Handler.routes["/gone/services"] = lambda query, hit: (404, {}, b"")
    directory = read_api(f"{server}/gone")
    assert not directory.services
    assert [i.message for i in directory.report.errors] == ["page not loaded: HTTP 404"]
    assert _Handler.hits["/gone/services?page=1"] == 1  # a 404 is not retried


@LOCAL
def test_cli_validate_api_nothing_readable_exits_2(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _Handler.routes["/gone/services"] = lambda query, hit: (404, {}, b"")
    from referralmatch.cli import main

    assert main(["validate", "--api", f"{server}/gone"]) == 2
    assert "no page could be read (page not loaded: HTTP 404)" in capsys.readouterr().err


@LOCAL
def test_cli_validate_api(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    _Handler.routes["/c/services"] = lambda query, hit: _json(
        {"total_pages": 1, "contents": [{"id": "s1", "name": "Pantry", "status": "active", "phones": []}]}
    )
    from referralmatch.cli import main

    assert main(["validate", "--api", f"{server}/c"]) == 0
    out = capsys.readouterr().out
    assert "hsds3-api" in out and "service" in out


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "example.org"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http"):
        read_api(url)


def test_unknown_dialect() -> None:
    with pytest.raises(ConfigurationError, match="dialect"):
        read_api("http://127.0.0.1:9", dialect="hsds2")  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_stay_blocked_outside_the_marked_tests() -> None:
    import socket

    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_import_opens_no_socket() -> None:
    code = (
        "import socket\n"
        "opened = []\n"
        "real = socket.socket.__init__\n"
        "def spy(self, *a, **k):\n"
        "    opened.append(a)\n"
        "    real(self, *a, **k)\n"
        "socket.socket.__init__ = spy\n"
        "socket.create_connection = lambda *a, **k: opened.append(a)\n"
        "import referralmatch, referralmatch.io, referralmatch.io.api, referralmatch.cli\n"
        "print(len(opened))\n"
    )
    src = str(Path(rm.__file__).resolve().parents[1])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": src, "PATH": ""}, timeout=120, check=True)  # fmt: skip
    assert result.stdout.strip() == "0"
