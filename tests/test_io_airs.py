"""AIRS XML: the real San Diego exports and the 4.0 instance load with every record accounted for;
hostile XML (entity bombs, external entities, oversized files) is refused with a library error."""

from __future__ import annotations

from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.errors import DirectoryFormatError, ReferralMatchError, UnsafeInputError
from referralmatch.io.airs_xml import AIRS_TAXONOMY, load_airs_xml, looks_like_airs_xml
from referralmatch.io.report import LoadReport
from referralmatch.io.source import Bundle

SMALL_30 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<Source SchemaVersion="3.0">
  <Agency>
    <Key>A1</Key><Name>Harbor House</Name>
    <Site>
      <Key>S1</Key><Name>Main office</Name>
      <PhysicalAddress Confidential="false"><Line1>1 Main St</Line1><City>San Diego</City>
        <State>CA</State><ZipCode>92101</ZipCode></PhysicalAddress>
      <PhysicalAddress Confidential="true"><Line1>99 Hidden Rd</Line1></PhysicalAddress>
      <SiteService ServiceGroupKey="G1">
        <Name>Emergency shelter</Name><Key>SS1</Key>
        <Phone Confidential="false"><PhoneNumber>(619) 555-0100</PhoneNumber><Type>Voice</Type></Phone>
        <Phone Confidential="false"><PhoneNumber>none</PhoneNumber></Phone>
        <TimeOpen><Notes>Mon-Fri 9-5</Notes></TimeOpen>
        <TimeOpen><Monday><From>09:00:00</From><To>12:00:00</To><From>12:00:00</From>
          <To>17:00:00</To></Monday><Friday><From>09:00:00</From><To>17:00:00</To></Friday></TimeOpen>
        <Taxonomy><Code>BH-1800.8500</Code></Taxonomy>
        <Languages><Name>English, Spanish</Name></Languages>
        <GeographicAreaServed><ZipCode>92101</ZipCode><Description>Downtown</Description></GeographicAreaServed>
        <AgeRequirements>18 years and older</AgeRequirements>
        <GenderRequirements>Female</GenderRequirements>
        <FeeStructure>Free</FeeStructure>
      </SiteService>
    </Site>
    <Site><Key>S2</Key><Name>Annex</Name>
      <SiteService><Name>Emergency shelter</Name><Key>SS1</Key></SiteService>
      <SiteService><Key>SS2</Key></SiteService>
    </Site>
    <ServiceGroup><Key>G1</Key><Name>Shelter</Name><ProgramName>Shelter program</ProgramName></ServiceGroup>
  </Agency>
</Source>
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "export.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _assert_accounted(report: LoadReport) -> None:
    assert report.balanced
    for name, counts in report.counts.items():
        assert counts.read == counts.loaded + counts.rejected, name


@pytest.mark.parametrize("name", ["airsxml_test.xml", "airsxml_test2.xml"])
def test_real_san_diego_exports_load_accounted(reference: Path, name: str) -> None:
    path = reference / "airs_xml" / "sandiego_2016" / name
    directory = rm.load_directory(path)
    report = directory.report
    assert report.format == "airs-xml"
    _assert_accounted(report)
    assert report.ok, [str(i) for i in report.errors]
    assert len(directory.organizations) == 1
    assert len(directory.services) == report.counts["service"].loaded >= 1
    service = next(iter(directory.services.values()))
    # taxonomy codes reach the matcher the way the Baltimore HSDS 3 reference carries them
    terms = directory.taxonomy_terms_of(service)
    assert terms and all(t.taxonomy == AIRS_TAXONOMY and t.code for t in terms)
    assert all("-" in (t.code or "") and t.code[:2].isalpha() for t in terms)
    # the site service is delivered at its site; line ends from &#13; are gone
    locations = directory.locations_of(service)
    assert locations and locations[0].addresses
    assert "\r" not in (service.description or "")
    assert service.schedules and any(s.opens_at is not None for s in service.schedules)
    assert service.eligibility_description


def test_real_export_folder_loads_both_files(reference: Path) -> None:
    directory = rm.load_directory(reference / "airs_xml" / "sandiego_2016")
    assert len(directory.organizations) == 2
    _assert_accounted(directory.report)


