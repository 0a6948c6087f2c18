"""The hub's records: small typed dataclasses, each remembering where its values came from."""
from __future__ import annotations

from array import array
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from .caches import pickled_by_fields
from .fields import Ref
from .problems import Pos

if TYPE_CHECKING:
    from .fingerprint import Fingerprint

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Source:
    """A record's file and the position of each of its fields ('links[2].url' -> Pos)."""

    file: str
    positions: Mapping[str, Pos] = field(default_factory=dict, compare=False, hash=False)
    prefix: str = ""  # '[3].' for the fourth record of a list file, so messages name the item

    def __reduce__(self):
        """Pickled (in the load cache) with its positions packed: most builds never read one."""
        if isinstance(self.positions, dict) and all(p.file == self.file for p in self.positions.values()):
            numbers = [n for p in self.positions.values() for n in (p.line, p.col)]
            return Source, (self.file, Positions.packed(self.file, list(self.positions), numbers), self.prefix)
        return Source, (self.file, self.positions, self.prefix)

    def path(self, field_path: str) -> str:
        """A field's path as the author sees it in the file: 'end' -> '[3].end'."""
        return self.prefix + field_path

    def at(self, path: str = "") -> Pos:
        """Position of a field, else of its nearest enclosing field, else of the file."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path.rpartition(".")[0] if "." in path else path.rpartition("[")[0]
        return self.positions.get("", Pos(self.file))


class Positions(Mapping):
    """A file's field paths with their lines and columns, packed in two strings: a Pos is made
    only when asked for (a message), so reading thousands of records from the cache is quick."""

    __slots__ = ("file", "paths", "numbers", "index")

    def __init__(self, file: str, paths: str, numbers: bytes):
        self.file, self.paths, self.numbers = file, paths, numbers  # paths joined by NUL
        self.index: dict[str, int] | None = None

    @classmethod
    def packed(cls, file: str, paths: list[str], numbers: list[int]) -> Positions:
        """paths[i] at line numbers[2 * i], column numbers[2 * i + 1]."""
        return cls(file, "\0".join(paths), array("I", numbers).tobytes())

    @classmethod
    def of_marks(cls, file: str, marks: dict, line_offset: int = 0) -> Positions:
        """The positions of a file's values from where their YAML nodes start (yaml Marks,
        0-based; line_offset: lines of the file before its YAML)."""
        numbers = []
        for mark in marks.values():
            numbers += (mark.line + 1 + line_offset, mark.column + 1)
        return cls.packed(file, list(marks), numbers)

    def entries(self) -> Iterator[tuple[str, int, int]]:
        """(path, line, column) of each value, in the file's order."""
        numbers = array("I", self.numbers)
        paths = self.paths.split("\0") if self.numbers else []
        return ((path, numbers[2 * i], numbers[2 * i + 1]) for i, path in enumerate(paths))

    def __reduce__(self):
        return Positions, (self.file, self.paths, self.numbers)

    def lookup(self) -> dict[str, int]:
        if self.index is None:
            self.index = {path: i for i, path in enumerate(self.paths.split("\0"))} if self.numbers else {}
        return self.index

    def __getitem__(self, path: str) -> Pos:
        i = self.lookup()[path]
        numbers = array("I", self.numbers)
        return Pos(self.file, numbers[2 * i], numbers[2 * i + 1])

    def __contains__(self, path) -> bool:
        return path in self.lookup()

    def __iter__(self) -> Iterator[str]:
        return iter(self.lookup())

    def __len__(self) -> int:
        return len(self.lookup())


# -- free text read while a page is made (incremental builds) -------------------------------------

_reading: set[str] | None = None


@contextmanager
def prose_reads() -> Iterator[set[str]]:
    """The sources whose free text (a record's PROSE fields) is read inside the block: files, or
    items of files ('content/roundups/x.md#links[2]'). An incremental build makes a page again
    only when the free text of one of them changed; any other change to the content is seen by
    comparing the rest of the records (incremental.py)."""
    global _reading
    outer, _reading = _reading, set()
    try:
        yield _reading
    finally:
        files, _reading = _reading, outer
        if outer is not None:
            outer |= files


@contextmanager
def prose_unnoted() -> Iterator[None]:
    """Free text read inside the block is not noted: for a value that cannot depend on it (how
    many rows a table has), so that what shows the value is not made again after every edit."""
    global _reading
    outer, _reading = _reading, None
    try:
        yield
    finally:
        _reading = outer


