"""Eligibility: the free-text parser, poverty guidelines, evaluation and numeric bounds."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referralmatch.eligibility import (
    RULE_ADAPTER,
    AgeRule,
    GenderRule,
    ImmigrationRule,
    IncomeRule,
    InsuranceRule,
    NoRequirement,
    OtherRule,
    ParentingRule,
    ResidencyRule,
    SobrietyRule,
    VeteranRule,
    evaluate,
    numeric_bounds,
    parse,
    percent_of_poverty,
    poverty_guideline,
    poverty_guidelines,
    region_for_state,
    rules_for_service,
    summarize,
)
from referralmatch.eligibility.parse import _clauses, _clean, _read_clause, programme_rules
from referralmatch.errors import ConfigurationError
from referralmatch.models import Service
from referralmatch.models.client import ClientProfile, Place

ON = date(2026, 3, 1)


def one(text: str, kind: type) -> object:
    found = [r for r in parse(text) if isinstance(r, kind)]
    assert len(found) == 1, (text, parse(text))
    return found[0]


# ----------------------------------------------------------------------------------------------
# Parser known answers
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lo", "hi", "who"),
    [
        ("Age 18 or over", 18, None, "client"),
        ("18+", 18, None, "client"),
        ("Ages 6-18", 6, 18, "client"),
        ("ages 16 to 24", 16, 24, "client"),
        ("Seniors 60+", 60, None, "client"),
        ("Youth ages 12-17", 12, 17, "client"),
        ("Children ages 0-5", 0, 5, "dependent"),
        ("Adults 18 and over", 18, None, "client"),
        ("18 years or older", 18, None, "client"),
        ("Youth under age 18", None, 17, "client"),
        ("Ages 17 and under", None, 17, "client"),
        ("between the ages of 18 and 24", 18, 24, "client"),
        ("Youth ages 12-17 and their families", 12, 17, "dependent"),
        ("Age 21–60, detoxed", 21, 60, "client"),
        ("Youths 18-24", 18, 24, "client"),
        ("Children ages 8 1/2 weeks to 2 1/2 years old", 0, 2, "dependent"),
        ("Infants and toddlers, 6 weeks to 5 years", 0, 5, "dependent"),
        ("Children, 0 to 5 years", 0, 5, "dependent"),
        ("11 to 18-year-olds", 11, 18, "client"),
        ("for 16-25 year olds", 16, 25, "client"),
        ("young people aged 5-18", 5, 18, "client"),
    ],
)
def test_age_phrases(text, lo, hi, who):
    rule = one(text, AgeRule)
    assert (rule.min_age, rule.max_age, rule.applies_to) == (lo, hi, who)
    assert rule.confidence >= 0.9
    assert not any(isinstance(r, OtherRule) for r in parse(text) if "detox" not in text)


def test_low_income_county_resident_senior():
    rules = parse("Low-income San Mateo County resident, age 55 or over")
    kinds = {type(r) for r in rules}
    assert kinds == {AgeRule, ResidencyRule, IncomeRule}
    assert one("Low-income San Mateo County resident, age 55 or over", ResidencyRule).area == (
        "San Mateo County"
    )
    income = one("Low-income San Mateo County resident, age 55 or over", IncomeRule)
    assert income.qualitative


def test_veteran_discharge():
    rule = one("Veteran with other than dishonorable discharge", VeteranRule)
    assert rule.discharge == "other than dishonorable discharge" and not rule.family_ok
    assert one("Veterans and eligible spouses", VeteranRule).family_ok


@pytest.mark.parametrize(
    ("text", "allowed", "children"),
    [
        ("Women and children only", {"female"}, True),
        ("Men only", {"male"}, False),
        ("Pregnant or parenting women", {"female"}, False),
        ("Single women age 18 or over", {"female"}, False),
        ("Gender: female", {"female"}, False),
        ("Sex: male", {"male"}, False),
    ],
)
def test_gender_phrases(text, allowed, children):
    rule = one(text, GenderRule)
    assert rule.allowed == allowed and rule.children_ok is children
    assert not any(isinstance(r, OtherRule) for r in parse(text))  # the label is no requirement


@pytest.mark.parametrize("text", ["Gender: Either", "Gender: Male, Female, Other", "Family: Any",
                                  "Sex: Both", "Eligibility: N/A"])  # fmt: skip
def test_a_labelled_field_that_sets_no_requirement_adds_none(text):
    assert parse(text) == [] or [r.kind for r in parse(text)] == ["none"]
    # beside a real requirement it adds nothing either
    assert [r.kind for r in parse(f"Residency: Must be resident of Utah\n{text}")] == ["residency"]


def test_a_residency_field_names_the_area_served():
    for text in ("Residency: San Diego County", "Residency: Baltimore City residents"):
        [rule] = parse(text)
        assert isinstance(rule, ResidencyRule) and rule.area in ("San Diego County", "Baltimore City")
    assert parse("Residency: Anyone") == []


def test_both_genders_is_no_gender_rule():
    assert not any(isinstance(r, GenderRule) for r in parse("Men and women in separate homes"))


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("Income below 200% FPL", 200),
        ("at or below 138% of the federal poverty level", 138),
        ("Household income 250% of poverty level or below", 250),
    ],
)
def test_income_fpl(text, percent):
    rules = parse(text)
    assert len(rules) == 1 and isinstance(rules[0], IncomeRule)
    assert rules[0].max_percent_fpl == percent


def test_income_dollars_and_median():
    assert one("Household income under $67,000", IncomeRule).max_annual_income == 67_000
    assert one("Income less than $2,000 per month", IncomeRule).max_annual_income == 24_000
    median = one("Rancho Cordova residents; income below 60% of area median", IncomeRule)
    assert median.max_percent_median == 60


def test_insurance_accepted_vs_required():
    accepted = one("Medi-Cal accepted", InsuranceRule)
    assert accepted.accepted == {"medicaid"} and not accepted.required
    required = one("Medi-Cal members and uninsured adults", InsuranceRule)
    assert required.accepted == {"medicaid", "uninsured"} and required.required


def test_sobriety_and_family():
    assert one("Must be sober 30 days", SobrietyRule).days == 30
    assert one("Age 21-60, detoxed", SobrietyRule).days == 0
    fam = one("Families with children under 18", ParentingRule)
    assert fam.max_child_age == 17 and not fam.pregnant_ok
    assert one("Pregnant or parenting women", ParentingRule).pregnant_ok
    assert one("Families with babies under 3", ParentingRule).max_child_age == 2


@pytest.mark.parametrize(
    "text", ["None", "No requirements", "Open to all", "Everyone welcome", "none.", "Any age"]
)
def test_no_requirement(text):
    rules = parse(text)
    assert len(rules) == 1 and isinstance(rules[0], NoRequirement)


def test_varies_is_low_confidence_other():
    rules = parse("Varies according to program")
    assert len(rules) == 1 and isinstance(rules[0], OtherRule)
    assert rules[0].confidence < 0.5 and rules[0].text == "Varies according to program"


def test_not_understood_is_other_and_empty_is_nothing():
    rules = parse("Homebound person unable to cook or shop")
    assert [type(r) for r in rules] == [OtherRule]
    assert rules[0].source_text == "Homebound person unable to cook or shop"
    assert parse("") == [] and parse("   ") == [] and parse(None) == []


@pytest.mark.parametrize(
    "text, required",
    [
        ("Receiving TCA benefits.", "Receiving TCA benefits"),
        ("TCA recipients.", "TCA recipients"),
        ("Must be on SSI or SSDI.", "Must be on SSI or SSDI"),
        ("Public housing residents, ages 18 and older.", "Public housing residents"),
    ],
)
def test_a_required_benefit_is_a_stated_requirement(text, required):
    # a benefit or public-housing tenancy the profile cannot show counts more than a vague residue
    others = [r for r in parse(text) if isinstance(r, OtherRule)]
    assert [r.text for r in others] == [required] and others[0].confidence >= 0.6
    # named among alternatives ("families ... who receive TCA, adults") it is not a requirement
    listed = parse("Residents, families with children who receive TCA, adults, ages 18 and over.")
    assert all(r.confidence < 0.5 for r in listed if isinstance(r, OtherRule))


def test_immigration():
    rule = one("Refugees, SIV holders and asylees", ImmigrationRule)
    assert rule.allowed == {"refugee", "asylee", "siv"}
    assert not any(isinstance(r, ImmigrationRule) for r in parse("Senior citizens"))


def test_hedged_text_does_not_exclude():
    rule = one("Age 55 or over for most programs, age 60 or over for lunch program", AgeRule)
    assert rule.min_age == 55 and not rule.hard


def test_rules_round_trip_through_adapter():
    for rule in parse("Women 18+; income below 200% FPL; Medi-Cal accepted; veterans"):
        assert RULE_ADAPTER.validate_python(rule.model_dump()) == rule


def test_ohana_services_parse(reference: Path):
    with (reference / "ohana_smc_sample_csv" / "services.csv").open(newline="", encoding="utf-8") as f:
        texts = [row["eligibility"] for row in csv.DictReader(f)]
    assert len(texts) == 23
    parsed = {text: parse(text) for text in texts}  # nothing raises
    assert parsed["None"] == [NoRequirement(source_text="None", confidence=0.95)]
    assert one("Age 18 or over", AgeRule).min_age == 18
    seniors = one("Age 55 or over, county resident and willing and able to work. "
                  "Income requirements vary according to program", AgeRule)  # fmt: skip
    assert seniors.min_age == 55 and seniors.hard
    resident = parse("Resident of San Mateo County age 55 or over")
    assert {type(r) for r in resident} == {AgeRule, ResidencyRule}
    assert one("Resident of San Mateo County age 55 or over", ResidencyRule).area == (
        "San Mateo County"
    )
    assert one("Age 21-60, detoxed, physically able and willing to participate in a work "
               "therapy program", AgeRule).max_age == 60  # fmt: skip
    assert one("Low-income families", IncomeRule).qualitative
    for text, rules in parsed.items():
        assert text.strip() == "" or rules, text
        for rule in rules:
            assert 0.0 <= rule.confidence <= 1.0


def test_rules_for_service_structured_ages_override():
    s = Service(id="s", name="n", minimum_age=16, eligibility_description="Age 18 or over; Men only")
    rules = rules_for_service(s)
    ages = [r for r in rules if isinstance(r, AgeRule)]
    assert len(ages) == 1 and ages[0].min_age == 16 and ages[0].confidence == 1.0
    assert any(isinstance(r, GenderRule) for r in rules)
    kids = rules_for_service(
        Service(id="k", name="n", maximum_age=5, eligibility_description="Children ages 0-5")
    )
    assert [(r.max_age, r.applies_to) for r in kids] == [(5, "dependent")]
    assert rules_for_service(Service(id="e", name="n")) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_raises(text):
    rules = parse(text)
    assert isinstance(rules, list)
    for rule in rules:
        assert 0.0 <= rule.confidence <= 1.0
    # parse() has a safety net; the clause reader underneath must not need it
    for clause in _clauses(_clean(text)):
        _read_clause(clause)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Age", "ages", "18", "-", "+", "or over", "under", "women", "men", "FPL",
                         "%", "200", "$", "resident", "County", "Sober", "days", ";", ".", ",",
                         "veterans", "Medi-Cal", "children", "0", "999", "and", "only"]),
        max_size=20,
    ).map(" ".join)
)  # fmt: skip
def test_parse_never_raises_on_eligibility_words(text):
    assert isinstance(parse(text), list)
    for clause in _clauses(_clean(text)):
        _read_clause(clause)


# ----------------------------------------------------------------------------------------------
# Poverty guidelines
# ----------------------------------------------------------------------------------------------

_REGION = {"48 contiguous + DC": "contiguous", "Alaska": "alaska", "Hawaii": "hawaii"}


def test_poverty_matches_reference(reference: Path):
    path = reference / "needs" / "hhs_poverty_guidelines_2025_2026.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 48
    for row in rows:
        year, region = int(row["year"]), _REGION[row["region"]]
        size = int(row["household_size"])
        assert poverty_guideline(size, year, region) == float(row["annual_guideline_usd"])
        if size == 8:
            extra = float(row["add_per_person_over_8"])
            for more in (1, 2, 5):
                assert poverty_guideline(8 + more, year, region) == (
                    float(row["annual_guideline_usd"]) + more * extra
                )


@pytest.mark.parametrize(
    ("size", "year", "region", "usd"),
    [
        (1, 2025, "contiguous", 15_650),
        (4, 2025, "contiguous", 32_150),
        (8, 2025, "contiguous", 54_150),
        (10, 2025, "contiguous", 65_150),
        (1, 2026, "contiguous", 15_960),
        (4, 2026, "contiguous", 33_000),
        (8, 2026, "contiguous", 55_720),
        (10, 2026, "contiguous", 67_080),
        (1, 2026, "alaska", 19_950),
        (4, 2025, "alaska", 40_190),
        (10, 2026, "alaska", 83_850),
        (1, 2026, "hawaii", 18_360),
        (4, 2025, "hawaii", 36_980),
        (10, 2025, "hawaii", 74_960),
    ],
)
def test_poverty_spot_values(size, year, region, usd):
    assert poverty_guideline(size, year, region) == usd


def test_poverty_vectorised_agrees():
    sizes = np.arange(1, 15)
    for year in (2025, 2026):
        for region in ("contiguous", "alaska", "hawaii"):
            expected = [poverty_guideline(int(n), year, region) for n in sizes]
            assert poverty_guidelines(sizes, year, region).tolist() == expected
    assert np.isnan(poverty_guidelines([0, 2.5, np.nan])).all()


def test_percent_and_regions():
    assert percent_of_poverty(33_000, 4, 2026) == 100.0
    assert percent_of_poverty(0, 1) == 0.0
    assert region_for_state("AK") == "alaska" and region_for_state("hi") == "hawaii"
    assert region_for_state("CA") == "contiguous"
    with pytest.raises(ConfigurationError):
        poverty_guideline(0)
    with pytest.raises(ConfigurationError):
        poverty_guideline(2, 1999)


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------


def statuses(text: str, client: ClientProfile, **kw: object) -> list[str]:
    return [v.status for v in evaluate(parse(text), client, on=ON, **kw)]


def test_age_met_unmet_unknown():
    assert statuses("Age 18 or over", ClientProfile(age=30)) == ["met"]
    assert statuses("Age 18 or over", ClientProfile(age=17.9)) == ["unmet"]
    assert statuses("Age 18 or over", ClientProfile()) == ["unknown"]
    assert statuses("Ages 6-18", ClientProfile(age=18.5)) == ["met"]  # completed years
    assert statuses("Age 18 or over", ClientProfile(date_of_birth=date(2008, 3, 2))) == ["unmet"]
    v = evaluate(parse("Age 18 or over"), ClientProfile(age=30), on=ON)[0]
    assert v.reason == "age 18+: met"
    assert v.note().status == "met" and v.note().kind == "age"


def test_dependent_age():
    text = "Children ages 0-5"
    assert statuses(text, ClientProfile(age=30, dependents_ages=[3, 12])) == ["met"]
    assert statuses(text, ClientProfile(age=30, dependents_ages=[12])) == ["unmet"]
    assert statuses(text, ClientProfile(age=30, dependents_ages=[])) == ["unmet"]
    assert statuses(text, ClientProfile(age=30)) == ["unknown"]
    assert statuses(text, ClientProfile(age=4)) == ["met"]


def test_a_childrens_age_range_asked_for_by_a_parent_is_the_childs():
    # "Ages 3-5" on a Head Start: a mother of 28 with a 3-year-old meets it through her child
    # (the judged vignettes: child-care age bounds are the child's, not the parent's)
    verdict = evaluate(parse("Ages 3-5"), ClientProfile(age=28, dependents_ages=[3, 7]), on=ON)[0]
    assert verdict.status == "met" and "child" in verdict.reason
    assert statuses("Ages 3-5", ClientProfile(age=28, dependents_ages=[7])) == ["unmet"]
    assert statuses("Ages 3-5", ClientProfile(age=28, household_size=1)) == ["unmet"]
    assert statuses("Ages 3-5", ClientProfile(age=28)) == ["unmet"]  # no children listed
    # a range that reaches adulthood stays the client's own ("ages 16-24": a youth programme),
    # and so does one of teenagers only (a runaway shelter takes the teenager, not the parent)
    assert statuses("Ages 16-24", ClientProfile(age=40, dependents_ages=[17])) == ["unmet"]
    assert statuses("Youth ages 12-17", ClientProfile(age=40, dependents_ages=[14])) == ["unmet"]
    assert statuses("Ages 8-18", ClientProfile(age=40, dependents_ages=[14])) == ["met"]


def test_gender():
    text = "Women and children only"
    assert statuses(text, ClientProfile(gender="female")) == ["met"]
    assert statuses(text, ClientProfile(gender="trans woman")) == ["met"]
    assert statuses(text, ClientProfile(gender="male", age=40)) == ["unmet"]
    assert statuses(text, ClientProfile(gender="male", age=10)) == ["met"]
    assert statuses(text, ClientProfile(gender="nonbinary")) == ["unknown"]
    assert statuses(text, ClientProfile()) == ["unknown"]


def test_income():
    text = "Income below 200% FPL"
    poor = ClientProfile(annual_income=30_000, household_size=2)  # 138.6% of 2026 guideline
    rich = ClientProfile(annual_income=60_000, household_size=2)  # 277%
    assert statuses(text, poor) == ["met"]
    assert statuses(text, rich) == ["unmet"]
    assert statuses(text, ClientProfile(household_size=2)) == ["unknown"]
    # household size unknown: met if met for one person; otherwise unknown, never unmet
    assert statuses(text, ClientProfile(annual_income=20_000)) == ["met"]
    assert statuses(text, ClientProfile(annual_income=60_000)) == ["unknown"]
    # Alaska's guideline is higher: 45,000 for 1 person is 225% contiguous, 225.6% -> Alaska 225%
    ak = ClientProfile(annual_income=39_000, household_size=1, location=Place(city="Juneau", state="AK"))
    ca = ClientProfile(annual_income=39_000, household_size=1, location=Place(city="Fresno", state="CA"))
    assert statuses(text, ak) == ["met"] and statuses(text, ca) == ["unmet"]
    assert statuses(text, ClientProfile(annual_income=39_000, household_size=1)) == ["unknown"]
    # the guideline year matters: 32,000 for 2 is 151.3% (2025) / 147.9% (2026)
    two = ClientProfile(annual_income=32_000, household_size=2, location=Place(postal_code="95814", state="CA"))
    assert statuses("Income at or below 150% FPL", two, year=2025) == ["unmet"]
    assert statuses("Income at or below 150% FPL", two, year=2026) == ["met"]
    assert statuses("Income at or below 150% FPL in 2025", two, year=2026) == ["unmet"]
    low = "Low-income families"
    assert statuses(low, poor) == ["met"] and statuses(low, rich) == ["unknown"]
    assert statuses("Household income under $67,000", rich) == ["met"]


def test_veteran_insurance_residency():
    vet = "Veteran with other than dishonorable discharge"
    assert statuses(vet, ClientProfile(veteran=True)) == ["met"]
    assert statuses(vet, ClientProfile(veteran=False)) == ["unmet"]
    v = evaluate(parse(vet), ClientProfile(veteran=False))[0]
    assert v.reason == "veteran status: not met"
    assert statuses("Veterans and survivors", ClientProfile(veteran=False)) == ["unknown"]
    assert statuses("Medi-Cal accepted", ClientProfile(insurance=["Medi-Cal"])) == ["met"]
    assert statuses("Medi-Cal accepted", ClientProfile(insurance=["private"])) == ["unknown"]
    assert statuses("Age 18 or over with Medi-Cal", ClientProfile(age=30, insurance=["private"])) == ["met", "unmet"]  # fmt: skip
    text = "Must live in Sacramento County"
    assert statuses(text, ClientProfile()) == ["unknown"]
    assert statuses(text, ClientProfile(), area_covered=lambda area: area == "Sacramento County") == ["met"]  # fmt: skip
    assert statuses(text, ClientProfile(), area_covered=lambda area: False) == ["unmet"]
    assert statuses(text, ClientProfile(), area_covered=lambda area: None) == ["unknown"]


def test_family_pregnancy_sobriety_other():
    text = "Pregnant or parenting women"
    assert statuses(text, ClientProfile(gender="female", pregnant=True, dependents_ages=[])) == ["met", "met"]  # fmt: skip
    assert statuses(text, ClientProfile(gender="female", pregnant=False, dependents_ages=[])) == ["met", "unmet"]  # fmt: skip
    assert statuses(text, ClientProfile(gender="female")) == ["met", "unknown"]
    fam = "Families with children under 18"
    assert statuses(fam, ClientProfile(dependents_ages=[17])) == ["met"]
    assert statuses(fam, ClientProfile(dependents_ages=[19])) == ["unmet"]
    assert statuses("Must be sober 30 days", ClientProfile(age=30)) == ["unknown"]
    assert statuses("Varies according to program", ClientProfile(age=30)) == ["unknown"]
    assert statuses("None", ClientProfile()) == ["met"]


def test_low_confidence_unmet_becomes_unknown():
    rule = AgeRule(min_age=60, confidence=0.4)
    v = evaluate([rule], ClientProfile(age=30))[0]
    assert v.status == "unknown" and "probably not met" in v.reason


def test_reasons_never_hold_client_values():
    client = ClientProfile(
        age=47, annual_income=12345, household_size=3, languages=["hmn"], gender="female",
        location=Place(postal_code="95814"), insurance=["medicaid"], veteran=False,
    )  # fmt: skip
    texts = ["Age 18 or over", "Income below 200% FPL", "Women and children only", "Veterans",
             "Medi-Cal accepted", "Seniors 60+", "Children ages 0-5", "Low-income families"]  # fmt: skip
    for text in texts:
        for v in evaluate(parse(text), client, on=ON):
            for value in ("47", "12345", "95814", "hmn"):
                assert value not in v.reason


def test_summarize():
    client = ClientProfile(age=30, annual_income=20_000, household_size=1)
    met = evaluate(parse("Age 18 or over; income below 200% FPL"), client)
    assert summarize(met) == ("met", 1.0)
    mixed = evaluate(parse("Age 18 or over; veterans only"), client)
    status, certainty = summarize(mixed)
    assert status == "unknown" and certainty == pytest.approx(0.95 / (0.95 + 0.9), abs=1e-3)
    unmet = evaluate(parse("Seniors 60+; veterans only"), client)
    assert summarize(unmet)[0] == "unmet"
    assert summarize([]) == ("met", 1.0)


# ----------------------------------------------------------------------------------------------
# Numeric bounds agree with evaluate
# ----------------------------------------------------------------------------------------------


def test_numeric_bounds():
    b = numeric_bounds(parse("Women and children only; ages 16-24; Income below 200% FPL; "
                             "Veteran; Must be sober 30 days"))  # fmt: skip
    assert (b["min_age"], b["max_age"], b["max_percent_fpl"]) == (16, 24, 200)
    assert b["genders"] == frozenset({"female"}) and b["genders_children_ok"]
    assert b["veteran_required"] and b["sobriety_required"]
    empty = numeric_bounds(parse("None"))
    assert empty["min_age"] is None and empty["genders"] is None and not empty["veteran_required"]
    soft = numeric_bounds(parse("Age 55 or over for most programs, age 60 for lunch program"))
    assert soft["min_age"] is None  # hedged rules never exclude
    assert numeric_bounds(parse("Children ages 0-5"))["dependent_max_age"] == 5


@settings(max_examples=60, deadline=None)
@given(
    age=st.one_of(st.none(), st.integers(0, 100)),
    text=st.sampled_from(["Age 18 or over", "Ages 6-18", "Seniors 60+", "Youth ages 12-17",
                          "ages 16 to 24", "Men only", "18+", "Adults", "Under age 21"]),
)  # fmt: skip
def test_numeric_age_bounds_agree_with_evaluate(age, text):
    rules = parse(text)
    bounds = numeric_bounds(rules)
    verdicts = evaluate([r for r in rules if isinstance(r, AgeRule)], ClientProfile(age=age))
    if age is None:
        assert all(v.status == "unknown" for v in verdicts)
        return
    excluded = (bounds["min_age"] is not None and age < bounds["min_age"]) or (
        bounds["max_age"] is not None and age > bounds["max_age"]
    )
    assert excluded == any(v.status == "unmet" for v in verdicts)


# ----------------------------------------------------------------------------------------------
# Eligibility judged from the client's situations, and the facts each rule kind reads
# ----------------------------------------------------------------------------------------------

from referralmatch.eligibility import (  # noqa: E402 - grouped with the tests that use them
    FACTS_READ,
    DiagnosisRule,
    ExclusionRule,
    PregnancyRule,
    SituationRule,
)
from referralmatch.eligibility.rules import RULE_ADAPTER as _ADAPTER  # noqa: E402


def status_of(text_or_rule, **client):
    rules = parse(text_or_rule) if isinstance(text_or_rule, str) else [text_or_rule]
    return [v.status for v in evaluate(rules, ClientProfile(**client), on=ON)]


@pytest.mark.parametrize(("text", "situation"), [
    ("Homeless adults", "homeless"),
    ("Must be homeless or at risk of homelessness", "at_risk_of_homelessness"),
    ("Victims of domestic violence", "dv_survivor"),
    ("Ex-offenders and returning citizens", "reentry"),
    ("LGBTQ youth", "lgbtq"),
])
def test_situation_rules_judged_from_situations(text, situation):
    rules = [r for r in parse(text) if isinstance(r, SituationRule)]
    assert len(rules) == 1 and situation in rules[0].situations, parse(text)
    assert status_of(rules[0], situations=[situation]) == ["met"]
    assert status_of(rules[0], situations=["student"]) == ["unknown"]  # not listed: not evidence
    assert status_of(rules[0]) == ["unknown"]


def test_homeless_situation_meets_homelessness_rule():
    rule = next(r for r in parse("Homeless men and women") if isinstance(r, SituationRule))
    assert rule.situations == {"homeless"}
    assert status_of(rule, situations=["homeless"]) == ["met"]
    assert status_of(rule, situations=["at_risk_of_homelessness"]) == ["unknown"]


def test_veteran_and_pregnancy_from_situations():
    assert status_of("Veterans only", situations=["veteran"]) == ["met"]
    assert status_of("Veterans only", situations=["homeless"]) == ["unknown"]
    assert status_of("Veterans only", situations=["homeless"], veteran=False) == ["unmet"]
    assert status_of(PregnancyRule(), situations=["pregnant"]) == ["met"]
    assert status_of(PregnancyRule(), situations=["parenting"]) == ["unknown"]


def test_parenting_from_situations_and_household_of_one():
    text = "Families with children"
    assert status_of(text, situations=["parenting"]) == ["met"]
    assert status_of(text, household_size=1) == ["unmet"]  # a household of one has no child
    assert status_of(text, household_size=1, dependents_ages=[]) == ["unmet"]
    assert status_of(text, household_size=3) == ["unknown"]
    assert status_of(text, situations=["homeless"]) == ["unknown"]
    assert status_of(text, dependents_ages=[4]) == ["met"]
    pregnant_ok = "Pregnant or parenting women"
    assert status_of(pregnant_ok, household_size=1, situations=["pregnant"])[-1] == "met"
    assert status_of(pregnant_ok, household_size=1, pregnant=False)[-1] == "unmet"
    assert status_of(pregnant_ok, household_size=1)[-1] == "unknown"  # may be pregnant
    children = parse("Children ages 0-5")
    assert status_of(children[0], age=30, household_size=1) == ["unmet"]
    assert status_of(children[0], age=30, household_size=2) == ["unknown"]


def test_sobriety_and_diagnosis_from_situations():
    assert status_of("Must be clean and sober", situations=["in_recovery"]) == ["met"]
    assert status_of("Must be clean and sober", situations=["homeless"]) == ["unknown"]
    cases = [
        ("Adults with serious mental illness", "serious_mental_illness"),
        ("Persons living with HIV/AIDS", "hiv"),
        ("Adults with a substance use disorder", "in_recovery"),
        ("People with developmental disabilities", "disability"),
        ("Deaf or hard of hearing", "deaf_or_hard_of_hearing"),
    ]
    for text, situation in cases:
        rule = next(r for r in parse(text) if isinstance(r, DiagnosisRule))
        assert status_of(rule, situations=[situation]) == ["met"], text
        assert status_of(rule, situations=["veteran"]) == ["unknown"], text
    assert status_of(DiagnosisRule(text="dementia"), situations=["disability"]) == ["unknown"]


def test_low_income_and_refugee_from_situations():
    assert status_of("Low income", situations=["low_income"]) == ["met"]
    assert status_of("Low income", annual_income=500_000, situations=["low_income"]) == ["unknown"]
    assert status_of(ImmigrationRule(allowed=frozenset({"refugee"})), situations=["refugee"]) == [
        "met"]


def test_exclusion_rule_round_trips():
    for rule in (ExclusionRule(text="pets"), SituationRule(situations=frozenset({"homeless"})),
                 AgeRule(min_age=18, exception_min_age=17, exception="with parent consent"),
                 NoRequirement(about="income"), GenderRule(allowed=frozenset({"female"}),
                                                           excluded=frozenset({"male"}))):
        assert _ADAPTER.validate_python(rule.model_dump()) == rule
        assert _ADAPTER.validate_json(_ADAPTER.dump_json(rule)) == rule


def test_rule_shapes_refuse_contradictions():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        GenderRule(allowed=frozenset({"male"}), excluded=frozenset({"male"}))
    with pytest.raises(ValidationError):
        AgeRule(min_age=18, exception_min_age=20, exception="with consent")
    with pytest.raises(ValidationError):
        AgeRule(min_age=18, exception_min_age=17)  # an exception age needs its condition
    with pytest.raises(ValidationError):
        VeteranRule(excluded=True, family_ok=True)


# Every kind of rule, in shapes that read each fact.
_SAMPLE_RULES = [
    AgeRule(min_age=18), AgeRule(max_age=17), AgeRule(min_age=0, max_age=5, applies_to="dependent"),
    AgeRule(min_age=18, exception_min_age=16, exception="with parent consent"),
    GenderRule(allowed=frozenset({"female"}), children_ok=True),
    GenderRule(allowed=frozenset({"female"}), excluded=frozenset({"male"})),
    ResidencyRule(area="Alaska"),
    IncomeRule(max_percent_fpl=200), IncomeRule(), IncomeRule(max_annual_income=30_000),
    IncomeRule(max_percent_median=80),
    VeteranRule(), VeteranRule(family_ok=True), VeteranRule(excluded=True),
    InsuranceRule(accepted=frozenset({"medicaid"}), required=True),
    InsuranceRule(accepted=frozenset({"underinsured"}), required=True),
    ImmigrationRule(allowed=frozenset({"refugee"})), ImmigrationRule(),
    SobrietyRule(days=30), DiagnosisRule(text="hiv or serious mental illness"),
    DiagnosisRule(text="developmental disability or substance use disorder"),
    PregnancyRule(), ParentingRule(), ParentingRule(pregnant_ok=True),
    ParentingRule(max_child_age=5), ParentingRule(excluded=True),
    SituationRule(situations=frozenset({"homeless", "veteran", "pregnant"})),
    ExclusionRule(text="x", situation="veteran"), ExclusionRule(text="y", situation="pregnant"),
    ExclusionRule(text="z", situation="homeless"),
    NoRequirement(), NoRequirement(about="income"), OtherRule(text="ask"),
    AgeRule(min_age=18, confidence=0.3),
]
_ALTERNATIVES = {
    "age": [None, 5, 17, 30, 70],
    "date_of_birth": [None, date(2010, 5, 1), date(1950, 5, 1)],
    "gender": [None, "female", "male", "nonbinary"],
    "household_size": [None, 1, 3],
    "dependents_ages": [None, (), (2,), (15,)],
    "pregnant": [None, True, False],
    "annual_income": [None, 10_000, 40_000, 200_000],
    "veteran": [None, True, False],
    "insurance": [None, ("medicaid",), ("private",), ("uninsured",)],
    "languages": [None, ("es",)],
    "immigration_status": [None, "refugee", "citizen"],
    "location": [None, Place(postal_code="95814", state="CA"), Place(city="Juneau", state="AK")],
    "max_travel_km": [None, 5.0],
    "telehealth_ok": [True, False],
    "situations": [None, (), ("homeless",), ("veteran", "parenting"), ("pregnant", "low_income"),
                   ("in_recovery", "hiv", "serious_mental_illness", "disability", "refugee")],
    "consent_to_share_sensitive": [False, True],
}


def _judge_all(client):
    def covered(area):
        place = client.location
        return None if place is None else place.state == "AK"

    return [(v.status, v.reason) for v in evaluate(_SAMPLE_RULES, client, on=ON,
                                                   area_covered=covered)]  # fmt: skip


def test_facts_read_covers_every_rule_kind():
    kinds = {r.kind for r in _SAMPLE_RULES}
    union = RULE_ADAPTER.json_schema()["discriminator"]["mapping"]
    assert set(FACTS_READ) == set(union) == kinds
    fields = set(ClientProfile.model_fields)
    assert all(set(read) <= fields for read in FACTS_READ.values())


def test_verdicts_depend_only_on_facts_read():
    """Changing a field a rule kind does not declare never changes that kind's verdicts."""
    import random

    rng = random.Random(20261201)
    bases = [{k: rng.choice(v) for k, v in _ALTERNATIVES.items()} for _ in range(60)]
    bases += [{}, {"household_size": 1}, {"annual_income": 35_000, "household_size": 1},
              {"age": 17, "dependents_ages": ()}]  # fmt: skip
    for base in bases:
        if "age" in base and "date_of_birth" in base:  # a profile may not give both, differing
            del base["date_of_birth" if len(base) % 2 else "age"]
        before = _judge_all(ClientProfile(**base))
        for field, options in _ALTERNATIVES.items():
            for value in options:
                varied = {**base, field: value}
                if field in ("age", "date_of_birth"):
                    varied.pop("date_of_birth" if field == "age" else "age", None)
                after = _judge_all(ClientProfile(**varied))
                for rule, b, a in zip(_SAMPLE_RULES, before, after, strict=True):
                    if field not in FACTS_READ[rule.kind]:
                        assert a == b, (rule, field)


