"""Negation and exception in eligibility text: exclusions, explicit no-requirements, age exceptions."""

from __future__ import annotations

import pytest

from referralmatch.eligibility import (
    AgeRule,
    ExclusionRule,
    GenderRule,
    NoRequirement,
    ParentingRule,
    Rule,
    VeteranRule,
    evaluate,
    numeric_bounds,
    parse,
)
from referralmatch.models.client import ClientProfile


def sig(rule: Rule) -> str:
    """A short, readable signature of what a rule means (not how sure the parser was)."""
    if isinstance(rule, AgeRule):
        def span(lo: float | None, hi: float | None) -> str:
            return f"{'' if lo is None else f'{lo:g}'}-{'' if hi is None else f'{hi:g}'}"
        text = "age:" + span(rule.min_age, rule.max_age)
        if rule.exception is not None:
            text += "|" + span(rule.exception_min_age, rule.exception_max_age)
        return text if rule.applies_to == "client" else "child" + text
    if isinstance(rule, GenderRule):
        if rule.excluded:
            return "gender-:" + "+".join(sorted(rule.excluded))
        return "gender:" + "+".join(sorted(rule.allowed)) + ("+children" if rule.children_ok else "")
    if isinstance(rule, NoRequirement):
        return "none" + (f":{rule.about}" if rule.about else "")
    if isinstance(rule, VeteranRule):
        return "veteran-" if rule.excluded else "veteran"
    if isinstance(rule, ParentingRule):
        return "parenting-" if rule.excluded else "parenting"
    if isinstance(rule, ExclusionRule):
        return f"exclusion:{rule.text}"
    return rule.kind