def reading(make: Callable[[], T]) -> tuple[T, frozenset[str]]:
    """make()'s value and the sources whose free text it read (which a cache of the value notes
    again with note_prose_reads each time it hands the value out)."""
    with prose_reads() as reads:
        value = make()
    return value, frozenset(reads)


class MadeOnce:
    """Values made once per build and key, for the units that share them (an event's two
    schedule files, a table's CSV and JSON, a session's VEVENT in every calendar that holds it).
    What making one read of free text counts again for each unit handed it. The build is told by
    the identity of its objects (the hub, the site): a new one forgets the previous values."""

    def __init__(self):
        self.owners: tuple = ()
        self.made: dict = {}

    def __call__(self, owners: tuple, key, make: Callable[[], T]) -> T:
        if len(owners) != len(self.owners) or any(a is not b for a, b in zip(owners, self.owners)):
            self.owners, self.made = owners, {}
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = reading(make)
        else:
            note_prose_reads(found[1])
        return found[0]


def note_prose_reads(files: Iterable[str]) -> None:
    """For a cache that hands out something made from free text earlier: what it read counts again."""
    if _reading is not None:
        _reading.update(files)


def prose(*names: str, file_of: Callable[[object], str] = lambda record: record.src.file):
    """Class decorator: reading these fields notes the record's source (file_of: its file, or an
    item of it) while prose_reads() is on."""
    def track(cls):
        for name in names:
            slot = cls.__dict__[name]  # the slot's own descriptor keeps the value

            def read(record, slot=slot):
                if _reading is not None:
                    _reading.add(file_of(record))
                return slot.__get__(record, cls)
            setattr(cls, name, property(read, slot.__set__, doc=f"{name} (free text)"))
        cls.PROSE, cls.PROSE_FILE = names, staticmethod(file_of)
        cls.__eq__ = unnoted(cls.__eq__)
        return cls
    return track


def unnoted(compare):
    """Comparing two records (`person in people`) is not reading their text for a page."""
    def quietly(a, b):
        global _reading
        outer, _reading = _reading, None
        try:
            return compare(a, b)
        finally:
            _reading = outer
    return quietly


def _file_of_pos(record) -> str:
    return record.pos.file


# Free text is noted per item of a file where items are separate on the pages: a link of a
# roundup (its intro and each of its links are shown in different places), a session of a list.
def _link_of_roundup(link) -> str:
    return f"{link.pos.file}#{link.path}"


def _session_of_file(session) -> str:
    return f"{session.src.file}#{session.src.prefix}" if session.src.prefix else session.src.file


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Affiliation:
    actor: Ref
    role: str = ""


@prose("description")
@pickled_by_fields
@dataclass(slots=True)
class Actor:
    slug: str
    name: str
    kind: str
    src: Source
    categories: list[str] = field(default_factory=list)
    description: str = ""
    website: str = ""
    social: dict[str, str] = field(default_factory=dict)
    city: str = ""
    aliases: list[str] = field(default_factory=list)
    detect: bool = True  # false: its name and aliases are never detected in links and posts

    def refs(self) -> Iterator[Ref]:
        return iter(())


@prose("bio")
@pickled_by_fields
@dataclass(slots=True)
class Person:
    slug: str
    name: str
    src: Source
    sort_name: str = ""
    titles: list[str] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    social: dict[str, str] = field(default_factory=dict)
    bio: str = ""
    photo: str = ""
    photo_alt: str = ""

    def refs(self) -> Iterator[Ref]:
        return (a.actor for a in self.affiliations)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    address: str = ""
    city: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    name: str
    description: str = ""


@prose("description")
@pickled_by_fields
@dataclass(slots=True)
class Event:
    slug: str
    title: str
    timezone: str
    src: Source
    start: date | None = None
    end: date | None = None
    venue: Place | None = None
    venues: list[Place] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    organisers: list[Ref] = field(default_factory=list)
    partners: list[Ref] = field(default_factory=list)
    website: str = ""
    language: str = "fr"
    description: str = ""

    @property
    def last_day(self) -> date | None:
        return self.end or self.start

    def refs(self) -> Iterator[Ref]:
        yield from self.organisers
        yield from self.partners


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Participant:
    person: Ref
    role: str  # one of schema.ROLES, singular: speaker, moderator, pitcher, opener, organiser
    affiliation: Ref | None = None
    project: str = ""


