"""Programme files: iCalendar per event, room, session and person; c3voc JSON and frab XML."""
from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from . import ics, schedule

# Each file comes with the function that makes it, called only when the file has to be made
# (an incremental build keeps the files whose inputs did not change).
Files = Iterator[tuple[str, Callable[[], bytes]]]


def event_files(hub, site, posts, settings) -> Files:
    """Per event: its calendars (event, rooms, sessions) and schedules."""
    urls = site.urls
    for event in hub.events:
        if not hub.timed_sessions(event):
            continue
        yield urls.export("event.ics", event), partial(ics.event_calendar, hub, event, site)
        yield urls.export("event.json", event), partial(schedule.schedule_json, hub, event, site)
        yield urls.export("event.xml", event), partial(schedule.schedule_xml, hub, event, site)
        for room in event.rooms:
            yield urls.export("room.ics", event, room), partial(ics.room_calendar, hub, event, room, site)
        for session in hub.timed_sessions(event):
            yield urls.export("session.ics", session), partial(ics.session_calendar, hub, session, site)


def person_files(hub, site, posts, settings) -> Files:
    """Each speaker's calendar."""
    urls = site.urls
    for person in hub.people:
        if any(p.session.start for p in hub.by_person[person.slug]):
            yield urls.export("person.ics", person), partial(ics.person_calendar, hub, person, site)