def test_every_fact_read_matters_somewhere():
    """Each declared field changes some verdict of its kind (the mapping is not padded)."""
    for kind, read in FACTS_READ.items():
        rules = [r for r in _SAMPLE_RULES if r.kind == kind]
        for field in read:
            changed = False
            for base in ({}, {"household_size": 2}, {"situations": ()}, {"annual_income": 40_000},
                         {"annual_income": 35_000, "household_size": 1},
                         {"age": 15, "gender": "male"}):
                verdicts = set()
                for value in _ALTERNATIVES[field]:
                    varied = {**base, field: value}
                    if field in ("age", "date_of_birth"):
                        varied.pop("date_of_birth" if field == "age" else "age", None)
                    client = ClientProfile(**varied)
                    verdicts.add(tuple((v.status, v.reason) for v in evaluate(
                        rules, client, on=ON,
                        area_covered=lambda a, c=client: None if c.location is None else
                        c.location.state == "AK")))  # fmt: skip
                changed = changed or len(verdicts) > 1
            assert changed, (kind, field)


# ----------------------------------------------------------------------------------------------
# Restrictions written in service descriptions
# ----------------------------------------------------------------------------------------------


def _svc(description, eligibility=None, **kw):
    return Service(id="d", name="n", description=description, eligibility_description=eligibility,
                   **kw)  # fmt: skip