# (eligibility text as directories write it, the signatures of the rules it means)
TABLE: list[tuple[str, set[str]]] = [
    # a gender shut out
    ("No men", {"gender-:male"}),
    ("Men are not eligible", {"gender-:male"}),
    ("No men allowed", {"gender-:male"}),
    ("No males", {"gender-:male"}),
    ("Males are not accepted", {"gender-:male"}),
    ("Not open to men", {"gender-:male"}),
    ("This program does not serve men", {"gender-:male"}),
    ("We cannot accept male clients", {"gender-:male"}),
    ("No women", {"gender-:female"}),
    ("Women are not eligible for this program", {"gender-:female"}),
    ("Females not accepted", {"gender-:female"}),
    ("Women only, no men", {"gender-:male"}),
    ("Single women only. No men or children", {"gender-:male", "parenting-"}),
    ("Men not allowed", {"gender-:male"}),
    ("Excludes men", {"gender-:male"}),
    # veterans shut out, or explicitly not required
    ("Not for veterans", {"veteran-"}),
    ("Veterans are not eligible", {"veteran-"}),
    ("Non-veterans only", {"veteran-"}),
    ("No veterans", {"veteran-"}),
    ("Excludes veterans", {"veteran-"}),
    ("Veterans and non-veterans welcome", {"none:veteran"}),
    ("Open to veterans and non-veterans", {"none:veteran"}),
    ("Veteran status is not required", {"none:veteran"}),
    ("You do not need to be a veteran", {"none:veteran"}),
    ("Regardless of veteran status", {"none:veteran"}),
    ("No military service required", {"none:veteran"}),
    # income
    ("No income requirement", {"none:income"}),
    ("No income requirements.", {"none:income"}),
    ("No income limits", {"none:income"}),
    ("No income restrictions", {"none:income"}),
    ("No income guidelines", {"none:income"}),
    ("Regardless of income", {"none:income"}),
    ("Income is not a factor", {"none:income"}),
    ("No proof of income required", {"none:income"}),
    ("Services are provided regardless of ability to pay", {"none:income"}),
    ("All income levels welcome", {"none:income"}),
    ("No income verification needed", {"none:income"}),
    ("Open to all regardless of income", {"none", "none:income"}),
    # age
    ("No age limit", {"none:age"}),
    ("No age requirement", {"none:age"}),
    ("No age restrictions", {"none:age"}),
    ("Regardless of age", {"none:age"}),
    ("Age is not a factor", {"none:age"}),
    ("No minimum age", {"none:age"}),
    ("All ages welcome", {"none:age"}),
    # gender open to all
    ("Open to all genders", {"none:gender"}),
    ("All genders welcome", {"none:gender"}),
    ("Regardless of gender", {"none:gender"}),
    ("Both men and women", {"none:gender"}),
    ("Men and women are welcome", {"none:gender"}),
    ("Any gender identity", {"none:gender"}),
    ("Serving all genders", {"none:gender"}),
    # insurance
    ("No insurance needed", {"none:insurance"}),
    ("No insurance required", {"none:insurance"}),
    ("Insurance is not required", {"none:insurance"}),
    ("You don't need insurance", {"none:insurance"}),
    ("Regardless of insurance status", {"none:insurance"}),
    ("Insured and uninsured welcome", {"none:insurance"}),
    ("Health insurance not necessary", {"none:insurance"}),
    # documents
    ("No documentation required", {"none:documentation"}),
    ("No ID required", {"none:documentation"}),
    ("No ID needed", {"none:documentation"}),
    ("No photo ID necessary", {"none:documentation"}),
    ("No documents needed", {"none:documentation"}),
    ("No paperwork required", {"none:documentation"}),
    ("ID is not required", {"none:documentation"}),
    ("No Social Security number required", {"none:documentation"}),
    ("You don't have to show ID", {"none:documentation"}),
    # immigration
    ("Regardless of immigration status", {"none:immigration"}),
    ("Immigration status is not asked", {"none:immigration"}),
    ("Citizenship not required", {"none:immigration"}),
    ("Documented and undocumented welcome", {"none:immigration"}),
    ("No citizenship requirement", {"none:immigration"}),
    ("Regardless of income or immigration status", {"none:income", "none:immigration"}),
    # residency, referral, appointment, sobriety, diagnosis
    ("No residency requirement", {"none:residency"}),
    ("No proof of address needed", {"none:residency"}),
    ("Regardless of where you live", {"none:residency"}),
    ("Residents and non-residents welcome", {"none:residency"}),
    ("No referral needed", {"none:referral"}),
    ("No referral necessary", {"none:referral"}),
    ("Does not require a referral", {"none:referral"}),
    ("No appointment necessary", {"none:appointment"}),
    ("No appointment needed, walk-ins welcome", {"none:appointment"}),
    ("Sobriety not required", {"none:sobriety"}),
    ("You do not have to be sober", {"none:sobriety"}),
    ("No sobriety requirement", {"none:sobriety"}),
    ("No diagnosis required", {"none:diagnosis"}),
    ("A diagnosis is not required", {"none:diagnosis"}),
    # people shut out
    ("Except registered sex offenders", {"exclusion:registered sex offenders"}),
    ("No sex offenders", {"exclusion:sex offenders"}),
    ("Registered sex offenders are not eligible", {"exclusion:registered sex offenders"}),
    ("Open to all except registered sex offenders", {"none", "exclusion:registered sex offenders"}),
    ("Cannot accept persons convicted of arson", {"exclusion:persons convicted of arson"}),
    ("Violent offenders are not accepted", {"exclusion:violent offenders"}),
    ("No one under the influence", {"sobriety"}),
    ("No children", {"parenting-"}),
    ("Adults only; no children", {"age:18-", "parenting-"}),
    ("No minors", {"age:18-"}),
    ("Does not serve families with children", {"parenting-"}),
    ("Single adults only, no families", {"age:18-", "parenting-"}),
    # age exceptions
    ("Ages 18+ (17 with parent consent)", {"age:18-|17-"}),
    ("18 and older; 16-17 with parental consent", {"age:18-|16-"}),
    ("Adults 18+, or 17 with guardian permission", {"age:18-|17-"}),
    ("Ages 12-17 (18-21 if still in high school)", {"age:12-17|-21"}),
    ("Must be 18 or older unless emancipated", {"age:18-|0-"}),
    ("Age 21 and over (18 with a disability)", {"age:21-|18-"}),
    ("Ages 16 and up; 14-15 with a referral", {"age:16-|14-"}),
    # women and children
    ("Women and children only", {"gender:female+children"}),
    ("Women and their children", {"gender:female+children"}),
]


def test_table_size() -> None:
    assert len(TABLE) >= 80
    assert len({t for t, _ in TABLE}) == len(TABLE)


def test_share_parsed_as_expected(capsys: pytest.CaptureFixture[str]) -> None:
    wrong = []
    for text, expected in TABLE:
        got = {sig(r) for r in parse(text)}
        if got != expected:
            wrong.append((text, sorted(expected), sorted(got)))
    share = 1 - len(wrong) / len(TABLE)
    with capsys.disabled():
        print(f"\nnegation/exception phrasings parsed as expected: "
              f"{len(TABLE) - len(wrong)}/{len(TABLE)} = {share:.1%}")
        for row in wrong:
            print("  wrong:", row)
    assert share >= 0.95


