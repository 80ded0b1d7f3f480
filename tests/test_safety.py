"""Issue 10 part 2: a crisis is never answered with nothing.

Crisis lines, mobile crisis teams and confidential shelters reached by their hotline reach a
client who refuses telehealth; their explanation says how they are reached; a crisis or safety
need with nothing reachable in the directory carries the built-in national lines (988, 911, the
National Domestic Violence Hotline), marked as built-in wherever the result shows.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest

import referralmatch as rm
from referralmatch.cli import main
from referralmatch.matching.contact import (
    REACH_CONFIDENTIAL,
    REACH_OUTREACH,
    REACH_PHONE,
    REACH_REMOTE,
    contact_mode,
)
from referralmatch.models import Organization, Service
from referralmatch.needs.fallbacks import all_fallbacks, fallbacks_for
from referralmatch.screening import ahc_hrsn, phq9

SAC = rm.Place(postal_code="95814")
MOBILE_TEAMS = {"County Mobile Crisis Team", "Del Paso Mobile Crisis Support"}
CONFIDENTIAL_SHELTERS = {"Hearthstone Safe House", "Safe Harbor Emergency Shelter"}


@pytest.fixture(scope="module")
def sample() -> rm.Directory:
    return rm.load_directory(rm.sample_directory_path())


@pytest.fixture(scope="module")
def matcher(sample: rm.Directory) -> rm.Matcher:
    return rm.Matcher(sample)


def _phq9_item9(value: int) -> list[rm.Need]:
    answers = {f"item{i}": 0 for i in range(1, 9)} | {"item9": value}
    return list(phq9(answers).needs)


def _safety_screen() -> list[rm.Need]:
    answers = {
        "living_situation": "I have a steady place to live",
        "food_worry": "Never true",
        "food_didnt_last": "Never true",
        "transportation": "No",
        "utilities": "No",
        "housing_problems": ["None of the above"],
        "safety_hurt": 4,
        "safety_insult": 4,
        "safety_threaten": 3,
        "safety_scream": 3,
    }
    return list(ahc_hrsn(answers).needs)


# ------------------------------------------------------------------ contact mode


@pytest.mark.parametrize(
    ("name", "description", "safety", "expected"),
    [
        ("County Mobile Crisis Team", "Clinicians come to you during a mental health crisis.", False, REACH_OUTREACH),
        ("Crisis Response", "A mobile response team comes to your home.", False, REACH_OUTREACH),
        ("Safe House", "The shelter address is confidential; call the hotline.", False, REACH_CONFIDENTIAL),
        ("DV Shelter", "Emergency shelter at an undisclosed location.", False, REACH_CONFIDENTIAL),
        ("24/7 Crisis Line", "Answered by trained counselors.", False, REACH_PHONE),
        ("Crisis Text Line", "Text-based support 24/7.", False, REACH_PHONE),
        ("Teen Talk Line", "Teens helping teens.", False, REACH_PHONE),
        ("Peer support", "Call or text any time.", False, REACH_PHONE),
        ("Telehealth Counseling", "Video sessions with a licensed therapist.", False, REACH_REMOTE),
        ("Online Therapy for Adults", "Weekly sessions online.", False, REACH_REMOTE),
        ("Online Therapy for Adults", "Weekly sessions online.", True, REACH_REMOTE),
        ("Safety planning", "Advocates help you plan.", True, REACH_PHONE),
        ("Safety planning", "Advocates help you plan.", False, REACH_REMOTE),
    ],
)
def test_contact_mode_reads_how_a_service_is_reached(
    name: str, description: str, safety: bool, expected: int
) -> None:
    assert contact_mode(name, description, crisis_or_safety=safety) == expected


# ------------------------------------------------------------------ the examples


def test_phq9_item9_without_telehealth_still_reaches_crisis_services(matcher: rm.Matcher) -> None:
    """PHQ-9 item 9 = 2 and telehealth_ok=False: the crisis need is answered by the mobile crisis
    team that comes to the person and the crisis lines reached by phone, never with nothing."""
    # 95838 is in the Del Paso mobile team's service area
    client = rm.ClientProfile(
        age=30, location=rm.Place(postal_code="95838"), telehealth_ok=False, needs=_phq9_item9(2)
    )
    result = matcher.match(client, limit=10)
    (need,) = result.needs
    assert need.need == "crisis" and need.urgency == "immediate"
    names = {m.service_name for m in need.matches}
    assert names >= MOBILE_TEAMS
    assert "Sacramento Valley 24/7 Crisis Line" in names
    by_name = {m.service_name: m for m in need.matches}
    assert by_name["County Mobile Crisis Team"].reached_by == "outreach"
    assert by_name["Sacramento Valley 24/7 Crisis Line"].reached_by == "phone"
    text = result.explain()
    assert "a mobile team comes to the client" in text
    assert "reached by phone: 24-hour line" in text
    assert "available remotely" not in text
    # no crisis service is excluded as remote any more
    crisis_no_remote = [e for e in result.excluded if "no_remote" in e.codes]
    assert not {e.service_name for e in crisis_no_remote} & (MOBILE_TEAMS | {"Crisis Text Line"})
    # immediate: the national lines follow the directory's matches, marked built-in
    assert [f.key for f in need.fallbacks] == ["988", "911"]
    assert "also, for an immediate need" in text
    assert "988 Suicide & Crisis Lifeline — call or text 988" in text
    assert text.index("988 Suicide") > text.index("County Mobile Crisis Team")


def test_telehealth_refusal_still_excludes_video_services(matcher: rm.Matcher) -> None:
    """The exemption is for phone and outreach only: video/online therapy is still refused."""
    client = rm.ClientProfile(age=40, location=SAC, telehealth_ok=False, needs=[rm.Need("therapy")])
    result = matcher.match(client, limit=20)
    names = {m.service_name for m in result.matches}
    assert not names & {"Telehealth Counseling", "Online Therapy for Adults", "Telepsychiatry"}
    refused = {e.service_name: e for e in result.excluded if "no_remote" in e.codes}
    assert "Telehealth Counseling" in refused
    assert "video/online" in refused["Telehealth Counseling"].reasons[-1]


def test_positive_safety_screen_without_telehealth_reaches_confidential_shelters(
    matcher: rm.Matcher,
) -> None:
    """A positive AHC safety screen with telehealth_ok=False: the confidential DV shelters (no
    published address, "call the hotline") are listed and said to be reached by phone."""
    needs = _safety_screen()
    assert [n.category for n in needs] == ["domestic_violence"]
    client = rm.ClientProfile(
        age=33, gender="female", location=rm.Place(postal_code="95823"), telehealth_ok=False,
        needs=needs,
    )
    result = matcher.match(client, limit=10)
    names = {m.service_name for m in result.matches}
    assert names >= CONFIDENTIAL_SHELTERS
    shelter = next(m for m in result.matches if m.service_name == "Hearthstone Safe House")
    assert shelter.reached_by == "confidential"
    assert "reached by phone: confidential location, call the hotline" in shelter.explain()
    assert "available remotely" not in result.explain()
    assert not [e for e in result.excluded if "no_remote" in e.codes and e.service_name in CONFIDENTIAL_SHELTERS]


def test_free_text_danger_phrase_is_answered(matcher: rm.Matcher) -> None:
    """"I want to kill myself" is a crisis, immediate, answered with services and 988."""
    client = rm.ClientProfile(
        age=25, location=SAC, telehealth_ok=False, needs=[rm.Need("I want to kill myself", priority=4)]
    )
    result = matcher.match(client)
    (need,) = result.needs
    assert need.need == "crisis" and need.urgency == "immediate"
    assert need.matches
    assert "988" in {f.key for f in need.fallbacks}


# ------------------------------------------------------------------ nothing reachable


@pytest.fixture(scope="module")
def pantry_only() -> rm.Directory:
    org = Organization(id="o1", name="Food Org")
    return rm.Directory(
        organizations=[org],
        services=[Service(id="s1", organization_id="o1", name="Pantry", status="active",
                          description="Food pantry: groceries once a week.")],
    )  # fmt: skip


def _nothing_reachable(directory: rm.Directory) -> rm.MatchResult:
    client = rm.ClientProfile(
        id="c-safety", age=30, location=SAC, consent_to_share_sensitive=True,
        needs=[rm.Need("crisis", priority=1, urgency="immediate"),
               rm.Need("domestic_violence", priority=2, urgency="urgent"),
               rm.Need("food", priority=3)],
    )  # fmt: skip
    return rm.Matcher(directory).match(client)


def test_nothing_reachable_gives_the_national_lines(pantry_only: rm.Directory) -> None:
    result = _nothing_reachable(pantry_only)
    by = {n.need: n for n in result.needs}
    assert not by["crisis"].matches and not by["domestic_violence"].matches
    assert [f.key for f in by["crisis"].fallbacks] == ["988", "911"]
    assert [f.key for f in by["domestic_violence"].fallbacks] == ["911", "ndvh"]
    assert by["food"].fallbacks == ()  # not a crisis or safety need
    assert all(f.source == "built-in" for n in result.needs for f in n.fallbacks)
    text = result.explain()
    assert "the directory has nothing reachable for this need" in text
    assert "National Domestic Violence Hotline — call 1-800-799-7233 or text START to 88788" in text
    assert "call 911" in text
    assert text.count("[built-in national line, not from the directory]") == 4
    assert "no matching service" in text  # the directory's own answer is still said


def test_fallbacks_in_to_dict_and_to_frame(pantry_only: rm.Directory) -> None:
    result = _nothing_reachable(pantry_only)
    payload = json.loads(json.dumps(result.to_dict()))
    crisis = next(n for n in payload["needs"] if n["need"] == "crisis")
    assert [f["key"] for f in crisis["fallbacks"]] == ["988", "911"]
    assert {f["source"] for f in crisis["fallbacks"]} == {"built-in"}
    assert "nothing reachable" in crisis["fallback_note"]
    frame = result.to_frame()
    built_in = frame[frame.source == "built-in"]
    assert list(built_in.service_id) == ["built-in:988", "built-in:911", "built-in:911", "built-in:ndvh"]
    assert built_in.score.isna().all()
    assert (frame[frame.source == "directory"].need == "food").all()


def test_fallbacks_in_fhir_are_valid_and_marked(pantry_only: rm.Directory) -> None:
    result = _nothing_reachable(pantry_only)
    requests = result.to_fhir("Patient/p1", include_sensitive=True)
    fallback_requests = [
        r for r in requests if any(t["code"] == "built-in" for t in r.get("meta", {}).get("tag", []))
    ]
    assert len(fallback_requests) == 4
    for r in fallback_requests:
        parsed = ServiceRequest.model_validate(r)
        assert json.loads(parsed.model_dump_json(exclude_none=True)) == r
        assert "not from the directory" in r["note"][0]["text"]
        assert "performer" in r and "reference" not in r["performer"][0]
    texts = " ".join(r["code"]["text"] for r in fallback_requests)
    assert "988" in texts and "1-800-799-7233" in texts
    assert len({r["id"] for r in requests}) == len(requests)
    # a sensitive need (domestic violence) is left out without consent, its lines too
    hidden = result.to_fhir("Patient/p1")
    assert not any("Domestic" in r["code"]["text"] for r in hidden)


def test_fallbacks_in_the_cli(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    client = tmp_path / "client.json"
    client.write_text(json.dumps({"age": 30, "location": {"postal_code": "95814"},
                                  "telehealth_ok": False,
                                  "needs": [{"category": "crisis", "urgency": "immediate"}]}))  # fmt: skip
    assert main(["match", "--client", str(client)]) == 0
    out = capsys.readouterr().out
    assert "988 Suicide & Crisis Lifeline" in out and "not from the directory" in out
    assert "a mobile team comes to the client" in out
    assert main(["match", "--client", str(client), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["needs"][0]["fallbacks"][0]["key"] == "988"


def test_fallback_table_is_data() -> None:
    keys = [f.key for f in all_fallbacks()]
    assert keys == ["988", "911", "ndvh"]
    assert fallbacks_for(["crisis"])[0].contact == "call or text 988"
    assert "1-800-799-7233" in fallbacks_for(["domestic_violence"])[-1].contact


def test_a_routine_crisis_need_with_matches_gets_no_appended_lines(matcher: rm.Matcher) -> None:
    """Lines are appended after matches only for an immediate need; a reachable routine crisis
    need is answered by the directory alone."""
    client = rm.ClientProfile(age=30, location=SAC, needs=[rm.Need("crisis", urgency="routine")])
    (need,) = matcher.match(client, at=datetime(2026, 12, 1, 10)).needs
    assert need.matches and need.fallbacks == ()


@pytest.mark.parametrize("text", ["my husband hits me", "mi pareja me pega"])
def test_violence_in_the_clients_words_reaches_hotline_and_confidential_shelters(
    matcher: rm.Matcher, text: str
) -> None:
    """The issue's "my husband hits me" without telehealth: the DV hotline (phone) and the
    confidential shelters are listed, each saying how it is reached."""
    client = rm.ClientProfile(age=30, gender="female", location=rm.Place(postal_code="95823"),
                              telehealth_ok=False, needs=[rm.Need(text)])  # fmt: skip
    (need,) = matcher.match(client).needs
    assert need.need == "domestic_violence"
    reach = {m.service_name: m.reached_by for m in need.matches}
    assert reach.get("Safe Harbor Domestic Violence Hotline") == "phone"
    assert {k for k, v in reach.items() if v == "confidential"} == CONFIDENTIAL_SHELTERS


@pytest.mark.parametrize("text", ["I want to kill myself", "quiero morir"])
def test_danger_in_the_clients_words_without_telehealth(matcher: rm.Matcher, text: str) -> None:
    client = rm.ClientProfile(age=30, location=SAC, telehealth_ok=False, needs=[rm.Need(text)])
    (need,) = matcher.match(client).needs
    assert (need.need, need.urgency) == ("crisis", "immediate")
    assert "outreach" in {m.reached_by for m in need.matches}
    assert [f.key for f in need.fallbacks] == ["988", "911"]