@pytest.mark.parametrize(("description", "expected"), [
    ("A shelter for women 18 and older.", {("age", 18, None), ("gender", "female")}),
    ("Meals serving seniors 60+ in the county.", {("age", 60, None)}),
    ("Transitional housing for homeless veterans.", {("veteran",), ("situation", "homeless")}),
    ("Men only. Beds are first come, first served.", {("gender", "male")}),
    ("Support group open to women only.", {("gender", "female")}),
])
def test_description_restrictions(description, expected):
    rules = rules_for_service(_svc(description))
    shapes = set()
    for r in rules:
        assert r.origin == "description" and r.source_text.startswith("description: ")
        assert r.confidence <= 0.6
        if isinstance(r, AgeRule):
            shapes.add(("age", r.min_age, r.max_age))
        elif isinstance(r, GenderRule):
            shapes.add(("gender", *sorted(r.allowed)))
        elif isinstance(r, SituationRule):
            shapes.add(("situation", *sorted(r.situations)))
        else:
            shapes.add((r.kind,))
    assert shapes == expected


def test_plain_for_never_excludes_but_only_may():
    loose = rules_for_service(_svc("Counseling for women."))
    assert [r.kind for r in loose] == ["gender"] and not loose[0].hard
    strict = rules_for_service(_svc("Counseling for women only."))
    assert strict[0].hard and strict[0].confidence <= 0.6
    men = ClientProfile(gender="male")
    assert [v.status for v in evaluate(loose, men)] == ["unknown"]
    assert [v.status for v in evaluate(strict, men)] == ["unmet"]


