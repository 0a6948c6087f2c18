"""Programme files: iCalendar per event, room, session and person; c3voc JSON and frab XML."""
from __future__ import annotations

from typing import Iterator

from . import ics, schedule


def event_files(hub, site, posts, settings) -> Iterator[tuple[str, bytes]]:
    """Per event: its calendars (event, rooms, sessions) and schedules."""
    urls = site.urls
    for event in hub.events:
        if not hub.timed_sessions(event):
            continue
        yield urls.export("event.ics", event), ics.event_calendar(hub, event, site)
        yield urls.export("event.json", event), schedule.schedule_json(hub, event, site)
        yield urls.export("event.xml", event), schedule.schedule_xml(hub, event, site)
        for room in event.rooms:
            yield urls.export("room.ics", event, room), ics.room_calendar(hub, event, room, site)
        for session in hub.timed_sessions(event):
            yield urls.export("session.ics", session), ics.session_calendar(hub, session, site)


def person_files(hub, site, posts, settings) -> Iterator[tuple[str, bytes]]:
    """Each speaker's calendar (a build job of its own: there are many more people than events)."""
    urls = site.urls
    for person in hub.people:
        if any(p.session.start for p in hub.by_person[person.slug]):
            yield urls.export("person.ics", person), ics.person_calendar(hub, person, site)
