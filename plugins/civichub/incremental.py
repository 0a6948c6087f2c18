"""Incremental builds: what the previous build made from what, so that the next one makes again
only the pages and export files whose inputs changed, and keeps the others as they are.

A build's inputs are split three ways, and each part is compared with the previous build's:
- the environment: settings, theme, civichub's code and libraries, Pelican's own sources (posts
  and pages but their Markdown text, which is free text; static files), the date. Any change:
  everything is made again.
- the structure: every field of every record except free text, in load order, and the mentions
  found in free text. Any change: everything is made again (a new name moves a person in every
  list, a new affiliation adds a line to an actor's page; tracking who reads what from which
  list would be fragile, and such edits are rarer than fixing a sentence).
- free text (the PROSE fields of model.py), digested source by source (a file, or an item of a
  file: a roundup's link, a session of a list). Each page and export unit records the sources
  whose free text it read (model.prose_reads, NotedRead); it is made again only when one of
  them changed.
The record is kept in CIVICHUB_CACHE_PATH, valid for one output folder as it was left by the build
that wrote the record (build.py checks the folder's identity); anything else means a full build."""
from __future__ import annotations

import functools
import hashlib
import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

from .caches import (append_bytes, cache_path, code_digest, collector_paused, digest, files_under, hash_files,
                     journal_record, pickled_by_fields, read_cache, read_journal, write_bytes)
from .fingerprint import shape
from .load import pelican_metadata, text_under_header
from .model import note_prose_reads

RECORD_VERSION = 3
RECORD_NAME = "build-record.pickle"
# settings that differ between two builds of the same site: the staging folder, objects of the run
VOLATILE_SETTINGS = frozenset({"OUTPUT_PATH", "CIVICHUB_OUTPUT_FILES", "CIVICHUB_HUB", "CIVICHUB_INPUTS",
                               "CIVICHUB_PREVIOUS_BUILD", "CIVICHUB_BUILD_RECORD",
                               "CIVICHUB_PELICAN_PAGES", "CIVICHUB_POST_CACHE"})
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")  # Pelican's Markdown reader's
POSTS, PAGES = ("articles", "drafts"), ("pages", "hidden_pages", "draft_pages")  # (the lists of Pelican's context)
LIBRARIES = ("pelican", "Jinja2", "Markdown", "MarkupSafe", "babel", "icalendar", "nh3", "PyYAML", "lxml")


@dataclass(frozen=True)
class Inputs:
    environment: str
    structure: str
    prose: dict[str, str]  # source (a file, or 'file#item') -> digest of its free text


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Made:
    """One page or export unit of a build: the sources whose free text it read, the files it wrote."""
    reads: frozenset[str]
    outputs: tuple[str, ...]


@dataclass
class BuildRecord:
    inputs: Inputs
    made: dict[str, Made] = field(default_factory=dict)  # unit key -> what it read and wrote
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # page set or export -> its unit keys
    version: int = RECORD_VERSION


class Plan:
    """Which units this build makes: all of them, or those that read changed free text."""

    def __init__(self, previous: BuildRecord | None, inputs: Inputs, inherited: set[str]):
        self.previous = previous
        self.inherited = inherited  # files of the previous site, which a kept unit's outputs must be among
        self.changed = changed_prose(previous, inputs)  # None: everything is to be made

    @property
    def full(self) -> bool:
        return self.changed is None

    def kept(self, key: str) -> Made | None:
        """What the previous build made for this unit, when it can stay as it is."""
        if self.changed is None:
            return None
        made = self.previous.made.get(key)
        if made is None or not made.reads.isdisjoint(self.changed):
            return None
        return made if all(output in self.inherited for output in made.outputs) else None

    def kept_set(self, name: str) -> dict[str, Made] | None:
        """What the previous build made of a whole set of units (a page set, an export), when
        every unit of it can stay. The same structure and environment list the same units, so
        such a set need not be listed again."""
        keys = None if self.changed is None else self.previous.sets.get(name)
        if keys is None:
            return None
        found = {}
        for key in keys:
            made = self.kept(key)
            if made is None:
                return None
            found[key] = made
        return found


def changed_prose(previous: BuildRecord | None, inputs: Inputs) -> set[str] | None:
    """The sources whose free text changed, or None when everything has to be made again."""
    if previous is None or previous.version != RECORD_VERSION:
        return None
    old = previous.inputs
    if old.environment != inputs.environment or old.structure != inputs.structure \
            or old.prose.keys() != inputs.prose.keys():
        return None
    return {name for name, digest in inputs.prose.items() if old.prose[name] != digest}


