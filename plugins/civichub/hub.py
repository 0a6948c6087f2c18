"""Checked records -> the resolved graph: every reference followed, every index built once."""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from . import mentions
from .caches import pickled_by_fields
from .check import BREAK_FORMATS, DEFAULT_FORMATS
from .model import Actor, Content, Event, Link, Participant, Person, Place, Post, Room, Roundup, Session

ROLE_ORDER = ("opener", "moderator", "speaker", "pitcher", "organiser")
LANGUAGE_NAMES = {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien"}


@pickled_by_fields  # (kept with the hub: hubcache.py)
@dataclass(frozen=True, slots=True)
class Participation:
    session: Session
    event: Event
    person: Person
    role: str
    affiliation: Actor | None
    project: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    link: Link
    roundup: Roundup
    detected: bool = False  # found by mentions.py in the link's title or excerpt, not tagged


@dataclass
class Hub:
    """Read-only for everything downstream: pages and exports never change it."""

    content: Content
    formats: dict[str, str]
    events: list[Event] = field(default_factory=list)
    sessions: dict[str, list[Session]] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    # slug -> place in people (actors): sorts a few of them as those lists are, ties included
    person_rank: dict[str, int] = field(default_factory=dict)
    actor_rank: dict[str, int] = field(default_factory=dict)
    roundups: list[Roundup] = field(default_factory=list)
    by_person: dict[str, list[Participation]] = field(default_factory=lambda: defaultdict(list))
    by_session: dict[tuple[str, str], list[Participation]] = field(default_factory=lambda: defaultdict(list))
    members: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))
    actor_sessions: dict[str, list[Session]] = field(default_factory=lambda: defaultdict(list))
    actor_events: dict[str, list[tuple[Event, str]]] = field(default_factory=lambda: defaultdict(list))
    actor_mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    person_mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    adjacent: dict[tuple[str, str], tuple[Session | None, Session | None]] = field(default_factory=dict)
    position: dict[tuple[str, str], int] = field(default_factory=dict)  # rank in its programme
    actor_posts: dict[str, list[Post]] = field(default_factory=lambda: defaultdict(list))  # newest first
    person_posts: dict[str, list[Post]] = field(default_factory=lambda: defaultdict(list))

    # -- lookups used by templates and exports ---------------------------------------------

    def event(self, slug: str) -> Event:
        return self.content.events[slug]

    def person(self, slug: str) -> Person:
        return self.content.people[slug]

    def actor(self, slug: str) -> Actor:
        return self.content.actors[slug]

    def format_label(self, session: Session) -> str:
        return self.formats.get(session.format.id, session.format.id)

    def session_day(self, session: Session) -> date | None:
        return session.day or self.event(session.event).start

    def span(self, session: Session) -> tuple[datetime | None, datetime | None]:
        """Start and end as aware datetimes in the event's zone (None when the source gives none)."""
        day = self.session_day(session)
        if day is None or session.start is None:
            return None, None
        zone = ZoneInfo(self.event(session.event).timezone)
        start = datetime.combine(day, session.start, zone)
        end = datetime.combine(day, session.end, zone) if session.end else None
        return start, end

    def by_day(self, sessions: list[Session]) -> list[tuple[date | None, list[Session]]]:
        """Sessions grouped by day, keeping their order (they are already chronological)."""
        days: dict[date | None, list[Session]] = {}
        for session in sessions:
            days.setdefault(self.session_day(session), []).append(session)
        return list(days.items())

    def facets(self, event: Event) -> dict[str, dict[str, str]]:
        """The values an event's sessions can be filtered by, id -> label, in programme order."""
        sessions = [s for s in self.sessions[event.slug] if not self.is_break(s)]
        used_themes = {ref.id for s in sessions for ref in s.themes}
        used_rooms = {ref.id for s in sessions for ref in s.rooms} | {s.venue.id for s in sessions if s.venue}
        return {
            "formats": {s.format.id: self.format_label(s) for s in sessions},
            "themes": {t.id: t.name for t in event.themes if t.id in used_themes},
            "rooms": {p.id: p.name for p in [*event.rooms, *event.venues] if p.id in used_rooms},
            "languages": {lang: LANGUAGE_NAMES.get(lang, lang)
                          for lang in dict.fromkeys(self.language_of(s) for s in sessions)},
        }

    def timed_sessions(self, event: Event) -> list[Session]:
        return [s for s in self.sessions[event.slug] if s.start]

    def rooms_of(self, session: Session) -> list[Room]:
        rooms = {room.id: room for room in self.event(session.event).rooms}
        return [rooms[ref.id] for ref in session.rooms]

    def place_of(self, session: Session) -> Place | None:
        event = self.event(session.event)
        if session.venue:
            return next(v for v in event.venues if v.id == session.venue.id)
        return event.venue

    def spans_all_rooms(self, session: Session) -> bool:
        return session.plenary or (not session.rooms and not session.venue)

    def is_break(self, session: Session) -> bool:
        return session.format.id in BREAK_FORMATS

    def participants(self, session: Session) -> list[Participation]:
        return self.by_session[session.key]

    def roles(self, session: Session) -> list[tuple[str, list[Participation]]]:
        """Participants grouped by role, in programme order (opening, moderation, speakers...)."""
        grouped = defaultdict(list)
        for participation in self.participants(session):
            grouped[participation.role].append(participation)
        return [(role, grouped[role]) for role in ROLE_ORDER if grouped[role]]

    def themes_of(self, session: Session):
        themes = {theme.id: theme for theme in self.event(session.event).themes}
        return [themes[ref.id] for ref in session.themes]

    def language_of(self, session: Session) -> str:
        return session.language or self.event(session.event).language

    def neighbours(self, session: Session) -> tuple[Session | None, Session | None]:
        """Previous and next session in the same room (or venue) on the same day."""
        return self.adjacent.get(session.key, (None, None))

    def affiliations(self, person: Person) -> list[tuple[Actor, str]]:
        return [(self.actor(a.actor.id), a.role) for a in person.affiliations]

    def published_roundups(self) -> list[Roundup]:
        return [r for r in self.roundups if not r.is_draft]