@pytest.mark.parametrize("description", [
    "Provides food for families in need.",
    "Counseling for individuals, couples and families.",
    "Health benefits for children up to age 19, and pregnant women of any age.",
    "Serving Baltimore City since 1972.",
    "Meals for seniors and disabled adults.",
    "SERVICES: 1) GED CLASSES: for adults 18 and older. 2) YOUTH: for youth ages 8-11.",
    "Appointments only. Call ahead.",
    "Open Monday through Friday for walk-ins.",
    "We also help men, women and children find shelter.",
    "",
])
def test_description_without_a_clear_restriction_gives_nothing(description):
    assert rules_for_service(_svc(description)) == []


def test_description_yields_to_the_eligibility_text():
    said = rules_for_service(_svc("A shelter for women 18 and older.", "Ages 21 and over"))
    assert [(r.kind, r.origin) for r in said] == [("age", "eligibility")]
    anyone = rules_for_service(_svc("A shelter for women 18 and older.", "Open to anyone."))
    assert all(r.origin == "eligibility" for r in anyone)
    unclear = rules_for_service(_svc("A shelter for women 18 and older.", "See notes."))
    assert sorted((r.kind, r.origin) for r in unclear) == [
        ("age", "description"), ("gender", "description"), ("other", "eligibility")]
    structured = rules_for_service(_svc("For youth ages 12-17 only.", None, minimum_age=10))
    assert [(r.kind, r.origin, r.min_age) for r in structured] == [("age", "structured", 10)]


