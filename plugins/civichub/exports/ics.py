"""iCalendar exports (RFC 5545): one calendar per event, per session, per room and per person.

Every calendar is reproducible: UIDs are derived from the event and session identifiers and the
site's uid_domain, DTSTAMP is the site's build timestamp, components are sorted, and properties
come in a fixed order. Two builds of the same content give the same bytes. icalendar writes the
calendars' heads and time zones; the sessions' VEVENTs, most of the bytes, are written here
(vevent), the same bytes as icalendar's (tests/test_exports.py), at a fifth of the cost.

The text helpers at the end (plain text of Markdown, participants by role, location) are shared
with schedule.py, so a session reads the same in every export.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .. import markup
from ..model import MadeOnce

# icalendar and lxml are imported where calendars are made: importing them takes a tenth of a
# second, which a rebuild that writes no calendar would spend for nothing
if TYPE_CHECKING:
    from icalendar import Timezone

PRODID = "-//civichub//civichub exports 1.0//FR"

ROLE_LABELS = {"opener": "Ouverture", "moderator": "Modération", "speaker": "Intervenant·es",
               "pitcher": "Pitchs", "organiser": "Organisation"}
LANGUAGE_NAMES = {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien",
                  "pt": "portugais", "nl": "néerlandais", "ca": "catalan", "eu": "basque", "br": "breton",
                  "oc": "occitan", "ar": "arabe"}


# -- the four calendars -------------------------------------------------------------------------

def event_calendar(hub, event, site) -> bytes:
    return calendar(hub, site, event.title, hub.timed_sessions(event))


def session_calendar(hub, session, site) -> bytes:
    return calendar(hub, site, session.title, [session])


def room_calendar(hub, event, room, site) -> bytes:
    """Sessions held in this room (plenary ones included); breaks without a room are left out."""
    sessions = [s for s in hub.timed_sessions(event) if any(r.id == room.id for r in s.rooms)]
    return calendar(hub, site, f"{event.title} — {room.name}", sessions)


def person_calendar(hub, person, site) -> bytes:
    """The person's sessions across all events, each once even if they hold several roles."""
    sessions = {p.session.key: p.session for p in hub.by_person[person.slug]}
    title = f"{person.name} — {site.name}" if site.name else person.name
    return calendar(hub, site, title, list(sessions.values()))


# -- building blocks ----------------------------------------------------------------------------

def calendar(hub, site, name: str, sessions) -> bytes:
    timed = []
    for session in sessions:
        start, end = hub.span(session)
        if start is not None:
            timed.append((start, end, session))
    timed.sort(key=lambda item: (item[0].astimezone(timezone.utc), item[2].event,
                                 programme_position(hub, item[2]), item[2].id))

    zones = sorted({hub.event(s.event).timezone for _, _, s in timed})
    blocks = []
    for zone in zones:
        days = [start.date() for start, _, s in timed if hub.event(s.event).timezone == zone]
        blocks.append(vtimezone_bytes(zone, min(days) - timedelta(days=1), max(days) + timedelta(days=2)))
    blocks += [vevent_bytes(hub, site, session, start, end) for start, end, session in timed]
    # Components are serialised once and reused by every calendar that holds them (a session is
    # in its event's, its room's and each speaker's calendar).
    return calendar_head(name, tuple(zones)) + b"".join(blocks) + END


END = b"END:VCALENDAR\r\n"
_NAME = "CIVICHUB-CALENDAR-NAME"


def calendar_head(name: str, zones: tuple[str, ...]) -> bytes:
    """The calendar's properties, as Calendar.to_ical gives them: only the name's line is made
    for each calendar (3,600 calendars at scale 10), the rest once per set of time zones."""
    from icalendar import Calendar
    before, after = head_around_name(zones)
    value = Calendar.types_factory.for_property("X-WR-CALNAME")(name)  # the type Calendar.add gives
    return before + Calendar().content_line("X-WR-CALNAME", value).to_ical() + b"\r\n" + after


@lru_cache(maxsize=None)
def head_around_name(zones: tuple[str, ...]) -> tuple[bytes, bytes]:
    """What comes before and after the X-WR-CALNAME line in a calendar's properties."""
    from icalendar import Calendar
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _NAME)
    if len(zones) == 1:
        cal.add("x-wr-timezone", zones[0])
    head = cal.to_ical(sorted=True)[: -len(END)]
    before, after = head.split(f"X-WR-CALNAME:{_NAME}\r\n".encode())
    return before, after


_serialised = MadeOnce()


def vevent_bytes(hub, site, session, start, end) -> bytes:
    return _serialised((hub, site), session.key, lambda: vevent(hub, site, session, start, end))