def build(content: Content, formats: dict[str, str] | None = None, mentions_cache: Path | None = None) -> Hub:
    """The hub of content that passed the checker (no errors: every reference resolves).
    mentions_cache: where to keep the names found in each text for the next build."""
    hub = Hub(content=content, formats=formats or DEFAULT_FORMATS)
    hub.events = sorted(content.events.values(), key=event_order)
    hub.people = sorted(content.people.values(), key=lambda p: name_key(p.sort_name or family_first(p.name)))
    hub.actors = sorted(content.actors.values(), key=lambda a: name_key(a.name))
    hub.person_rank = {person.slug: i for i, person in enumerate(hub.people)}
    hub.actor_rank = {actor.slug: i for i, actor in enumerate(hub.actors)}
    hub.roundups = sorted(content.roundups, key=lambda r: r.number, reverse=True)
    index_sessions(hub)
    index_people(hub)
    index_mentions(hub)
    mentions.detect(hub, mentions_cache)
    return hub


def event_order(event: Event):
    return (event.start or date.max, event.slug)


def index_sessions(hub: Hub) -> None:
    by_event: dict[str, list[Session]] = defaultdict(list)
    for session in hub.content.sessions:
        by_event[session.event].append(session)
    for slug, event in hub.content.events.items():
        room_order = {room.id: i for i, room in enumerate(event.rooms)}
        ordered = sorted(by_event[slug], key=lambda s: (
            hub.session_day(s) or date.min, s.start or time.max,
            min((room_order[r.id] for r in s.rooms), default=-1)))
        hub.sessions[slug] = ordered if any(s.start for s in ordered) else by_event[slug]
        index_adjacent(hub, hub.sessions[slug])
        hub.position.update((s.key, i) for i, s in enumerate(hub.sessions[slug]))
        for role in ("organisers", "partners"):
            for ref in getattr(event, role):
                hub.actor_events[ref.id].append((event, role[:-1]))
    for session in hub.content.sessions:
        event = hub.event(session.event)
        for participant in session.participants:
            hub.by_session[session.key].append(participation(hub, session, event, participant))
        for ref in session.actors:
            hub.actor_sessions[ref.id].append(session)
    listed = {(actor, session.key) for actor, sessions in hub.actor_sessions.items() for session in sessions}
    for participations in hub.by_session.values():
        participations.sort(key=lambda p: ROLE_ORDER.index(p.role))
        for p in participations:
            hub.by_person[p.person.slug].append(p)
            for actor in {p.affiliation.slug} if p.affiliation else {a.actor.id for a in p.person.affiliations}:
                if (actor, p.session.key) not in listed:  # a set: comparing Session records is slow
                    listed.add((actor, p.session.key))
                    hub.actor_sessions[actor].append(p.session)
    for sessions in [*hub.by_person.values(), *hub.actor_sessions.values()]:
        sessions.sort(key=lambda item: chronological(hub, getattr(item, "session", item)))


