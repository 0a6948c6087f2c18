"""c3voc schedule.json and frab schedule.xml of an event's programme.

Both files are rendered from one dictionary (the c3voc JSON structure), so they always agree.
Validated in the tests against the c3voc schema.json (draft-06) and schedule.xml.xsd.

Choices, for the apps that read these files (EventFahrplan, Giggity, ConfClerk, c3voc tools):

* Rooms are the event's rooms, in grid order. A session in several rooms is listed under its
  first room (the others are named in its description): an event must appear once per file,
  the XSD makes guids unique.
* Sessions held everywhere or nowhere in particular (lunch, breaks without a room) go to one
  pseudo-room, ALL_ROOMS, listed after the real rooms. Putting them in the first room would
  tell the apps (and the c3voc recording pipeline) that lunch happens in the Hémicycle, shift
  its alarms and "room" labels, and hide that the room is free; a pseudo-room costs one thin
  column in EventFahrplan and one line in Giggity, and says what the programme page says.
* Sessions at another venue (the evening) go to a room named after that venue.
* Open end: both formats require a duration. A session without an end lasts OPEN_END (2 h)
  or until the next session starts in the same room, whichever comes first; its description
  says the end time is not given. The iCalendar export, which needs no end, gives none.
* Identifiers: guid = uuid5(NAMESPACE_URL, iCalendar UID), the UID being
  '{event}-{session}@{uid_domain}', so guids are stable across builds and the same thing as
  the calendar entry. id = 31 bits of that guid (a positive int that any Java client parses),
  collisions within the event resolved by probing in session-id order. Person guids follow the
  schema's advice, uuid5(NAMESPACE_URL, 'acct:{person}@{uid_domain}').
* Roles: schema.json's Person allows extra properties, so each person carries
  "role" (opener, moderator, speaker, pitcher, organiser). The XSD's <person> allows only id
  and guid attributes, so in both files the description also lists participants by role
  ("Modération : ..."), and moderators are never lost. (Draft v2, schema2.json, has a
  participant role enum with MODERATOR, SPEAKER, HOST...: the natural target for a v2 export.)
* abstract = the session's description as plain text; description = participants by role,
  other rooms, open end, registration (Giggity shows both, EventFahrplan shows both in turn).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..model import MadeOnce
from .ics import absolute_url, address, clean, people_text, plain_text, uid

# lxml and uuid (which imports platform) are imported where schedules are made: 40 ms of every
# build's start-up otherwise, and a rebuild after a bio's edit makes none
if TYPE_CHECKING:
    from lxml import etree

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "civichub"
ALL_ROOMS = "Toutes les salles"
OPEN_END = timedelta(hours=2)
ACRONYM_JSON = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
SLUG_XML = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
TRACK_SLUG_XML = re.compile(r"[a-z][a-z0-9-]+")
TIME_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


# -- public functions ---------------------------------------------------------------------------

def schedule_json(hub, event, site) -> bytes:
    data = {"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
            "schedule": shared_schedule_data(hub, event, site)}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def schedule_xml(hub, event, site) -> bytes:
    return render_xml(shared_schedule_data(hub, event, site), site, event)


_made = MadeOnce()


def shared_schedule_data(hub, event, site) -> dict:
    """schedule_data, made once for an event's two files: half of each file's cost. The files
    only read it."""
    return _made((hub, site), event.slug, lambda: schedule_data(hub, event, site))


# -- the shared structure -----------------------------------------------------------------------

class Slot:
    """A timed session placed in the schedule: its room, its start and its (derived) end."""

    def __init__(self, session, start: datetime, end: datetime | None, room: str):
        self.session, self.start, self.room = session, start, room
        self.given_end = self.end = end

    @property
    def open_end(self) -> bool:
        return self.given_end is None


def schedule_data(hub, event, site) -> dict:
    slots = place_sessions(hub, event)
    ids = session_ids(event, [slot.session for slot in slots], site)
    rooms = room_list(hub, event, site, {slot.room for slot in slots})
    days = []
    for index, day in enumerate(event_days(hub, event, slots), start=1):
        todays = [slot for slot in slots if hub.session_day(slot.session) == day]
        used = {slot.room for slot in todays}
        by_room = {room["name"]: [] for room in rooms if room["name"] in used or room.get("_real")}
        for slot in todays:
            by_room[slot.room].append(session_data(hub, event, site, slot, ids))
        zone = ZoneInfo(event.timezone)
        day_start = min((s.start for s in todays), default=datetime.combine(day, time(0), zone))
        day_end = max((s.end for s in todays), default=datetime.combine(day, time(23, 59), zone))
        days.append({"index": index, "date": day.isoformat(), "day_start": iso(day_start),
                     "day_end": iso(day_end), "rooms": by_room})
    conference = {
        "acronym": acronym(event),
        "title": clean(event.title),
        "start": days[0]["date"],
        "end": days[-1]["date"],
        "daysCount": len(days),
        "timeslot_duration": hhmm(timeslot(slots)),
    }
    if TIME_ZONE_NAME.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    description = plain_text(event.description)
    if description:
        conference["description"] = description
    url = absolute_url(site, site.urls(event))
    if url:
        conference["url"] = url
    if event.themes:
        conference["tracks"] = [{"name": clean(theme.name), "slug": theme.id} for theme in event.themes]
    conference["rooms"] = [{k: v for k, v in room.items() if not k.startswith("_")} for room in rooms]
    conference["days"] = days
    schedule = {"version": version(conference)}
    base = absolute_url(site, "")
    if base:
        schedule["base_url"] = base
    schedule["conference"] = conference
    return schedule


def place_sessions(hub, event) -> list[Slot]:
    """Timed sessions with their schedule room; open ends closed by the OPEN_END rule."""
    slots = []
    for session in hub.timed_sessions(event):
        start, end = hub.span(session)
        if start is None:
            continue
        slots.append(Slot(session, start, end, room_name(hub, event, session)))
    for slot in slots:
        if slot.open_end:
            later = [other.start for other in slots if other.room == slot.room and other.start > slot.start
                     and other.start.date() == slot.start.date()]
            slot.end = min([utc(slot.start) + OPEN_END, *map(utc, later)]).astimezone(slot.start.tzinfo)
    return slots


def room_name(hub, event, session) -> str:
    rooms = hub.rooms_of(session)
    if rooms:
        return clean(rooms[0].name)
    if session.venue:
        return clean(hub.place_of(session).name)
    return ALL_ROOMS


def room_list(hub, event, site, used: set[str]) -> list[dict]:
    """Real rooms in grid order, then the pseudo-room, then other venues (only when used)."""
    rooms = []
    for room in event.rooms:
        entry = {"name": clean(room.name), "slug": room.id,
                 "guid": guid(f"{event.slug}-room-{room.id}@{site.uid_domain}"), "_real": True}
        url = absolute_url(site, site.urls.room(event, room))
        if url:
            entry["url"] = url
        rooms.append(entry)
    if ALL_ROOMS in used:
        rooms.append({"name": ALL_ROOMS, "guid": guid(f"{event.slug}-room-*@{site.uid_domain}"),
                      "description": "Pour tout le monde, quelle que soit la salle : pauses, déjeuner."})
    for venue in event.venues:
        name = clean(venue.name)
        if name in used and all(room["name"] != name for room in rooms):
            rooms.append({"name": name, "slug": venue.id,
                          "guid": guid(f"{event.slug}-venue-{venue.id}@{site.uid_domain}"),
                          "description": address(venue) or None})
    return rooms


def event_days(hub, event, slots: list[Slot]) -> list[date]:
    """Every day of the event (empty days too, so daysCount is the event's length)."""
    days = {hub.session_day(slot.session) for slot in slots}
    if event.start:
        day = event.start
        while day <= event.last_day:
            days.add(day)
            day += timedelta(days=1)
    return sorted(days)


def session_data(hub, event, site, slot: Slot, ids: dict) -> dict:
    session = slot.session
    themes = hub.themes_of(session)
    url = absolute_url(site, site.urls(session)) or site.absolute(site.urls(session))
    links = []
    if session.registration:
        links.append({"type": "web", "url": session.registration, "title": "Inscription"})
    return {
        "guid": guid(uid(session, site)),
        "id": ids[session.id],
        "date": iso(slot.start),
        "start": slot.start.strftime("%H:%M"),
        "end": iso(slot.end),
        "duration": hhmm(utc(slot.end) - utc(slot.start)),
        "room": slot.room,
        "slug": f"{acronym(event)}-{session.id}",
        "url": url,
        "title": clean(session.title),
        "subtitle": "",
        "track": clean(themes[0].name) if themes else None,
        "type": hub.format_label(session),
        "language": hub.language_of(session),
        "abstract": plain_text(session.description),
        "description": notes(hub, slot),
        "persons": persons(hub, site, session),
        "links": links,
    }


def notes(hub, slot: Slot) -> str:
    """Participants by role (the XML's only place for roles), other rooms, open end, registration."""
    session = slot.session
    parts = []
    rooms = hub.rooms_of(session)
    if len(rooms) > 1:
        parts.append("Salles : " + ", ".join(room.name for room in rooms))
    if slot.open_end:
        parts.append(f"Heure de fin non précisée (durée indicative : {hhmm(utc(slot.end) - utc(slot.start))}).")
    parts.append(people_text(hub, session))
    if session.registration:
        parts.append(f"Inscription : {session.registration}")
    return clean("\n\n".join(part for part in parts if part))


def persons(hub, site, session) -> list[dict]:
    """c3voc persons. 'name' and no 'id' make each one match exactly one of FrabPerson /
    PretalxPerson (the schema's oneOf); 'public_name' is kept for older readers; 'role' is an
    extra property the schema allows."""
    result = []
    for participation in hub.participants(session):
        person = participation.person
        entry = {"guid": person_guid(person, site), "name": clean(person.name),
                 "public_name": clean(person.name), "role": participation.role}
        url = absolute_url(site, site.urls(person))
        if url:
            entry["url"] = url
        result.append(entry)
    return result


# -- identifiers and formats --------------------------------------------------------------------

def guid(name: str) -> str:
    import uuid
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def person_guid(person, site) -> str:
    return guid(f"acct:{person.slug}@{site.uid_domain}")


def int_id(guid_text: str) -> int:
    """A positive 31-bit integer from a guid (fits a Java int, never 0)."""
    import uuid
    return int(uuid.UUID(guid_text).hex[:8], 16) % 0x7FFFFFFF + 1


def session_ids(event, sessions, site) -> dict[str, int]:
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for session in sorted(sessions, key=lambda s: s.id):
        number = int_id(guid(uid(session, site)))
        while number in taken:  # astronomically rare; deterministic since sessions are sorted
            number = number % 0x7FFFFFFF + 1
        taken.add(number)
        ids[session.id] = number
    return ids


def acronym(event) -> str:
    """The event slug in the c3voc acronym alphabet ('journee-civic-tech-2019' ->
    'journee_civic_tech_2019'): schema.json allows '-' only before a '-2019-suffix'."""
    text = event.slug.replace("-", "_")
    text = text + "_" * (4 - len(text)) if len(text) < 4 else text
    return text if ACRONYM_JSON.match(text) else re.sub(r"[^a-z0-9_]", "_", text)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def hhmm(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timeslot(slots: list[Slot]) -> timedelta:
    """The grid step: the largest divisor (at most 15 min) of every start and end minute."""
    minutes = [m.hour * 60 + m.minute for slot in slots for m in (slot.start, slot.end)]
    step = math.gcd(*minutes) if minutes else 15
    step = step or 15
    return timedelta(minutes=max(d for d in range(1, 16) if step % d == 0))


def version(conference: dict) -> str:
    """Changes exactly when the programme does: a digest of the conference data."""
    digest = hashlib.sha256(json.dumps(conference, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return digest[:12]


# -- frab XML -----------------------------------------------------------------------------------

def render_xml(schedule: dict, site, event) -> bytes:
    from lxml import etree
    conference = schedule["conference"]
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name=GENERATOR)
    own_url = absolute_url(site, site.urls.export("event.xml", event))
    if own_url:
        text(root, "url", own_url)
    text(root, "version", schedule["version"])
    conf = etree.SubElement(root, "conference")
    text(conf, "acronym", conference["acronym"])
    text(conf, "title", conference["title"])
    text(conf, "start", conference["start"])
    text(conf, "end", conference["end"])
    text(conf, "days", str(conference["daysCount"]))
    text(conf, "timeslot_duration", conference["timeslot_duration"])
    if "base_url" in schedule:
        text(conf, "base_url", schedule["base_url"])
    if "url" in conference:
        text(conf, "url", conference["url"])
    if "time_zone_name" in conference:
        text(conf, "time_zone_name", conference["time_zone_name"])
    for track in conference.get("tracks", []):
        attributes = {"name": track["name"]}
        if TRACK_SLUG_XML.fullmatch(track["slug"]):
            attributes["slug"] = track["slug"]
        text(conf, "track", track["name"], **attributes)
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_element = etree.SubElement(root, "day", index=str(day["index"]), date=day["date"],
                                       start=day["day_start"], end=day["day_end"])
        for name, sessions in day["rooms"].items():
            room = etree.SubElement(day_element, "room", name=name, guid=guids[name])
            for session in sessions:
                event_element(room, session)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def event_element(room, session: dict) -> None:
    from lxml import etree
    element = etree.SubElement(room, "event", guid=session["guid"], id=str(session["id"]))
    for key in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract"):
        text(element, key, session[key] or "")
    if SLUG_XML.fullmatch(session["slug"]):
        text(element, "slug", session["slug"])
    text(element, "track", session["track"] or "")
    persons_element = etree.SubElement(element, "persons")
    for person in session["persons"]:
        text(persons_element, "person", person["name"], id=str(int_id(person["guid"])), guid=person["guid"])
    text(element, "language", session["language"] or "")
    text(element, "description", session["description"] or "")
    links = etree.SubElement(element, "links")
    for link in session["links"]:
        text(links, "link", link.get("title", link["url"]), href=link["url"], type=link.get("type", "web"))
    if session["url"].startswith(("http://", "https://")):
        text(element, "url", session["url"])


def text(parent, tag: str, value: str, **attributes) -> etree._Element:
    from lxml import etree
    element = etree.SubElement(parent, tag, **attributes)
    element.text = value
    return element