# -- the inputs -----------------------------------------------------------------------------------

def inputs_of(hub, settings: dict, context: dict) -> Inputs:
    structure, prose = content_digests(hub)
    bodies = {os.path.abspath(post.src.file): post.text for post in hub.content.posts}
    pages = page_bodies(context)
    bodies.update(pages)
    prose.update({os.path.relpath(path): digest(body) for path, body in pages.items()})
    return Inputs(environment=environment_digest(settings, context, bodies), structure=structure, prose=prose)


def page_bodies(context: dict) -> dict[str, str]:
    """The text under the header of each of Pelican's own Markdown pages (an about page), by
    file: free text, as a post's is. The page's unit reads it (NotedRead), so an edit of it makes
    that page again, not the whole site. Other formats stay whole in the environment."""
    found = {}
    for path in pelican_sources(context, PAGES):
        if os.path.splitext(path)[1] in MARKDOWN_SUFFIXES:
            text = Path(path).read_text(encoding="utf-8")
            found[os.path.abspath(path)] = text_under_header(text, pelican_metadata(text, "")[1])
    return found


def content_digests(hub) -> tuple[str, dict[str, str]]:
    """(digest of the structure, {source: digest of its free text}), from each file's
    fingerprint, made when the file was loaded (and kept with it in the load cache). The
    structure is hashed as lines of text rather than as the repr() of tuples: at scale 10 (8,100
    files, 9,000 mentions), 34 ms instead of 52, in every build."""
    content = hub.content
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update("\n".join([f"{name}\0{fingerprint.structure}"
                             for name, fingerprint in content.fingerprints.items()]).encode("utf-8", "surrogateescape"))
    hasher.update(repr((shape(content.declared, {}), content.files)).encode("utf-8", "surrogateescape"))
    for line in mention_lines(hub):
        hasher.update(line.encode("utf-8", "surrogateescape"))
    prose: dict[str, str] = {}
    for fingerprint in content.fingerprints.values():
        prose.update(fingerprint.prose)
    return hasher.hexdigest(), prose


def mention_lines(hub) -> Iterator[str]:
    """Mentions found in free text change lists on actors' and people's pages: structure. A line
    per actor or person mentioned, and per kind of mention."""
    for label, index in (("actor", hub.actor_mentions), ("person", hub.person_mentions)):
        for slug, mentions in sorted(index.items()):
            yield f"\n{label} {slug}:" + "\0".join([f"{m.roundup.slug}\0{m.link.path}\0{m.detected:d}"
                                                     for m in mentions])
    for label, index in (("actor-posts", hub.actor_posts), ("person-posts", hub.person_posts)):
        for slug, found in sorted(index.items()):
            yield f"\n{label} {slug}:" + "\0".join([post.slug for post in found])


def environment_digest(settings: dict, context: dict, bodies: dict[str, str]) -> str:
    """Everything but the hub's content that pages and exports are made from. bodies: the text
    of the posts (model.Post) and of the Markdown pages by file, free text, left out of their files."""
    parts = [configuration(settings), os.getcwd(), str(context.get("today")),
             os.environ.get("SOURCE_DATE_EPOCH", "")]
    hasher = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16)
    hasher.update(code_digest().encode("ascii"))
    hash_files(hasher, files_under(Path(settings["THEME"]) if settings.get("THEME") else None))
    hash_headers(hasher, pelican_sources(context), bodies)
    content = Path(settings.get("PATH", "content"))
    for static in settings.get("STATIC_PATHS", []):
        for path in files_under(content / static):  # pages may name an image's size or format
            info = os.stat(path)
            hasher.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def configuration(settings: dict) -> list:
    """The settings (but those that differ between two builds of one site), Python's version and
    the libraries': what anything a build makes, or caches, depends on besides its inputs."""
    return [plain({k: v for k, v in sorted(settings.items()) if k not in VOLATILE_SETTINGS}),
            sys.version, library_versions()]


def hash_headers(hasher, paths: list[str], bodies: dict[str, str]) -> None:
    """Each file's name and bytes into hasher, but the body of a post or of a Markdown page: their
    metadata lines (title, tags, summary...) are read by Pelican alone, their text is free text."""
    for path in paths:
        data = Path(path).read_bytes()
        body = bodies.get(path, "").encode("utf-8")
        if body and data.endswith(body):  # (a file with CRLF line ends or a BOM is hashed whole)
            data = data[:-len(body)]
        hasher.update(path.encode("utf-8", "surrogateescape"))
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)


