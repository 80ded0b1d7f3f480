"""Free-text needs in people's own words: the phrase lexicon, its resolver, and match_need_text."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from referralmatch.errors import ConfigurationError
from referralmatch.needs.categories import NeedCategories
from referralmatch.needs.classify import match_need_text
from referralmatch.needs.phrases import PhraseResolution, _build, resolve_need_text

CATS = NeedCategories.default()

# Expected: "a|b" = the best category is one of these; "a+b" = all of these are found.
ENGLISH = [
    ("I have nowhere to sleep tonight", "emergency_shelter"),
    ("me and my kids are sleeping in the car", "emergency_shelter"),
    ("I've been sleeping outside behind the church", "emergency_shelter"),
    ("i'm homeless since last week", "emergency_shelter"),
    ("need a bed for tonight, anywhere", "emergency_shelter"),
    ("I got nowhere to go after they discharge me", "emergency_shelter"),
    ("living on the street for two months", "emergency_shelter"),
    ("been couch surfing at friends' places", "emergency_shelter"),
    ("is there a shelter that takes dogs", "emergency_shelter"),
    ("they're kicking me out on Friday", "housing|rental_assistance"),
    ("my mom threw me out of the house", "housing"),
    ("I got evicted last month", "housing|rental_assistance"),
    ("I need a place to live", "housing|housing_search"),
    ("looking for a cheap apartment for me and my son", "housing"),
    ("can somebody help me find an apartment", "housing_search|housing"),
    ("is there a waiting list for section 8", "housing"),
    ("my landlord wants me out by the end of the month", "housing|rental_assistance"),
    ("I need help with my rent", "rental_assistance"),
    ("I'm two months behind on rent", "rental_assistance"),
    ("can't pay rent this month", "rental_assistance"),
    ("I got an eviction notice on my door", "rental_assistance"),
    ("the landlord is trying to evict me", "rental_assistance|housing"),
    ("I owe back rent and he's taking me to court", "rental_assistance"),
    ("I need money for a security deposit", "rental_assistance"),
    ("my rent is due and I'm short", "rental_assistance"),
    ("can't pay the light bill", "utilities"),
    ("they're going to shut off my electric", "utilities"),
    ("my gas got turned off and it's freezing", "utilities"),
    ("we got a shut off notice from the water company", "utilities"),
    ("help paying my power bill", "utilities"),
    ("no heat in the apartment and a baby at home", "utilities"),
    ("I'm hungry and haven't eaten since yesterday", "food"),
    ("we have nothing to eat at home", "food"),
    ("where can I get groceries for free", "food"),
    ("I can't afford food until my check comes", "food"),
    ("need to feed my kids this weekend", "food"),
    ("is there a food pantry near me", "food"),
    ("we ran out of food stamps", "benefits_enrollment|food"),
    ("I need formula for my baby", "food"),
    ("I lost my job", "employment"),
    ("got laid off from the warehouse", "employment"),
    ("I need a job bad", "employment"),
    ("looking for work, anything", "employment"),
    ("I've been unemployed since march", "employment"),
    ("I got fired and need to find work", "employment"),
    ("they cut my hours and I need another job", "employment"),
    ("want to learn a trade like welding", "job_training"),
    ("help me with my resume", "job_training"),
    ("I just need someone to talk to", "therapy"),
    ("I've been so depressed I can't get out of bed", "therapy"),
    ("my anxiety is through the roof", "therapy"),
    ("I need counseling", "therapy"),
    ("I want to see a therapist", "therapy"),
    ("having nightmares since the accident", "therapy"),
    ("I feel hopeless all the time", "therapy"),
    ("I think I have ptsd from the army", "therapy"),
    ("I cry all the time and don't know why", "therapy"),
    ("me and my wife keep fighting, we need couples counseling", "family_therapy"),
    ("I ran out of my meds for my bipolar", "psychiatry|therapy"),
    ("I need a psychiatrist to refill my medication", "psychiatry"),
    ("can I do therapy online from home", "telehealth_therapy"),
    ("I want a support group", "support_groups"),
    ("I need people who understand what I'm going through", "support_groups"),
    ("I'm so lonely since I moved here", "support_groups"),
    ("I want to go to an AA meeting", "peer_recovery"),
    ("looking for a narcotics anonymous meeting tonight", "peer_recovery"),
    ("my husband passed away in June", "grief_support"),
    ("I lost my baby and can't stop thinking about it", "grief_support"),
    ("I drink too much", "substance_use_treatment"),
    ("I can't stop drinking", "substance_use_treatment"),
    ("I'm using again after 2 years clean", "substance_use_treatment"),
    ("I need to detox from heroin", "substance_use_treatment"),
    ("my fentanyl use is out of control", "substance_use_treatment"),
    ("I want to go to rehab", "substance_use_treatment"),
    ("I'm addicted to pills", "substance_use_treatment"),
    ("need help getting on suboxone", "substance_use_treatment"),
    ("my husband hits me", "domestic_violence"),
    ("my boyfriend beat me up last night", "domestic_violence"),
    ("I'm scared to go home", "domestic_violence"),
    ("he threatened to kill me if I leave", "domestic_violence"),
    ("I need a restraining order against my ex", "domestic_violence|legal"),
    ("my partner chokes me when he's drunk", "domestic_violence"),
    ("I was raped at a party", "violence_survivor_support"),
    ("I'm having a panic attack right now", "crisis|therapy"),
    ("I'm hearing voices again", "crisis"),
    ("I need a ride to my doctor appointment", "transportation"),
    ("I don't have a car to get to work", "transportation|employment"),
    ("can I get a bus pass", "transportation"),
    ("I need a lawyer for my custody case", "legal"),
    ("I have a court date next week", "legal"),
    ("I want to get my record expunged", "legal"),
    ("they're trying to deport my husband", "legal"),
    ("I'm broke and can't pay my bills", "financial"),
    ("I need some cash to get by", "financial"),
    ("I need to see a doctor", "health_care"),
    ("my tooth is killing me, I need a dentist", "health_care"),
    ("I don't have health insurance", "health_care"),
    ("I'm pregnant and haven't seen anyone", "health_care"),
    ("I want to get my GED", "education"),
    ("I want to learn English", "education"),
    ("I need daycare so I can work", "child_care"),
    ("who can watch my kids while I'm at the hospital", "child_care"),
    ("how do I apply for food stamps", "benefits_enrollment"),
    ("I want to apply for disability", "benefits_enrollment"),
    ("help with medicaid", "benefits_enrollment"),
    ("supported employment", "supported_employment"),
    ("I lost my job and can't pay rent", "employment+rental_assistance"),
    ("no food and the lights are off", "food+utilities"),
    ("I drink too much and my wife left me, I have nowhere to stay",
     "substance_use_treatment+emergency_shelter"),
    ("my boyfriend hits me and I need a place to stay tonight",
     "domestic_violence+emergency_shelter"),
    ("I'm depressed and lost my job", "therapy+employment"),
]

SPANISH = [
    ("no tengo donde dormir", "emergency_shelter"),
    ("estoy durmiendo en mi carro con mis hijos", "emergency_shelter"),
    ("vivo en la calle desde hace un mes", "emergency_shelter"),
    ("necesito un albergue para esta noche", "emergency_shelter"),
    ("no tengo a dónde ir", "emergency_shelter"),
    ("estoy sin hogar", "emergency_shelter"),
    ("necesito vivienda", "housing"),
    ("vivienda", "housing"),
    ("busco un apartamento barato", "housing"),
    ("me echaron de la casa", "housing"),
    ("necesito un lugar para vivir con mi hija", "housing|housing_search"),
    ("perdí mi casa", "housing"),
    ("ayuda con la renta por favor", "rental_assistance"),
    ("no puedo pagar la renta este mes", "rental_assistance"),
    ("debo dos meses de renta", "rental_assistance"),
    ("me van a desalojar", "rental_assistance"),
    ("me llegó un aviso de desalojo", "rental_assistance"),
    ("estoy atrasada con la renta", "rental_assistance"),
    ("no me alcanza para el alquiler", "rental_assistance"),
    ("no puedo pagar el recibo de luz", "utilities"),
    ("me cortaron la luz", "utilities"),
    ("me van a cortar el agua", "utilities"),
    ("necesito ayuda para pagar el gas", "utilities"),
    ("comida", "food"),
    ("no tenemos comida en la casa", "food"),
    ("tengo hambre", "food"),
    ("necesito despensa para mis niños", "food"),
    ("¿dónde hay un banco de comida?", "food"),
    ("no tengo qué darles de comer a mis hijos", "food"),
    ("necesito leche para el bebé", "food"),
    ("trabajo", "employment"),
    ("necesito trabajo", "employment"),
    ("busco trabajo de lo que sea", "employment"),
    ("perdí mi trabajo", "employment"),
    ("me despidieron la semana pasada", "employment"),
    ("estoy desempleado", "employment"),
    ("quiero aprender un oficio", "job_training"),
    ("necesito hablar con alguien", "therapy"),
    ("estoy muy deprimida", "therapy"),
    ("tengo mucha ansiedad", "therapy"),
    ("quiero ir a terapia", "therapy"),
    ("busco un psicólogo que hable español", "therapy"),
    ("me siento triste todo el tiempo", "therapy"),
    ("no puedo dormir por los nervios", "therapy"),
    ("necesito un psiquiatra para mis medicinas", "psychiatry"),
    ("mi esposo y yo necesitamos terapia de pareja", "family_therapy"),
    ("busco un grupo de apoyo", "support_groups"),
    ("quiero ir a alcohólicos anónimos", "peer_recovery"),
    ("se murió mi mamá y no puedo con el duelo", "grief_support"),
    ("bebo demasiado", "substance_use_treatment"),
    ("quiero dejar de tomar", "substance_use_treatment"),
    ("mi hijo usa drogas", "substance_use_treatment"),
    ("necesito un centro de rehabilitación", "substance_use_treatment"),
    ("soy adicto al cristal", "substance_use_treatment"),
    ("mi pareja me pega", "domestic_violence"),
    ("mi esposo me golpea", "domestic_violence"),
    ("mi novio me amenaza", "domestic_violence"),
    ("tengo miedo de mi esposo", "domestic_violence"),
    ("sufro violencia doméstica", "domestic_violence"),
    ("me violaron", "violence_survivor_support"),
    ("necesito transporte para ir al doctor", "transportation"),
    ("no tengo carro para llegar a mi cita", "transportation"),
    ("necesito un abogado", "legal"),
    ("tengo cita en la corte", "legal"),
    ("quiero arreglar mis papeles", "legal"),
    ("no tengo dinero para nada", "financial"),
    ("necesito ver a un médico", "health_care"),
    ("estoy embarazada y no tengo seguro", "health_care"),
    ("me duele una muela y necesito dentista", "health_care"),
    ("quiero clases de inglés", "education"),
    ("quiero terminar la escuela", "education"),
    ("necesito guardería para mi bebé", "child_care"),
    ("no tengo quién me cuide a mis niños", "child_care"),
    ("¿cómo aplico para estampillas de comida?", "benefits_enrollment|food"),
    ("perdí mi trabajo y no puedo pagar la renta", "employment+rental_assistance"),
    ("necesito comida y trabajo", "food+employment"),
]

MISSPELT = [
    ("supprot group", "support_groups"),
    ("councelling", "therapy"),
    ("i need counsling", "therapy"),
    ("looking for a theripist", "therapy"),
    ("im so depresed", "therapy"),
    ("bad anxeity", "therapy"),
    ("i need a psychiatrits", "psychiatry"),
    ("homless and need a sheltor", "emergency_shelter"),
    ("need a shelther tonight", "emergency_shelter"),
    ("i got evicated", "housing|rental_assistance"),
    ("eviciton notice", "rental_assistance"),
    ("cant pay the electic bill", "utilities"),
    ("help with my electricty bill", "utilities"),
    ("grocerys for my famly", "food"),
    ("im hungery", "food"),
    ("need a food pantery", "food"),
    ("unemployeed for months", "employment"),
    ("need emplyment", "employment"),
    ("got layed off", "employment"),
    ("my boyfreind beats me", "domestic_violence"),
    ("domestic violance", "domestic_violence"),
    ("i need a lawer", "legal"),
    ("need an attorny for court", "legal"),
    ("alcholic need help", "substance_use_treatment"),
    ("addicited to herion", "substance_use_treatment"),
    ("need rehab for my adiction", "substance_use_treatment"),
    ("i need a daycar for my daugter", "child_care"),
    ("transportaton to my appointments", "transportation"),
    ("trabaho", "employment"),
    ("necesito vivenda", "housing"),
    ("no tengo comidaa", "food"),
    ("necesito terapía y un sicologo", "therapy"),
    ("desempleada y sin dinero", "employment|financial"),
    ("ayuda con la rentaa", "rental_assistance"),
    ("gupo de apoyo", "support_groups"),
    ("medicaide application", "benefits_enrollment"),
]

# Written after the lexicon was tuned on the lists above and first scored without it seeing them
# (25/32); kept here so later changes are checked against them too.
LATER = [
    ("my landlord changed the locks and my stuff is inside", "housing|legal"),
    ("we're staying in a motel but money runs out friday", "housing|emergency_shelter"),
    ("i need somewhere safe to stay away from him", "emergency_shelter|domestic_violence"),
    ("my electricity is about to be disconnected", "utilities"),
    ("the gas company sent me a final notice", "utilities"),
    ("i haven't had a real meal in days", "food"),
    ("the kids are hungry and payday is next week", "food"),
    ("i need work, i'll do anything", "employment"),
    ("my job let me go after 10 years", "employment"),
    ("i keep having thoughts of ending my life", "crisis"),
    ("i feel like i can't go on", "crisis|therapy"),
    ("i've been really down and can't get out of bed", "therapy"),
    ("i'm drinking every day to cope", "substance_use_treatment"),
    ("i relapsed on pills last week", "substance_use_treatment"),
    ("my husband threatens me and takes my money", "domestic_violence"),
    ("i need someone to watch my baby while i work", "child_care"),
    ("i need a ride to dialysis three times a week", "transportation"),
    ("i need help with my immigration case", "legal"),
    ("i want to finish my diploma", "education"),
    ("i can't afford my medications", "health_care|psychiatry"),
    ("necesito un lugar donde quedarme esta noche", "emergency_shelter"),
    ("nos van a sacar del apartamento", "housing|rental_assistance"),
    ("no tengo para pagar la luz este mes", "utilities"),
    ("mis hijos tienen hambre", "food"),
    ("me quedé sin trabajo", "employment"),
    ("mi marido me maltrata", "domestic_violence"),
    ("ya no aguanto, quiero morirme", "crisis"),
    ("necesito ayuda con mi forma de tomar", "substance_use_treatment"),
    ("busco clases para aprender inglés", "education"),
    ("necesito un doctor que hable español", "health_care"),
    ("grupo de apoyo para padres", "support_groups"),
    ("necesito un abogado de inmigración", "legal"),
]

DANGER = [
    "I want to kill myself",
    "i wanna kill myself",
    "I'm going to hurt someone",
    "I'm thinking about suicide",
    "sometimes I just want to die",
    "I don't want to live anymore",
    "I've been cutting myself again",
    "everyone would be better off without me",
    "I'm going to end it all tonight",
    "I feel like hurting myself",
    "I swear I'm going to kill him",
    "I took pills to not wake up",
    "suicidal thoughts every day",
    "quiero matarme",
    "no quiero vivir",
    "ya no quiero vivir",
    "me quiero morir",
    "voy a quitarme la vida",
    "tengo ganas de lastimarme",
    "voy a matar a alguien",
    "pienso en el suicidio",
    "i want to kil myself",
    "im suicidel",
]

TABLE = (
    [(t, e, "en") for t, e in ENGLISH]
    + [(t, e, "es") for t, e in SPANISH]
    + [(t, e, "misspelt") for t, e in MISSPELT]
    + [(t, e, "later") for t, e in LATER]
    + [(t, "crisis", "danger") for t in DANGER]
)


def _correct(text: str, expected: str) -> bool:
    got = match_need_text(text, CATS)
    keys = [k for k, _ in got]
    if "+" in expected:
        return set(expected.split("+")) <= set(keys)
    return bool(keys) and keys[0] in expected.split("|")


def test_table_sizes() -> None:
    assert len(TABLE) >= 200
    assert len(SPANISH) + sum(1 for t in DANGER if " " in t and t.split()[0] in
                              {"quiero", "no", "ya", "me", "voy", "tengo", "pienso"}) >= 60
    assert len(MISSPELT) >= 30
    assert len({t for t, _, _ in TABLE}) == len(TABLE)  # no phrasing counted twice
    known = set(CATS.keys())
    for _, expected, _ in TABLE:
        assert set(expected.replace("+", "|").split("|")) <= known, expected


def test_share_resolved_correctly(capsys: pytest.CaptureFixture[str]) -> None:
    by_group: dict[str, list[bool]] = {}
    wrong = []
    for text, expected, group in TABLE:
        ok = _correct(text, expected)
        by_group.setdefault(group, []).append(ok)
        if not ok:
            wrong.append((text, expected, match_need_text(text, CATS)[:3]))
    total = [ok for oks in by_group.values() for ok in oks]
    share = sum(total) / len(total)
    with capsys.disabled():
        print(f"\nfree-text needs resolved correctly: {sum(total)}/{len(total)} = {share:.1%}")
        for group, oks in by_group.items():
            print(f"  {group}: {sum(oks)}/{len(oks)}")
        for row in wrong:
            print("  wrong:", row)
    assert share >= 0.95


@pytest.mark.parametrize("text", DANGER)
def test_every_danger_phrase_is_crisis_immediate(text: str) -> None:
    r = resolve_need_text(text)
    assert r.danger and r.urgency == "immediate"
    assert r.categories[0][0] == "crisis"
    assert match_need_text(text, CATS)[0][0] == "crisis"


@pytest.mark.parametrize("text", [
    "I need help with my rent", "I drink too much", "my husband hits me", "trabajo",
    "I'm depressed", "the shelter was full", "I'm not happy with my job",
])
def test_not_danger(text: str) -> None:
    r = resolve_need_text(text)
    assert not r.danger and r.urgency is None and r.categories


def test_brief_examples() -> None:
    expected = {
        "I want to kill myself": "crisis", "my husband hits me": "domestic_violence",
        "help with my rent": "rental_assistance", "I drink too much": "substance_use_treatment",
        "trabajo": "employment", "comida": "food", "vivienda": "housing",
        "supprot group": "support_groups", "councelling": "therapy",
    }
    for text, key in expected.items():
        assert match_need_text(text, CATS)[0][0] == key, text
    assert match_need_text("I got evicted", CATS)[0][0] in {"housing", "rental_assistance"}


def test_several_needs_with_confidences() -> None:
    r = resolve_need_text("I lost my job and can't pay rent")
    assert set(r.keys()) == {"employment", "rental_assistance"}
    assert all(0.0 < c <= 1.0 for _, c in r.categories)
    assert [c for _, c in r.categories] == sorted((c for _, c in r.categories), reverse=True)


def test_fold_case_and_accents() -> None:
    a = resolve_need_text("NO TENGO DÓNDE DORMIR")
    b = resolve_need_text("no tengo donde dormir")
    assert a == b and a.keys() == ("emergency_shelter",)
    assert resolve_need_text("Can’t pay the LIGHT bill").keys()[0] == "utilities"


def test_misspelling_costs_confidence() -> None:
    right = dict(resolve_need_text("support group").categories)["support_groups"]
    wrong = dict(resolve_need_text("supprot group").categories)["support_groups"]
    assert 0.0 < wrong < right


def test_longer_phrase_absorbs_inner_word() -> None:
    assert resolve_need_text("food stamps").keys() == ("benefits_enrollment",)


def test_nothing_found_and_odd_input() -> None:
    for text in ("", "   ", "purple elephant", "12345"):
        r = resolve_need_text(text)
        assert r.categories == () and not r.danger and r.urgency is None
    assert resolve_need_text(None).categories == ()  # type: ignore[arg-type]
    long_text = "blah " * 10_000 + "I need food"
    assert isinstance(resolve_need_text(long_text), PhraseResolution)


def test_note_and_repr_never_echo_the_text() -> None:
    text = "my husband Roberto hits me at 12 Elm Street"
    r = resolve_need_text(text)
    for shown in (r.note, repr(r), str(r)):
        assert "Roberto" not in shown and "Elm" not in shown and "hits" not in shown
    assert "domestic_violence" in r.note


def test_match_need_text_respects_a_custom_registry() -> None:
    small = NeedCategories([c for c in CATS if c.key in {"housing", "food"}])
    keys = [k for k, _ in match_need_text("I lost my job and have no food", small)]
    assert keys == ["food"]
    assert match_need_text("quiero matarme", small) == []


def test_lexicon_categories_exist_and_danger_is_crisis() -> None:
    data = json.loads(resources.files("referralmatch.needs").joinpath("phrases.json").read_text())
    known = set(CATS.keys())
    for entry in data["entries"]:
        assert entry["category"] in known
        if entry.get("danger"):
            assert entry["category"] == "crisis"


def test_bad_lexicon_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="entries"):
        _build({"version": 1, "entries": [{"category": "Bad Key", "phrases": ["x"]}]})
    with pytest.raises(ConfigurationError, match="aliases"):
        _build({"version": 1, "aliases": {"a b c": "d"}, "entries": []})


# --------------------------------------------------------------------------- Need urgency and errors
def test_danger_need_is_immediate_whatever_the_caller_gave() -> None:
    from referralmatch.models.need import Need

    for text in ("I want to kill myself", "quiero matarme", "I'm going to hurt someone"):
        for urgency in ("routine", "soon", "urgent"):
            n = Need(text, priority=5, urgency=urgency)
            assert n.urgency == "immediate" and n.priority == 5
            assert n.urgency_reason == "urgency raised to immediate: the words signal danger"
    already = Need("no quiero vivir", urgency="immediate")
    assert already.urgency_reason == "urgency immediate: the words signal danger"
    calm = Need("help with my rent", urgency="soon")
    assert calm.urgency == "soon" and calm.urgency_reason is None
    assert Need("crisis").urgency == "routine"  # a category key is not free text


def test_danger_need_inside_a_client_profile() -> None:
    from referralmatch.models.client import ClientProfile

    c = ClientProfile(needs=["no quiero vivir", {"category": "I want to die", "urgency": "soon"},
                             "food"])
    assert [n.urgency for n in c.needs] == ["immediate", "immediate", "routine"]
    assert "die" not in repr(c) and "vivir" not in repr(c.needs[0])


@pytest.mark.parametrize("data", [
    {"priority": "HIV+ needs meds"},
    {"urgency": "HIV+ needs meds"},
    {"detail": 12345, "priority": 99},
    {"provenance": "HIV+ needs meds"},
    {"extra_field": "HIV+ needs meds"},
])
def test_need_errors_never_echo_values(data: dict[str, object]) -> None:
    from referralmatch.errors import ClientValidationError
    from referralmatch.models.client import ClientProfile
    from referralmatch.models.need import Need

    with pytest.raises(ClientValidationError) as info:
        Need("housing", **data)
    assert "HIV" not in str(info.value) and "12345" not in str(info.value)
    assert info.value.fields and set(info.value.fields) <= set(data)
    with pytest.raises(ClientValidationError) as info:
        Need.model_validate({"category": "housing", **data})
    assert "HIV" not in str(info.value) and "input_value" not in str(info.value)
    with pytest.raises(ClientValidationError) as info:
        ClientProfile(needs=[{"category": "housing", **data}])
    assert "HIV" not in str(info.value) and "12345" not in str(info.value)


def test_need_error_for_empty_category_and_json() -> None:
    import pickle

    from referralmatch.errors import ClientValidationError
    from referralmatch.models.need import Need

    with pytest.raises(ClientValidationError, match=r"category \(must not be empty\)"):
        Need("")
    with pytest.raises(ClientValidationError) as info:
        Need.model_validate_json('{"category": "housing", "priority": "HIV+ needs meds"}')
    assert "HIV" not in str(info.value)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value) and again.fields == info.value.fields


@pytest.mark.parametrize(("text", "danger"), [
    ("help for my son who wants to kill himself", True),
    ("mi hija se quiere matar", True),
    ("I want to kill her", True),
    ("I am going to kill my ex", True),
    ("my ex is going to kill me", False),
    ("my tooth is killing me", False),
    ("I could kill for a coffee", False),
    ("this job is killing me", False),
])
def test_danger_about_others_and_figures_of_speech(text: str, danger: bool) -> None:
    assert resolve_need_text(text).danger is danger