def test_description_overview_section_only():
    text = ("OVERVIEW: Emergency shelter for men only.\n\nDONATIONS: Clothing for women and "
            "children only.\n\nVOLUNTEERS: Not needed.")  # fmt: skip
    rules = rules_for_service(_svc(text))
    assert [(r.kind, sorted(r.allowed)) for r in rules if isinstance(r, GenderRule)] == [
        ("gender", ["male"])]


def test_baltimore_descriptions_rarely_add_rules(reference):
    import json

    data = json.loads((reference / "baltimore_icarol_2019" / "baltimore_hsds3.json").read_text())
    added = sections = 0
    for s in data:
        svc = Service(id=s["id"], name=s["name"], description=s.get("description"),
                      eligibility_description=s.get("eligibility_description"))  # fmt: skip
        extra = [r for r in rules_for_service(svc) if r.origin == "description"]
        if re.search(r"(?:^|\n)\s*ELIGIBILITY\s*:", s.get("description") or ""):
            sections += bool(extra)  # its own eligibility section: read like the field
            assert all(r.confidence <= 0.9 for r in extra)
            continue
        assert all(r.confidence <= 0.6 for r in extra)
        added += bool(extra)
    # almost every Baltimore service states its eligibility in the eligibility field already;
    # some whose field says "See notes." keep it under an "ELIGIBILITY:" heading of the description
    assert added <= 0.03 * len(data)
    assert 20 <= sections <= 112


def test_children_who_come_with_their_mother_do_not_open_a_womens_programme_to_men():
    text = ("Women 18 years and up, drug/alcohol-free (no methadone) in a substance abuse "
            "program. Boys must be 9 years and under. Girls of all ages accepted.")  # fmt: skip
    rules = parse(text)
    gender = next(r for r in rules if r.kind == "gender")
    assert gender.allowed == frozenset({"female"}) and gender.children_ok
    man = evaluate([gender], ClientProfile(age=40, gender="male", household_size=1))
    assert man[0].status == "unmet"
    woman = evaluate([gender], ClientProfile(age=30, gender="female", household_size=1))
    assert woman[0].status == "met"


def test_an_eligibility_section_of_the_description_is_read_like_the_field():
    svc = Service(id="s", name="Bureau of Substance Abuse", eligibility_description="See notes.",
                  description="ELIGIBILITY: Residents ineligible for Medical Assistance, ineligible "
                  "for treatment through the Veterans Association, no health insurance or the policy "
                  "does not cover chemical dependency.\n\nSERVICES: Treatment slots.")  # fmt: skip
    rules = [r for r in rules_for_service(svc) if r.kind != "other"]
    assert [(r.describe(), r.origin) for r in rules] == [("insurance: uninsured", "description")]
    assert rules[0].hard  # the section is as clear as a field: 0.8 x 0.9
    insured = evaluate(rules, ClientProfile(age=60, insurance=["medicare"]))
    assert insured[0].status == "unmet"
    assert evaluate(rules, ClientProfile(age=60, insurance=["uninsured"]))[0].status == "met"


def test_kinship_care_is_parenting_not_caring_for_an_adult():
    rules = parse("Caregivers (other than parents) and children being raised by caregivers.")
    assert [r.kind for r in rules if r.kind != "other"] == ["parenting"]
    assert [r.kind for r in parse("Grandparents raising grandchildren.")] == ["parenting"]
    carer = [r for r in parse("Caregivers of older adults.") if r.kind != "other"]
    assert [r.kind for r in carer] == ["situation"]  # the older adult is the one cared for


def test_families_with_a_child_or_a_pregnant_member_is_not_women_only():
    rules = parse("Families that include a minor child or pregnant female.")
    assert [r.describe() for r in rules] == ["pregnant or parenting"]
    man = ClientProfile(age=30, gender="male", household_size=3, dependents_ages=[4])
    assert evaluate(rules, man)[0].status == "met"
    # the children's ages stay in the rule and in what the explanation says
    [rule] = parse("Children from birth to age 3 and pregnant women.")
    assert rule.describe() == "pregnant or a family with a child up to 3"
    assert evaluate([rule], ClientProfile(age=28, dependents_ages=[7]))[0].status == "unmet"


def test_a_legal_immigrant_is_not_an_undocumented_one():
    rule = next(r for r in parse("Must be a US citizen or a legal immigrant.") if r.kind == "immigration")
    assert rule.allowed is not None and "undocumented" not in rule.allowed and "citizen" in rule.allowed


def test_live_work_or_go_to_school_is_not_a_list_of_alternatives():
    text = "Ages birth - 18 (and their families), who live, work, or go to school in area."
    age = next(r for r in parse(text) if r.kind == "age")
    assert age.hard and age.applies_to == "dependent"
    single = ClientProfile(age=20, household_size=1)
    assert evaluate([age], single)[0].status == "unmet"


def test_an_age_range_in_a_description_is_a_clear_restriction():
    svc = Service(id="s", name="Pediatric Program", eligibility_description="See notes.",
                  description="Provides primary care for persons birth-25 who are at risk of HIV.")  # fmt: skip
    age = next(r for r in rules_for_service(svc) if r.kind == "age")
    assert (age.min_age, age.max_age, age.origin) == (0.0, 25.0, "description") and age.hard
    assert evaluate([age], ClientProfile(age=45))[0].status == "unmet"


def test_services_to_families_with_children_before_the_first_heading_is_read():
    # a real clinic record: the restriction sits before a trailing "VOLUNTEERS:" heading
    svc = Service(id="s", name="Family Center, Unity Clinic", eligibility_description="Anyone needing services.",
                  description="Provides a full range of mental health services to families with children ages "
                  "birth to 18 in which the child or care giver is deaf.\n\nVOLUNTEERS: Call.")  # fmt: skip
    rules = {r.kind: r for r in rules_for_service(svc) if r.origin == "description"}
    assert set(rules) == {"age", "parenting"} and rules["parenting"].hard
    single = ClientProfile(age=30, household_size=1)
    assert evaluate([rules["parenting"]], single)[0].status == "unmet"
    parent = ClientProfile(age=30, household_size=2, dependents_ages=[6])
    assert [v.status for v in evaluate(list(rules.values()), parent)] == ["met", "met"]


def test_an_age_named_among_those_included_is_not_required():
    # a real Legal Aid office: low income is the rule, seniors are named as included
    rules = parse("Low-income persons, including senior citizens, 60 and over.")
    assert [r.kind for r in rules if r.kind != "other"] == ["income"]
    assert evaluate(rules, ClientProfile(age=35))[0].status != "unmet"
    assert [r.describe() for r in parse("Seniors 60 and over")] == ["age 60+"]


def test_a_minor_living_with_family_brings_no_child_of_their_own():
    # real Head Start records: "Children, ages 3 & 4, and their parents" (a pair of ages is a
    # range) is for young children and their parents, not for a 15-year-old living with a parent
    rules = [r for r in parse("Children, ages 3 & 4, and their parents.") if r.kind == "age"]
    assert [(r.min_age, r.max_age, r.applies_to) for r in rules] == [(3.0, 4.0, "dependent")]
    teen = ClientProfile(age=15, household_size=2, situations=["youth", "student"])
    assert evaluate(rules, teen)[0].status == "unmet"
    teen_parent = ClientProfile(age=17, household_size=2, situations=["parenting"])
    assert evaluate(rules, teen_parent)[0].status == "unknown"  # her child's age is not given
    assert evaluate(rules, ClientProfile(age=30, household_size=3))[0].status == "unknown"
    assert [(r.min_age, r.max_age) for r in parse("Ages 16 and 17.")] == [(16.0, 17.0)]
    assert [(r.min_age, r.max_age) for r in parse("Ages 18 and older.")] == [(18.0, None)]


def test_a_named_parts_requirement_does_not_restrict_the_whole_service():
    # a real hospital: open to anyone; only its outreach programme is for the uninsured
    text = "Open to anyone. St. Clare Outreach services are for low-income/uninsured persons."
    insured = ClientProfile(age=71, insurance=["medicare"])
    assert all(v.status != "unmet" or not v.rule.hard for v in evaluate(parse(text), insured))
    assert not any(r.hard for r in parse(text) if r.kind == "insurance")
    # the service's own wording still restricts
    assert [r.hard for r in parse("Services are for uninsured persons.") if r.kind == "insurance"] == [True]


def test_seniors_listed_after_adults_put_no_senior_age_on_the_service():
    rules = parse("Adults and seniors 60+")
    assert evaluate(rules, ClientProfile(age=40))[0].status != "unmet"
    assert [r.describe() for r in parse("Seniors 60+")] == ["age 60+"]
    assert "age 13+" in [r.describe() for r in parse("Adults and adolescents ages 13 and up")]