def note_post_reads() -> None:
    """Reading a Pelican article's content or summary while a page is made notes its file as
    read free text, as reading a record's PROSE field does (model.prose): a page that shows a
    post is made again when the post's text changes. Installed once, when the plugin loads."""
    from pelican.contents import Content
    for name in ("get_content", "get_summary"):
        method = Content.__dict__[name]  # (Pelican's memoized descriptor, kept as it is)
        if not getattr(method, "civichub_noted", False):
            setattr(Content, name, NotedRead(method))


class NotedRead:
    """A method of Pelican's content objects that notes the object's file when called."""
    civichub_noted = True

    def __init__(self, method):
        self.method = method

    @property
    def cache(self) -> dict | None:
        """What the method wrapped (Pelican's `memoized`) keeps of each object's text."""
        return getattr(self.method, "cache", None)

    def __get__(self, article, owner=None):
        bound = self.method.__get__(article, owner)
        if article is None:
            return bound

        def read(*args, **kwargs):
            if getattr(article, "source_path", None):
                note_prose_reads((os.path.relpath(article.source_path),))
            return bound(*args, **kwargs)
        return read


@functools.cache
def library_versions() -> tuple[tuple[str, str], ...]:
    """Each of LIBRARIES with its installed version ('' when missing). Once per process: finding
    them costs 8 ms, and a build asks twice (its record, the posts' cache)."""
    return tuple((name, library_version(name)) for name in LIBRARIES)


def library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def pelican_sources(context: dict, kinds: tuple[str, ...] = POSTS + PAGES) -> list[str]:
    """The files Pelican read itself, of the kinds given (its context's lists), translations
    included: by default its posts and pages, drafts too."""
    found = set()
    for key in kinds:
        for item in context.get(key) or []:
            for version in [item, *getattr(item, "translations", [])]:
                if getattr(version, "source_path", None):
                    found.add(version.source_path)
    return sorted(found)


def plain(value: Any) -> Any:
    """Settings as data that compares equal between runs (a function becomes its name)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return [(str(key), plain(item)) for key, item in value.items()]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(plain(item)) for item in value)
    text = repr(value)
    if " at 0x" not in text:  # a date, a path: its value
        return text
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"<{getattr(value, '__module__', '')}.{name}>"


# -- the record on disk ---------------------------------------------------------------------------
#
# The record's file is a journal (caches.read_journal) of entries, each naming the output folder
# and its identity as the build that wrote it left them:
# - ("whole", token, output, identity, BuildRecord): a record, whole;
# - ("change", base, token, output, identity, RecordChange): what a build changed of the record
#   named base (a person's page made again after a bio edit), appended rather than writing its
#   13,000 units again (34 ms at scale 10);
# - ("void",): the site no longer is the last record's; written before a build puts its pages in
#   place, so that a build stopped there leaves a full build to the next one.
# A change whose base is not the record before it (another output's build came in between) voids
# the record. A build writes the record whole when there is no record to change, or when its
# changes would come to more than a quarter of the record, or number WHOLE_AFTER[1].

WHOLE_AFTER = 4, 50  # (a quarter of the record's entries, 50 changes)


@dataclass(frozen=True)
class RecordChange:
    """What a build changed of the record it started from: the entries it added or changed, and
    the names of those it dropped."""
    environment: str
    structure: str
    prose: dict[str, str]
    prose_gone: tuple[str, ...]
    made: dict[str, Made]
    made_gone: tuple[str, ...]
    sets: dict[str, tuple[str, ...]]
    sets_gone: tuple[str, ...]

    def size(self) -> int:
        return len(self.prose) + len(self.prose_gone) + len(self.made) + len(self.made_gone) + len(self.sets)


@dataclass(frozen=True)
class Saved:
    """The record as the journal gives it: which entry it is (token), how many changes were
    appended since it was last written whole, and how many entries those came to."""
    record: BuildRecord
    token: str
    appended: int = 0
    appended_entries: int = 0

    def wants_whole(self, change: RecordChange) -> bool:
        quarter, most = WHOLE_AFTER
        entries = len(self.record.made) + len(self.record.inputs.prose)
        return self.appended + 1 >= most or (self.appended_entries + change.size()) * quarter > entries


def record_path(settings: dict) -> Path | None:
    return cache_path(settings, RECORD_NAME)


def folder_identity(folder: Path) -> tuple[int, int, int] | None:
    """Which folder this is, as the build that swapped it in left it (a new folder, a folder
    that gained or lost an entry since: another identity)."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_ctime_ns


