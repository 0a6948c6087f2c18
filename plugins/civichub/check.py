"""Loaded records -> problems: references, identifiers, times and clashes across files."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterable, Iterator

from .fields import Ref
from .model import Content, Event, Session
from .problems import Problem, did_you_mean, error, warning

DEFAULT_FORMATS = {
    "table-ronde": "Table ronde", "atelier": "Atelier", "retour-experience": "Retour d'expérience",
    "centrifugeuse": "Centrifugeuse", "pitch": "Pitch", "keynote": "Keynote", "capsule": "Capsule",
    "conference": "Conférence", "presentation": "Présentation", "debat": "Débat",
    "ouverture": "Ouverture", "pause": "Pause", "dejeuner": "Déjeuner", "soiree": "Soirée",
}
BREAK_FORMATS = frozenset({"pause", "dejeuner"})


def check(content: Content, formats: dict[str, str] | None = None) -> list[Problem]:
    vocabulary = formats or DEFAULT_FORMATS
    problems: list[Problem] = []
    problems += check_references(content, vocabulary)
    problems += check_event_formats(content, vocabulary)
    problems += check_duplicates(content)
    problems += check_times(content)
    problems += check_room_clashes(content)
    problems += check_people_clashes(content)
    problems += check_links(content)
    problems += check_series(content)
    return problems


# -- references ----------------------------------------------------------------------------

def check_references(content: Content, formats: dict[str, str]) -> Iterator[Problem]:
    known = {kind: content.declared[kind] | records.keys()
             for kind, records in (("actor", content.actors), ("person", content.people))}
    for record in [*content.people.values(), *content.events.values(), *content.roundups]:
        for ref in record.refs():
            if ref.id not in known[ref.kind]:  # (tested here: 20,000 references at scale 10)
                yield unknown(ref, known[ref.kind])
    for entry in content.timeline:
        for ref in entry.actors:
            if ref.id not in known["actor"]:
                yield unknown(ref, known["actor"])
    lines = (("actors", ("actor",)), ("people", ("person",)), ("no_mentions", ("actor", "person")))
    choices_of = {line: set().union(*(known[k] for k in kinds)) for line, kinds in lines}  # once, not per post
    for post in content.posts:
        for line, kinds in lines:
            choices = choices_of[line]
            for slug in getattr(post, line):
                if slug not in choices:
                    label = line.capitalize()
                    yield error(post.src.at(line), label, f"unknown {' or '.join(kinds)} '{slug}'",
                                did_you_mean(slug, choices) or "use the slug of a file in content/actors or content/people")
    scopes = {slug: {"format": formats.keys(), "room": [r.id for r in event.rooms],
                     "venue": [v.id for v in event.venues], "theme": [t.id for t in event.themes]}
              for slug, event in content.events.items()}  # once per event, not per session
    for session in content.sessions:
        scoped = scopes.get(session.event, {"format": formats.keys()})
        for ref in session.refs():
            choices = known.get(ref.kind) or scoped.get(ref.kind)
            if choices is not None and ref.id not in choices:
                yield unknown(ref, choices, "" if ref.kind in known or ref.kind == "format"
                              else f"declare it in events/{session.event}/event.yaml")


def unknown(ref: Ref, choices: Iterable[str], fallback: str = "") -> Problem:
    """The error for a reference to none of choices."""
    hint = did_you_mean(ref.id, choices) or fallback or \
        f"create content/{ 'people' if ref.kind == 'person' else ref.kind + 's'}/{ref.id}.yaml"
    return error(ref.pos, ref.field, f"unknown {ref.kind} '{ref.id}'", hint)


def check_event_formats(content: Content, formats: dict[str, str]) -> Iterator[Problem]:
    for event in content.events.values():
        for name in event.formats:
            if name not in formats:
                hint = did_you_mean(name, formats) or "add it to CIVICHUB_FORMATS in pelicanconf.py"
                yield error(event.src.at(f"formats.{name}"), f"formats.{name}",
                            f"unknown format '{name}'", hint)


# -- identifiers -----------------------------------------------------------------------------

def check_duplicates(content: Content) -> Iterator[Problem]:
    for event in content.events.values():
        for label, items in (("room", event.rooms), ("venue", event.venues), ("theme", event.themes)):
            seen: set[str] = set()
            for index, item in enumerate(items):
                path = f"{label}s[{index}].id"
                if item.id in seen:
                    yield error(event.src.at(path), path, f"duplicate {label} id '{item.id}'",
                                "give each one its own id")
                seen.add(item.id)
    first: dict[tuple[str, str], Session] = {}
    for session in content.sessions:
        if session.key in first:
            other = first[session.key]
            yield error(session.src.at("id"), session.src.path("id"), f"duplicate session id '{session.id}' "
                        f"(also at {other.src.at('id')})", "give each session its own id")
        else:
            first[session.key] = session
    numbers: dict[int, str] = {}
    for roundup in content.roundups:
        if roundup.number in numbers:
            yield error(roundup.src.at("number"), "number", f"roundup number {roundup.number} is already "
                        f"used by {numbers[roundup.number]}", "use the next free number")
        numbers.setdefault(roundup.number, roundup.src.file)
    slugs: dict[str, str] = {}
    for post in content.posts:
        if post.slug in slugs:
            yield error(post.src.at("slug"), "Slug", f"duplicate post slug '{post.slug}' "
                        f"(also {slugs[post.slug]})", "set a different 'Slug:'")
        slugs.setdefault(post.slug, post.src.file)


# -- times -----------------------------------------------------------------------------------

def check_times(content: Content) -> Iterator[Problem]:
    for event in content.events.values():
        if event.start and event.end and event.end < event.start:
            yield error(event.src.at("end"), "end", f"event ends ({event.end}) before it starts "
                        f"({event.start})", "check the dates")
    for session in content.sessions:
        event = content.events.get(session.event)
        if event is None:
            continue
        yield from check_session_time(session, event)


def check_session_time(session: Session, event: Event) -> Iterator[Problem]:
    src = session.src
    if session.start and session.end and session.end <= session.start:
        yield error(src.at("end"), src.path("end"), f"session ends ({session.end:%H:%M}) before it "
                    f"starts ({session.start:%H:%M})", "check the times; a session cannot cross midnight")
    if session.end and "start" not in src.positions:  # an invalid start is reported already
        yield error(src.at("end"), src.path("end"), "session has an end but no start", "add 'start:'")
    field = "start" if session.start else "day"
    if (session.start or session.day) and not event.start and "start" not in event.src.positions:
        yield error(src.at(field), src.path(field), "session has a date or time but its event has no "
                    "'start' date", f"add 'start:' to events/{event.slug}/event.yaml")
    day = session.day
    if day and event.start and not event.start <= day <= event.last_day:
        yield error(src.at("day"), src.path("day"), f"day {day} is outside the event "
                    f"({event.start} to {event.last_day})", "check the date")


def session_day(session: Session, events: dict[str, Event]):
    event = events.get(session.event)
    return session.day or (event.start if event else None)


def interval(session: Session, events: dict[str, Event]) -> tuple[datetime, datetime] | None:
    """The session's local span, or None when it has no start or end."""
    day = session_day(session, events)
    if not (day and session.start and session.end):
        return None
    return datetime.combine(day, session.start), datetime.combine(day, session.end)