def test_ages_in_a_parenthesis_bound_the_group_a_description_says_it_is_for():
    # a real drop-in network: the whole service is for school children, stated in its opening
    svc = Service(id="s", name="Safe Haven Network", eligibility_description="See notes.",
                  description="Provides support at drop-in sites for school-aged children (ages 5 through "
                  "14 as long as they are still in school) walking to/from school.")  # fmt: skip
    age = next(r for r in rules_for_service(svc) if r.kind == "age")
    assert (age.min_age, age.max_age, age.applies_to, age.origin) == (5.0, 14.0, "dependent", "description")
    assert age.hard and evaluate([age], ClientProfile(age=19, household_size=1))[0].status == "unmet"
    parent = ClientProfile(age=35, household_size=2, dependents_ages=[8])
    assert evaluate([age], parent)[0].status == "met"
    # a programme's ages inside a list of programmes are still not the service's
    listed = Service(id="t", name="Y", eligibility_description="See notes.",
                     description="1) SWIM: for children (ages 3 and up).\n2) FITNESS: for adults.")  # fmt: skip
    assert not any(r.kind == "age" for r in rules_for_service(listed))


def test_a_gender_adjective_leading_a_list_qualifies_the_whole_list():
    svc = Service(id="s", name="House", eligibility_description="Must complete a 28-day program.",
                  description="Provides transitional housing for female ex-offenders and recovering addicts.")  # fmt: skip
    rules = [r for r in rules_for_service(svc) if r.origin == "description"]
    assert [r.describe() for r in rules] == ["female only"]  # not "ex-offenders": one alternative
    for text in ("Housing for male and female veterans.", "Serves female veterans and their children.",
                 "Shelter for women and men."):  # fmt: skip
        other = Service(id="t", name="X", eligibility_description="See notes.", description=text)
        assert not any(r.kind == "gender" for r in rules_for_service(other)), text


def test_a_group_named_as_welcome_is_no_requirement() -> None:
    # "veterans welcome" once read as veteran-only (confidence 0.9, enough to exclude a non-veteran)
    rules = parse("Adults 18+, veterans welcome")
    assert [r.kind for r in rules] == ["age"]
    assert evaluate(rules, ClientProfile(age=40, veteran=False))[0].status == "met"
    assert parse("Ex-offenders welcome.") == []
    assert [r.kind for r in parse("Veterans only")] == ["veteran"]  # a restriction stays one


def test_sobriety_written_as_drug_alcohol_free_or_clean_leaves_no_other_requirement() -> None:
    rules = parse("Homeless males, ages 19-80, who have been drug-/alcohol-free for 30 days.")
    assert sorted(r.kind for r in rules) == ["age", "gender", "situation", "sobriety"]
    sober = next(r for r in rules if r.kind == "sobriety")
    assert sober.describe() == "sober 30 days"
    assert "other" not in {r.kind for r in parse("Men 18 and older who have been clean for 30 days")}


def test_an_adults_minimum_age_beside_their_families_is_the_clients() -> None:
    # "and their families" once made "18 and older" a children's age rule (children age 18+):
    # a parent of unknown age with young children was then judged not to qualify
    rules = parse("Residents, ages 18 and older, and their families")
    ages = [(r.describe(), r.applies_to) for r in rules if isinstance(r, AgeRule)]
    assert ages == [("age 18+", "client")]
    parent = ClientProfile(dependents_ages=[3, 7])
    assert evaluate(rules, parent)[0].status == "unknown"
    elders = parse("Frail and elderly persons, ages 55 and older and their families.")
    assert elders[0].applies_to == "client"
    # children's ages beside their families stay the children's
    assert [r.describe() for r in parse("Ages 5-18 and their families.")] == ["children age 5-18"]



@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Children in grades K-8", (5, 14)),
        ("Students in grades 7-12", (12, 18)),
        ("Low-income children, grades 1-5.", (6, 11)),
        ("Students in kindergarten through12th grade.", (5, 18)),
        ("Middle and high school students", (11, 18)),
        ("Ages 3 years through high school.", (3, 18)),
        ("Pre-K children", (3, 4)),
        ("Infants, toddlers and preschoolers.", (0, 5)),
    ],
)
def test_school_grades_and_levels_are_childrens_ages(text: str, ages: tuple[int, int]) -> None:
    # grade g is ages g+5 to g+6: "K-8" (a K-8 school) once ranked in a 19-year-old's top 5
    (rule,) = [r for r in parse(text) if isinstance(r, AgeRule)]
    assert (rule.min_age, rule.max_age, rule.applies_to) == (*ages, "dependent")
    assert rule.confidence < 0.95  # a grade's age is approximate: below a stated age's
    assert not any(r.kind == "other" for r in parse(text) if "grade" in r.source_text.lower())


def test_grade_words_that_name_no_pupils_give_no_age() -> None:
    for text in ("Must have a high school diploma or GED",
                 "Adults who read at a minimum of a 4th grade level",
                 "Open to adults and children from kindergarten to 8th grade"):  # fmt: skip
        rules = parse(text)
        assert not any(isinstance(r, AgeRule) and r.applies_to == "dependent" for r in rules), text
    # stated ages stay as written: the grade words add nothing
    stated = parse("Preschool aged children, 0-3 years old")
    assert [r.describe() for r in stated] == ["children age 0-3"]
    rule = next(r for r in parse("Ages 3 years through high school.") if isinstance(r, AgeRule))
    assert evaluate([rule], ClientProfile(age=19, household_size=1))[0].status == "unmet"
    assert evaluate([rule], ClientProfile(age=40, dependents_ages=[12]))[0].status == "met"


def test_pregnant_women_named_beside_children_are_an_alternative() -> None:
    # "Children up to age 19, and pregnant women" once required pregnancy, female and a child:
    # a mother of a 5-year-old (not pregnant) was excluded from a children's health programme
    rules = parse("Children up to age 19, and pregnant women of any age.")
    assert [r.kind for r in rules] == ["parenting"]
    (family,) = rules
    assert isinstance(family, ParentingRule)
    assert (family.pregnant_ok, family.max_child_age) == (True, 19)
    mother = ClientProfile(age=30, gender="female", pregnant=False, dependents_ages=[5])
    assert evaluate(rules, mother)[0].status == "met"
    older = ClientProfile(age=30, gender="female", pregnant=False, dependents_ages=[7])
    under_3 = parse("Families with children under 3 and pregnant women.")
    assert evaluate(under_3, older)[0].status == "unmet"
    pregnant_only = parse("Pregnant women.")  # no children named: pregnancy stays required
    assert sorted(r.kind for r in pregnant_only) == ["gender", "pregnancy"]


def test_ages_of_a_clause_about_children_are_the_childrens():
    # "Boys must be 9 years and under" bounds the boys who come with their mother: the women's
    # own "18 years and up" stays, and no age limit is put on the client
    text = (
        "Women 18 years and up, drug/alcohol-free in a substance abuse program. "
        "Boys must be 9 years and under. Girls of all ages accepted."
    )
    ages = [r for r in parse(text) if r.kind == "age"]
    assert [(r.min_age, r.max_age, r.applies_to) for r in ages] == [(18.0, None, "client")]
    minor = ClientProfile(age=17, gender="female")
    assert any(v.status == "unmet" for v in evaluate(parse(text), minor))
    woman = ClientProfile(age=30, gender="female", household_size=1)
    assert not any(v.status == "unmet" and v.rule.kind == "age" for v in evaluate(parse(text), woman))
    boys = [r for r in parse("Boys must be 12 or under.") if r.kind == "age"]
    assert [r.applies_to for r in boys] == ["dependent"]


def test_a_carers_senior_age_rule_may_be_met_by_the_person_cared_for():
    rules = parse("Adults 60 and over needing nursing care.")
    carer = ClientProfile(age=52, household_size=2, situations=["caregiver"])
    ages = [v for v in evaluate(rules, carer) if v.rule.kind == "age"]
    assert ages and all(v.status == "unknown" for v in ages)
    assert summarize(evaluate(rules, carer))[0] != "unmet"
    # not a carer, or a rule with an upper bound (a youth band, 60-64 screening): still unmet
    alone = ClientProfile(age=52, household_size=1)
    assert summarize(evaluate(rules, alone))[0] == "unmet"
    capped = [v for v in evaluate(parse("Ages 60-64."), carer) if v.rule.kind == "age"]
    assert capped and capped[0].status == "unmet"


def test_a_negated_or_sought_sobriety_is_no_requirement():
    # "does not have to be drug-free" says sobriety is not required; "seeking ... detox" names
    # the help the client wants, not a state they must already be in
    negated = parse(
        "12 years of age or older. Client does not have to be drug-free to begin treatment."
    )
    assert not any(r.kind == "sobriety" for r in negated)
    assert any(r.kind == "none" for r in negated)
    sought = parse("Adults seeking counseling and outpatient detox.")
    assert not any(r.kind == "sobriety" for r in sought)
    # a completed detox, or being drug-free, is still a requirement
    assert any(r.kind == "sobriety" for r in parse("Detoxed males ages 18 and older."))
    assert any(r.kind == "sobriety" for r in parse("Women 18 and older who are drug-free."))


def test_pupils_named_among_those_included_are_no_age_limit():
    # "Individuals who may be eligible ... include high school students" lists examples: the
    # grade words set no children's age rule
    inclusive = parse(
        "Individuals who may be eligible for services include high school students in special "
        "education programs."
    )
    assert not [r for r in inclusive if r.kind == "age"]
    such_as = parse("Young people such as middle school students.")
    assert not [r for r in such_as if r.kind == "age"]
    # a plain grade level is still the children's ages
    ages = [r for r in parse("High school students.") if r.kind == "age"]
    assert [(r.min_age, r.max_age, r.applies_to) for r in ages] == [(14.0, 18.0, "dependent")]