@lru_cache(maxsize=None)  # one per zone and date range: a few hundred even for a person's calendars
def vtimezone_bytes(zone: str, first: date, last: date) -> bytes:
    return vtimezone(zone, first, last).to_ical(sorted=True)


def programme_position(hub, session) -> int:
    """Rank in the event's programme (grid order for sessions starting at the same time)."""
    return hub.position[session.key]


@lru_cache(maxsize=None)
def vtimezone(zone: str, first: date, last: date) -> Timezone:
    """VTIMEZONE generated by icalendar from the IANA database, limited to the calendar's dates
    (a few observances instead of one per year since 1970). Cached: generating it is slow and
    the component is never modified after creation."""
    from icalendar import Timezone
    return Timezone.from_tzinfo(ZoneInfo(zone), zone, first_date=first, last_date=last)


def uid(session, site) -> str:
    return f"{session.event}-{session.id}@{site.uid_domain}"


def vevent(hub, site, session, start: datetime, end: datetime | None) -> bytes:
    """The session's VEVENT, written here rather than through icalendar's Event: its
    property objects and its content lines cost 0.7 ms a session, in every process that
    writes a calendar holding it (3,600 calendars at scale 10); this costs 0.14 ms, most of
    it the description's text.
    Properties come in icalendar's order (the canonical ones, then by name), so that a
    calendar reads the same whichever writes it. Times name their event's zone (TZID), whose
    VTIMEZONE the calendar holds, even UTC, which icalendar would write with a final Z."""
    language = hub.language_of(session)  # one of schema.LANGUAGE's codes: no quoting needed
    lines = [b"BEGIN:VEVENT\r\n",
             content_line(f"SUMMARY;LANGUAGE={language}", text_value(clean(session.title))),
             content_line(f"DTSTART;TZID={start.tzinfo.key}", local_time(start))]
    # No end in the source: DTSTART alone. RFC 5545 3.6.1 then makes the event end when it starts,
    # which calendars show as "from 18:30"; inventing an end time would be worse than saying less.
    if end is not None:
        lines.append(content_line(f"DTEND;TZID={end.tzinfo.key}", local_time(end)))
    lines += [content_line("DTSTAMP", local_time(site.timestamp.astimezone(timezone.utc)) + "Z"),
              content_line("UID", text_value(uid(session, site))),
              content_line("CATEGORIES", text_value(hub.format_label(session))),
              b"CLASS:PUBLIC\r\n",
              content_line("DESCRIPTION", text_value(description_text(hub, session, open_end=end is None)))]
    location = location_text(hub, session)
    if location:
        lines.append(content_line("LOCATION", text_value(location)))
    lines.append(b"TRANSP:TRANSPARENT\r\n" if hub.is_break(session) else b"TRANSP:OPAQUE\r\n")
    url = absolute_url(site, site.urls(session))
    if url:
        lines.append(content_line("URL", url))
    lines.append(b"END:VEVENT\r\n")
    return b"".join(lines)


def local_time(moment: datetime) -> str:
    """DATE-TIME's form (RFC 5545 3.3.5), the zone said by the property's TZID or a final Z."""
    return (f"{moment.year:04}{moment.month:02}{moment.day:02}"
            f"T{moment.hour:02}{moment.minute:02}{moment.second:02}")


def text_value(text: str) -> str:
    """TEXT (RFC 5545 3.3.11): backslash, semicolon and comma escaped, each line break (LF,
    CRLF or a lone CR) as \\n."""
    # (six str.replace cost a third of one str.translate with a table)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


FOLD_OCTETS = 74  # each part of a folded line: with its leading space, a continuation has 75


def content_line(name: str, value: str) -> bytes:
    """NAME;PARAMS:value, folded (RFC 5545 3.1): parts of at most FOLD_OCTETS octets, never
    cut inside a UTF-8 character nor between a backslash and the character it escapes."""
    line = f"{name}:{value}".encode()
    if len(line) <= FOLD_OCTETS:
        return line + b"\r\n"
    parts, begin = [], 0
    while len(line) - begin > FOLD_OCTETS:
        cut = begin + FOLD_OCTETS
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        part = line[begin:cut]
        if (len(part) - len(part.rstrip(b"\\"))) % 2:  # its last backslash starts an escape
            part = part[:-1]
        parts.append(part)
        begin += len(part)
    parts.append(line[begin:])
    return b"\r\n ".join(parts) + b"\r\n"


# -- text shared with schedule.py -------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd", "tr"}


def clean(text: str) -> str:
    """Text without the control characters that neither XML 1.0 nor iCalendar may carry."""
    return CONTROL.sub("", text or "")