def test_no_men_is_not_male_only() -> None:
    rule = parse("No men")[0]
    assert isinstance(rule, GenderRule) and rule.excluded == {"male"} and "male" not in rule.allowed
    assert rule.describe() == "no male clients"
    statuses = {g: evaluate([rule], ClientProfile(gender=g))[0].status
                for g in ("female", "male", "nonbinary", "transgender male")}
    assert statuses == {"female": "met", "male": "unmet", "nonbinary": "unknown",
                        "transgender male": "unmet"}


def test_not_for_veterans_judged() -> None:
    rule = parse("Not for veterans")[0]
    assert isinstance(rule, VeteranRule) and rule.excluded and rule.describe() == "not for veterans"
    assert [evaluate([rule], ClientProfile(veteran=v))[0].status for v in (True, False, None)] == [
        "unmet", "met", "unknown"]
    assert evaluate([rule], ClientProfile(situations=["veteran"]))[0].status == "unmet"
    b = numeric_bounds([rule])
    assert b["veteran_excluded"] and not b["veteran_required"]


def test_no_requirement_topics_are_met_and_kept_apart() -> None:
    rules = parse("No income requirement; no age limit; no ID required")
    assert sorted(r.about for r in rules if isinstance(r, NoRequirement)) == [
        "age", "documentation", "income"]
    assert {v.status for v in evaluate(rules, ClientProfile())} == {"met"}
    assert sorted(r.describe() for r in rules) == [
        "no age requirement", "no documentation requirement", "no income requirement"]


def test_no_income_requirement_is_not_low_income() -> None:
    assert not any(r.kind == "income" for r in parse("No income requirement"))
    assert not any(r.kind == "income" for r in parse("Anyone in need. No income requirement."))


def test_age_exception_judged_unknown_not_unmet() -> None:
    rules = parse("Ages 18+ (17 with parent consent)")
    (rule,) = rules
    assert isinstance(rule, AgeRule) and rule.min_age == 18 and rule.exception_min_age == 17
    assert rule.describe() == "age 18+ (17 with parent consent)"
    seen = {age: evaluate(rules, ClientProfile(age=age))[0] for age in (16, 17, 18)}
    assert [seen[a].status for a in (16, 17, 18)] == ["unmet", "unknown", "met"]
    assert seen[17].reason == "age 18+ (17 with parent consent): met only with parent consent"
    assert numeric_bounds(rules)["min_age"] == 17  # the index must not exclude a 17-year-old


def test_age_exception_above_a_maximum() -> None:
    (rule,) = parse("Ages 12-17 (18-21 if still in high school)")
    assert isinstance(rule, AgeRule) and rule.exception_max_age == 21
    assert [evaluate([rule], ClientProfile(age=a))[0].status for a in (17, 20, 22)] == [
        "met", "unknown", "unmet"]
    assert numeric_bounds([rule])["max_age"] == 21


def test_exception_with_nothing_to_loosen_is_kept() -> None:
    rules = parse("Veterans (17 with parent consent)")
    assert any(r.kind == "other" and "consent" in r.source_text for r in rules)


def test_exclusion_is_unknown_unless_the_situation_says() -> None:
    rules = parse("Except registered sex offenders")
    assert [v.status for v in evaluate(rules, ClientProfile())] == ["unknown"]
    rule = ExclusionRule(text="people experiencing homelessness", situation="homeless")
    assert evaluate([rule], ClientProfile(situations=["homeless"]))[0].status == "unmet"
    assert evaluate([rule], ClientProfile(situations=["veteran"]))[0].status == "unknown"


def test_no_children_judged_from_household() -> None:
    rules = [r for r in parse("No children") if isinstance(r, ParentingRule)]
    judge = lambda **kw: evaluate(rules, ClientProfile(**kw))[0].status  # noqa: E731
    assert judge(dependents_ages=[4]) == "unmet"
    assert judge(household_size=1) == "met"
    assert judge(dependents_ages=[]) == "met"
    assert judge() == "unknown"
    assert judge(situations=["parenting"]) == "unmet"
    assert numeric_bounds(rules)["parenting_excluded"]


@pytest.mark.parametrize("text", [
    "Men and women in separate homes", "No cost", "Women 18+", "Veterans", "Homeless men",
    "Ages 18 and over", "Medi-Cal accepted", "Serves men, women and children",
])
def test_plain_requirements_are_not_negated(text: str) -> None:
    rules = parse(text)
    assert not any(isinstance(r, GenderRule) and r.excluded for r in rules)
    assert not any(isinstance(r, VeteranRule) and r.excluded for r in rules)
    assert not any(isinstance(r, ExclusionRule) for r in rules)
    assert not any(isinstance(r, NoRequirement) and r.about for r in rules)