def test_between_two_numbers_with_a_unit_is_an_age_range_and_a_child_in_the_home_ages_are_theirs():
    ages = [r for r in parse("Adults between 18 and 64 years old.") if r.kind == "age"]
    assert [(r.min_age, r.max_age, r.applies_to) for r in ages] == [(18.0, 64.0, "client")]
    assert not [r for r in parse("Open between 9 and 5.") if r.kind == "age"]  # no unit: hours
    text = "There has to be a child in the home between 5 and 11 years of age."
    ages = [r for r in parse(text) if r.kind == "age"]
    assert [(r.min_age, r.max_age, r.applies_to) for r in ages] == [(5.0, 11.0, "dependent")]
    father = ClientProfile(age=48, household_size=2, dependents_ages=[16])
    assert any(v.status == "unmet" for v in evaluate(parse(text), father))
    in_band = ClientProfile(age=48, household_size=2, dependents_ages=[7])
    assert not any(v.status == "unmet" for v in evaluate(parse(text), in_band))
    household = parse("Must have a child in the household ages 0-5.")
    assert [r.applies_to for r in household if r.kind == "age"] == ["dependent"]


def test_description_eligibility_section_stands_for_a_pointer_field():
    from referralmatch.eligibility.parse import description_eligibility

    description = "ELIGIBILITY: Adults with disabilities.\n\nOVERVIEW: Job placement."
    assert description_eligibility("See notes.", description) == "Adults with disabilities."
    assert description_eligibility("", description) == "Adults with disabilities."
    assert description_eligibility("Ages 18 and older.", description) == ""  # the field says
    assert description_eligibility("See notes.", "OVERVIEW: Job placement.") == ""


def test_a_residence_for_one_gender_in_a_description_is_a_gender_restriction():
    # sleeping quarters "for female ex-offenders" house women only: the gender may exclude a man,
    # while the groups named with it ("recovering addicts") and a plain "for X" stay loose
    house = Service(
        id="h", name="Transitional House",
        description="Provides transitional housing for female ex-offenders and recovering addicts.",
        eligibility_description="Must have completed a 28-day inpatient drug treatment program.",
    )  # fmt: skip
    gender = [r for r in rules_for_service(house) if r.kind == "gender"]
    assert len(gender) == 1 and gender[0].hard and gender[0].origin == "description"
    man = ClientProfile(age=33, gender="male")
    assert any(v.status == "unmet" and v.rule.kind == "gender" for v in evaluate(gender, man))
    shelter = Service(
        id="s", name="Shelter", description="Operates an emergency shelter for single men."
    )
    assert [r.describe() for r in rules_for_service(shelter) if r.hard] == ["male only"]
    # counselling "for women" names its clientele loosely: it never excludes on its own
    talk = Service(id="c", name="Counseling", description="Provides counseling for women.")
    assert all(not r.hard for r in rules_for_service(talk))


def test_a_man_whose_pregnancy_is_not_given_is_judged_not_pregnant() -> None:
    # "Children up to age 19, and pregnant women": a man of 38 living alone is neither, so the
    # rule is unmet (it was "pregnancy unknown"); a transgender man's pregnancy stays unknown
    from referralmatch.matching.filters import eligibility_profile

    rules = parse("Children up to age 19, and pregnant women of any age.")
    on = date(2026, 6, 1)
    man = eligibility_profile(ClientProfile(age=38, gender="male", household_size=1), on)
    assert man.pregnant is False
    assert any(v.status == "unmet" for v in evaluate(rules, man))
    trans = eligibility_profile(ClientProfile(age=38, gender="trans man", household_size=1), on)
    assert trans.pregnant is None
    assert not any(v.status == "unmet" for v in evaluate(rules, trans))


def test_bare_pointer_to_the_notes_beside_rules_is_no_unknown_rule() -> None:
    """"Also see notes" beside a rule adds no unknown requirement; a pointer alone stays one
    unknown rule and a pointer with a topic ("See notes for income guidelines") stays unknown."""
    assert [r.describe() for r in parse("Ages 18 and older. Also see notes.")] == ["age 18+"]
    assert [r.kind for r in parse("Open to anyone. Also, see notes.")] == ["none"]
    assert [r.kind for r in parse("Low income. (See notes).")] == ["income"]
    assert [(r.kind, r.confidence) for r in parse("See notes.")] == [("other", 0.3)]
    assert [(r.kind, r.confidence) for r in parse("Also see notes.")] == [("other", 0.3)]
    topic = parse("Low income residents. See notes for Tax Assistance.")
    assert [r.kind for r in topic] == ["income", "other"]


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("Must have a source of income.", True),  # a real debt-counselling service's whole rule
        ("Must have steady income and be 18 or older.", True),
        ("Persons with income below 200% FPL.", False),
        ("Families with no income.", False),
        ("Persons with limited income.", False),
    ],
)
def test_a_requirement_to_have_an_income_is_read_and_judged(text: str, reads: bool) -> None:
    """"Must have a source of income" asks for some income, not a low one: met by a client who
    earns, unmet for one with none, unknown when income is not given; income limits and "no
    income" are not read as it."""
    rules = [r for r in parse(text) if isinstance(r, IncomeRule) and r.requires_income]
    assert bool(rules) is reads
    if reads:
        rule = rules[0]
        assert rule.describe() == "has an income" and not rule.qualitative

        def status(client: ClientProfile) -> str:
            return evaluate([rule], client, on=ON)[0].status

        assert status(ClientProfile(annual_income=15_000)) == "met"
        assert status(ClientProfile(annual_income=0)) == "unmet"
        assert status(ClientProfile()) == "unknown"



@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("Must have insurance or medical assistance.", {"medicaid", "medicare", "private", "va/tricare"}),
        ("Must have health insurance.", {"medicaid", "medicare", "private", "va/tricare"}),
        ("Insured patients only.", {"medicaid", "medicare", "private", "va/tricare"}),
        ("Must have Medical Assistance.", {"medicaid"}),
    ],
)
def test_a_requirement_to_be_insured_is_read(text: str, accepted: set[str]) -> None:
    """"Must have insurance or medical assistance" (a real residential programme's rule) requires
    some insurance: unmet for an uninsured client, met for one on Medicaid. "Medical Assistance"
    is Medicaid's name in Maryland; a service "not eligible for Medical Assistance" and one that
    "provides medical assistance" require none."""
    rules = [r for r in parse(text) if isinstance(r, InsuranceRule)]
    assert len(rules) == 1 and rules[0].required and rules[0].accepted == accepted
    assert evaluate(rules, ClientProfile(insurance=["uninsured"]), on=ON)[0].status == "unmet"
    assert evaluate(rules, ClientProfile(insurance=["medicaid"]), on=ON)[0].status == "met"
    for text in ("Persons not eligible for Medical Assistance.", "Provides medical assistance to the poor."):
        assert not any(isinstance(r, InsuranceRule) for r in parse(text))


def test_indigent_is_low_income_and_no_income_limits_are_not() -> None:
    """"Indigent persons who have committed a crime" (public defenders) and "Indigent/no income"
    (a state clinic) ask for a low income; "No income restrictions" asks for none."""
    for text in ("Indigent persons who have committed a crime or misdemeanor.", "Indigent/no income."):
        rules = [r for r in parse(text) if isinstance(r, IncomeRule)]
        assert len(rules) == 1 and rules[0].qualitative
        assert evaluate(rules, ClientProfile(annual_income=9_000, household_size=1), on=ON)[0].status == "met"
    assert not any(isinstance(r, IncomeRule) for r in parse("No income restrictions."))
    assert not any(isinstance(r, IncomeRule) for r in parse("Open to anyone. No income requirements."))


def test_in_danger_of_becoming_homeless_is_at_risk_of_homelessness() -> None:
    """"Persons who are homeless or in danger of becoming homeless" (a homeless persons' legal
    project) takes someone at risk of homelessness as well: one situation rule of two
    alternatives, met for a tenant facing eviction."""
    rules = [r for r in parse("Persons who are homeless or in danger of becoming homeless.") if r.kind == "situation"]
    assert len(rules) == 1 and rules[0].situations == {"homeless", "at_risk_of_homelessness"}
    tenant = ClientProfile(situations=["at_risk_of_homelessness"])
    assert evaluate(rules, tenant, on=ON)[0].status == "met"


def test_women_with_children_is_a_mother_and_her_children_not_a_father_with_his() -> None:
    """"Homeless women with dependent children" (a transitional house) and "Operates 12
    apartments for homeless women with children only." (one programme of a YMCA) serve a mother
    with her children: a father with his children fails on gender (her children of any gender
    are welcome), a mother meets it. "Fathers with children" is the reverse; a clause naming
    both genders ("Men, women, or men/women with children") sets none."""
    father = ClientProfile(age=40, gender="male", household_size=3, dependents_ages=[4, 9])
    mother = ClientProfile(age=30, gender="female", household_size=2, dependents_ages=[6])
    for rules in (parse("Homeless women with dependent children."),
                  programme_rules("Operates 12 apartments for homeless women with children only.")):  # fmt: skip
        (gender,) = [r for r in rules if isinstance(r, GenderRule)]
        assert gender.allowed == {"female"} and gender.children_ok
        assert evaluate([gender], father, on=ON)[0].status == "unmet"
        assert evaluate([gender], mother, on=ON)[0].status == "met"
    (dads,) = [r for r in parse("Fathers with children.") if isinstance(r, GenderRule)]
    assert dads.allowed == {"male"}
    assert not any(isinstance(r, GenderRule) for r in parse("Men, women, or men/women with children."))
    assert not any(isinstance(r, GenderRule) for r in parse("Families with children."))


