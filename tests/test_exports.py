"""Programme exports: iCalendar files, c3voc schedule.json and frab schedule.xml."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st
from icalendar import Calendar, Event
from lxml import etree

from civichub.build import build, read_settings
from civichub.exports import ics, schedule
from civichub.pipeline import build_hub, load_and_check
from civichub.urls import Site, Urls

from conftest import ROOT, SETTINGS

SPECS = Path("/work/shared/specs/c3voc-schedule")
CESE = "evenements/journee-civic-tech-2019"
UTC = timezone.utc


# -- helpers ------------------------------------------------------------------------------------

def calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(v["UID"]): v for v in cal.walk("VEVENT")}


def by_uid_suffix(cal: Calendar, session_id: str):
    return next(v for uid, v in vevents(cal).items() if uid.split("@")[0].endswith(f"-{session_id}"))


def json_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((SPECS / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def assert_valid_json(data: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message[:300]}" for e in json_validator().iter_errors(data)]
    assert errors == []


def assert_valid_xml(data: bytes) -> etree._Element:
    xsd = etree.XMLSchema(etree.parse(str(SPECS / "schedule.xml.xsd")))
    document = etree.fromstring(data)
    assert xsd.validate(document), str(xsd.error_log)
    return document


def all_sessions(data: dict) -> list[dict]:
    return [s for day in data["schedule"]["conference"]["days"] for room in day["rooms"].values() for s in room]


def load_hub(content: Path, settings: dict):
    return build_hub(load_and_check(content, settings), settings)


def site_for(settings: dict, url: str = "https://hub.example") -> Site:
    return Site(url=url, name="Hub de la civic tech", urls=Urls.from_settings(settings),
                uid_domain="hub.example", timestamp=datetime(2019, 3, 18, tzinfo=UTC))


@pytest.fixture(scope="module")
def sample_hub():
    settings = read_settings(ROOT / "pelicanconf.py")
    return load_hub(ROOT / "content", settings), settings


@pytest.fixture(scope="module")
def second_build(tmp_path_factory) -> Path:
    return build(ROOT / "pelicanconf.py", tmp_path_factory.mktemp("again") / "output")


# -- iCalendar, on the built sample -------------------------------------------------------------

def test_every_calendar_parses_and_has_its_time_zone(sample_site):
    paths = sorted(sample_site.rglob("*.ics"))
    assert sample_site / CESE / "programme.ics" in paths
    assert sample_site / CESE / "salles/hemicycle/salle.ics" in paths
    assert sample_site / "personnes/loic-blondiaux/agenda.ics" in paths
    for path in paths:
        cal = calendar(path)
        assert cal["VERSION"] == "2.0" and cal["PRODID"] and cal["CALSCALE"] == "GREGORIAN"
        assert str(cal["X-WR-CALNAME"])
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"], path
        assert cal.get_missing_tzids() == set()
        for event in cal.walk("VEVENT"):
            assert event.decoded("DTSTART").tzinfo is not None
            assert event["DTSTART"].params["TZID"] == "Europe/Paris"


def test_event_calendar_times_and_places(sample_site):
    cal = calendar(sample_site / CESE / "programme.ics")
    events = cal.walk("VEVENT")
    assert len(events) == 18
    opening = by_uid_suffix(cal, "ouvrir-les-institutions-grand-debat")
    # 18 March 2019 is winter time in Paris: UTC+1
    assert opening.decoded("DTSTART").astimezone(UTC) == datetime(2019, 3, 18, 8, 0, tzinfo=UTC)
    assert opening.decoded("DTEND").astimezone(UTC) == datetime(2019, 3, 18, 9, 30, tzinfo=UTC)
    location = str(opening["LOCATION"])
    assert location.startswith("Hémicycle, ")
    assert "Conseil économique, social et environnemental (CESE)" in location
    assert "9 place d'Iéna, 75016 Paris" in location
    assert [str(c) for c in opening["CATEGORIES"].cats] == ["Table ronde"]
    assert "Loïc Blondiaux, Université Paris 1" in str(opening["DESCRIPTION"])
    assert "Ouvrir les institutions" in str(opening["SUMMARY"])
    # the evening has no end: DTSTART only, at the other venue
    evening = by_uid_suffix(cal, "soiree-civic-tech")
    assert "DTEND" not in evening and "DURATION" not in evening
    assert str(evening["LOCATION"]).startswith("Liberté Living Lab, 9 rue d'Alexandrie")
    # lunch has no room: the venue only
    lunch = by_uid_suffix(cal, "dejeuner")
    assert str(lunch["LOCATION"]).startswith("Conseil économique")
    assert lunch["TRANSP"] == "TRANSPARENT"
    # moderators are named, by role
    centrifuge = str(by_uid_suffix(cal, "centrifugeuse-inclusion-education-numerique")["DESCRIPTION"])
    assert "Modération :\n- Damien Monnerie" in centrifuge
    assert "Antonin Cois, Ligue de l'enseignement — « Framaligue »" in centrifuge
    # language only where RFC 5545 allows it: the LANGUAGE parameter of text properties
    english = by_uid_suffix(cal, "civic-tech-ecosystems-europe-worldwide")
    assert english["SUMMARY"].params["LANGUAGE"] == "en"
    assert opening["SUMMARY"].params["LANGUAGE"] == "fr"
    starts = [e.decoded("DTSTART") for e in events]
    assert starts == sorted(starts)


def test_uids_are_unique_and_stable_and_builds_are_identical(sample_site, second_build):
    cal = calendar(sample_site / CESE / "programme.ics")
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == len(uids) == 18
    assert "journee-civic-tech-2019-dejeuner@hub-civictech.example" in uids
    again = calendar(second_build / CESE / "programme.ics")
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids
    stamps = {e.decoded("DTSTAMP") for cal_ in (cal, again) for e in cal_.walk("VEVENT")}
    assert len(stamps) == 1 and next(iter(stamps)).tzinfo is not None
    exports = sorted(p.relative_to(sample_site) for pattern in ("*.ics", "schedule.json", "schedule.xml")
                     for p in sample_site.rglob(pattern))
    assert exports == sorted(p.relative_to(second_build) for pattern in ("*.ics", "schedule.json", "schedule.xml")
                             for p in second_build.rglob(pattern))
    for relative in exports:
        assert (sample_site / relative).read_bytes() == (second_build / relative).read_bytes(), relative


def test_session_uid_is_the_same_in_every_calendar(sample_site):
    session = calendar(sample_site / CESE / "ouvrir-les-institutions-grand-debat/session.ics")
    room = calendar(sample_site / CESE / "salles/hemicycle/salle.ics")
    person = calendar(sample_site / "personnes/loic-blondiaux/agenda.ics")
    (uid,) = vevents(session)
    assert uid in vevents(room) and uid in vevents(person)


def test_person_calendar_has_exactly_their_sessions(sample_site):
    person = calendar(sample_site / "personnes/loic-blondiaux/agenda.ics")
    assert list(vevents(person)) == ["journee-civic-tech-2019-ouvrir-les-institutions-grand-debat@hub-civictech.example"]
    assert "Loïc Blondiaux" in str(person["X-WR-CALNAME"])


def test_room_calendar_has_the_room_only(sample_site):
    room = calendar(sample_site / CESE / "salles/salle-245/salle.ics")
    ids = sorted(uid.split("@")[0] for uid in vevents(room))
    assert ids == ["journee-civic-tech-2019-atelier-civic-tech-transition-ecologique",
                   "journee-civic-tech-2019-centrifugeuse-start-ups-engagement-citoyen"]
    for event in room.walk("VEVENT"):
        assert str(event["LOCATION"]).startswith("Salle 245, ")


def test_untimed_events_have_no_exports(sample_site):
    assert not (sample_site / "evenements/forum-civic-tech-2016/programme.ics").exists()
    assert not (sample_site / "evenements/forum-civic-tech-2016/schedule.json").exists()


def test_calendars_with_a_site_url_link_back_and_are_deterministic(sample_hub):
    hub, settings = sample_hub
    site = site_for(settings)
    event = hub.event("journee-civic-tech-2019")
    data = ics.event_calendar(hub, event, site)
    assert data == ics.event_calendar(hub, event, site)
    cal = Calendar.from_ical(data)
    opening = by_uid_suffix(cal, "ouvrir-les-institutions-grand-debat")
    assert str(opening["UID"]) == "journee-civic-tech-2019-ouvrir-les-institutions-grand-debat@hub.example"
    assert str(opening["URL"]) == f"https://hub.example/{CESE}/ouvrir-les-institutions-grand-debat/"
    assert opening.decoded("DTSTAMP") == datetime(2019, 3, 18, tzinfo=UTC)
    person = hub.person("loic-blondiaux")
    assert ics.person_calendar(hub, person, site) == ics.person_calendar(hub, person, site)


# -- schedule.json / schedule.xml, on the built sample -----------------------------------------

def test_schedule_json_is_valid_c3voc(sample_site):
    data = json.loads((sample_site / CESE / "schedule.json").read_bytes())
    assert_valid_json(data)
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "journee_civic_tech_2019"
    assert conference["time_zone_name"] == "Europe/Paris"
    assert conference["daysCount"] == 1 == len(conference["days"])
    day = conference["days"][0]
    assert (day["day_start"], day["day_end"]) == ("2019-03-18T09:00:00+01:00", "2019-03-18T20:30:00+01:00")
    assert list(day["rooms"]) == ["Hémicycle", "Salle 225", "Salle 229", "Salle 245",
                                  schedule.ALL_ROOMS, "Liberté Living Lab"]
    sessions = {s["slug"].split("-", 1)[1]: s for s in all_sessions(data)}
    assert len(sessions) == 18
    opening = sessions["ouvrir-les-institutions-grand-debat"]
    assert (opening["date"], opening["start"], opening["duration"]) == ("2019-03-18T09:00:00+01:00", "09:00", "01:30")
    assert (opening["type"], opening["track"], opening["room"]) == ("Table ronde", "Grand débat national", "Hémicycle")
    assert [s["title"] for s in day["rooms"][schedule.ALL_ROOMS]] == ["Déjeuner", "Pause"]
    evening = sessions["soiree-civic-tech"]
    assert (evening["room"], evening["duration"]) == ("Liberté Living Lab", "02:00")
    assert "Heure de fin non précisée" in evening["description"]
    assert evening["links"] == [{"type": "web", "url": "http://www.liberte.paris", "title": "Inscription"}]
    assert sessions["civic-tech-ecosystems-europe-worldwide"]["language"] == "en"
    # moderators are kept: role on each person, and by role in the description
    centrifuge = sessions["centrifugeuse-inclusion-education-numerique"]
    roles = {p["name"]: p["role"] for p in centrifuge["persons"]}
    assert roles["Damien Monnerie"] == "moderator" and roles["Antonin Cois"] == "speaker"
    assert centrifuge["description"].startswith("Modération :\n- Damien Monnerie")
    moderators = [p for s in sessions.values() for p in s["persons"] if p["role"] == "moderator"]
    assert len(moderators) == 6
    assert sessions["ecosystemes-civic-tech-france"]["persons"][0]["role"] == "opener"
    # identifiers: unique, guid derived from the calendar UID
    guids = [s["guid"] for s in sessions.values()]
    ids = [s["id"] for s in sessions.values()]
    assert len(set(guids)) == len(set(ids)) == 18 and all(0 < i < 2**31 for i in ids)
    assert data["schedule"]["version"]


def test_schedule_xml_is_valid_frab(sample_site):
    document = assert_valid_xml((sample_site / CESE / "schedule.xml").read_bytes())
    events = document.findall("day/room/event")
    assert len(events) == 18
    assert [room.get("name") for room in document.findall("day/room")][-2:] == [schedule.ALL_ROOMS,
                                                                                   "Liberté Living Lab"]
    centrifuge = next(e for e in events if e.findtext("title") == "Inclusion et éducation au numérique")
    assert centrifuge.findtext("description").startswith("Modération :\n- Damien Monnerie")
    assert [p.text for p in centrifuge.findall("persons/person")][0] == "Damien Monnerie"
    assert centrifuge.find("url") is None  # no SITEURL: the XSD wants absolute http(s) URLs
    json_data = json.loads((sample_site / CESE / "schedule.json").read_bytes())
    by_guid = {s["guid"]: s for s in all_sessions(json_data)}
    for event in events:
        twin = by_guid[event.get("guid")]
        assert int(event.get("id")) == twin["id"]
        assert event.findtext("duration") == twin["duration"] and event.findtext("room") == twin["room"]
    assert document.findtext("version") == json_data["schedule"]["version"]


def test_schedules_with_a_site_url(sample_hub):
    hub, settings = sample_hub
    site = site_for(settings)
    event = hub.event("journee-civic-tech-2019")
    raw = schedule.schedule_json(hub, event, site)
    assert raw == schedule.schedule_json(hub, event, site)
    data = json.loads(raw)
    assert_valid_json(data)
    checker = jsonschema.Draft6Validator(json.loads((SPECS / "schema.json").read_text()),
                                         format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in checker.iter_errors(data)] == []
    assert data["schedule"]["base_url"] == "https://hub.example/"
    opening = next(s for s in all_sessions(data) if s["slug"].endswith("-ouvrir-les-institutions-grand-debat"))
    url = f"https://hub.example/{CESE}/ouvrir-les-institutions-grand-debat/"
    assert opening["url"] == url
    import uuid
    uid = "journee-civic-tech-2019-ouvrir-les-institutions-grand-debat@hub.example"
    assert opening["guid"] == str(uuid.uuid5(uuid.NAMESPACE_URL, uid))
    assert opening["persons"][0]["url"].startswith("https://hub.example/personnes/")
    xml = schedule.schedule_xml(hub, event, site)
    assert xml == schedule.schedule_xml(hub, event, site)
    document = assert_valid_xml(xml)
    assert document.findtext("url") == f"https://hub.example/{CESE}/schedule.xml"
    assert url in [e.findtext("url") for e in document.findall("day/room/event")]


# -- a tiny hub: time zones, daylight saving time, several days, escaping ------------------------

TINY = {
    "events/passage-heure-ete/event.yaml": """
        title: Nuit du changement d'heure
        start: 2019-03-31
        timezone: Europe/Paris
        rooms:
          - {id: cave, name: "Cave <voûtée> & co"}
        """,
    "events/passage-heure-ete/sessions.yaml": """
        - id: avant
          title: "Avant <l'heure> & \\"après\\""
          format: atelier
          room: cave
          start: "01:30"
          end: "02:00"
          description: "Un & deux < trois \\"cités\\"\\n\\nSecond paragraphe ; virgule, fin."
          moderators: [paula-forteza]
          speakers: [loic-blondiaux]
        - id: apres
          title: "Après"
          format: atelier
          room: cave
          start: "03:30"
          end: "04:00"
        """,
    "events/montreal-2019/event.yaml": """
        title: Deux jours à Montréal
        start: 2019-11-02
        end: 2019-11-03
        timezone: America/Toronto
        venue: {name: Maison, address: "1 rue Ste-Catherine", city: Montréal}
        """,
    "events/montreal-2019/sessions.yaml": """
        - id: premier-jour
          title: Premier jour
          format: atelier
          start: "09:00"
          end: "10:00"
        - id: second-jour
          title: Second jour
          format: atelier
          day: 2019-11-03
          start: "09:00"
          end: "10:00"
          speakers: [loic-blondiaux]
        """,
}


@pytest.fixture
def tiny(hub):
    for relative, text in TINY.items():
        hub.write(relative, text)
    assert [p for p in hub.problems() if "error" in p.lower()] == []
    return hub


def test_daylight_saving_day_and_second_day_in_another_zone(tiny):
    output = tiny.build()
    night = calendar(output / "evenements/passage-heure-ete/programme.ics")
    utc = {str(e["UID"]).split("@")[0]: e.decoded("DTSTART").astimezone(UTC) for e in night.walk("VEVENT")}
    # 2019-03-31: Paris goes from UTC+1 to UTC+2 at 02:00 local
    assert utc["passage-heure-ete-avant"] == datetime(2019, 3, 31, 0, 30, tzinfo=UTC)
    assert utc["passage-heure-ete-apres"] == datetime(2019, 3, 31, 1, 30, tzinfo=UTC)
    tz = night.walk("VTIMEZONE")[0]
    assert {str(c["TZNAME"]) for c in tz.walk() if c.name in ("STANDARD", "DAYLIGHT")} == {"CET", "CEST"}

    montreal = calendar(output / "evenements/montreal-2019/programme.ics")
    days = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in montreal.walk("VEVENT")}
    assert days["Second jour"].date().isoformat() == "2019-11-03"
    # 2 November is still daylight time in Toronto (UTC-4), 3 November is standard time (UTC-5)
    assert days["Premier jour"].astimezone(UTC) == datetime(2019, 11, 2, 13, 0, tzinfo=UTC)
    assert days["Second jour"].astimezone(UTC) == datetime(2019, 11, 3, 14, 0, tzinfo=UTC)

    # one person in two zones: one VTIMEZONE each
    person = calendar(output / "personnes/loic-blondiaux/agenda.ics")
    assert sorted(str(t["TZID"]) for t in person.walk("VTIMEZONE")) == ["America/Toronto", "Europe/Paris"]
    assert person.get_missing_tzids() == set()

    data = json.loads((output / "evenements/montreal-2019/schedule.json").read_bytes())
    assert_valid_json(data)
    conference = data["schedule"]["conference"]
    assert conference["daysCount"] == 2
    second = conference["days"][1]
    assert (second["index"], second["date"]) == (2, "2019-11-03")
    (only,) = [s for room in second["rooms"].values() for s in room]
    assert (only["title"], only["date"]) == ("Second jour", "2019-11-03T09:00:00-05:00")
    assert conference["days"][0]["day_start"] == "2019-11-02T09:00:00-04:00"
    assert_valid_xml((output / "evenements/montreal-2019/schedule.xml").read_bytes())

    night_json = json.loads((output / "evenements/passage-heure-ete/schedule.json").read_bytes())
    assert_valid_json(night_json)
    dates = [s["date"] for s in all_sessions(night_json)]
    assert dates == ["2019-03-31T01:30:00+01:00", "2019-03-31T03:30:00+02:00"]


def test_an_event_in_utc_names_its_zone_as_every_other(tiny):
    """A UTC event's times carry TZID=UTC, the VTIMEZONE the calendar holds (icalendar would write
    a final Z): calendars read them at the same instants."""
    tiny.write("events/en-ligne/event.yaml", """
        title: Atelier en ligne
        start: 2020-05-04
        timezone: UTC
        """)
    tiny.write("events/en-ligne/sessions.yaml", """
        - id: visio
          title: En visio
          format: atelier
          start: "10:00"
          end: "11:30"
          speakers: [loic-blondiaux]
        """)
    output = tiny.build()
    for path in ("evenements/en-ligne/programme.ics", "personnes/loic-blondiaux/agenda.ics"):
        cal = calendar(output / path)
        assert cal.get_missing_tzids() == set()
        visio = by_uid_suffix(cal, "visio")
        assert visio.decoded("DTSTART").astimezone(UTC) == datetime(2020, 5, 4, 10, 0, tzinfo=UTC)
        assert visio.decoded("DTEND").astimezone(UTC) == datetime(2020, 5, 4, 11, 30, tzinfo=UTC)
    assert b"DTSTART;TZID=UTC:20200504T100000\r\n" in (output / "evenements/en-ligne/programme.ics").read_bytes()


def test_text_is_escaped_in_every_format(tiny):
    title = "Avant <l'heure> & \"après\""
    description = "Un & deux < trois \"cités\"\n\nSecond paragraphe ; virgule, fin."
    output = tiny.build()
    raw = (output / "evenements/passage-heure-ete/avant/session.ics").read_bytes()
    assert b"\\;" in raw and b"\\," in raw and b"\\n" in raw  # RFC 5545 TEXT escapes
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert description in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Cave <voûtée> & co"

    xml = (output / "evenements/passage-heure-ete/schedule.xml").read_bytes()
    assert b"&lt;l'heure&gt; &amp;" in xml
    document = assert_valid_xml(xml)
    first = document.find("day/room/event")
    assert first.findtext("title") == title
    assert first.findtext("abstract") == description
    assert document.find("day/room").get("name") == "Cave <voûtée> & co"
    assert "Modération :\n- Paula Forteza" in first.findtext("description")

    data = json.loads((output / "evenements/passage-heure-ete/schedule.json").read_bytes())
    first = all_sessions(data)[0]
    assert (first["title"], first["abstract"]) == (title, description)


def test_control_characters_never_reach_the_exports(tiny):
    """XML 1.0 cannot carry U+0007: the checker refuses it before any export is written."""
    tiny.write("events/passage-heure-ete/sessions.yaml", """
        - id: bizarre
          title: "Titre\\u0007 avec une cloche"
          format: atelier
          room: cave
          start: "10:00"
          end: "11:00"
        """)
    checked = load_and_check(tiny.content, SETTINGS)
    assert [p.message for p in checked.problems if p.is_error] == [
        "invisible character U+0007 at position 6"]


@pytest.mark.parametrize("name", ["Journée ; civic, tech\\ « 2019 »", "x" * 200, "Ébène " * 30, ""])
@pytest.mark.parametrize("zones", [(), ("Europe/Paris",), ("America/Montreal", "Europe/Paris")])
def test_a_calendar_head_is_what_icalendar_writes(name, zones):
    """ics.calendar_head makes only the name's line per calendar: the same bytes as a Calendar."""
    cal = Calendar()
    for key, value in (("prodid", ics.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", name)):
        cal.add(key, value)
    if len(zones) == 1:
        cal.add("x-wr-timezone", zones[0])
    assert ics.calendar_head(name, zones) + ics.END == cal.to_ical(sorted=True)


# -- a session's VEVENT, written by ics.vevent rather than through icalendar's Event --------------

def icalendar_vevent(hub, site, session, start, end) -> bytes:
    """The reference: the same properties through icalendar's Event."""
    event = Event()
    event.add("uid", ics.uid(session, site))
    event.add("dtstamp", site.timestamp.astimezone(UTC))
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", ics.clean(session.title), parameters={"LANGUAGE": hub.language_of(session)})
    event.add("description", ics.description_text(hub, session, open_end=end is None))
    location = ics.location_text(hub, session)
    if location:
        event.add("location", location)
    url = ics.absolute_url(site, site.urls(session))
    if url:
        event.add("url", url)
    event.add("categories", [hub.format_label(session)])
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT" if hub.is_break(session) else "OPAQUE")
    return event.to_ical(sorted=True)


@pytest.mark.parametrize("url", ["https://hub.example", ""])
def test_every_vevent_is_what_icalendar_writes(sample_hub, url):
    """Byte for byte, for every timed session of the sample hub (long descriptions, commas,
    semicolons, accents, open ends, breaks), with and without a site URL."""
    hub, settings = sample_hub
    site = site_for(settings, url)
    timed = [(session, *hub.span(session)) for event in hub.events for session in hub.timed_sessions(event)]
    assert len(timed) >= 18
    for session, start, end in timed:
        assert ics.vevent(hub, site, session, start, end) == icalendar_vevent(hub, site, session, start, end)


# Characters TEXT escapes or that take several octets, and runs long enough to be folded anywhere
TEXT_PIECES = list("aé€😀 ;,\\:\"^\n\r\t") + ["\r\n", "x" * 70, "é" * 37, "😀" * 19]


def unescaped(text: str) -> str:
    """What a TEXT value means once read: every line break a LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=30).map("".join))
def test_a_text_property_reads_back_as_written(text):
    """RFC 5545 3.1: no line longer than 75 octets, none cut inside a character nor inside an
    escape; icalendar reads back the same text. Where icalendar's own writer would also write the
    line, the bytes are the same."""
    line = ics.content_line("DESCRIPTION", ics.text_value(text))
    physical = line.split(b"\r\n")
    assert physical[-1] == b""
    for number, part in enumerate(physical[:-1]):
        assert len(part) <= 75
        assert number == 0 or part.startswith(b" ")
        part.decode("utf-8")  # whole characters only
        assert (len(part) - len(part.rstrip(b"\\"))) % 2 == 0  # an escape's two characters together
    vevent = Event.from_ical(b"BEGIN:VEVENT\r\n" + line + b"END:VEVENT\r\n")
    assert str(vevent["DESCRIPTION"]) == unescaped(text)
    if "\\" not in text and "^" not in text:  # icalendar moves them to the next line where it folds
        reference = Event()
        reference.add("description", text)
        assert b"BEGIN:VEVENT\r\n" + line + b"END:VEVENT\r\n" == reference.to_ical()