def index_adjacent(hub: Hub, sessions: list[Session]) -> None:
    """Previous and next session of each one in the same place on the same day, breaks aside."""
    runs: dict[tuple, list[Session]] = defaultdict(list)
    for session in sessions:
        if not hub.is_break(session):
            place = tuple(r.id for r in session.rooms) or (session.venue.id if session.venue else "",)
            runs[(place, hub.session_day(session))].append(session)
    for run in runs.values():
        for i, session in enumerate(run):
            hub.adjacent[session.key] = (run[i - 1] if i else None, run[i + 1] if i + 1 < len(run) else None)


def participation(hub: Hub, session: Session, event: Event, participant: Participant) -> Participation:
    affiliation = hub.actor(participant.affiliation.id) if participant.affiliation else None
    return Participation(session, event, hub.person(participant.person.id), participant.role,
                         affiliation, participant.project)


def chronological(hub: Hub, session: Session):
    return (hub.session_day(session) or date.min, session.start or time.min, session.event, session.id)


def index_people(hub: Hub) -> None:
    for person in hub.people:
        for affiliation in person.affiliations:
            hub.members[affiliation.actor.id].append(person)


def index_mentions(hub: Hub) -> None:
    for roundup in hub.published_roundups():
        for link in roundup.links:
            for ref in link.actors:
                hub.actor_mentions[ref.id].append(Mention(link, roundup))
            for ref in link.people:
                hub.person_mentions[ref.id].append(Mention(link, roundup))


PARTICLES = frozenset({"de", "du", "des", "d'", "d’", "van", "von", "di", "da"})
CAPITAL_PARTICLES = frozenset({"Le", "La", "Les", "Du", "Des", "De", "Van", "Von", "Di", "Da", "Mac"})


def family_first(name: str) -> str:
    """'Julie de Pimodan' -> 'Pimodan, Julie de': a lowercase particle does not lead the sort,
    while a capitalised one belongs to the family name ('Anne Le Hénanff' sorts under L)."""
    words = name.split()
    for i, word in enumerate(words[1:], start=1):
        if word in PARTICLES and i + 1 < len(words):
            return f"{' '.join(words[i + 1:])}, {' '.join(words[:i + 1])}"
        if word in CAPITAL_PARTICLES and i + 1 < len(words):
            return f"{' '.join(words[i:])}, {' '.join(words[:i])}"
        if word[:2] in ("d'", "d’") and len(word) > 2:
            return f"{' '.join([word[2:], *words[i + 1:]])}, {' '.join(words[:i])} {word[:2]}"
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else name


def name_key(name: str) -> str:
    """Accent- and case-insensitive sort key."""
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return stripped.casefold().strip()