def test_mislabelled_utf8_is_read_as_utf8(reference: Path) -> None:
    directory = rm.load_directory(reference / "airs_xml" / "sandiego_2016" / "airsxml_test2.xml")
    org = next(iter(directory.organizations.values()))
    assert "veterans\u2019" in (org.description or "")
    assert any("UTF-8" in i.message for i in directory.report.issues)


def test_airs_40_instance_loads_accounted(reference: Path) -> None:
    directory = rm.load_directory(reference / "airs_xml" / "airs_instance.xml")
    report = directory.report
    _assert_accounted(report)
    service = directory.services["SS6543"]
    assert (service.minimum_age, service.maximum_age) == (0.0, 120.0)
    assert "200% of federal poverty" in (service.eligibility_description or "")
    assert {lang.code for lang in service.languages} == {"en", "es", "fr"}
    assert service.service_areas and service.fees_description
    assert [t.code for t in directory.taxonomy_terms_of(service)] == ["BD-1875.2000"]
    assert directory.taxonomy_terms_of(service)[0].name == "Food Banks/Food Distribution Warehouses"
    location = directory.locations["ST1234"]
    assert location.latitude == pytest.approx(27.7731)
    # the confidential physical address is withheld, the mailing one kept
    assert [a.address_type for a in location.addresses] == ["postal"]
    assert any("confidential" in i.message for i in report.issues)
    # the site service names a site that is not in the file: reported, not dropped
    assert any(i.record_id == "SS6543" and i.field == "SiteID" for i in report.issues)
    # its labelled requirements ("Gender: Male, Female, Other", "Family: Any") are read, and
    # leave no unknown "other requirement"
    from referralmatch.eligibility.parse import rules_for_service

    assert sorted(r.kind for r in rules_for_service(service)) == ["age", "income", "residency"]


def test_labelled_requirements_that_set_none_leave_no_unknown_rule(reference: Path) -> None:
    from referralmatch.eligibility.parse import rules_for_service

    # real San Diego export: "Gender: Either" and "Eligibility: N/A"
    directory = rm.load_directory(reference / "airs_xml" / "sandiego_2016" / "airsxml_test.xml")
    [service] = directory.services.values()
    assert rules_for_service(service) == []


def test_small_30_export_maps_every_part(tmp_path: Path) -> None:
    directory = rm.load_directory(_write(tmp_path, SMALL_30))
    report = directory.report
    _assert_accounted(report)
    service = directory.services["SS1"]
    assert service.program_id == "G1" and directory.programs["G1"].name == "Shelter program"
    assert service.minimum_age == 18.0 and service.maximum_age is None
    assert "Gender: Female" in (service.eligibility_description or "")
    assert [p.number for p in service.phones] == ["(619) 555-0100"]
    hours = {
        (
            s.byday,
            s.opens_at.isoformat() if s.opens_at else None,
            s.closes_at.isoformat() if s.closes_at else None,
        )
        for s in service.schedules
    }
    assert hours == {("MO,FR", "09:00:00", "17:00:00")}
    assert service.schedules[0].description == "Mon-Fri 9-5"
    # delivered at two sites: one service, two links
    assert sorted(loc.id for loc in directory.locations_of(service)) == ["S1", "S2"]
    assert [a.address_1 for a in directory.locations["S1"].addresses] == ["1 Main St"]
    # a site service without a name is rejected and reported with its place in the file
    assert "SS2" not in directory.services
    rejected = [i for i in report.errors if i.record_id == "SS2"]
    assert rejected and rejected[0].pointer == "/Source/Agency[1]/Site[2]/SiteService[2]"
    assert report.counts["service"].rejected == 1