def test_a_programme_sentence_of_bare_ages_is_that_programmes_age_limit() -> None:
    """"6) YOUTH PROGRAMS: After-school tutoring and sports. Ages 5-17." (a YMCA): within one
    programme's own text a sentence of ages alone is its limit, the children's ages it serves
    (met by a child in the household); "Ages 21 and up." is the client's own. The same
    sentence in a description listing several programmes sets no rule for the whole service."""
    (age,) = programme_rules("After-school tutoring and sports. Ages 5-17.")
    assert isinstance(age, AgeRule) and (age.min_age, age.max_age, age.applies_to) == (5, 17, "dependent")
    man = ClientProfile(age=45, gender="male", household_size=1)
    parent = ClientProfile(age=35, household_size=2, dependents_ages=[9])
    assert evaluate([age], man, on=ON)[0].status == "unmet"
    assert evaluate([age], parent, on=ON)[0].status == "met"
    (adult,) = programme_rules("Dental care for adults. Ages 21 and up.")
    assert isinstance(adult, AgeRule) and (adult.min_age, adult.applies_to) == (21, "client")
    ymca = Service(id="y", organization_id="o", name="YMCA", description=(
        "1) AQUATICS PROGRAMS: Swimming lessons.\n\n2) YOUTH PROGRAMS: After-school tutoring and "
        "sports. Ages 5-17."))  # fmt: skip
    assert not any(r.kind == "age" for r in rules_for_service(ymca))
    assert programme_rules("Swimming lessons for all ages.") == []


def test_adults_named_alone_beside_families_make_the_family_an_alternative() -> None:
    # real Baltimore eligibility: "Formerly homeless women and women with children" once required
    # a child, so a single woman failed three women's housing programmes built for her; adults
    # named on their own beside a family ("single adults and families with children", "families
    # with children and single adults") make the family one of those served. A gendered parent
    # still names who is served: a single father fails the women's programme.
    single_woman = ClientProfile(age=40, gender="female", household_size=1)
    father = ClientProfile(age=40, gender="male", household_size=2, dependents_ages=[6])
    single_man = ClientProfile(age=40, gender="male", household_size=1)
    women = parse("Formerly homeless women and women with children.")
    assert "parenting" not in [r.kind for r in women]
    assert {e.status for e in evaluate(women, single_woman) if e.rule.kind == "gender"} == {"met"}
    assert "unmet" in {e.status for e in evaluate(women, father)}
    for text in ("Low income single adults and families with children.",
                 "Families with children and single adults.",
                 "Homeless individuals and families with children"):  # fmt: skip
        assert "unmet" not in {e.status for e in evaluate(parse(text), single_man)}, text
    assert "unmet" in {e.status for e in evaluate(parse("Homeless families with children only."), single_man)}


def test_one_or_two_parent_families_are_families_with_children() -> None:
    # real Link-SF shelters: "1- or 2- parent families with children under 18; pregnant women in
    # the 7th month ..." once read as "female only" (from "pregnant women") with the families
    # unread: a father with his children was turned away and a single adult was not
    single_man = ClientProfile(age=40, gender="male", household_size=1, pregnant=False)
    father = ClientProfile(age=40, gender="male", household_size=2, dependents_ages=[6])
    for text in (
        "1- or 2- parent families with children under 18; pregnant women in the 7th month "
        "(or 5th month with documented high risk), and same sex couples accepted.",
        "Shelter for 1- or 2- parent families, expectant couples (with proof), and pregnant women in 7th month.",
    ):
        rules = parse(text)
        assert "gender" not in [r.kind for r in rules], text
        assert next(r.describe() for r in rules if r.kind == "parenting").startswith("pregnant or"), text
        assert "unmet" in {e.status for e in evaluate(rules, single_man)}, text
        assert "unmet" not in {e.status for e in evaluate(rules, father)}, text
    (rule,) = parse("Two parent families with children under 12")
    assert rule.describe() == "family with a child up to 11"
    assert [r.kind for r in parse("Single-parent families.")] == ["parenting"]


def test_residence_in_listed_zip_codes() -> None:
    # Link-SF and Baltimore write ZIP residence plainly; the list is the area (", or 94131" in
    # the list is no hedge), and a ZIP that only decides who may self-refer is no residency rule
    for text, area in (
        ("Must live in 94107, 94110, 94112, 94114, or 94131 zip code.", "94107, 94110, 94112, 94114, 94131"),
        ("Must be a resident of zip code 21216.", "21216"),
        ("Residents of zip codes: 21201, 21202 and 21230.", "21201, 21202, 21230"),
    ):
        (rule,) = parse(text)
        assert isinstance(rule, ResidencyRule) and rule.area == area and rule.confidence == 0.8, text
    assert "residency" not in [r.kind for r in parse("Self referrals are accepted for zip code 21224.")]


def test_a_description_sentence_opening_with_a_group_and_its_ages() -> None:
    # Link-SF youth shelters give their ages in a sentence of their notes ("Youths 11-17 who are
    # not on probation, call ..."): a 20-year-old was sent to two shelters for minors
    from referralmatch.eligibility.parse import _description_rules

    text = (
        "Shelter for Youths. 3 meals daily for shelter guests. English, Spanish.; Youths 11-17 who "
        "are not on probation, call if you can or show up to be assessed for short-term housing."
    )
    (rule,) = _description_rules(text)
    assert isinstance(rule, AgeRule) and (rule.min_age, rule.max_age) == (11, 17)
    assert rule.confidence >= 0.5  # explicit ages: firm enough to exclude
    assert "unmet" in {e.status for e in evaluate([rule], ClientProfile(age=20))}
    assert [r.describe() for r in _description_rules("Guardians called.; Youths aged 12-17 call; or show up")] == [
        "age 12-17"
    ]
    assert _description_rules("We serve 300 children 5-12 each year.") == []


def test_description_ages_close_a_for_phrase_or_a_list_of_groups() -> None:
    # ORUK Bristol: "a free service ... for young people aged 5-18 with a sibling or parent with a
    # disability" (a young carers' project) came back for a carer of 70; ages that close a list
    # of groups bound every group ("for children and teens aged 8-18")
    from referralmatch.eligibility.parse import _description_rules

    (rule,) = _description_rules(
        "The project is a free service for young people aged 5-18 with a sibling or parent with a disability."
    )
    assert isinstance(rule, AgeRule) and (rule.min_age, rule.max_age) == (5, 18) and rule.confidence >= 0.5
    (rule,) = _description_rules("Weekly sessions for children and teens aged 8-18.")
    assert (rule.min_age, rule.max_age) == (8, 18)
    assert _description_rules("Drop-in for men, women and families.") == []


def test_a_description_opening_with_the_families_it_takes() -> None:
    # Link-SF's family shelters open their text with whom they take; a single man was sent there
    from referralmatch.eligibility.parse import _description_rules

    single_man = ClientProfile(age=45, gender="male", household_size=1, pregnant=False)
    mother = ClientProfile(age=30, gender="female", household_size=2, dependents_ages=[3])
    for text in (
        "1- or 2- parent families with children under 18; pregnant women in the 7th month (or 5th "
        "month with documented high risk), and same sex couples accepted.; Come daily 3-8pm.",
        "Shelter for 1- or 2- parent families, expectant couples (with proof), and pregnant women in "
        "7th month. Same-sex couples accepted. 1 night or 60-day beds.",
    ):
        (rule,) = _description_rules(text)
        assert isinstance(rule, ParentingRule) and rule.pregnant_ok and rule.confidence >= 0.5, text
        assert [e.status for e in evaluate([rule], single_man)] == ["unmet"], text
        assert [e.status for e in evaluate([rule], mother)] == ["met"], text
    assert _description_rules("Family members of people with mental illness meet monthly.") == []
    assert _description_rules("Families and individuals can pick up groceries.") == []


def test_a_limit_on_accompanying_boys_is_not_the_clients_age() -> None:
    # "No boys over the age of 11" (a women's shelter) once read as "age 11+" for the woman and
    # "male only" beside "women", dropping the shelter's women-only rule
    rules = parse("Single women and women with children.  No boys over the age of 11.")
    assert [r.kind for r in rules] == ["gender"]
    (gender,) = rules
    assert isinstance(gender, GenderRule) and gender.allowed == frozenset({"female"})


def test_an_ampersand_age_bound_and_senior_citizens_are_read_whole() -> None:
    # real Baltimore eligibility: "Persons 50 & older" was one unknown rule, and "Senior
    # citizens" carried an unknown "other requirement" beside its senior age
    assert [r.describe() for r in parse("Persons 50 & older")] == ["age 50+"]
    assert [r.describe() for r in parse("Ages 18 & up.")] == ["age 18+"]
    assert [r.kind for r in parse("Senior citizens")] == ["age"]
    assert [r.kind for r in parse("U.S. citizens only")] == ["immigration"]


def test_open_to_the_general_public_is_no_requirement_but_public_housing_is() -> None:
    # real Baltimore eligibility: "Open to public" (19 services) and "Open to the general public"
    # were unknown "other requirements"; "Open to public housing residents" is a restriction
    for text in ("Open to public", "Open to the general public", "Open to general public."):
        assert [r.kind for r in parse(text)] == ["none"], text
    assert "none" not in [r.kind for r in parse("Open to public housing residents")]
    # "Open to any resident." (17 Baltimore services): no requirement; of a named place, residency
    assert [r.kind for r in parse("Open to any resident.")] == ["none"]
    assert [r.kind for r in parse("Open to any resident of Hampden.")] == ["residency"]
