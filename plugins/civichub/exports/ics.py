"""iCalendar exports (RFC 5545). To be written: event, session, room and person calendars."""
from __future__ import annotations


def event_calendar(hub, event, site) -> bytes:
    return b""  # placeholder until implemented


def session_calendar(hub, session, site) -> bytes:
    return b""  # placeholder until implemented


def room_calendar(hub, event, room, site) -> bytes:
    return b""  # placeholder until implemented


def person_calendar(hub, person, site) -> bytes:
    return b""  # placeholder until implemented
