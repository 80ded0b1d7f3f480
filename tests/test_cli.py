"""The ``referralmatch`` command: validate, demo, match and gaps, exit codes and outputs."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pytest

import referralmatch as rm
from referralmatch.analysis.gaps import GAP_COLUMNS
from referralmatch.cli import main
from referralmatch.demo import demo_clients

AT = "2026-03-03T10:00"
TABLES = ["per_client_need.csv", "by_need.csv", "by_area.csv", "reasons.csv"]
FIGURES = ["gaps-coverage.png", "gaps-reasons.png", "gaps-distance.png", "gaps-area.png"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bad_directory(tmp_path: Path) -> Path:
    """Three sample services; one with an invalid status, one without a name."""
    services = json.loads(rm.sample_directory_path().read_text(encoding="utf-8"))[:3]
    services[1]["status"] = "bogus"
    del services[2]["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    return path


# --- validate --------------------------------------------------------------------------------


def test_validate_sample_prints_the_load_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate")
    assert code == 0
    assert "sample_directory.json as hsds3-json" in out
    assert "service" in out
    assert "issues: none" in out


def test_validate_json_is_parseable_and_balanced(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(rm.sample_directory_path()), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["ok"] is True
    assert payload["balanced"] is True
    assert payload["format"] == "hsds3-json"
    services = payload["counts"]["service"]
    assert services["loaded"] == services["read"] > 0
    assert payload["issues"] == []


def test_validate_strict_passes_on_a_clean_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run(capsys, "validate", "--strict")
    assert code == 0


def test_validate_strict_fails_with_every_issue(
    capsys: pytest.CaptureFixture[str], bad_directory: Path
) -> None:
    code, out, _ = _run(capsys, "validate", str(bad_directory), "--strict")
    assert code == 1
    assert "error(s) in strict mode" in out
    assert "field=status" in out
    assert "field=name" in out


def test_validate_strict_json_lists_issues(
    capsys: pytest.CaptureFixture[str], bad_directory: Path
) -> None:
    code, out, _ = _run(capsys, "validate", str(bad_directory), "--strict", "--json")
    assert code == 1
    payload = json.loads(out)
    assert payload["ok"] is False
    fields = {issue["field"] for issue in payload["issues"]}
    assert {"status", "name"} <= fields


def test_validate_lenient_reports_and_exits_zero(
    capsys: pytest.CaptureFixture[str], bad_directory: Path
) -> None:
    code, out, _ = _run(capsys, "validate", str(bad_directory), "--max-issues", "1")
    assert code == 0
    assert "rejected" in out
    assert "more (use --json for all)" in out


def test_validate_unknown_format_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--format", "no-such-format"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_validate_unrecognised_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a directory\n", encoding="utf-8")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("referralmatch: error:")
    assert "format" in err


def test_validate_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "validate", str(tmp_path / "absent.json"))
    assert code == 2
    assert "referralmatch: error:" in err


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "referralmatch", "validate", "--strict"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "hsds3-json" in done.stdout


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


# --- demo ------------------------------------------------------------------------------------


def test_demo_prints_every_client_and_exclusions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "demo", "--limit", "2")
    assert code == 0
    descriptions = [description for description, _client in demo_clients()]
    assert len(descriptions) == 4
    for description in descriptions:
        assert description in out
    assert "Excluded" in out
    assert out.startswith("Directory: ")
    # --limit 2: never a third ranked entry
    assert "\n3. " not in out


# --- match -----------------------------------------------------------------------------------

CLIENT: dict[str, Any] = {
    "age": 34,
    "gender": "female",
    "household_size": 2,
    "annual_income": 18_000,
    "languages": ["es"],
    "location": {"postal_code": "95814"},
    "max_travel_km": 15,
    "needs": [{"category": "housing", "priority": 1}],
}


@pytest.fixture
def client_file(tmp_path: Path) -> Path:
    path = tmp_path / "client.json"
    path.write_text(json.dumps(CLIENT), encoding="utf-8")
    return path


def test_match_prints_ranked_services(
    capsys: pytest.CaptureFixture[str], client_file: Path
) -> None:
    code, out, _ = _run(capsys, "match", "--client", str(client_file), "--limit", "2")
    assert code == 0
    assert "Housing (priority 1" in out
    assert "1. " in out and "2. " in out
    assert "excluded by reason:" in out


def test_match_json_parses(capsys: pytest.CaptureFixture[str], client_file: Path) -> None:
    code, out, _ = _run(capsys, "match", "--client", str(client_file), "--json", "--limit", "3")
    assert code == 0
    payload = json.loads(out)
    assert [need["need"] for need in payload["needs"]] == ["housing"]
    matches = payload["needs"][0]["matches"]
    assert 1 <= len(matches) <= 3
    assert [m["rank"] for m in matches] == list(range(1, len(matches) + 1))
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)


def test_match_screening_adds_needs(
    capsys: pytest.CaptureFixture[str], client_file: Path, tmp_path: Path
) -> None:
    answers = [2, 2, 1, 2, 1, 1, 1, 1, 0]  # PHQ-9 total 11: moderate
    screening = tmp_path / "screening.json"
    screening.write_text(
        json.dumps({"phq9": {f"item{i}": a for i, a in enumerate(answers, start=1)}}),
        encoding="utf-8",
    )
    code, out, _ = _run(
        capsys, "match", "--client", str(client_file), "--screening", str(screening), "--json"
    )
    assert code == 0
    needs = [need["need"] for need in json.loads(out)["needs"]]
    assert "housing" in needs
    assert "therapy" in needs


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_match_bad_client_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "client.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "match", "--client", str(path))
    assert code == 2
    assert out == ""
    assert message in err


def test_match_unknown_screening_instrument_exits_2(
    capsys: pytest.CaptureFixture[str], client_file: Path, tmp_path: Path
) -> None:
    screening = tmp_path / "screening.json"
    screening.write_text(json.dumps({"mystery": {}}), encoding="utf-8")
    code, _, err = _run(
        capsys, "match", "--client", str(client_file), "--screening", str(screening)
    )
    assert code == 2
    assert "unknown screening instrument" in err


# --- gaps ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_gaps(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """``referralmatch gaps`` on the bundled sample, with figures (run once: a few seconds)."""
    out_dir = tmp_path_factory.mktemp("gaps") / "new" / "folder"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            [
                "gaps",
                "--caseload",
                str(rm.sample_caseload_path()),
                "--out",
                str(out_dir),
                "--at",
                AT,
            ]
        )
    return code, buffer.getvalue(), out_dir


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_gaps_writes_tables_and_figures(sample_gaps: tuple[int, str, Path]) -> None:
    code, out, out_dir = sample_gaps
    assert code == 0
    for name in TABLES + FIGURES:
        assert (out_dir / name).is_file(), name
        assert name in out
    for name in FIGURES:
        assert (out_dir / name).read_bytes()[:4] == b"\x89PNG"
    assert f"wrote {len(TABLES) + len(FIGURES)} file(s)" in out


def test_gaps_tables_agree_with_each_other(sample_gaps: tuple[int, str, Path]) -> None:
    _code, out, out_dir = sample_gaps
    rows = _csv_rows(out_dir / "per_client_need.csv")
    caseload = _csv_rows(rm.sample_caseload_path())
    assert {r["client_id"] for r in rows} == {r["client_id"] for r in caseload}
    assert list(rows[0]) == list(GAP_COLUMNS)
    by_need = _csv_rows(out_dir / "by_need.csv")
    assert sum(int(r["client_needs"]) for r in by_need) == len(rows)
    assert sum(int(r["met"]) for r in by_need) == sum(r["status"] == "met" for r in rows)
    by_area = _csv_rows(out_dir / "by_area.csv")
    assert {"need", "county", "met_share"} <= set(by_area[0])
    assert sum(int(r["client_needs"]) for r in by_area) == len(rows)
    reasons = _csv_rows(out_dir / "reasons.csv")
    assert sum(int(r["count"]) for r in reasons) == sum(r["status"] == "unmet" for r in rows)
    clients = len({r["client_id"] for r in rows})
    assert out.startswith(f"{len(rows)} needs of {clients} clients:")


def test_gaps_never_prints_client_values(sample_gaps: tuple[int, str, Path]) -> None:
    _code, out, _dir = sample_gaps
    caseload = _csv_rows(rm.sample_caseload_path())
    for row in caseload:
        assert row["client_id"] not in out
        assert row["postal_code"] not in out


@pytest.fixture
def tiny_caseload(tmp_path: Path) -> Path:
    path = tmp_path / "caseload.csv"
    path.write_text(
        "client_id,age,languages,postal_code,max_travel_km,needs\n"
        "T1,40,en,95814,10,housing;food\n"
        "T2,29,es,95823,5,therapy\n",
        encoding="utf-8",
    )
    return path


def test_gaps_no_plots_writes_tables_only(
    capsys: pytest.CaptureFixture[str], tiny_caseload: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = _run(
        capsys, "gaps", "--caseload", str(tiny_caseload), "--out", str(out_dir), "--no-plots"
    )
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(TABLES)
    assert out.startswith("3 needs of 2 clients:")
    assert "T1" not in out and "95814" not in out


def test_gaps_without_matplotlib_still_writes_tables(
    capsys: pytest.CaptureFixture[str],
    tiny_caseload: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out_dir = tmp_path / "out"
    code, out, _ = _run(capsys, "gaps", "--caseload", str(tiny_caseload), "--out", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(TABLES)
    assert "referralmatch[plot]" in out


def test_gaps_missing_caseload_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(
        capsys, "gaps", "--caseload", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert "referralmatch: error:" in err


def test_gaps_bad_time_exits_2(
    capsys: pytest.CaptureFixture[str], tiny_caseload: Path, tmp_path: Path
) -> None:
    code, _, err = _run(
        capsys, "gaps", "--caseload", str(tiny_caseload), "--out", str(tmp_path), "--at", "soon"
    )
    assert code == 2
    assert "--at" in err


def test_gaps_invalid_caseload_names_rows_not_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "caseload.csv"
    path.write_text("client_id,age,needs\nT1,secret-age-value,housing\n", encoding="utf-8")
    code, out, err = _run(capsys, "gaps", "--caseload", str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert out == ""
    assert "age" in err
    assert "secret-age-value" not in err