def absolute_url(site, relative: str) -> str:
    """The absolute URL of a page, or '' when the site has no SITEURL (relative-URL builds)."""
    url = site.absolute(relative)
    return url if url.startswith(("http://", "https://")) else ""


def plain_text(markdown_text: str) -> str:
    """Markdown -> plain text: paragraphs separated by a blank line, list items as '- ',
    links as 'text (url)', soft line breaks joined."""
    if not (markdown_text or "").strip():
        return ""
    import lxml.html
    html = str(markup.render(clean(markdown_text)))
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for link in root.iter("a"):
        href = link.get("href", "")
        if href and href != link.text_content().strip():
            link.tail = f" ({href})" + (link.tail or "")
    for br in root.iter("br"):
        br.tail = "\u2028" + (br.tail or "")
    blocks: list[str] = []
    collect(root, blocks, "")
    return "\n\n".join(b for b in blocks if b).replace("\u2028", "\n").strip()


def collect(element, blocks: list[str], prefix: str) -> None:
    """Depth-first: each block element becomes one paragraph, its inline text joined."""
    has_blocks = any(child.tag in BLOCKS or child.tag in ("ul", "ol") for child in element)
    if not has_blocks or element.tag == "pre":
        text = element.text_content()
        if element.tag != "pre":
            text = "\u2028".join(" ".join(part.split()) for part in text.split("\u2028"))
        blocks.append(prefix + text.strip() if text.strip() else "")
        return
    if (element.text or "").strip():
        blocks.append(prefix + " ".join(element.text.split()))
    for child in element:
        if child.tag in ("ul", "ol"):
            items = [f"- {' '.join(li.text_content().split())}" for li in child.iter("li")]
            blocks.append("\n".join(items))
        elif child.tag in BLOCKS or child.tag == "div":
            collect(child, blocks, "> " if child.tag == "blockquote" else prefix)
        else:
            blocks.append(prefix + " ".join(child.text_content().split()))
        if (child.tail or "").strip():
            blocks.append(" ".join(child.tail.split()))


def participant_line(hub, participation) -> str:
    """'Name, Affiliation — « project »', as on the session page."""
    line = participation.person.name
    affiliation = participation.affiliation
    if affiliation is None:
        affiliations = hub.affiliations(participation.person)
        affiliation = affiliations[0][0] if affiliations else None
    if affiliation is not None:
        line += f", {affiliation.name}"
    if participation.project:
        line += f" — « {participation.project} »"
    return line


def people_text(hub, session) -> str:
    """Participants grouped by role, one block per role ('Modération :' then one line each)."""
    blocks = []
    for role, participations in hub.roles(session):
        lines = [f"{ROLE_LABELS.get(role, role)} :"]
        lines += [f"- {participant_line(hub, p)}" for p in participations]
        blocks.append("\n".join(lines))
    if session.actors:
        names = [hub.actor(ref.id).name for ref in session.actors]
        blocks.append("\n".join(["Organisations :", *(f"- {name}" for name in names)]))
    return "\n\n".join(blocks)


def facts_text(hub, session, open_end: bool) -> str:
    """Format, themes, language when it is not the event's, open end, several rooms."""
    event = hub.event(session.event)
    facts = [hub.format_label(session)]
    themes = [theme.name for theme in hub.themes_of(session)]
    if themes:
        facts.append(", ".join(themes))
    language = hub.language_of(session)
    if language != event.language:
        facts.append(f"en {LANGUAGE_NAMES.get(language, language)}")
    lines = [" · ".join(facts)]
    rooms = hub.rooms_of(session)
    if len(rooms) > 1:
        lines.append("Salles : " + ", ".join(room.name for room in rooms))
    if open_end:
        lines.append("Heure de fin non précisée.")
    return "\n".join(lines)


def description_text(hub, session, open_end: bool) -> str:
    """What a calendar entry says: facts, the description, participants, registration."""
    parts = [facts_text(hub, session, open_end), plain_text(session.description), people_text(hub, session)]
    if session.registration:
        parts.append(f"Inscription : {session.registration}")
    return clean("\n\n".join(part for part in parts if part))


def location_text(hub, session) -> str:
    """'Room, venue name, address': rooms when the session has some, then its venue."""
    parts = [room.name for room in hub.rooms_of(session)]
    place = hub.place_of(session)
    if place is not None:
        parts += [place.name, address(place)]
    return clean(", ".join(part for part in parts if part))


def address(place) -> str:
    """Street address, with the city unless the address already names it."""
    if place.city and place.city.casefold() not in place.address.casefold():
        return ", ".join(part for part in (place.address, place.city) if part)
    return place.address