@prose("description", file_of=_session_of_file)
@pickled_by_fields
@dataclass(slots=True)
class Session:
    event: str
    id: str
    title: str
    format: Ref
    src: Source
    rooms: list[Ref] = field(default_factory=list)
    venue: Ref | None = None
    plenary: bool = False
    day: date | None = None
    start: time | None = None
    end: time | None = None
    themes: list[Ref] = field(default_factory=list)
    language: str = ""
    description: str = ""
    participants: list[Participant] = field(default_factory=list)
    actors: list[Ref] = field(default_factory=list)
    registration: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.event, self.id)

    def refs(self) -> Iterator[Ref]:
        yield self.format
        yield from self.rooms
        if self.venue:
            yield self.venue
        yield from self.themes
        for participant in self.participants:
            yield participant.person
            if participant.affiliation:
                yield participant.affiliation
        yield from self.actors


@prose("title", "excerpt", file_of=_link_of_roundup)
@pickled_by_fields
@dataclass(slots=True)
class Link:
    title: str
    source: str
    pos: Pos
    path: str  # 'links[3]' or 'sections[1].links[0]', for messages
    url: str = ""
    author: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    language: str = "fr"
    actors: list[Ref] = field(default_factory=list)
    people: list[Ref] = field(default_factory=list)
    not_actors: list[Ref] = field(default_factory=list)  # detected mentions declined by the editor
    not_people: list[Ref] = field(default_factory=list)


@pickled_by_fields
@dataclass(slots=True)
class Section:
    title: str
    links: list[Link]


@prose("intro")
@pickled_by_fields
@dataclass(slots=True)
class Roundup:
    slug: str
    number: int
    date: date
    src: Source
    title: str = ""
    period: str = ""
    status: str = "published"
    tags: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    intro: str = ""

    @property
    def links(self) -> list[Link]:
        return [link for section in self.sections for link in section.links]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def refs(self) -> Iterator[Ref]:
        for link in self.links:
            yield from link.actors
            yield from link.people
            yield from link.not_actors
            yield from link.not_people


@prose("text", file_of=_file_of_pos)
@pickled_by_fields
@dataclass(slots=True)
class TimelineEntry:
    year: int
    title: str
    pos: Pos
    month: int | None = None
    text: str = ""
    actors: list[Ref] = field(default_factory=list)


@prose("text")
@pickled_by_fields
@dataclass(slots=True)
class Post:
    """Only what the checker reads of a Pelican post; Pelican itself renders posts. Pages read
    its text through Pelican's article (incremental.note_post_reads notes that as reading text)."""

    slug: str
    title: str
    src: Source
    date: date | None = None
    series: str = ""
    series_index: int | None = None
    text: str = ""  # the Markdown body, for mention detection
    actors: list[str] = field(default_factory=list)  # 'Actors:' line, explicit mentions
    people: list[str] = field(default_factory=list)  # 'People:' line
    no_mentions: list[str] = field(default_factory=list)  # 'No_mentions:' line, declined detections


@pickled_by_fields
@dataclass(slots=True)
class Content:
    """Everything loaded from content/, before any cross-checking."""

    actors: dict[str, Actor] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)
    roundups: list[Roundup] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    files: int = 0
    # every actor and person file found, even one with errors: references to it are not
    # reported again as unknown
    declared: dict[str, set[str]] = field(default_factory=lambda: {"actor": set(), "person": set()})
    # each file's fingerprint.Fingerprint, by file (when loaded for a build)
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)

    def records(self) -> tuple:
        """Every record, kind after kind (one file's: loadcache.Loaded)."""
        return (*self.actors.values(), *self.people.values(), *self.events.values(), *self.sessions,
                *self.roundups, *self.timeline, *self.posts)

    def add(self, records: tuple) -> None:
        """One file's records, each in its place; a timeline file's entries are the timeline."""
        timeline = []
        for record in records:
            kind = type(record)
            if kind is Person:
                self.people[record.slug] = record
            elif kind is Actor:
                self.actors[record.slug] = record
            elif kind is Roundup:
                self.roundups.append(record)
            elif kind is Session:
                self.sessions.append(record)
            elif kind is Post:
                self.posts.append(record)
            elif kind is Event:
                self.events[record.slug] = record
            elif kind is TimelineEntry:
                timeline.append(record)
            else:
                raise TypeError(f"not a record: {kind.__name__}")
        if timeline:
            self.timeline = timeline
