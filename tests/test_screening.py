"""Tests for referralmatch.screening: instruments, bands, errors, provenance and merging."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referralmatch.errors import ReferralMatchError, ScreeningError
from referralmatch.models.need import Need, Provenance
from referralmatch.screening import (
    ScreeningResult,
    ahc_hrsn,
    audit_c,
    dast10,
    gad7,
    merge_needs,
    needs_from_screenings,
    phq2,
    phq9,
)
from referralmatch.screening.ahc_hrsn import AHC_DOMAINS, ahc_items

PHQ9_LOINC = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
    "44258-2", "44252-5", "44253-3", "44260-8",
]  # fmt: skip
GAD7_LOINC = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
PHQ_LA = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
PHQ_TEXT = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def spread(total: int, n: int, top: int, *, last_zero: bool = False) -> list[int]:
    """Item points summing to ``total`` over ``n`` items of 0..top (optionally last item 0)."""
    points = [0] * n
    slots = range(n - 1) if last_zero else range(n)
    left = total
    for i in slots:
        points[i] = min(top, left)
        left -= points[i]
    assert left == 0
    return points


def readable(points: list[int]) -> dict[str, int]:
    return {f"item{i}": p for i, p in enumerate(points, start=1)}


# --------------------------------------------------------------------------- PHQ-9


@pytest.mark.parametrize(
    ("total", "band", "therapy"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "moderately severe", True),
        (19, "moderately severe", True),
        (20, "severe", True),
        (24, "severe", True),
    ],
)
def test_phq9_band_edges(total: int, band: str, therapy: bool) -> None:
    r = phq9(readable(spread(total, 9, 3, last_zero=True)))
    assert r.score == total
    assert r.band == band
    assert [n.category for n in r.needs] == (["therapy"] if therapy else [])
    assert ("depression" in r.positive_domains) is therapy
    assert "suicide_risk" in r.negative_domains


def test_phq9_max_is_severe_with_crisis_first() -> None:
    r = phq9(readable([3] * 9))
    assert (r.score, r.band) == (27, "severe")
    assert [(n.category, n.priority, n.urgency) for n in r.needs] == [
        ("crisis", 1, "immediate"),
        ("therapy", 2, "urgent"),
    ]


def test_phq9_item9_raises_crisis_need_with_provenance() -> None:
    r = phq9(readable([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert r.score == 1 and r.band == "minimal"
    (crisis,) = r.needs
    assert (crisis.category, crisis.priority, crisis.urgency) == ("crisis", 1, "immediate")
    (prov,) = crisis.provenance
    assert prov.instrument == "PHQ-9"
    assert prov.items == ("44260-8",)
    assert prov.answers == ("LA6569-3",)
    assert r.positive_domains == ("suicide_risk",)


def test_phq9_item9_alone_still_yields_crisis_but_no_total() -> None:
    r = phq9({"item9": "nearly every day"})
    assert r.score is None and r.band is None
    assert [n.category for n in r.needs] == ["crisis"]
    assert r.unanswered == tuple(f"item{i}" for i in range(1, 9))
    assert not r.complete


def test_phq9_missing_items_without_urgent_finding_raise_naming_each() -> None:
    with pytest.raises(ScreeningError) as info:
        phq9({"item1": 1, "item9": 0})
    assert info.value.items == tuple(f"item{i}" for i in range(2, 9))
    assert "partial=True" in str(info.value)


def test_phq9_partial_decides_when_already_certain() -> None:
    r = phq9({"item1": 3, "item2": 3, "item3": 3, "item4": 3}, partial=True)
    assert r.score is None
    assert [n.category for n in r.needs] == ["therapy"]
    assert "at least 12" in (r.needs[0].provenance[0].note or "")
    low = phq9({"item1": 1}, partial=True)
    assert low.needs == () and low.positive_domains == () and low.negative_domains == ()


def test_phq9_loinc_readable_la_and_text_agree() -> None:
    points = [2, 1, 3, 0, 1, 2, 0, 1, 0]
    by_key = phq9(readable(points))
    by_loinc = phq9(dict(zip(PHQ9_LOINC, points, strict=True)))
    by_la = phq9({code: PHQ_LA[p] for code, p in zip(PHQ9_LOINC, points, strict=True)})
    by_text = phq9({f"q{i}": PHQ_TEXT[p].upper() for i, p in enumerate(points, start=1)})
    assert by_key == by_loinc == by_la == by_text
    assert by_key.score == 10
    prov = by_key.needs[0].provenance[0]
    assert prov.items == tuple(PHQ9_LOINC)
    assert prov.answers == tuple(PHQ_LA[p] for p in points)
    assert "total 10 (moderate)" in (prov.note or "")


def test_phq9_total_must_match() -> None:
    answers: dict[str, str | int] = dict(readable([1] * 9))
    assert phq9({**answers, "44261-6": 9}).score == 9
    with pytest.raises(ScreeningError) as info:
        phq9({**answers, "total": 11})
    assert info.value.items == ("total",)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_score_is_sum_and_phq2_from_phq9(points: list[int]) -> None:
    r = phq9(readable(points))
    assert r.score == sum(points)
    assert r.scores["phq2"] == points[0] + points[1]
    assert (points[8] > 0) == any(n.category == "crisis" for n in r.needs)
    two = phq2(readable(points))  # PHQ-9 answers can go to phq2 unchanged
    assert two.score == points[0] + points[1]
    assert two.positive == (two.score >= 3)


# --------------------------------------------------------------------------- PHQ-2


def test_phq2_edges_and_need() -> None:
    neg = phq2({"44250-9": 1, "44255-8": 1})
    assert (neg.score, neg.band, neg.needs) == (2, "negative", ())
    pos = phq2({"44250-9": 2, "44255-8": "LA6569-3"})
    assert (pos.score, pos.band) == (3, "positive")
    (need,) = pos.needs
    assert (need.category, need.priority, need.urgency) == ("therapy", 3, "soon")
    assert need.provenance[0].items == ("44250-9", "44255-8")


def test_phq2_one_item_of_three_is_certain() -> None:
    r = phq2({"item1": 3}, partial=True)
    assert r.positive and r.score is None
    with pytest.raises(ScreeningError) as info:
        phq2({"item1": 3})
    assert info.value.items == ("item2",)


# --------------------------------------------------------------------------- GAD-7


@pytest.mark.parametrize(
    ("total", "band", "priority"),
    [
        (0, "minimal", None),
        (4, "minimal", None),
        (5, "mild", None),
        (9, "mild", None),
        (10, "moderate", 3),
        (14, "moderate", 3),
        (15, "severe", 2),
        (21, "severe", 2),
    ],
)
def test_gad7_band_edges(total: int, band: str, priority: int | None) -> None:
    r = gad7(readable(spread(total, 7, 3)))
    assert (r.score, r.band) == (total, band)
    assert [n.priority for n in r.needs] == ([] if priority is None else [priority])
    assert all(n.category == "therapy" for n in r.needs)


def test_gad7_loinc_and_readable_agree() -> None:
    points = [1, 2, 3, 0, 1, 2, 1]
    assert gad7(dict(zip(GAD7_LOINC, points, strict=True))) == gad7(readable(points))


# --------------------------------------------------------------------------- AUDIT-C


def test_audit_c_sex_thresholds() -> None:
    three = {"68518-0": "LA18927-6", "68519-8": "3 or 4", "68520-6": 0}  # 2 + 1 + 0
    women = audit_c(three, sex="female")
    men = audit_c(three, sex="male")
    assert women.score == men.score == 3
    assert women.band == "positive" and men.band == "negative"
    assert [n.category for n in women.needs] == ["substance_use_treatment"]
    assert men.needs == ()
    four = audit_c({"item1": 2, "item2": 1, "item3": "less than monthly"}, sex="male")
    assert (four.score, four.band) == (4, "positive")
    assert four.needs[0].provenance[0].answers == ("LA18927-6", "LA15695-2", "LA18933-4")
    assert audit_c(three, sex=None).band == "positive"  # unknown sex: sensitive cut-off


def test_audit_c_bad_sex_names_the_parameter() -> None:
    with pytest.raises(ScreeningError) as info:
        audit_c({"item1": 0, "item2": 0, "item3": 0}, sex="x")  # type: ignore[arg-type]
    assert info.value.items == ("sex",)


# --------------------------------------------------------------------------- DAST-10


def dast(yes_points: int) -> dict[str, str]:
    """Answers scoring ``yes_points``: item 3 answered Yes (0 points) unless needed."""
    answers = {f"item{i}": "no" for i in range(1, 11)}
    answers["item3"] = "yes"
    order = [1, 2, 4, 5, 6, 7, 8, 9, 10, 3]
    for i in order[:yes_points]:
        answers[f"item{i}"] = "no" if i == 3 else "yes"
    return answers


@pytest.mark.parametrize(
    ("total", "band", "treat"),
    [
        (0, "none", False),
        (1, "low", False),
        (2, "low", False),
        (3, "moderate", True),
        (5, "moderate", True),
        (6, "substantial", True),
        (8, "substantial", True),
        (9, "severe", True),
        (10, "severe", True),
    ],
)
def test_dast10_band_edges(total: int, band: str, treat: bool) -> None:
    r = dast10(dast(total))
    assert (r.score, r.band) == (total, band)
    assert [n.category for n in r.needs] == (["substance_use_treatment"] if treat else [])


def test_dast10_item3_is_reverse_scored() -> None:
    base = {f"item{i}": False for i in range(1, 11)}
    assert dast10({**base, "item3": True}).score == 0  # always able to stop: 0 points
    assert dast10({**base, "item3": False}).score == 1
    assert dast10({**base, "q3": "LA32-8"}).score == 1
    assert dast10({**base, "item3": 0}).score == 1  # ints are the answer (0 = No)


# --------------------------------------------------------------------------- errors


def test_errors_list_every_bad_item_and_no_value() -> None:
    secret = "Nearly every dayXYZ"
    with pytest.raises(ScreeningError) as info:
        gad7({"item1": secret, "item2": 7, "item3": 1, "item4": 1, "item5": 1, "zz": 99})
    err = info.value
    assert err.items == ("item1", "item2", "zz", "item6", "item7")
    message = str(err)
    assert "XYZ" not in message and "99" not in message and " 7" not in message
    assert isinstance(err, ReferralMatchError) and isinstance(err, ValueError)


def test_error_for_wrong_type_and_conflicting_keys() -> None:
    with pytest.raises(ScreeningError) as info:
        phq2({"item1": 1.5, "44255-8": 1, "item2": 2})  # type: ignore[dict-item]
    assert set(info.value.items) == {"item1", "item2"}


def test_screening_error_pickles_with_items() -> None:
    with pytest.raises(ScreeningError) as info:
        phq9({"item1": "nope"})
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is ScreeningError
    assert clone.items == info.value.items and str(clone) == str(info.value)


# --------------------------------------------------------------------------- AHC HRSN

CORE_NEGATIVE: dict[str, str | int | list[str]] = {
    "living_situation": "I have a steady place to live",
    "housing_problems": "None of the above",
    "utilities": "No",
    "food_worry": "Never true",
    "food_didnt_last": "Never true",
    "transportation": "No",
    "safety_hurt": 1,
    "safety_insult": 1,
    "safety_threaten": 1,
    "safety_scream": 1,
}
KEY_TO_LOINC = {item.key: item.loinc for item in ahc_items()}


def test_ahc_all_negative() -> None:
    r = ahc_hrsn(CORE_NEGATIVE)
    assert r.positive_domains == () and r.needs == ()
    assert r.negative_domains == AHC_DOMAINS[:6]
    assert r.scores == {"interpersonal_safety": 4}
    assert r.score is None


@pytest.mark.parametrize(("points", "positive"), [((3, 3, 2, 2), False), ((3, 3, 3, 2), True)])
def test_ahc_safety_sum_10_negative_11_positive(
    points: tuple[int, int, int, int], positive: bool
) -> None:
    keys = ["safety_hurt", "safety_insult", "safety_threaten", "safety_scream"]
    r = ahc_hrsn({**CORE_NEGATIVE, **dict(zip(keys, points, strict=True))})
    assert r.scores["interpersonal_safety"] == sum(points)
    assert ("interpersonal_safety" in r.positive_domains) is positive
    if positive:
        (need,) = r.needs
        assert (need.category, need.priority, need.urgency) == ("domestic_violence", 1, "urgent")
        assert need.provenance[0].items == ("95618-5", "95617-7", "95616-9", "95615-1")
        assert need.provenance[0].answers == ("LA10082-8", "LA10082-8", "LA10082-8", "LA10066-1")


@pytest.mark.parametrize(
    ("worry", "last"), [("Often true", "Never true"), ("Never true", "LA6729-3")]
)
def test_ahc_food_either_item(worry: str, last: str) -> None:
    r = ahc_hrsn({**CORE_NEGATIVE, "food_worry": worry, "food_didnt_last": last})
    assert r.positive_domains == ("food",)
    (need,) = r.needs
    assert need.category == "food"
    assert len(need.provenance) == 1  # only the positive item is cited


def test_ahc_food_one_positive_item_enough_when_other_missing() -> None:
    answers = {k: v for k, v in CORE_NEGATIVE.items() if k != "food_didnt_last"}
    r = ahc_hrsn({**answers, "food_worry": "sometimes true"})
    assert "food" in r.positive_domains and r.complete
    answers["food_worry"] = "never true"
    with pytest.raises(ScreeningError) as info:
        ahc_hrsn(answers)
    assert info.value.items == ("food_didnt_last",)


def test_ahc_homelessness_is_urgent_shelter_and_returned_despite_missing() -> None:
    r = ahc_hrsn({"71802-3": "LA31995-6"})
    assert [(n.category, n.urgency, n.priority) for n in r.needs] == [
        ("emergency_shelter", "urgent", 1)
    ]
    assert "food_worry" in r.unanswered and not r.complete


def test_ahc_loinc_vs_readable_and_la_vs_text() -> None:
    readable_text = {
        **CORE_NEGATIVE,
        "living_situation": "i have a place to live today, but i am worried about losing it "
        "in the future",
        "utilities": "Already shut off",
        "transportation": "YES",
        "financial_strain": "Somewhat hard",
        "lonely": "Often",
    }
    loinc_la = {
        **{KEY_TO_LOINC[k]: v for k, v in CORE_NEGATIVE.items()},
        "71802-3": "LA31994-9",
        "96779-4": "LA32002-0",
        "93030-5": "LA33-6",
        "76513-1": "LA22683-9",
        "93159-2": "la10044-8",
        "96778-6": "LA9-3",
        "88122-7": "LA28398-8",
        "88123-5": "LA28398-8",
    }
    a, b = ahc_hrsn(readable_text), ahc_hrsn(loinc_la)
    assert a == b
    assert a.positive_domains == (
        "living_situation", "utilities", "transportation",
        "financial_strain", "family_community_support",
    )  # fmt: skip
    cats = {n.category: n for n in a.needs}
    assert cats["utilities"].urgency == "urgent"
    assert cats["housing"].provenance[0].describe() == "AHC HRSN: 71802-3 = LA31994-9"


def test_ahc_housing_quality_multi_select_and_merge_with_living_situation() -> None:
    r = ahc_hrsn(
        {**CORE_NEGATIVE, "living_situation": "worried", "housing_problems": ["Mold", "pests"]}
    )
    (housing,) = [n for n in r.needs if n.category == "housing"]
    assert (housing.priority, housing.urgency) == (2, "soon")
    items = [i for p in housing.provenance for i in p.items]
    assert items == ["71802-3", "96778-6", "96778-6"]
    with pytest.raises(ScreeningError) as info:
        ahc_hrsn({**CORE_NEGATIVE, "housing_problems": ["Mold", "None of the above"]})
    assert info.value.items == ("housing_problems",)


def test_ahc_supplemental_domains_and_decisions() -> None:
    r = ahc_hrsn(
        {
            **CORE_NEGATIVE,
            "employment": "Yes, help keeping work",
            "school_training": "no",
            "other_language": "yes",
            "exercise_days": 2,
            "exercise_minutes": "LA28855-7",  # 30 minutes -> 60 a week
            "tobacco": "Daily or almost daily",
            "illegal_drugs": "never",
            "little_interest": "several days",
            "feeling_down": 1,
            "stress": "not at all",
            "disability_concentrating": True,
        }
    )
    cats = {n.category: n for n in r.needs}
    assert set(cats) == {"employment", "education", "health_care", "benefits_enrollment"}
    assert cats["education"].priority == 5
    assert "tobacco cessation" in (cats["health_care"].detail or "")
    assert r.scores["physical_activity"] == 60 and r.scores["mental_health"] == 2
    assert "mental_health" in r.negative_domains
    assert "financial_strain" not in r.positive_domains + r.negative_domains  # not asked


def test_ahc_substance_and_mental_health_needs() -> None:
    r = ahc_hrsn({**CORE_NEGATIVE, "68524-8": "LA26460-8", "stress": "A little bit"})
    cats = {n.category for n in r.needs}
    assert cats == {"substance_use_treatment", "therapy"}


def test_ahc_safety_three_items_already_positive() -> None:
    answers = {k: v for k, v in CORE_NEGATIVE.items() if k != "safety_scream"}
    r = ahc_hrsn({**answers, "safety_hurt": 4, "safety_insult": 3, "safety_threaten": 3})
    assert "interpersonal_safety" in r.positive_domains
    assert "interpersonal_safety" not in r.scores  # no sum without all four
    assert r.unanswered == ()


def test_ahc_declined_is_not_an_error() -> None:
    r = ahc_hrsn({**CORE_NEGATIVE, "transportation": "I choose not to answer this question"})
    assert r.unanswered == ("transportation",)
    assert "transportation" not in r.positive_domains + r.negative_domains


def test_ahc_errors_collect_everything_without_values() -> None:
    with pytest.raises(ScreeningError) as info:
        ahc_hrsn(
            {
                **CORE_NEGATIVE,
                "utilities": "maybe-SECRET",
                "safety_hurt": 6,
                "lonely": "sometimes-ish",
                "bogus_item": "x",
            }
        )
    assert set(info.value.items) == {"utilities", "safety_hurt", "lonely", "bogus_item"}
    assert "SECRET" not in str(info.value) and "ish" not in str(info.value)


def test_ahc_items_match_reference_csv(reference: Path) -> None:
    """Every question LOINC and every LA code in the reference CSV is known to ahc_hrsn."""
    rows = list(csv.DictReader((reference / "needs" / "ahc_hrsn_items.csv").open()))
    ours = {item.loinc: item for item in ahc_items()}
    for row in rows:
        item = ours[row["question_loinc"]]
        codes = {o.code for o in item.options}
        answer_col = next(k for k in row if k.startswith("answer_options"))
        for token in answer_col and row[answer_col].replace(")", " ").replace("(", " ").split():
            if token.startswith("LA") and token[2:3].isdigit():
                assert token in codes, (row["question_loinc"], token)


# --------------------------------------------------------------------------- result and merge


def test_result_repr_hides_scores_and_explain_shows_them() -> None:
    r = phq9(readable([3, 3, 3, 3, 0, 0, 0, 0, 0]))
    assert "12" not in repr(r) and "therapy" not in repr(r)
    lines = r.explain()
    assert lines[0] == "PHQ-9: score 12 (moderate); positive: depression"
    assert any(line.startswith("need therapy (priority 3, routine)") for line in lines)
    with pytest.raises(Exception):  # noqa: B017 - frozen model
        r.score = 1  # type: ignore[misc]


def test_needs_from_screenings_dedupes_and_orders() -> None:
    depression = phq9(readable([3, 3, 3, 3, 3, 3, 2, 0, 1]))  # 21 severe + crisis
    anxiety = gad7(readable([3, 3, 3, 3, 3, 0, 0]))  # 15 severe
    social = ahc_hrsn({**CORE_NEGATIVE, "food_worry": "often true", "stress": "very much"})
    drugs = dast10(dast(4))
    needs = needs_from_screenings(social, drugs, anxiety, depression)
    assert [(n.category, n.priority, n.urgency) for n in needs] == [
        ("crisis", 1, "immediate"),
        ("therapy", 2, "urgent"),
        ("food", 2, "soon"),
        ("substance_use_treatment", 3, "routine"),
    ]
    therapy = needs[1]
    assert [p.instrument for p in therapy.provenance] == ["PHQ-9", "GAD-7", "AHC HRSN"]
    assert needs_from_screenings() == []


def test_merge_keeps_best_priority_and_most_urgent_separately() -> None:
    p1 = Provenance(instrument="A", items=("1",), answers=("x",))
    p2 = Provenance(instrument="B", items=("2",), answers=("y",))
    merged = merge_needs(
        [
            Need("housing", priority=1, urgency="routine", detail="d1", provenance=(p1,)),
            Need("housing", priority=4, urgency="urgent", detail="d2", provenance=(p2, p1)),
            Need("legal", priority=1),
        ]
    )
    assert [(n.category, n.priority, n.urgency) for n in merged] == [
        ("housing", 1, "urgent"),
        ("legal", 1, "routine"),
    ]
    assert merged[0].provenance == (p2, p1)
    assert merged[0].detail == "d2; d1"


def test_result_model_is_frozen_and_validated() -> None:
    with pytest.raises(ValueError):
        ScreeningResult(instrument="")
