"""Writes the bundled sample directory (HSDS 3.0 JSON) and sample caseload (CSV), deterministically.

Everything here is fictional: the organizations, services, street addresses, phone numbers
(555-01xx), e-mail domains (``.example.org``) and clients are invented. Only the places are real:
ZIP codes of Sacramento County, California, with coordinates jittered (< 1 km) around the ZIP
centroids shipped by the ``zipcodes`` package. Category terms are Open Eligibility 2.0 ids and
names.

Run it from the project root to rewrite ``src/referralmatch/data``; running it twice gives identical
bytes::

    python scripts/make_sample_data.py            # or: --out some/folder
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zipcodes

__all__ = ["build_caseload", "build_directory", "main", "write_outputs"]

JSON = dict[str, Any]

SEED = 20250607
NAMESPACE = uuid.UUID("7d0c1f52-4a8e-5b7a-9f61-3c2b8e5d4a10")
DIRECTORY_FILE = "sample_directory.json"
CASELOAD_FILE = "sample_caseload.csv"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "referralmatch" / "data"
LAST_MODIFIED = "2025-05-01T16:00:00Z"
CAPACITY_UPDATED = "2025-05-01T08:00:00Z"
MAX_JITTER_KM = 0.8


def uid(*parts: object) -> str:
    """A UUID (version 5) derived from readable parts, so ids are stable between runs.

    >>> uid("org", "river-city") == uid("org", "river-city")
    True
    >>> len(uid("x"))
    36
    """
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


# The data tables below are laid out by hand for reading; the formatter leaves them alone.
# fmt: off

# --- Open Eligibility 2.0 terms used (id: name, parent id) -------------------------------------

OE_TERMS: dict[int, tuple[str, int]] = {
    1124: ("Help Escape Violence", 1123),
    1125: ("Safe Housing", 1123),
    1126: ("Psychiatric Emergency Services", 1101),
    1127: ("Community Gardens", 1102),
    1129: ("Food Delivery", 1102),
    1130: ("Food Pantry", 1102),
    1131: ("Free Meals", 1102),
    1135: ("Emergency Shelter", 1103),
    1136: ("Help Find Housing", 1103),
    1137: ("Help Pay for Housing", 1103),
    1138: ("Help Pay for Utilities", 1137),
    1140: ("Housing Vouchers", 1137),
    1146: ("Long-Term Housing", 1145),
    1148: ("Independent Living", 1146),
    1152: ("Short-Term Housing", 1145),
    1154: ("Sober Living", 1152),
    1157: ("Diapers & Formula", 1155),
    1173: ("Bus Passes", 1172),
    1175: ("Transportation", 1105),
    1176: ("Transportation for Healthcare", 1175),
    1180: ("Detox", 1178),
    1181: ("Outpatient Treatment", 1178),
    1182: ("Residential Treatment", 1178),
    1184: ("Dental Care", 1106),
    1202: ("Health Insurance", 1199),
    1204: ("Prescription Assistance", 1199),
    1206: ("Medical Care", 1106),
    1210: ("Checkup & Test", 1206),
    1214: ("Mental Health Evaluation", 1210),
    1217: ("Maternity Care", 1206),
    1220: ("Counseling", 1219),
    1230: ("Outpatient Treatment", 1219),
    1232: ("Financial Assistance", 1107),
    1256: ("Government Benefits", 1107),
    1258: ("Food Benefits", 1256),
    1260: ("Understand Government Programs", 1256),
    1263: ("Credit Counseling", 1262),
    1270: ("Tax Preparation", 1107),
    1279: ("Afterschool Care", 1277),
    1280: ("Childcare", 1277),
    1282: ("Help Pay for Childcare", 1280),
    1284: ("Preschool", 1277),
    1286: ("Relief for Caregivers", 1277),
    1293: ("Help Fill out Forms", 1292),
    1304: ("Counseling", 1303),
    1305: ("Help Hotlines", 1303),
    1308: ("Mentoring", 1303),
    1309: ("One-on-One Support", 1303),
    1310: ("Peer Support", 1303),
    1312: ("Support Groups", 1303),
    1313: ("12-Step", 1312),
    1314: ("Bereavement", 1312),
    1316: ("Virtual Support", 1303),
    1326: ("English as a Second Language (ESL)", 1323),
    1327: ("Financial Education", 1323),
    1332: ("GED/High-School Equivalency", 1323),
    1350: ("Basic Literacy", 1349),
    1351: ("Computer Class", 1349),
    1356: ("Specialized Training", 1349),
    1358: ("Job Placement", 1357),
    1359: ("Supported Employment", 1357),
    1365: ("Skills & Training", 1110),
    1375: ("Advocacy & Legal Aid", 1111),
    1381: ("Citizenship & Immigration", 1375),
    1389: ("Representation", 1111),
}

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "vi": "Vietnamese", "zh": "Chinese", "ru": "Russian",
    "tl": "Tagalog", "hmn": "Hmong", "pa": "Punjabi", "ar": "Arabic", "fa": "Persian (Farsi/Dari)",
    "uk": "Ukrainian", "ase": "American Sign Language",
}

# --- Service kinds: default taxonomy term, description and schedule/cost profile --------------
# kind: (Open Eligibility id or 0 for none, description, schedule profile, cost profile)
KINDS: dict[str, tuple[int, str, str, str]] = {
    "shelter": (1135, "Emergency overnight shelter with beds, showers, an evening meal and case "
                "management for adults experiencing homelessness.", "overnight", "free"),
    "family_shelter": (1135, "Emergency shelter for families with children: private family rooms, "
                       "meals, and help moving into stable housing.", "24h", "free"),
    "women_shelter": (1135, "Emergency shelter for women and their children, with a safe, "
                      "staffed women-only space and housing case management.", "overnight", "free"),
    "rental_assistance": (1137, "One-time rental assistance and help with back rent, deposits and "
                          "move-in costs to prevent eviction.", "business", "free"),
    "voucher": (1140, "Help applying for and using housing vouchers, including landlord "
                "outreach and inspection support.", "business", "free"),
    "transitional": (1152, "Transitional housing for up to 24 months with on-site case management "
                     "and a savings plan toward permanent housing.", "24h", "fee_rent"),
    "supportive_housing": (1146, "Permanent supportive housing: an apartment of your own with a "
                           "lease, plus on-site mental health and case management services.",
                           "business", "fee_rent"),
    "independent_living": (1148, "Independent living apartments with light support for adults "
                           "living with a disability or mental illness.", "business", "fee_rent"),
    "sober_living": (1154, "Sober living home with house meetings, drug testing and peer "
                     "accountability.", "24h", "fee_rent"),
    "housing_search": (1136, "Housing navigators help you search for an apartment, fill out "
                       "applications and talk with landlords.", "business", "free"),
    "job_training": (1365, "Job training classes: workplace skills, certifications, resume "
                     "writing and interview practice.", "business", "free"),
    "specialized_training": (1356, "Hands-on vocational training program leading to an "
                             "industry-recognized certificate.", "business_long", "free"),
    "job_placement": (1358, "Job placement: employment specialists match you with open positions "
                      "and local employers and follow up after hire.", "business", "free"),
    "supported_employment": (1359, "Supported employment (Individual Placement and Support) for "
                             "people living with mental illness: job coaching on and off the job.",
                             "business", "free"),
    "counseling": (1220, "Individual counseling and psychotherapy with licensed therapists for "
                   "depression, anxiety, trauma and life stress.", "business_evening", "sliding"),
    "family_therapy": (1220, "Family therapy and couples counseling with licensed marriage and "
                       "family therapists.", "business_evening", "sliding"),
    "psychiatry": (1230, "Psychiatric evaluation and medication management by psychiatrists and "
                   "psychiatric nurse practitioners.", "business", "insurance"),
    "mh_evaluation": (1214, "Mental health assessment and evaluation with referral to the right "
                      "level of care.", "business", "free"),
    "telehealth": (1220, "Telehealth therapy by secure video or phone with licensed clinicians.",
                   "business_evening", "sliding"),
    "peer_support": (1310, "Peer support from people with lived experience of mental illness and "
                     "addiction recovery; drop-in and one-on-one.", "group", "free"),
    "twelve_step": (1313, "Peer-led 12-step recovery meetings, open to anyone who wants to stop "
                    "drinking or using.", "group", "free"),
    "grief": (1314, "Grief and bereavement support group for people who have lost a loved "
              "one.", "group", "free"),
    "support_group": (1312, "Facilitated support group meeting weekly.", "group", "free"),
    "mentoring": (1308, "Mentoring for young people matched with trained adult volunteers.",
                  "group", "free"),
    "pantry": (1130, "Food pantry: groceries, fresh produce and bread once a week.", "pantry",
               "free"),
    "meals": (1131, "Free hot meals served to anyone who is hungry, no questions asked.", "meals",
              "free"),
    "food_delivery": (1129, "Home-delivered meals and groceries for people who cannot get to a "
                      "pantry.", "business", "free"),
    "garden": (1127, "Community garden plots and free produce share.", "weekend", "free"),
    "detox": (1180, "Medically supervised withdrawal management (detox) from alcohol and "
              "drugs.", "24h", "insurance"),
    "sud_outpatient": (1181, "Outpatient substance use disorder treatment: counseling, groups and "
                       "medication for addiction treatment.", "business_evening", "insurance"),
    "sud_residential": (1182, "Residential substance use treatment program, 30 to 90 days.",
                        "24h", "insurance"),
    "hotline": (1305, "Crisis line answered 24 hours a day by trained counselors for anyone in "
                "emotional distress or suicidal crisis.", "24h", "free"),
    "mobile_crisis": (1126, "Mobile crisis team: clinicians come to you during a mental health "
                      "crisis.", "24h", "free"),
    "transport": (1175, "Free rides to appointments, work and errands.", "business", "free"),
    "medical_rides": (1176, "Rides to medical, dental and behavioral health appointments.",
                      "business", "free"),
    "bus_pass": (1173, "Discounted and free transit passes for eligible riders.", "business",
                 "free"),
    "legal_aid": (1375, "Free civil legal aid: advice, brief services and referrals.", "business",
                  "free"),
    "legal_representation": (1389, "Attorney representation in court for tenants facing "
                             "eviction.", "business", "free"),
    "immigration_legal": (1381, "Immigration legal services: citizenship, DACA renewals, "
                          "family petitions and asylum consultations.", "business", "fixed"),
    "utilities": (1138, "Help paying gas, electric and water bills, including shut-off "
                  "prevention.", "business", "free"),
    "financial_education": (1327, "Free one-on-one financial coaching and budgeting classes.",
                            "business", "free"),
    "credit_counseling": (1263, "Credit counseling and debt management plans.", "business",
                          "free"),
    "tax_prep": (1270, "Free tax preparation by IRS-certified volunteers.", "tax", "free"),
    "cash_assistance": (1137, "Emergency financial assistance for a one-time crisis.", "business",
                        "free"),
    "primary_care": (1206, "Primary medical care for adults and children: checkups, chronic "
                     "disease care, vaccinations.", "business", "insurance"),
    "dental": (1184, "Dental exams, cleanings, fillings and extractions.", "business",
               "insurance"),
    "prenatal": (1217, "Prenatal and postpartum care with midwives and obstetricians.",
                 "business", "insurance"),
    "screening": (1210, "Free health screenings: blood pressure, diabetes, HIV and hepatitis C "
                  "testing.", "weekend", "free"),
    "prescriptions": (1204, "Help paying for prescription medications.", "business", "free"),
    "dv_hotline": (1124, "24-hour domestic violence hotline: safety planning, emergency shelter "
                   "referrals and advocacy.", "24h", "free"),
    "dv_shelter": (1125, "Confidential emergency shelter for survivors of domestic violence and "
                   "their children.", "24h", "free"),
    "dv_advocacy": (1124, "Domestic violence advocacy: safety planning, restraining order help and "
                    "court accompaniment.", "business", "free"),
    "ged": (1332, "GED and high school equivalency preparation classes.", "evening", "free"),
    "esl": (1326, "English as a Second Language classes, beginner to advanced.", "evening",
            "free"),
    "literacy": (1350, "Adult basic literacy tutoring, one-on-one.", "evening", "free"),
    "computer_class": (1351, "Computer and digital skills classes.", "business", "free"),
    "childcare": (1280, "Licensed child care center for infants, toddlers and preschoolers.",
                  "childcare", "sliding"),
    "childcare_subsidy": (1282, "Help paying for child care: subsidized child care enrollment and "
                          "referrals to licensed providers.", "business", "free"),
    "afterschool": (1279, "After-school program with homework help, snacks and activities.",
                    "afterschool", "free"),
    "preschool": (1284, "Free part-day preschool for children ages 3 to 5.", "childcare", "free"),
    "benefits": (1256, "Benefits enrollment assistance: CalFresh, Medi-Cal, CalWORKs, SSI/SSDI "
                 "and General Assistance applications.", "business", "free"),
    "calfresh": (1258, "CalFresh (SNAP) application help, same-day screening.", "business",
                 "free"),
    "health_insurance": (1202, "Health insurance enrollment: Medi-Cal and Covered California "
                         "applications and renewals.", "business", "free"),
    "forms_help": (1293, "Help filling out forms and applications for public programs.",
                   "business", "free"),
    "caregiver": (1286, "Respite and support for family caregivers.", "business", "free"),
    "diapers": (1157, "Diapers, wipes and formula for families with babies.", "pantry", "free"),
}

# --- Organizations: key, name, description, ZIP codes of their sites (first is main office) ----
ORGS: list[tuple[str, str, str, list[str]]] = [
    ("rchc", "River City Housing Collaborative",
     "Nonprofit working to end homelessness in Sacramento through shelter, rental help and "
     "supportive housing.", ["95811", "95815"]),
    ("delta-bridge", "Delta Bridge Family Shelter Network",
     "Family shelters and transitional housing for parents with children.", ["95815", "95820"]),
    ("hearthstone", "Hearthstone Women's Refuge",
     "Shelter, advocacy and healing for women and children.", ["95820"]),
    ("arra", "American River Recovery Alliance",
     "Substance use treatment and recovery community.", ["95825", "95821"]),
    ("cvcc", "Capitol Valley Counseling Center",
     "Community mental health counseling on a sliding fee scale.", ["95816", "95819"]),
    ("sierra-oaks", "Sierra Oaks Behavioral Health Clinic",
     "Outpatient psychiatry and therapy clinic contracted with the county.", ["95864"]),
    ("eg-pantry", "Elk Grove Community Pantry",
     "Neighbors feeding neighbors in Elk Grove since 1987.", ["95624", "95757"]),
    ("laguna-frc", "Laguna Creek Family Resource Center",
     "A one-stop family resource center for south county families.", ["95758"]),
    ("franklin-wp", "Franklin Boulevard Workforce Partners",
     "Employment training and placement for south Sacramento residents.", ["95823"]),
    ("midtown-peer", "Midtown Peer Support Collective",
     "Peer-run wellness center by and for people with lived experience.", ["95814"]),
    ("svcl", "Sacramento Valley Crisis Line",
     "Around-the-clock crisis phone, chat and text support.", []),
    ("rc-opp", "Rancho Cordova Opportunity Center",
     "Jobs, education and basic-needs help in Rancho Cordova.", ["95670", "95742"]),
    ("ch-food", "Citrus Heights Neighbors Food Cooperative",
     "Volunteer-run food cooperative and community kitchen.", ["95610", "95621"]),
    ("nh-youth", "North Highlands Youth Resource Hub",
     "Drop-in center for young people ages 12 to 24.", ["95660"]),
    ("vets", "Veterans Homecoming Partnership of Sacramento",
     "Housing, jobs and peer support for veterans and their families.", ["95655", "95652"]),
    ("tower-legal", "Tower Bridge Legal Aid Society",
     "Free legal help for low-income residents.", ["95814"]),
    ("gdeaf", "Golden Delta Energy Assistance Fund",
     "Utility bill assistance and weatherization.", ["95822"]),
    ("fo-grief", "Fair Oaks Grief and Healing Circle",
     "Peer and facilitated grief support.", ["95628"]),
    ("compass", "Compass Families Mental Health Alliance",
     "Education and support for families of people living with mental illness.", ["95821"]),
    ("folsom-senior", "Folsom Lake Senior Services",
     "Meals, rides and wellness for older adults.", ["95630"]),
    ("transit-access", "Sacramento Transit Access Partners",
     "Transportation help for people who cannot drive.", ["95811"]),
    ("galt-health", "Galt Rural Health Clinic",
     "Community clinic serving Galt and the rural south county.", ["95632"]),
    ("ssac-chc", "South Sacramento Community Health Center",
     "Federally funded community health center.", ["95823", "95828"]),
    ("money-matters", "Arden Arcade Money Matters",
     "Financial coaching and free tax preparation.", ["95825"]),
    ("hmong-wellness", "Hmong Family Wellness Association",
     "Culturally grounded services for Hmong families.", ["95823", "95828"]),
    ("little-saigon", "Little Saigon Community Services",
     "Services for Vietnamese-speaking families.", ["95824"]),
    ("slavic-bridge", "Slavic Community Bridge",
     "Services for Russian- and Ukrainian-speaking newcomers.", ["95842", "95660"]),
    ("seva", "Punjabi Seva Community Center of Elk Grove",
     "Community kitchen and family services for the Punjabi community.", ["95757"]),
    ("newcomer", "Afghan and Arab Newcomer Alliance",
     "Resettlement support for refugee and newcomer families.", ["95841", "95825"]),
    ("oak-park-early", "Oak Park Early Learning Collective",
     "Child care and early education in Oak Park.", ["95817"]),
    ("meadowview", "Meadowview Bright Start Child Development",
     "Subsidized child development center.", ["95832"]),
    ("antelope-adult", "Antelope Adult Learning Partnership",
     "Adult education classes.", ["95843"]),
    ("dph-restore", "Del Paso Heights Restoration Project",
     "Neighborhood food, jobs and recovery program.", ["95838"]),
    ("rainbow-youth", "Sacramento Rainbow Youth Alliance",
     "Support for LGBTQ+ young people.", ["95816"]),
    ("safe-harbor", "Stockton Boulevard Safe Harbor",
     "Domestic violence crisis services.", ["95820"]),
    ("riverbend", "Riverbend Supportive Housing Corporation",
     "Permanent supportive housing developer and operator.", ["95833", "95834"]),
    ("carmichael-kitchen", "Carmichael Community Kitchen",
     "Meals and basic needs in Carmichael.", ["95608"]),
    ("ov-interfaith", "Orangevale Interfaith Winter Shelter",
     "Congregations hosting seasonal shelter.", ["95662"]),
    ("delta-towns", "Isleton and Delta Towns Outreach",
     "Mobile services for the rural Delta communities.", ["95641", "95690"]),
    ("sunrise-tele", "Sunrise Telehealth Counseling Cooperative",
     "Online therapy and psychiatry across California.", []),
    ("reentry", "Capital Reentry Works",
     "Jobs, housing and legal help after incarceration.", ["95815"]),
    ("natomas-parent", "Natomas Parent and Baby Network",
     "Support for pregnant and parenting families in Natomas.", ["95834", "95835"]),
    ("deaf-services", "Valley Deaf and Hard of Hearing Services",
     "Services in American Sign Language.", ["95826"]),
    ("wellspring", "Wellspring Women's Recovery House",
     "Residential recovery for women, including pregnant and parenting women.", ["95817"]),
    ("cosumnes", "Cosumnes Rural Care Collaborative",
     "Outreach to Wilton, Sloughhouse and Herald.", ["95693", "95683"]),
    ("pocket-senior", "Pocket-Greenhaven Senior Circle",
     "Support and activities for seniors and caregivers.", ["95831"]),
]

ORG_LANGS: dict[str, list[str]] = {
    "hmong-wellness": ["hmn", "en"], "little-saigon": ["vi", "en"],
    "slavic-bridge": ["ru", "uk", "en"], "seva": ["pa", "en"], "newcomer": ["ar", "fa", "en"],
    "laguna-frc": ["en", "es", "zh"], "ssac-chc": ["en", "es", "vi", "zh"],
    "deaf-services": ["ase", "en"], "galt-health": ["en", "es"], "franklin-wp": ["en", "es"],
    "natomas-parent": ["en", "es", "tl", "pa"], "eg-pantry": ["en", "es", "tl"],
}

# Services: org key, service name, kind, overrides.
# Override keys: code (None = no taxonomy term), desc, elig, min_age, max_age, langs, sched,
# cost, fees, status, wait, area, sites ("virtual", "confidential" or site indexes), capacity
# (available, maximum, unit), interp, alert.
S = tuple[str, str, str, dict[str, Any]]
SERVICES: list[S] = [
    # River City Housing Collaborative
    ("rchc", "River City Night Shelter", "shelter",
     {"elig": "Age 18 or over", "min_age": 18, "capacity": (6, 120, "bed"),
      "wait": "Beds assigned nightly by lottery at 6 pm"}),
    ("rchc", "Keys First Rental Assistance", "rental_assistance",
     {"elig": "Low-income Sacramento County resident with an eviction notice or past-due rent; "
      "household income at or below 80% of area median", "wait": "Waitlist: about 3 weeks"}),
    ("rchc", "Housing Navigation Desk", "housing_search", {"elig": "None", "sites": [0, 1]}),
    ("rchc", "Cottonwood Commons Supportive Housing", "supportive_housing",
     {"elig": "Adults experiencing chronic homelessness with a disabling condition; referral "
      "through coordinated entry", "capacity": (0, 64, "apartment"),
      "wait": "Waitlist closed; referrals through coordinated entry only", "sites": [1]}),
    ("rchc", "Housing Choice Voucher Clinic", "voucher",
     {"elig": "Households holding a housing voucher or on the Housing Authority waitlist",
      "sched": "saturday"}),
    # Delta Bridge
    ("delta-bridge", "Delta Bridge Family Shelter", "family_shelter",
     {"elig": "Families with children under 18", "capacity": (2, 30, "family room"),
      "wait": "Waitlist: 1-2 weeks; call daily to keep your place"}),
    ("delta-bridge", "Bridges Transitional Housing for Families", "transitional",
     {"elig": "Families with children under 18 who are homeless; parent must be working or in "
      "school", "sites": [1], "wait": "Accepting new applications"}),
    ("delta-bridge", "Little Steps Child Care for Shelter Families", "childcare",
     {"elig": "Children ages 0-5 living in a Delta Bridge shelter", "max_age": 5, "cost": "free"}),
    ("delta-bridge", "Family Rapid Rehousing", "rental_assistance",
     {"elig": "Families with children under 18", "desc": "Short-term rental subsidy and case "
      "management to move families from shelter into their own apartment."}),
    # Hearthstone
    ("hearthstone", "Hearthstone Women's Shelter", "women_shelter",
     {"elig": "Women and children only", "capacity": (3, 40, "bed")}),
    ("hearthstone", "Hearthstone Safe House", "dv_shelter",
     {"elig": "Women and children fleeing domestic violence", "sites": "confidential",
      "area": "county"}),
    ("hearthstone", "Survivors Healing Circle", "support_group",
     {"desc": "Support group for survivors of domestic violence and sexual assault, led by a "
      "trauma-informed counselor.", "elig": "Women age 18 or over who have experienced "
      "violence", "min_age": 18}),
    ("hearthstone", "Women's Trauma Counseling", "counseling",
     {"elig": "Women survivors of violence, age 16 or over", "min_age": 16, "cost": "free",
      "wait": "Waitlist: about 2 weeks"}),
    # American River Recovery Alliance
    ("arra", "ARRA Outpatient Recovery Program", "sud_outpatient",
     {"elig": "Adults 18+ with a substance use disorder; Medi-Cal accepted",
      "fees": "Medi-Cal (Drug Medi-Cal) accepted; private insurance billed; sliding scale for "
      "uninsured"}),
    ("arra", "ARRA Withdrawal Management Unit", "detox",
     {"elig": "Age 18 or over; medically stable", "capacity": (1, 16, "bed"), "sites": [1]}),
    ("arra", "Recovery Peer Circle", "peer_support",
     {"desc": "Peer recovery support group and one-on-one recovery coaching for people in "
      "recovery from alcohol and drug addiction.", "elig": "Anyone in or seeking recovery"}),
    ("arra", "Riverside Sober Living Homes", "sober_living",
     {"elig": "Must be sober 30 days; men and women in separate homes",
      "wait": "Waitlist: about 1 week"}),
    ("arra", "Family Program for Loved Ones of People in Recovery", "support_group",
     {"code": None, "desc": "Weekly education and support for family members of people with "
      "addiction.", "elig": "Family members age 16 or over"}),
    # Capitol Valley Counseling Center
    ("cvcc", "Individual Therapy (Sliding Scale)", "counseling",
     {"elig": "Age 13 or over", "min_age": 13, "wait": "Waitlist: about 4 weeks"}),
    ("cvcc", "Family and Couples Therapy", "family_therapy",
     {"elig": "Families with at least one member age 6 or over", "wait": "Accepting new clients"}),
    ("cvcc", "Psychiatric Medication Clinic", "psychiatry",
     {"elig": "Current Capitol Valley therapy clients age 18 or over", "min_age": 18,
      "sites": [1]}),
    ("cvcc", "Telehealth Counseling", "telehealth",
     {"elig": "California residents age 18 or over", "area": "california", "sites": "virtual"}),
    ("cvcc", "Adult Grief Support Group", "grief", {"elig": "Age 18 or over"}),
    ("cvcc", "Trauma Recovery Therapy", "counseling",
     {"code": None, "desc": "EMDR and trauma-focused cognitive behavioral therapy for adults "
      "living with PTSD.", "elig": "Adults 18 and over"}),
    # Sierra Oaks
    ("sierra-oaks", "Adult Psychiatry Services", "psychiatry",
     {"elig": "Medi-Cal accepted; adults with serious mental illness",
      "fees": "Medi-Cal and Medicare accepted. No cost to Medi-Cal members."}),
    ("sierra-oaks", "Outpatient Therapy for Adults", "counseling",
     {"elig": "Age 18 or over with Medi-Cal", "cost": "insurance", "min_age": 18,
      "wait": "Waitlist: about 6 weeks"}),
    ("sierra-oaks", "Mental Health Assessment and Intake", "mh_evaluation",
     {"elig": "None"}),
    ("sierra-oaks", "Youth Therapy Program", "counseling",
     {"elig": "Youth ages 12-17 with a parent or guardian's consent", "min_age": 12,
      "max_age": 17, "cost": "insurance"}),
    # Elk Grove Community Pantry
    ("eg-pantry", "Elk Grove Pantry Distribution", "pantry",
     {"elig": "Elk Grove and south county residents", "area": "elk_grove", "sites": [0, 1]}),
    ("eg-pantry", "Senior Grocery Delivery", "food_delivery",
     {"elig": "Seniors 60+ who are homebound", "min_age": 60}),
    ("eg-pantry", "CalFresh Application Help", "calfresh", {"elig": "None"}),
    ("eg-pantry", "Weekend Backpack Meals for Students", "meals",
     {"elig": "Students in Elk Grove schools", "sched": "friday", "max_age": 18}),
    # Laguna Creek FRC
    ("laguna-frc", "Family Strengthening Counseling", "family_therapy",
     {"elig": "Families with children under 18", "cost": "free"}),
    ("laguna-frc", "Parent Café Support Group", "support_group",
     {"desc": "Peer support group for parents and caregivers.", "elig": "Parents and caregivers",
      "sched": "evening"}),
    ("laguna-frc", "Child Care Subsidy Referrals", "childcare_subsidy",
     {"elig": "Income below 85% of state median income; parent working or in school"}),
    ("laguna-frc", "Benefits Enrollment Clinic", "benefits", {"elig": "None"}),
    ("laguna-frc", "ESL for Parents", "esl", {"elig": "Parents of school-age children"}),
    # Franklin Boulevard Workforce Partners
    ("franklin-wp", "Career Pathways Job Training", "job_training",
     {"elig": "Age 18 or over; authorized to work in the United States", "min_age": 18}),
    ("franklin-wp", "Direct Hire Job Placement", "job_placement", {"elig": "None"}),
    ("franklin-wp", "Youth Employment Academy", "job_training",
     {"elig": "Ages 16-24, out of school or out of work", "min_age": 16, "max_age": 24,
      "desc": "Paid work experience, job readiness training and mentoring for young adults."}),
    ("franklin-wp", "Forklift and Warehouse Certification", "specialized_training",
     {"elig": "Age 18 or over with a valid ID", "cost": "fixed",
      "wait": "Next cohort starts in 5 weeks"}),
    ("franklin-wp", "Work Clothes and Interview Closet", "job_training",
     {"code": None, "desc": "Free interview clothing and work boots for job seekers with an "
      "interview or job offer.", "elig": "Job seekers referred by a case manager"}),
    # Midtown Peer Support Collective
    ("midtown-peer", "Midtown Wellness Drop-In", "peer_support",
     {"desc": "Peer-run drop-in center: peer support, recovery groups, art and a quiet room.",
      "elig": "Adults 18+ living with mental health challenges", "sched": "weekday_long"}),
    ("midtown-peer", "Evening Warm Line", "peer_support",
     {"code": None, "desc": "Non-emergency peer warm line: talk with a peer who has been there "
      "when you are lonely or struggling. Not a crisis line.", "sched": "evening_daily",
      "sites": "virtual", "elig": "None"}),
    ("midtown-peer", "Hearing Voices Peer Group", "support_group",
     {"desc": "Peer support group for people who hear voices or have unusual experiences.",
      "elig": "Age 18 or over"}),
    ("midtown-peer", "WRAP Recovery Planning Workshop", "peer_support",
     {"desc": "Wellness Recovery Action Plan workshop led by certified peer specialists.",
      "elig": "None", "status": "inactive"}),
    # Sacramento Valley Crisis Line
    ("svcl", "Sacramento Valley 24/7 Crisis Line", "hotline",
     {"elig": "None", "sites": "virtual", "area": "county",
      "interp": "Interpretation in over 150 languages through a telephone interpreter service"}),
    ("svcl", "Crisis Text Line", "hotline",
     {"desc": "Text-based crisis support 24/7 for anyone in emotional distress.",
      "elig": "None", "sites": "virtual", "area": "california"}),
    ("svcl", "Linea de Crisis en Español", "hotline",
     {"desc": "Crisis line answered in Spanish 24 hours a day.", "langs": ["es"],
      "sites": "virtual", "elig": "None"}),
    ("svcl", "Teen Talk Line", "hotline",
     {"desc": "Teens helping teens: crisis and support line staffed by trained youth "
      "volunteers with adult clinical backup.", "elig": "Youth ages 12-19", "min_age": 12,
      "max_age": 19, "sched": "evening_daily", "sites": "virtual"}),
    ("svcl", "Suicide Loss Survivors Group", "grief",
     {"desc": "Support group for people who lost someone to suicide.", "elig": "Age 18 or over",
      "sites": "virtual"}),
    # Rancho Cordova Opportunity Center
    ("rc-opp", "Job Search Lab", "job_placement", {"elig": "None"}),
    ("rc-opp", "GED Preparation", "ged", {"elig": "Age 18 or over without a diploma",
                                          "min_age": 18}),
    ("rc-opp", "Utility Shut-off Prevention", "utilities",
     {"elig": "Income below 200% FPL; must have a shut-off notice"}),
    ("rc-opp", "Emergency Rent Fund", "rental_assistance",
     {"elig": "Rancho Cordova residents; income below 60% of area median",
      "area": "zips", "status": "temporarily closed",
      "alert": "Funds exhausted for this fiscal year; reopening in July."}),
    ("rc-opp", "Computer Skills for Job Seekers", "computer_class", {"elig": "None",
                                                                     "sites": [1]}),
    # Citrus Heights
    ("ch-food", "Co-op Pantry Days", "pantry", {"elig": "None"}),
    ("ch-food", "Community Supper", "meals", {"elig": "None", "sched": "supper"}),
    ("ch-food", "Sunrise Community Garden", "garden", {"elig": "None", "sites": [1]}),
    ("ch-food", "Neighbor Connect", "support_group",
     {"code": None, "desc": "A place to belong: coffee, conversation and someone to help "
      "figure out what comes next.", "elig": "Everyone welcome", "sched": "weekday_long"}),
    # North Highlands Youth Hub
    ("nh-youth", "Youth Drop-In Shelter", "shelter",
     {"elig": "Ages 18-24", "min_age": 18, "max_age": 24, "capacity": (4, 20, "bed")}),
    ("nh-youth", "Teen Support Group", "support_group",
     {"desc": "Weekly support group for teens dealing with stress, family conflict and "
      "anxiety.", "elig": "Youth ages 12-17", "min_age": 12, "max_age": 17,
      "sched": "afterschool"}),
    ("nh-youth", "Homework Help and Tutoring", "afterschool",
     {"elig": "Students in grades 6-12", "code": None,
      "desc": "Free tutoring and homework help after school."}),
    ("nh-youth", "Youth Job Readiness", "job_training",
     {"elig": "Ages 16-24", "min_age": 16, "max_age": 24}),
    ("nh-youth", "Big Sibling Mentoring", "mentoring", {"elig": "Youth ages 8-17",
                                                         "min_age": 8, "max_age": 17}),
    # Veterans
    ("vets", "Veterans Permanent Housing", "supportive_housing",
     {"elig": "Veteran with other than dishonorable discharge", "capacity": (3, 50, "apartment")}),
    ("vets", "Veterans Employment Program", "job_placement",
     {"elig": "Veterans and eligible spouses", "sites": [1]}),
    ("vets", "Veterans Peer Connection Group", "peer_support",
     {"desc": "Veteran-to-veteran peer support group for combat stress, recovery and "
      "reintegration.", "elig": "Veterans of any era", "sched": "evening"}),
    ("vets", "Veterans Benefits Claims Help", "benefits",
     {"desc": "Help filing VA disability and pension claims.", "elig": "Veterans and survivors"}),
    ("vets", "Veterans Transitional Housing", "transitional",
     {"elig": "Homeless veterans; must be sober 30 days", "wait": "Waitlist: about 2 weeks"}),
    # Tower Bridge Legal Aid
    ("tower-legal", "Eviction Defense Project", "legal_representation",
     {"elig": "Tenants in Sacramento County with income below 200% FPL"}),
    ("tower-legal", "Immigration Legal Clinic", "immigration_legal",
     {"elig": "Varies according to program"}),
    ("tower-legal", "Record Clearance Clinic", "legal_aid",
     {"desc": "Free help clearing criminal records (expungement) and reducing old felonies.",
      "elig": "None", "sched": "saturday"}),
    ("tower-legal", "Public Benefits Appeals", "legal_aid",
     {"desc": "Legal help when CalFresh, Medi-Cal or SSI benefits are denied or cut.",
      "elig": "Income below 200% FPL"}),
    ("tower-legal", "Senior Legal Hotline", "legal_aid",
     {"elig": "Seniors 60+", "min_age": 60, "sites": "virtual"}),
    # Golden Delta Energy
    ("gdeaf", "Energy Bill Assistance", "utilities",
     {"elig": "Income below 200% FPL; Sacramento County resident"}),
    ("gdeaf", "Home Weatherization", "utilities",
     {"code": None, "desc": "Free insulation, weather stripping and furnace repair to lower "
      "energy bills.", "elig": "Homeowners and renters with income below 200% FPL",
      "wait": "Waitlist: about 3 months"}),
    ("gdeaf", "Water Bill Relief", "utilities", {"elig": "City of Sacramento water customers",
                                                 "area": "city"}),
    # Fair Oaks Grief
    ("fo-grief", "Adult Bereavement Group", "grief", {"elig": "Age 18 or over"}),
    ("fo-grief", "Children's Grief Program", "grief",
     {"desc": "Grief support groups for children and teens who lost a parent or sibling, with a "
      "parallel group for caregivers.", "elig": "Children ages 5-17 and their caregivers",
      "min_age": 5, "max_age": 17}),
    ("fo-grief", "Grief Counseling", "counseling",
     {"code": 1304, "desc": "Short-term individual grief counseling.", "cost": "sliding"}),
    # Compass Families
    ("compass", "Family-to-Family Support Group", "support_group",
     {"desc": "Support group for families and friends of people living with mental illness.",
      "elig": "Family members and caregivers of a person with mental illness"}),
    ("compass", "Family Mental Health Education Course", "support_group",
     {"code": 1312, "desc": "Eight-week class for families of people with schizophrenia, bipolar "
      "disorder or depression.", "elig": "Family members age 18 or over",
      "wait": "Next class starts in September"}),
    ("compass", "Grupo de Apoyo para Familias", "support_group",
     {"desc": "Grupo de apoyo en español para familias de personas con enfermedades mentales.",
      "langs": ["es"], "elig": "Familias"}),
    # Folsom Lake Senior
    ("folsom-senior", "Senior Lunch Program", "meals",
     {"elig": "Seniors 60+", "min_age": 60, "fees": "Suggested donation $3; no one turned away"}),
    ("folsom-senior", "Senior Ride Program", "transport",
     {"elig": "Age 60 or over, or adults with a disability", "min_age": 60}),
    ("folsom-senior", "Senior Counseling Services", "counseling",
     {"elig": "Older adults 60 and over", "cost": "insurance", "min_age": 60,
      "fees": "Medicare accepted; sliding scale for others"}),
    ("folsom-senior", "Meals on Wheels Folsom", "food_delivery",
     {"elig": "Homebound seniors 60+", "min_age": 60}),
    # Transit Access
    ("transit-access", "Medical Ride Connection", "medical_rides",
     {"elig": "Medi-Cal members and uninsured adults", "area": "county"}),
    ("transit-access", "Discount Transit Pass Program", "bus_pass",
     {"elig": "Low-income adults, seniors and people with disabilities"}),
    ("transit-access", "Paratransit Application Help", "transport",
     {"code": None, "desc": "Help applying for paratransit eligibility for riders with "
      "disabilities.", "elig": "People with a disability"}),
    # Galt
    ("galt-health", "Galt Primary Care", "primary_care",
     {"elig": "None", "fees": "Medi-Cal, Medicare and private insurance accepted; sliding scale "
      "for the uninsured"}),
    ("galt-health", "Galt Dental Clinic", "dental", {"elig": "Medi-Cal accepted"}),
    ("galt-health", "Integrated Behavioral Health", "counseling",
     {"elig": "Galt Rural Health Clinic patients", "cost": "insurance"}),
    ("galt-health", "Medi-Cal Enrollment", "health_insurance", {"elig": "None"}),
    # South Sac CHC
    ("ssac-chc", "Family Medicine", "primary_care", {"elig": "None", "sites": [0, 1]}),
    ("ssac-chc", "Prenatal Care", "prenatal", {"elig": "Pregnant or parenting women"}),
    ("ssac-chc", "Adult Psychiatry and Medication Management", "psychiatry",
     {"elig": "Health center patients age 18 or over", "min_age": 18}),
    ("ssac-chc", "Medication for Addiction Treatment", "sud_outpatient",
     {"desc": "Buprenorphine and naltrexone treatment for opioid and alcohol use disorder with "
      "counseling.", "elig": "Age 18 or over", "min_age": 18}),
    ("ssac-chc", "Prescription Assistance Program", "prescriptions",
     {"elig": "Uninsured or underinsured patients"}),
    # Money Matters
    ("money-matters", "Financial Coaching", "financial_education", {"elig": "None"}),
    ("money-matters", "Free Tax Preparation (VITA)", "tax_prep",
     {"elig": "Household income under $67,000"}),
    ("money-matters", "Credit Repair Counseling", "credit_counseling", {"elig": "None"}),
    ("money-matters", "Emergency Cash Grants", "cash_assistance",
     {"code": 1232, "desc": "Small one-time grants for car repairs, medical bills or other "
      "emergencies.", "elig": "Income below 200% FPL", "status": "inactive"}),
    # Hmong Wellness
    ("hmong-wellness", "Hmong Mental Health Counseling", "counseling",
     {"elig": "None", "cost": "free", "langs": ["hmn", "en"]}),
    ("hmong-wellness", "Hmong Elders Support Circle", "support_group",
     {"desc": "Support group for Hmong elders: isolation, grief and health.",
      "elig": "Seniors 55+", "min_age": 55}),
    ("hmong-wellness", "Family Benefits Navigation", "benefits",
     {"elig": "None", "interp": "Hmong and Lao interpreters available"}),
    # Little Saigon
    ("little-saigon", "Vietnamese Counseling Program", "counseling",
     {"elig": "None", "cost": "sliding", "langs": ["vi", "en"]}),
    ("little-saigon", "Community Food Pantry", "pantry", {"elig": "None"}),
    ("little-saigon", "English Classes for Adults", "esl", {"elig": "Age 18 or over"}),
    # Slavic Bridge
    ("slavic-bridge", "Russian and Ukrainian Counseling", "counseling",
     {"elig": "None", "langs": ["ru", "uk"], "cost": "sliding"}),
    ("slavic-bridge", "Newcomer Employment Services", "job_placement",
     {"elig": "Refugees and asylees in the US less than 5 years", "sites": [1]}),
    ("slavic-bridge", "Immigration Document Assistance", "immigration_legal",
     {"elig": "Varies according to program"}),
    # Seva
    ("seva", "Community Kitchen (Langar)", "meals", {"elig": "None", "sched": "daily_midday"}),
    ("seva", "Punjabi Family Safety Program", "dv_advocacy",
     {"elig": "Women experiencing family violence", "langs": ["pa", "en"]}),
    ("seva", "Elders Wellness Circle", "support_group",
     {"elig": "Seniors 60+", "min_age": 60,
      "desc": "Weekly gathering and support group for Punjabi-speaking elders."}),
    # Newcomer Alliance
    ("newcomer", "Newcomer Family Case Management", "benefits",
     {"code": None, "desc": "Resettlement case management: help with school enrollment, "
      "clinic visits, apartment paperwork and whatever else new arrivals need.",
      "elig": "Refugees, SIV holders and asylees"}),
    ("newcomer", "Dari and Farsi Counseling", "counseling",
     {"elig": "None", "langs": ["fa"], "cost": "free", "wait": "Waitlist: about 5 weeks"}),
    ("newcomer", "Arabic-Speaking Job Readiness", "job_training",
     {"langs": ["ar", "en"], "elig": "Age 18 or over", "sites": [1]}),
    # Oak Park Early Learning
    ("oak-park-early", "Oak Park Child Care Center", "childcare",
     {"elig": "Children ages 0-5", "max_age": 5, "wait": "Waitlist: about 4 months"}),
    ("oak-park-early", "Oak Park Preschool", "preschool",
     {"elig": "Children ages 3-5", "min_age": 3, "max_age": 5}),
    ("oak-park-early", "Child Care Payment Help", "childcare_subsidy",
     {"elig": "Parents receiving CalWORKs or with income below 85% of state median income"}),
    # Meadowview
    ("meadowview", "Bright Start Subsidized Child Care", "childcare",
     {"elig": "Families with children under 5; income eligible", "cost": "free",
      "wait": "Accepting new families"}),
    ("meadowview", "After-School Stars", "afterschool",
     {"elig": "Children ages 6-12", "min_age": 6, "max_age": 12}),
    # Antelope Adult
    ("antelope-adult", "High School Equivalency Classes", "ged",
     {"elig": "Age 18 or over", "min_age": 18}),
    ("antelope-adult", "ESL Evening Classes", "esl", {"elig": "None"}),
    ("antelope-adult", "Adult Literacy Tutoring", "literacy", {"elig": "Age 16 or over",
                                                               "min_age": 16}),
    ("antelope-adult", "Digital Literacy Lab", "computer_class", {"elig": "None"}),
    # Del Paso Heights
    ("dph-restore", "Del Paso Pantry", "pantry", {"elig": "None"}),
    ("dph-restore", "Neighborhood Jobs Program", "job_training",
     {"elig": "Del Paso Heights and North Sacramento residents", "area": "zips"}),
    ("dph-restore", "Men's Recovery Group", "twelve_step",
     {"elig": "Men age 18 or over", "min_age": 18}),
    ("dph-restore", "Hope Street Outreach", "forms_help",
     {"code": None, "desc": "Street outreach workers connect unsheltered neighbors to "
      "shelter, ID replacement and benefits.", "elig": "People experiencing homelessness"}),
    # Rainbow Youth
    ("rainbow-youth", "LGBTQ+ Youth Support Group", "support_group",
     {"desc": "Support group for LGBTQ+ youth and questioning teens.",
      "elig": "Youth ages 13-20", "min_age": 13, "max_age": 20, "sched": "afterschool"}),
    ("rainbow-youth", "Affirming Youth Therapy", "counseling",
     {"elig": "Ages 12-24", "min_age": 12, "max_age": 24, "cost": "free"}),
    ("rainbow-youth", "Youth Housing Navigation", "housing_search",
     {"elig": "LGBTQ+ young adults ages 18-24 experiencing homelessness", "min_age": 18,
      "max_age": 24}),
    # Safe Harbor
    ("safe-harbor", "Safe Harbor Domestic Violence Hotline", "dv_hotline",
     {"elig": "None", "sites": "virtual", "area": "county"}),
    ("safe-harbor", "Safe Harbor Emergency Shelter", "dv_shelter",
     {"elig": "Survivors of domestic violence and their children", "sites": "confidential",
      "area": "county", "capacity": (2, 24, "bed")}),
    ("safe-harbor", "Restraining Order Help", "dv_advocacy", {"elig": "None"}),
    ("safe-harbor", "Survivors Support Group", "support_group",
     {"desc": "Support group for survivors of intimate partner violence.",
      "elig": "Survivors age 18 or over", "min_age": 18}),
    # Riverbend
    ("riverbend", "Riverbend Apartments (Supportive Housing)", "supportive_housing",
     {"elig": "Adults with a serious mental illness who are homeless or at risk",
      "capacity": (1, 80, "apartment")}),
    ("riverbend", "Riverbend Family Supportive Housing", "supportive_housing",
     {"elig": "Families with children under 18 with a disabled head of household",
      "sites": [1], "wait": "Waitlist: about 6 months"}),
    ("riverbend", "Tenant Services and Housing Retention", "housing_search",
     {"code": None, "desc": "Help keeping your housing: landlord mediation, lease education "
      "and money management for tenants.", "elig": "Riverbend tenants"}),
    ("riverbend", "Independent Living Program", "independent_living",
     {"elig": "Adults 18+ with a disability; SSI accepted as income"}),
    # Carmichael Kitchen
    ("carmichael-kitchen", "Daily Free Lunch", "meals", {"elig": "None",
                                                          "sched": "daily_midday"}),
    ("carmichael-kitchen", "Showers and Laundry", "meals",
     {"code": None, "desc": "Hot showers, laundry and hygiene kits.", "elig": "None"}),
    ("carmichael-kitchen", "Clothing Closet", "meals",
     {"code": None, "desc": "Free clothing, shoes and blankets.", "elig": "None",
      "sched": "saturday"}),
    # Orangevale Interfaith
    ("ov-interfaith", "Interfaith Winter Shelter", "shelter",
     {"elig": "Adults 18+; no one turned away for lack of ID", "status": "temporarily closed",
      "alert": "Seasonal: open November through March.", "min_age": 18}),
    ("ov-interfaith", "Warming Center", "shelter",
     {"desc": "Warming center open on nights below 38°F.", "elig": "None",
      "sched": "none", "code": None}),
    # Delta towns
    ("delta-towns", "Delta Mobile Food Pantry", "pantry",
     {"elig": "Residents of Isleton, Walnut Grove, Courtland and the Delta", "area": "polygon",
      "sites": [0, 1]}),
    ("delta-towns", "Delta Rural Rides", "transport", {"elig": "None", "area": "polygon"}),
    ("delta-towns", "Delta Benefits Outreach", "benefits", {"elig": "None", "area": "polygon"}),
    ("delta-towns", "Farmworker Services", "forms_help",
     {"code": None, "desc": "Services for farmworkers and their families: paperwork, wage "
      "claims, clinic referrals.", "elig": "Agricultural workers and their families",
      "langs": ["es", "en"]}),
    # Sunrise Telehealth
    ("sunrise-tele", "Online Therapy for Adults", "telehealth",
     {"elig": "California residents age 18 or over", "area": "california", "sites": "virtual",
      "fees": "Private insurance and Medi-Cal accepted; sliding scale $20-$90"}),
    ("sunrise-tele", "Telepsychiatry", "psychiatry",
     {"code": 1230, "desc": "Psychiatric evaluation and medication management by video.",
      "elig": "Age 18 or over; private insurance or Medicare", "area": "california",
      "sites": "virtual", "wait": "Waitlist: about 3 weeks"}),
    ("sunrise-tele", "Online Anxiety Support Group", "support_group",
     {"desc": "Therapist-led online support group for anxiety.", "elig": "Age 18 or over",
      "area": "california", "sites": "virtual"}),
    ("sunrise-tele", "Teen Telehealth Counseling", "telehealth",
     {"elig": "Ages 13-17 with parent consent", "min_age": 13, "max_age": 17,
      "area": "california", "sites": "virtual"}),
    # Reentry
    ("reentry", "Reentry Employment Services", "job_placement",
     {"elig": "People released from jail or prison in the last 2 years"}),
    ("reentry", "Reentry Transitional Housing", "transitional",
     {"elig": "Men on probation or parole; must be sober 30 days",
      "capacity": (0, 36, "bed"), "wait": "Waitlist: about 2 months"}),
    ("reentry", "Reentry Legal Clinic", "legal_aid", {"elig": "None", "sched": "evening"}),
    # Natomas Parent and Baby
    ("natomas-parent", "New Moms Support Group", "support_group",
     {"desc": "Support group for pregnant and new mothers, including postpartum depression "
      "support.", "elig": "Pregnant or parenting women"}),
    ("natomas-parent", "Diaper Bank", "diapers", {"elig": "Families with babies under 3",
                                                  "sites": [1]}),
    ("natomas-parent", "Home Visiting for New Parents", "prenatal",
     {"code": None, "desc": "Nurses visit pregnant women and new parents at home for "
      "breastfeeding support and baby check-ins.", "elig": "Pregnant or parenting women"}),
    # Deaf services
    ("deaf-services", "ASL Counseling", "counseling", {"elig": "Deaf and hard of hearing adults",
                                                       "langs": ["ase"]}),
    ("deaf-services", "Deaf Employment Support", "supported_employment",
     {"elig": "Deaf and hard of hearing job seekers", "langs": ["ase", "en"],
      "code": 1359}),
    ("deaf-services", "Communication Access Services", "forms_help",
     {"code": None, "desc": "Interpreters and captioning for appointments.", "elig": "None"}),
    # Wellspring
    ("wellspring", "Wellspring Residential Treatment for Women", "sud_residential",
     {"elig": "Women age 18 or over; Medi-Cal accepted", "min_age": 18,
      "capacity": (2, 28, "bed")}),
    ("wellspring", "Mothers in Recovery Program", "sud_residential",
     {"desc": "Residential substance use treatment where pregnant and parenting women can "
      "stay with their young children.", "elig": "Pregnant or parenting women",
      "wait": "Waitlist: about 10 days"}),
    ("wellspring", "Women's Sober Living", "sober_living",
     {"elig": "Women; must be sober 30 days"}),
    # Cosumnes rural
    ("cosumnes", "Rural Mental Health Outreach", "counseling",
     {"elig": "Residents of rural Sacramento County", "cost": "free", "sites": [0, 1]}),
    ("cosumnes", "Rural Senior Food Delivery", "food_delivery",
     {"elig": "Seniors 60+ in Wilton, Herald and Sloughhouse", "min_age": 60}),
    ("cosumnes", "Rural Transportation Vouchers", "transport",
     {"elig": "Low-income rural residents"}),
    # Pocket senior
    ("pocket-senior", "Senior Grief Support", "grief", {"elig": "Seniors 55+", "min_age": 55}),
    ("pocket-senior", "Caregiver Support Group", "caregiver",
     {"desc": "Support group and respite help for people caring for a family member with "
      "dementia.", "elig": "Family caregivers"}),
    ("pocket-senior", "Medicare Counseling (HICAP)", "health_insurance",
     {"desc": "Free, unbiased counseling on Medicare plans and benefits.",
      "elig": "People with Medicare and their families"}),
    ("pocket-senior", "Senior Peer Counseling", "counseling",
     {"code": 1309, "desc": "Trained senior volunteers offer one-on-one emotional support.",
      "elig": "Seniors 60+", "min_age": 60, "cost": "free"}),
]

# Extra services, same kinds at more organizations (keeps the directory deep in the main needs).
EXTRA: list[S] = [
    ("rchc", "Winter Respite Beds", "shelter", {"elig": "Adults 18+; priority for medically "
                                                "fragile", "sites": [1], "min_age": 18}),
    ("delta-bridge", "Family Housing Search", "housing_search",
     {"elig": "Families with children under 18"}),
    ("hearthstone", "Women's Transitional Apartments", "transitional",
     {"elig": "Single women age 18 or over", "min_age": 18}),
    ("cvcc", "Youth and Family Counseling", "family_therapy",
     {"elig": "Youth ages 12-17 and their families", "min_age": 12, "max_age": 17}),
    ("laguna-frc", "Youth Leadership Group", "support_group",
     {"desc": "Support and leadership group for middle and high school students.",
      "elig": "Youth ages 12-17", "min_age": 12, "max_age": 17, "sched": "afterschool"}),
    ("franklin-wp", "Supported Employment (IPS)", "supported_employment",
     {"elig": "Adults receiving county mental health services"}),
    ("sierra-oaks", "Supported Employment Program", "supported_employment",
     {"elig": "Clinic clients with serious mental illness"}),
    ("rc-opp", "Career Training Scholarships", "specialized_training",
     {"elig": "Age 18 or over; unemployed or low-income", "min_age": 18}),
    ("ch-food", "Senior Brown Bag", "pantry", {"elig": "Seniors 60+", "min_age": 60}),
    ("eg-pantry", "Elk Grove Rental Assistance", "rental_assistance",
     {"elig": "Elk Grove residents behind on rent", "area": "elk_grove"}),
    ("ssac-chc", "Free Health Screenings", "screening", {"elig": "None"}),
    ("ssac-chc", "Dental Services", "dental", {"elig": "Health center patients"}),
    ("galt-health", "Galt Outpatient Substance Use Program", "sud_outpatient",
     {"elig": "Age 18 or over"}),
    ("arra", "Teen Recovery Group", "twelve_step",
     {"desc": "Recovery support group for teens with alcohol or drug problems.",
      "elig": "Youth ages 13-18", "min_age": 13, "max_age": 18}),
    ("little-saigon", "Vietnamese Family Support Group", "support_group",
     {"desc": "Support group for Vietnamese families caring for a relative with mental "
      "illness.", "elig": "Family members"}),
    ("slavic-bridge", "Slavic Food Pantry", "pantry", {"elig": "None"}),
    ("hmong-wellness", "Hmong Youth Mentoring", "mentoring", {"elig": "Youth ages 10-18",
                                                              "min_age": 10, "max_age": 18}),
    ("dph-restore", "Del Paso Mobile Crisis Support", "mobile_crisis",
     {"elig": "None", "area": "zips", "sites": "virtual"}),
    ("sierra-oaks", "County Mobile Crisis Team", "mobile_crisis",
     {"elig": "None", "area": "county", "sites": "virtual"}),
    ("natomas-parent", "Natomas Child Care Referrals", "childcare_subsidy", {"elig": "None"}),
    ("vets", "Veterans Legal Clinic", "legal_aid", {"elig": "Veterans", "sched": "saturday"}),
    ("meadowview", "Meadowview Family Pantry", "pantry", {"elig": "Families with children"}),
    ("antelope-adult", "Job Skills Certificate Program", "job_training",
     {"elig": "Age 18 or over"}),
    ("newcomer", "Newcomer Food Assistance", "calfresh",
     {"elig": "Refugee families", "langs": ["ar", "fa", "en"]}),
    ("reentry", "Reentry Peer Mentors", "peer_support",
     {"desc": "Peer mentors who have been through incarceration and recovery.",
      "elig": "Formerly incarcerated adults"}),
    ("money-matters", "Public Benefits Screening", "benefits",
     {"elig": "None", "desc": "Find out which benefits you qualify for in one visit: CalFresh, "
      "Medi-Cal, WIC, LIHEAP and tax credits."}),
    ("folsom-senior", "Senior Grief Group", "grief", {"elig": "Age 60 or over"}),
    ("transit-access", "Rides to Work", "transport",
     {"elig": "Low-income workers in their first 90 days of a new job"}),
    ("tower-legal", "Domestic Violence Legal Advocacy", "dv_advocacy",
     {"elig": "Survivors of domestic violence"}),
    ("riverbend", "Riverbend Peer Support", "peer_support",
     {"elig": "Riverbend residents", "desc": "Peer specialists support tenants in recovery."}),
]

ELIG_ROTATION = [
    "None", "Age 18 or over", "Low-income Sacramento County resident, age 55 or over",
    "Income below 200% FPL", "Varies according to program", "Sacramento County residents",
    "Open to all", "Adults 18+", "Must live in Sacramento County",
]

FEES_BY_COST = {
    "free": "Free",
    "sliding": "Sliding scale based on household income; no one turned away for inability to pay",
    "insurance": "Medi-Cal accepted; Medicare and private insurance billed",
    "fixed": "Fixed fee per visit",
    "fee_rent": "Rent is 30% of household income",
}

STREETS = [
    "Cottonwood Row", "Tule Marsh Way", "Valley Oak Lane", "Sandhill Crane Court",
    "Levee Bend Road", "Poppy Field Avenue", "Old Mill Drive", "Blue Heron Street",
    "Canal View Way", "Orchard Gate Road",
    "Riverstone Avenue", "Willow Slough Drive", "Gold Dredge Lane", "Harvest Moon Court",
    "Railyard Commons", "Elderberry Way", "Quarry Ridge Drive", "Marsh Hawk Lane",
]

# Schedule profiles: list of (byday, opens_at, closes_at, description).
SCHEDULES: dict[str, list[tuple[str, str, str, str]]] = {
    "business": [("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", "Weekdays 9 am - 5 pm")],
    "business_long": [("MO,TU,WE,TH", "08:30:00", "18:00:00", "Mon-Thu 8:30 am - 6 pm"),
                      ("FR", "08:30:00", "12:00:00", "Fri 8:30 am - noon")],
    "business_evening": [("MO,WE,FR", "09:00:00", "17:00:00", "Mon/Wed/Fri 9 am - 5 pm"),
                         ("TU,TH", "12:00:00", "20:00:00", "Tue/Thu noon - 8 pm evenings")],
    "weekday_long": [("MO,TU,WE,TH,FR", "08:00:00", "19:00:00", "Weekdays 8 am - 7 pm")],
    "evening": [("TU,TH", "18:00:00", "20:30:00", "Tue and Thu evenings 6 - 8:30 pm")],
    "evening_daily": [("MO,TU,WE,TH,FR,SA,SU", "17:00:00", "23:00:00", "Every evening 5 - 11 pm")],
    "overnight": [("MO,TU,WE,TH,FR,SA,SU", "19:00:00", "07:00:00",
                   "Every night, check-in 7 pm, leave by 7 am")],
    "24h": [("MO,TU,WE,TH,FR,SA,SU", "00:00:00", "23:59:00", "Open 24 hours, 7 days a week")],
    "pantry": [("TU,TH", "10:00:00", "13:00:00", "Tue/Thu 10 am - 1 pm"),
               ("SA", "09:00:00", "12:00:00", "Sat 9 am - noon")],
    "meals": [("MO,TU,WE,TH,FR", "11:30:00", "13:00:00", "Lunch weekdays 11:30 am - 1 pm")],
    "supper": [("MO,WE,FR", "17:00:00", "18:30:00", "Supper Mon/Wed/Fri 5 - 6:30 pm")],
    "daily_midday": [("MO,TU,WE,TH,FR,SA,SU", "11:00:00", "14:00:00", "Every day 11 am - 2 pm")],
    "weekend": [("SA,SU", "09:00:00", "13:00:00", "Weekends 9 am - 1 pm")],
    "saturday": [("SA", "10:00:00", "14:00:00", "Saturdays 10 am - 2 pm")],
    "friday": [("FR", "14:00:00", "16:00:00", "Fridays 2 - 4 pm")],
    "afterschool": [("MO,TU,WE,TH,FR", "15:00:00", "18:00:00", "School days 3 - 6 pm")],
    "childcare": [("MO,TU,WE,TH,FR", "06:30:00", "18:00:00", "Weekdays 6:30 am - 6 pm")],
    "tax": [("TU,TH", "16:00:00", "20:00:00", "Tax season: Tue/Thu 4 - 8 pm"),
            ("SA", "09:00:00", "15:00:00", "Tax season: Sat 9 am - 3 pm")],
    "none": [],
}
GROUP_SLOTS = [
    ("MO", "18:00:00", "19:30:00", "Mondays 6 - 7:30 pm"),
    ("TU", "18:30:00", "20:00:00", "Tuesdays 6:30 - 8 pm"),
    ("WE", "10:00:00", "11:30:00", "Wednesdays 10 - 11:30 am"),
    ("TH", "19:00:00", "20:30:00", "Thursdays 7 - 8:30 pm"),
    ("SA", "10:00:00", "11:30:00", "Saturdays 10 - 11:30 am"),
]

DELTA_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-121.70, 38.10], [-121.45, 38.10], [-121.45, 38.36], [-121.70, 38.36],
                     [-121.70, 38.10]]],
}
# fmt: on


def _zip_table() -> dict[str, tuple[str, float, float]]:
    """Sacramento County standard ZIPs: ZIP -> (city, latitude, longitude) from ``zipcodes``."""
    table: dict[str, tuple[str, float, float]] = {}
    query = {"state": "CA", "county": "Sacramento County"}
    rows = zipcodes.filter_by(**query)  # type: ignore[no-untyped-call]
    for row in rows:
        if row["zip_code_type"] == "STANDARD" and row["active"]:
            city = str(row["city"]).title().replace("Mcclellan", "McClellan")
            table[str(row["zip_code"])] = (city, float(row["lat"]), float(row["long"]))
    return dict(sorted(table.items()))


def _jitter(rng: random.Random, lat: float, lon: float) -> tuple[float, float]:
    """A point less than MAX_JITTER_KM kilometres from (lat, lon), rounded to 6 decimals."""
    distance = MAX_JITTER_KM * math.sqrt(rng.random())
    bearing = rng.uniform(0.0, 2.0 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _term(code: int) -> JSON:
    name, parent = OE_TERMS[code]
    return {
        "id": uid("oe", code),
        "code": str(code),
        "name": name,
        "description": f"Open Eligibility 2.0 service term {code}: {name}",
        "parent_id": uid("oe", parent),
        "taxonomy": "Open Eligibility",
        "language": "en",
    }


def _language(code: str, owner: str, **link: str) -> JSON:
    return {"id": uid(owner, "language", code), **link, "name": LANGUAGE_NAMES[code], "code": code}


def _phone(number_index: int, owner: str, kind: str = "voice", **link: str) -> JSON:
    return {
        "id": uid(owner, "phone", kind),
        **link,
        "number": f"(916) 555-{100 + number_index % 100:04d}",
        "type": kind,
    }


class _Builder:
    """Holds the seeded RNG and the shared organization and location objects."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.zips = _zip_table()
        self.orgs: dict[str, JSON] = {}
        self.sites: dict[str, list[JSON]] = {}
        self.org_zips: dict[str, list[str]] = {}
        self.phone_counter = 0
        for key, name, description, zips in ORGS:
            self._organization(key, name, description, zips)

    def _slug(self, key: str) -> str:
        return key.replace("-", "")

    def _organization(self, key: str, name: str, description: str, zips: list[str]) -> None:
        org_id = uid("organization", key)
        domain = f"{self._slug(key)}.example.org"
        self.phone_counter += 1
        self.orgs[key] = {
            "id": org_id,
            "name": name,
            "description": description,
            "email": f"info@{domain}",
            "website": f"https://{domain}/",
            "tax_status": "501(c)(3)",
            "year_incorporated": 1975 + self.rng.randrange(48),
            "phones": [_phone(self.phone_counter, org_id, organization_id=org_id)],
        }
        self.org_zips[key] = zips
        sites: list[JSON] = []
        for index, zip_code in enumerate(zips):
            city, lat, lon = self.zips[zip_code]
            lat, lon = _jitter(self.rng, lat, lon)
            street = f"{100 + self.rng.randrange(9800)} {self.rng.choice(STREETS)}"
            loc_id = uid("location", key, index)
            sites.append(
                {
                    "id": loc_id,
                    "location_type": "physical",
                    "organization_id": org_id,
                    "name": name if index == 0 else f"{name} - {city} site",
                    "latitude": lat,
                    "longitude": lon,
                    "addresses": [
                        {
                            "id": uid("address", key, index),
                            "location_id": loc_id,
                            "address_1": street,
                            "city": city,
                            "state_province": "CA",
                            "postal_code": zip_code,
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                }
            )
        if not zips:  # an online-only organization
            loc_id = uid("location", key, "virtual")
            sites.append(
                {
                    "id": loc_id,
                    "location_type": "virtual",
                    "organization_id": org_id,
                    "name": f"{name} (online and by phone)",
                    "url": f"https://{domain}/connect",
                }
            )
        self.sites[key] = sites

    def _virtual_site(self, key: str) -> JSON:
        virtual = [s for s in self.sites[key] if s["location_type"] == "virtual"]
        if virtual:
            return virtual[0]
        loc_id = uid("location", key, "virtual")
        site = {
            "id": loc_id,
            "location_type": "virtual",
            "organization_id": self.orgs[key]["id"],
            "name": f"{self.orgs[key]['name']} (online and by phone)",
            "url": f"https://{self._slug(key)}.example.org/connect",
        }
        self.sites[key].append(site)
        return site

    def _areas(self, sid: str, key: str, area: str | None) -> list[JSON]:
        zips = self.org_zips[key]
        main_city = self.zips[zips[0]][0] if zips else ""
        if area is None:
            if main_city == "Sacramento":
                area = "city" if self.rng.random() < 0.55 else "county"
            else:
                area = "elk_grove" if main_city == "Elk Grove" else "county"
        base = {"id": uid(sid, "area", area), "service_id": sid}
        if area == "county":
            return [{**base, "name": "Sacramento County"}]
        if area == "city":
            return [{**base, "name": "City of Sacramento"}]
        if area == "elk_grove":
            return [{**base, "name": "Elk Grove"}]
        if area == "california":
            return [{**base, "name": "California", "description": "Statewide (telehealth)"}]
        if area == "zips":
            near = sorted({*zips, *self._near_zips(zips[0])})
            return [
                {**base, "name": ", ".join(near), "description": "Residents of these ZIP codes"}
            ]
        if area == "polygon":
            return [
                {
                    **base,
                    "name": "Sacramento River Delta",
                    "description": "Isleton, Walnut Grove, Courtland and surrounding Delta",
                    "extent": json.dumps(DELTA_POLYGON, separators=(",", ":")),
                    "extent_type": "geojson",
                }
            ]
        raise ValueError(f"unknown area profile {area!r}")

    def _near_zips(self, zip_code: str) -> list[str]:
        _, lat, lon = self.zips[zip_code]
        ranked = sorted(
            self.zips,
            key=lambda z: (self.zips[z][1] - lat) ** 2 + ((self.zips[z][2] - lon) * 0.78) ** 2,
        )
        return ranked[:3]

    def _schedules(self, sid: str, profile: str) -> list[JSON]:
        slots = [self.rng.choice(GROUP_SLOTS)] if profile == "group" else SCHEDULES[profile]
        out = []
        for index, (byday, opens, closes, text) in enumerate(slots):
            out.append(
                {
                    "id": uid(sid, "schedule", index),
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                    "description": text,
                }
            )
        return out

    def _costs(self, sid: str, cost: str) -> list[JSON]:
        base = {"id": uid(sid, "cost", cost), "service_id": sid, "currency": "USD"}
        if cost == "free":
            return [{**base, "option": "Free", "amount": 0}]
        if cost == "sliding":
            low = self.rng.choice([0, 5, 10, 15])
            high = self.rng.choice([40, 60, 80, 120])
            return [
                {
                    **base,
                    "option": "Sliding scale",
                    "amount_description": f"${low}-${high} per session based on household income",
                }
            ]
        if cost == "fixed":
            return [
                {
                    **base,
                    "option": "Fixed fee",
                    "amount": self.rng.choice([25, 50, 75]),
                    "amount_description": "Per visit",
                }
            ]
        if cost == "fee_rent":
            return [{**base, "option": "Rent", "amount_description": "30% of household income"}]
        return []  # insurance: billed, no cost option

    def _languages(self, sid: str, key: str, langs: list[str] | None) -> list[str]:
        if langs is not None:
            return langs
        out = list(ORG_LANGS.get(key, ["en"]))
        if "es" not in out and self.rng.random() < 0.45:
            out.append("es")
        if self.rng.random() < 0.08:
            out.append(self.rng.choice(["zh", "ru", "tl", "vi", "pa", "hmn"]))
        return list(dict.fromkeys(out))

    def service(self, index: int, spec: S) -> JSON:
        key, name, kind, opts = spec
        default_code, description, sched, cost = KINDS[kind]
        sid = uid("service", key, name)
        rng = self.rng
        code = opts.get("code", default_code)
        cost = opts.get("cost", cost)
        elig = opts.get("elig", ELIG_ROTATION[index % len(ELIG_ROTATION)])
        service: JSON = {
            "id": sid,
            "organization_id": self.orgs[key]["id"],
            "name": name,
            "description": opts.get("desc", description),
            "url": f"https://{self._slug(key)}.example.org/services/{index + 1}",
            "email": f"intake@{self._slug(key)}.example.org",
            "status": opts.get("status", "active"),
            "fees_description": opts.get("fees", FEES_BY_COST[cost]),
            "eligibility_description": elig,
            "last_modified": LAST_MODIFIED,
        }
        for field in ("min_age", "max_age"):
            if field in opts:
                service[field.replace("min", "minimum").replace("max", "maximum")] = opts[field]
        if "wait" in opts:
            service["wait_time"] = opts["wait"]
        elif rng.random() < 0.15:
            service["wait_time"] = rng.choice(
                [
                    "Accepting new clients",
                    "Same-day appointments",
                    "Waitlist: about 2 weeks",
                    "Walk-ins welcome",
                ]
            )
        if "alert" in opts:
            service["alert"] = opts["alert"]
        if "interp" in opts:
            service["interpretation_services"] = opts["interp"]
        elif rng.random() < 0.2:
            service["interpretation_services"] = rng.choice(
                [
                    "Telephone interpreters available for any language",
                    "Bilingual staff; interpreters by appointment",
                    "Spanish interpreter on site Tuesdays",
                ]
            )
        self.phone_counter += 1
        phone_kind = "hotline" if kind in ("hotline", "dv_hotline", "mobile_crisis") else "voice"
        phones = [_phone(self.phone_counter, sid, phone_kind, service_id=sid)]
        if kind == "hotline" and "Text" in name:
            phones[0]["type"] = "text"
        service["phones"] = phones
        profile = opts.get("sched", sched)
        if profile != "none" and rng.random() < 0.06 and "sched" not in opts:
            profile = "none"  # some services publish no hours at all
        service["schedules"] = self._schedules(sid, profile)
        service["service_areas"] = self._areas(sid, key, opts.get("area"))
        service["languages"] = [
            _language(c, sid, service_id=sid) for c in self._languages(sid, key, opts.get("langs"))
        ]
        service["cost_options"] = self._costs(sid, cost)
        service["organization"] = self.orgs[key]
        sites = opts.get("sites", [0])
        chosen: list[JSON]
        if sites == "confidential":
            chosen = []
            service["description"] += " The shelter address is confidential; call the hotline."
        elif sites == "virtual" or not self.org_zips[key]:
            chosen = [self._virtual_site(key)]
        else:
            chosen = [self.sites[key][i] for i in sites]
        service["service_at_locations"] = [
            {
                "id": uid(sid, "at", site["id"]),
                "service_id": sid,
                "location_id": site["id"],
                "location": site,
            }
            for site in chosen
        ]
        if code:
            term = _term(code)
            service["attributes"] = [
                {
                    "id": uid(sid, "attribute", code),
                    "link_id": sid,
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": term["id"],
                    "taxonomy_term": term,
                }
            ]
        else:
            service["attributes"] = []
        if "capacity" in opts:
            available, maximum, unit = opts["capacity"]
            service["capacities"] = [
                {
                    "id": uid(sid, "capacity"),
                    "service_id": sid,
                    "unit": {"id": uid("unit", unit), "name": unit},
                    "available": available,
                    "maximum": maximum,
                    "description": f"{available} of {maximum} {unit}s open",
                    "updated": CAPACITY_UPDATED,
                }
            ]
        return service


def build_directory() -> list[JSON]:
    """The sample directory: a list of HSDS 3.0 service objects with everything nested.

    >>> services = build_directory()
    >>> len(services) >= 160
    True
    """
    builder = _Builder()
    return [builder.service(i, spec) for i, spec in enumerate([*SERVICES, *EXTRA])]


NEED_WEIGHTS: dict[str, float] = {
    "housing": 8,
    "emergency_shelter": 5,
    "rental_assistance": 5,
    "transitional_housing": 2,
    "supportive_housing": 2,
    "housing_search": 3,
    "employment": 6,
    "job_training": 3,
    "job_placement": 3,
    "supported_employment": 2,
    "therapy": 8,
    "individual_therapy": 4,
    "family_therapy": 2,
    "psychiatry": 3,
    "telehealth_therapy": 2,
    "support_groups": 4,
    "peer_recovery": 3,
    "grief_support": 2,
    "violence_survivor_support": 1.5,
    "family_support_group": 1.5,
    "youth_support_group": 1,
    "food": 7,
    "substance_use_treatment": 3,
    "crisis": 1.5,
    "transportation": 2,
    "utilities": 2,
    "legal": 2,
    "financial": 1.5,
    "health_care": 2.5,
    "domestic_violence": 1.5,
    "education": 1.5,
    "child_care": 1.5,
    "benefits_enrollment": 2.5,
}

CASELOAD_COLUMNS = [
    "client_id",
    "age",
    "gender",
    "household_size",
    "dependents_ages",
    "pregnant",
    "annual_income",
    "veteran",
    "insurance",
    "languages",
    "postal_code",
    "max_travel_km",
    "needs",
]
OUTSIDE_ZIPS = ["95616", "95691", "95661"]  # Davis, West Sacramento (Yolo); Roseville (Placer)
FAR_ZIPS = ["96001", "93721"]  # Redding, Fresno: far outside any service's reach
UNSERVED_LANGS = ["so", "am", "ko"]  # Somali, Amharic, Korean: no sample service speaks them


def _weighted_needs(rng: random.Random, count: int) -> list[str]:
    keys = list(NEED_WEIGHTS)
    weights = [NEED_WEIGHTS[k] for k in keys]
    chosen: list[str] = []
    while len(chosen) < count:
        pick = rng.choices(keys, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def build_caseload(n_clients: int = 330) -> list[dict[str, str]]:
    """The sample caseload: one row (column -> text) per fictional client.

    >>> rows = build_caseload(5)
    >>> [r["client_id"] for r in rows]
    ['C0001', 'C0002', 'C0003', 'C0004', 'C0005']
    """
    rng = random.Random(SEED + 1)
    zips = list(_zip_table())
    lang_sets = [("en",)] * 22 + [
        ("es",),
        ("es", "en"),
        ("es", "en"),
        ("es", "en"),
        ("vi",),
        ("vi", "en"),
        ("hmn", "en"),
        ("ru",),
        ("uk", "ru"),
        ("zh",),
        ("tl", "en"),
        ("pa",),
        ("pa", "en"),
        ("ar",),
        ("fa",),
        ("en", "es"),
    ]
    rows: list[dict[str, str]] = []
    for number in range(1, n_clients + 1):
        youth = rng.random() < 0.08
        age = rng.randint(13, 17) if youth else min(88, int(rng.triangular(18, 85, 34)))
        gender = rng.choices(["female", "male", "nonbinary", ""], [48, 44, 4, 4])[0]
        adults = 1 if youth else rng.choices([1, 2], [65, 35])[0]
        n_kids = 0 if youth else rng.choices([0, 1, 2, 3, 4], [50, 20, 16, 9, 5])[0]
        household = adults + n_kids + (2 if youth else 0)
        kids = sorted((rng.randint(0, 17) for _ in range(n_kids)), reverse=True)
        pregnant = ""
        if gender == "female" and 16 <= age <= 44:
            pregnant = rng.choices(["true", "false", ""], [10, 60, 30])[0]
        elif gender == "female" and rng.random() < 0.3:
            pregnant = "false"
        income = ""
        if rng.random() > 0.12 and not youth:
            no_income = rng.random() < 0.08
            income = "0" if no_income else str(int(rng.triangular(0, 95000, 14000)) // 100 * 100)
        veteran = "" if youth else rng.choices(["true", "false", ""], [8, 80, 12])[0]
        if age >= 65:
            insurance = rng.choices(["medicare", "medicaid", "private", ""], [60, 25, 10, 5])[0]
        else:
            insurance = rng.choices(["medicaid", "private", "uninsured", ""], [50, 18, 20, 12])[0]
        languages = ";".join(rng.choice(lang_sets))
        roll = rng.random()
        if roll < 0.05:
            postal = rng.choice(OUTSIDE_ZIPS)
        elif roll < 0.065:
            postal = rng.choice(FAR_ZIPS)
        else:
            postal = rng.choice(zips)
        if rng.random() < 0.03:
            languages = rng.choice(UNSERVED_LANGS)
        travel = "" if rng.random() < 0.35 else str(rng.choice([5, 8, 10, 15, 20, 25, 30, 40]))
        n_needs = rng.choices([1, 2, 3, 4], [30, 35, 22, 13])[0]
        needs = _weighted_needs(rng, n_needs)
        if youth and rng.random() < 0.6 and "youth_support_group" not in needs:
            needs[0] = "youth_support_group"
        rows.append(
            {
                "client_id": f"C{number:04d}",
                "age": str(age),
                "gender": gender,
                "household_size": str(household),
                "dependents_ages": ";".join(str(k) for k in kids),
                "pregnant": pregnant,
                "annual_income": income,
                "veteran": veteran,
                "insurance": insurance,
                "languages": languages,
                "postal_code": postal,
                "max_travel_km": travel,
                "needs": ";".join(needs),
            }
        )
    return rows


def directory_text(services: Sequence[JSON]) -> str:
    """The directory as pretty-printed UTF-8 JSON text ending in a newline.

    >>> directory_text([{"id": "x"}])
    '[\\n  {\\n    "id": "x"\\n  }\\n]\\n'
    """
    return json.dumps(list(services), indent=2, ensure_ascii=False) + "\n"


def caseload_text(rows: Sequence[dict[str, str]]) -> str:
    r"""The caseload as CSV text with a header row and ``\n`` line endings.

    >>> caseload_text([{"client_id": "C0001", "age": "34", "needs": "housing"}]).splitlines()[1]
    'C0001,34,,,,,,,,,,,housing'
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CASELOAD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_outputs(out_dir: Path) -> tuple[Path, Path]:
    """Write both sample files into ``out_dir`` (created if missing); return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    directory_path = out_dir / DIRECTORY_FILE
    caseload_path = out_dir / CASELOAD_FILE
    directory_path.write_bytes(directory_text(build_directory()).encode("utf-8"))
    caseload_path.write_bytes(caseload_text(build_caseload()).encode("utf-8"))
    return directory_path, caseload_path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``--out FOLDER`` (default: the package's data folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in write_outputs(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