def timed_pairs(sessions: list[Session], events: dict[str, Event]):
    spans = [(s, interval(s, events)) for s in sessions]
    spans = sorted(((s, span) for s, span in spans if span), key=lambda item: item[1])
    for i, (a, span_a) in enumerate(spans):
        for b, span_b in spans[i + 1:]:
            if span_b[0] >= span_a[1]:  # sorted by start: no later span can overlap a
                break
            if span_a[0] < span_b[1]:
                yield a, b


def check_room_clashes(content: Content) -> Iterator[Problem]:
    by_room: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for session in content.sessions:
        for room in session.rooms:
            by_room[(session.event, room.id)].append(session)
    for (event, room), sessions in sorted(by_room.items()):
        for first, second in timed_pairs(sessions, content.events):
            yield error(second.src.at("start"), second.src.path("start"), f"session '{second.id}' overlaps "
                        f"'{first.id}' in room '{room}' ({span_text(first)}, at {first.src.at('start')})",
                        "change a time or a room")


def check_people_clashes(content: Content) -> Iterator[Problem]:
    by_person: dict[str, list[Session]] = defaultdict(list)
    for session in content.sessions:
        if session.format.id in BREAK_FORMATS:
            continue
        for person in {p.person.id for p in session.participants}:
            by_person[person].append(session)
    for person, sessions in sorted(by_person.items()):
        for first, second in timed_pairs(sessions, content.events):
            if first.event == second.event and {r.id for r in first.rooms} & {r.id for r in second.rooms}:
                continue  # already reported as a room clash
            ref = next(p.person for p in second.participants if p.person.id == person)
            yield warning(ref.pos, ref.field, f"'{person}' is also in '{first.id}' at the same time "
                          f"({span_text(first)})", "check the programme: one person, one room at a time")


def span_text(session: Session) -> str:
    start = session.start.strftime("%H:%M") if session.start else "?"
    end = session.end.strftime("%H:%M") if session.end else "?"
    return f"{start}-{end}"


# -- links and posts -------------------------------------------------------------------------

def check_links(content: Content) -> Iterator[Problem]:
    for roundup in content.roundups:
        if not roundup.links and not roundup.is_draft:
            yield warning(roundup.src.at(), "links", "roundup has no links", "add links or mark it "
                          "'status: draft'")
        for link in roundup.links:
            if not link.url:
                yield warning(link.pos, f"{link.path}.url", f"link '{link.title[:60]}' has no URL",
                              "add 'url:' when you know the article's address; it is shown as text")


def check_series(content: Content) -> Iterator[Problem]:
    series: dict[str, dict[int, str]] = defaultdict(dict)
    for post in content.posts:
        if post.series and post.series_index is not None:
            taken = series[post.series]
            if post.series_index in taken:
                yield error(post.src.at("series_index"), "Series_index", f"position {post.series_index} "
                            f"of series '{post.series}' is also {taken[post.series_index]}",
                            "number the posts of a series 1, 2, 3...")
            taken.setdefault(post.series_index, post.src.file)