def read_record(path: Path | None, output: Path) -> Saved | None:
    """The previous build's record, if it describes output as it is now."""
    if path is None or not path.is_file():
        return None
    try:
        entries, sound = read_cache(path, read_journal)
        saved, where = replayed(entries) if sound else (None, None)
    except Exception:  # noqa: BLE001 - an old or damaged cache only costs a full build
        return None
    if saved is None or where != (str(output), folder_identity(output)):
        return None
    return saved if saved.record.version == RECORD_VERSION else None


def replayed(entries: list) -> tuple[Saved | None, tuple | None]:
    """The record the journal's entries come to, and the output folder and identity it is for."""
    saved, where, own = None, None, False
    for entry in entries:
        if entry[0] == "whole":
            _, token, output, identity, record = entry
            saved, own = (Saved(record, token) if isinstance(record, BuildRecord) else None), False
        elif entry[0] == "change":
            _, base, token, output, identity, change = entry
            if saved is None or saved.token != base:
                saved = None
                continue
            if not own:  # what the journal gave may be shared (read_cache): changed in a copy
                saved, own = Saved(copied(saved.record), saved.token), True
            apply(change, saved.record)
            saved = Saved(saved.record, token, saved.appended + 1, saved.appended_entries + change.size())
        else:  # "void"
            output = identity = None
        where = (output, identity)
    return saved, where


def copied(record: BuildRecord) -> BuildRecord:
    return BuildRecord(Inputs(record.inputs.environment, record.inputs.structure, dict(record.inputs.prose)),
                       dict(record.made), dict(record.sets), record.version)


def apply(change: RecordChange, record: BuildRecord) -> None:
    """Make change in record, in place."""
    record.inputs = Inputs(change.environment, change.structure, record.inputs.prose)
    for names, entries, gone in ((record.inputs.prose, change.prose, change.prose_gone),
                                 (record.made, change.made, change.made_gone),
                                 (record.sets, change.sets, change.sets_gone)):
        names.update(entries)
        for name in gone:
            names.pop(name, None)


def change_between(old: BuildRecord, new: BuildRecord) -> RecordChange:
    """What new adds, changes or drops of old. A unit kept from the previous build is its very
    Made, so most are told apart without comparing their names."""
    old_made = old.made
    return RecordChange(
        new.inputs.environment, new.inputs.structure,
        {name: value for name, value in new.inputs.prose.items() if old.inputs.prose.get(name) != value},
        tuple(old.inputs.prose.keys() - new.inputs.prose.keys()),
        {key: made for key, made in new.made.items() if (was := old_made.get(key)) is not made and was != made},
        tuple(old_made.keys() - new.made.keys()),
        {name: keys for name, keys in new.sets.items() if old.sets.get(name) != keys},
        tuple(old.sets.keys() - new.sets.keys()))


def with_names_shared(record: BuildRecord) -> BuildRecord:
    """The record with one str object per file or unit name, for a full build's record. Pickle
    writes an object once and refers to it after, and the names came from several processes as
    copies: at scale 10 the file is 3.3 MB instead of 6.2, written in 0.03 s instead of 0.06 and
    read in 0.02 s instead of 0.045. What a later build reads keeps the sharing; the few units it
    makes again add a few copies, which is cheaper than sharing every name again (0.02 s)."""
    names: dict[str, str] = {}
    one = names.setdefault
    made = {one(key, key): Made(frozenset([one(n, n) for n in value.reads]), tuple([one(n, n) for n in value.outputs]))
            for key, value in record.made.items()}
    sets = {name: tuple([one(key, key) for key in keys]) for name, keys in record.sets.items()}
    return BuildRecord(record.inputs, made, sets, record.version)


def write_record(path: Path | None, output: Path, record: BuildRecord | None,
                 previous: Saved | None = None) -> None:
    """Saved once the new site is in place, as a change of the previous record when it is small;
    None: the site is no longer the previous record's. A failed write only costs the next build
    its speed."""
    if path is None:
        return
    if record is None:
        append_bytes(path, journal_record(("void",)))
        return
    token, where = os.urandom(8).hex(), (str(output), folder_identity(output))
    with collector_paused():
        if previous is not None:
            change = change_between(previous.record, record)
            if not previous.wants_whole(change):
                append_bytes(path, journal_record(("change", previous.token, token, *where, change)))
                return
        write_bytes(path, journal_record(("whole", token, *where, record)))
