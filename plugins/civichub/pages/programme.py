"""Events, their programme grids, rooms and sessions."""
from __future__ import annotations

from typing import Iterator

from ..grid import event_grids
from . import Page


def pages(hub, urls, settings) -> Iterator[Page]:
    yield Page(urls("events"), "events")
    for event in hub.events:
        sessions = hub.sessions[event.slug]
        yield Page(urls(event), "event", {"event": event, "sessions": sessions})
        grids = event_grids(hub, event)
        if grids:
            yield Page(urls.programme(event), "programme", {"event": event, "grids": grids, "sessions": sessions})
        for room in event.rooms:
            in_room = [s for s in sessions if room.id in {r.id for r in s.rooms}]
            yield Page(urls.room(event, room), "room", {"event": event, "room": room, "sessions": in_room})
        for session in sessions:
            yield Page(urls(session), "session", {"event": event, "session": session})