def test_sniffing_needs_the_airs_root(tmp_path: Path) -> None:
    assert looks_like_airs_xml(Bundle.open(_write(tmp_path, SMALL_30)))
    other = _write(tmp_path, "<rss><channel/></rss>", "feed.xml")
    assert not looks_like_airs_xml(Bundle.open(other))
    with pytest.raises(DirectoryFormatError, match="unrecognised"):
        rm.load_directory(other)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Source [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Source><Agency><Key>1</Key><Name>&lol4;</Name></Agency></Source>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Source [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Source><Agency><Key>1</Key><Name>&secret;</Name></Agency></Source>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_hostile_xml_refused(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(UnsafeInputError, match="entities") as caught:
        rm.load_directory(path, format="airs-xml")
    assert isinstance(caught.value, ReferralMatchError)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd was read


def test_oversized_xml_refused(tmp_path: Path) -> None:
    bundle = Bundle.open(_write(tmp_path, SMALL_30))
    with pytest.raises(UnsafeInputError, match="size limit"):
        load_airs_xml(bundle, LoadReport(source="x"), max_bytes=100)


def test_malformed_xml_is_a_format_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "<Source><Agency><Name>Unclosed</Agency></Source>")
    with pytest.raises(DirectoryFormatError, match="not well-formed"):
        rm.load_directory(path, format="airs-xml")


def test_windows_1252_punctuation_in_latin1_file(tmp_path: Path) -> None:
    text = SMALL_30.replace("Harbor House", "Harbor\u2019s House").encode("cp1252")
    directory = rm.load_directory(_write(tmp_path, text))
    assert directory.organizations["A1"].name == "Harbor\u2019s House"


NESTED_40 = """<?xml version="1.0" encoding="UTF-8"?>
<Source xmlns="http://www.airs.org/schema/4_0_0/AIRS.xsd">
  <Agency>
    <AgencyID>A9</AgencyID><AgencyName>Food Help</AgencyName><YearInc>1999</YearInc>
    <Site><ID>S9</ID><Title>Pantry</Title>
      <SpatialLocation><Latitude>0</Latitude><Longitude>0.0</Longitude></SpatialLocation></Site>
    <Service><ID>SV9</ID><Title>Food pantry</Title><WaitTime>None</WaitTime></Service>
    <SiteService><ID>SS9</ID><SiteID>S9</SiteID><ServiceID>SV9</ServiceID>
      <OpenHours><dayOpen>Friday</dayOpen><TimeOpens>10:00:00Z</TimeOpens><TimeCloses>12:00:00Z</TimeCloses></OpenHours>
    </SiteService>
  </Agency>
  <Mystery>not AIRS</Mystery>
</Source>
"""


def test_40_elements_nested_in_agency(tmp_path: Path) -> None:
    directory = rm.load_directory(_write(tmp_path, NESTED_40))
    report = directory.report
    _assert_accounted(report)
    service = directory.services["SS9"]
    assert service.name == "Food pantry" and service.wait_time == "None"  # filled from Service
    assert service.organization_id == "A9"
    assert [loc.id for loc in directory.locations_of(service)] == ["S9"]
    assert service.schedules[0].byday == "FR" and service.schedules[0].opens_at.hour == 10  # type: ignore[union-attr]
    assert "SV9" not in directory.services  # merged into the site service that delivers it
    assert any(i.record_id == "SV9" and "merged" in i.message for i in report.issues)
    assert directory.organizations["A9"].year_incorporated == 1999
    location = directory.locations["S9"]
    assert location.latitude is None and location.longitude is None  # 0, 0 is no place
    assert any(i.field == "Mystery" for i in report.issues)


def test_stray_control_characters_are_removed_with_a_note(tmp_path: Path) -> None:
    text = SMALL_30.replace("Harbor House", "Harbor\x0b House&#26;&#x1F;")
    directory = rm.load_directory(_write(tmp_path, text))
    assert directory.organizations["A1"].name == "Harbor House"
    assert any("control character" in i.message for i in directory.report.issues)


def test_agency_repeated_in_a_second_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _write(folder, SMALL_30, "a.xml")
    _write(folder, SMALL_30, "b.xml")
    directory = rm.load_directory(folder)
    report = directory.report
    _assert_accounted(report)
    assert report.counts["organization"].read == 2 and report.counts["organization"].rejected == 1
    assert any(i.file == "b.xml" and i.field == "id" for i in report.errors)
