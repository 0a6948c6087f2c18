"""content/ files -> typed records, with every problem found on the way (syntax, shape, types)."""
from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Callable

from . import parallel, schema
from .fields import INVALID, SLUG_RE, Ctx, Type, slugify
from .fingerprint import fingerprint
from .loadcache import Key, Loaded, LoadCache
from .model import (Actor, Affiliation, Content, Event, Link, Participant, Person, Place, Positions, Post,
                    Room, Roundup, Section, Session, Source, Theme, TimelineEntry)
from .problems import Pos, Problem, error, warning
from .source import SourceError, parse_yaml, read_text, split_front_matter

YAML_SUFFIXES = (".yaml", ".yml")


class Loader:
    """Reads one content folder; problems accumulate in self.problems."""

    def __init__(self, content_dir: Path, display_root: Path | None = None, cache: LoadCache | None = None,
                 fingerprints: bool = False):
        self.content_dir = Path(content_dir)
        self.fingerprints = fingerprints
        self.display_root = display_root or Path.cwd()
        # content/'s files are shown by swapping a prefix, not by a relpath() each (10,000 files)
        self.content_prefix = os.path.join(str(self.content_dir), "")
        self.content_display = os.path.join(self.display(self.content_dir), "")
        self.problems: list[Problem] = []
        self.content = Content()
        self.cache = cache
        # when a list: (file as messages name it, its path, its stamp, the method that loaded it,
        # what that gave) for each file loaded, in order (what hubcache.keep needs)
        self.files: list[tuple[str, str, Key | None, str, Loaded]] | None = None
        self.listing: list[tuple[str, tuple[tuple[str, str], ...]]] = []  # the walk's (report_links)

    def display(self, path: Path | str) -> str:
        text = str(path)
        if text.startswith(self.content_prefix):
            return self.content_display + text[len(self.content_prefix):]
        try:
            return os.path.relpath(path, self.display_root)
        except ValueError:
            return str(path)

    def load(self) -> Content:
        if not self.content_dir.is_dir():
            self.problems.append(error(Pos(self.display(self.content_dir)), "",
                                       "content folder not found", "run from the hub's root folder"))
            return self.content
        self.report_links()
        self.load_folder("actors", self.load_actor, declare="actor")
        self.load_folder("people", self.load_person, declare="person")
        self.load_events()
        self.load_folder("roundups", self.load_roundup, suffixes=(".md",))
        self.load_folder("posts", self.load_post, suffixes=(".md",), check_slug=False)
        timeline = self.content_dir / "data" / "timeline.yaml"
        if timeline.is_file() and not self.refuse_links(timeline.parent):
            self.guarded(timeline, self.load_timeline)
        return self.content

    # -- walking ---------------------------------------------------------------------------

    def load_folder(self, name: str, load_one: Callable[[Path], None],
                    suffixes: tuple[str, ...] = YAML_SUFFIXES, check_slug: bool = True,
                    declare: str = "") -> None:
        folder = self.content_dir / name
        if self.refuse_links(folder):
            return
        # names as strings, not a Path each: a Path is made only for a file the cache lacks
        base = os.path.join(str(folder), "")
        for file_name in sorted_names(folder):
            stem, suffix = os.path.splitext(file_name)
            if suffix not in suffixes:
                self.ignored(folder / file_name, suffixes)
                continue
            if check_slug and not self.valid_file_slug(file_name, folder):
                continue
            if declare:
                self.content.declared[declare].add(stem)
            self.guarded(base + file_name, load_one)

    def ignored(self, path: Path, suffixes: tuple[str, ...]) -> None:
        if path.name.startswith(".") or path.name.lower() in ("readme.md", "readme.txt"):
            return
        self.problems.append(warning(Pos(self.display(path)), "", "file ignored",
                                     "content files here end in " + " or ".join(suffixes)))

    def valid_file_slug(self, name: str, folder: Path) -> bool:
        stem, suffix = os.path.splitext(name)
        if SLUG_RE.fullmatch(stem):
            return True
        suggestion = slugify(stem) or "a-name"
        self.problems.append(error(Pos(self.display(folder / name)), "", f"file name '{name}' is not a "
                                   "valid identifier", f"rename it to '{suggestion}{suffix}'"))
        return False

    def guarded(self, path: Path | str, load_one: Callable[[Path], None]) -> None:
        """One file's records and problems, from the cache when the file did not change."""
        self.content.files += 1
        display = self.display(path)
        if self.cache is None:
            self.merge(display, self.loaded(Path(path), load_one))
            return
        key = self.cache.key(path, display)
        loaded = self.cache.get(key)
        if loaded is None:
            loaded = self.loaded(Path(path), load_one)
            self.cache.put(key, loaded)
        self.merge(display, loaded)
        if self.files is not None:
            self.files.append((display, str(path), key, load_one.__name__, loaded))

    def loaded(self, path: Path, load_one: Callable[[Path], None]) -> Loaded:
        """What one file's loader gives, in containers of its own (so that it can be cached)."""
        outer = self.content, self.problems
        self.content, self.problems = Content(), []
        try:
            self.run_guarded(path, load_one)
            records = self.content.records()
            return Loaded(records, self.problems, fingerprint(records) if self.fingerprints else None)
        finally:
            self.content, self.problems = outer

    def merge(self, display: str, loaded: Loaded) -> None:
        if loaded.fingerprint is not None:
            self.content.fingerprints[display] = loaded.fingerprint
        self.content.add(loaded.records)
        self.problems += loaded.problems

    def run_guarded(self, path: Path, load_one: Callable[[Path], None]) -> None:
        """Run one file's loader; no exception escapes, whatever the file holds."""
        try:
            load_one(path)
        except SourceError as exc:
            self.problems.append(exc.problem)
        except RecursionError:
            self.problems.append(error(Pos(self.display(path)), "", "content is nested too deeply",
                                       "flatten the structure"))
        except Exception as exc:  # an internal failure must still name the file
            self.problems.append(error(Pos(self.display(path)), "", "internal error while reading this "
                                       f"file: {type(exc).__name__}: {exc}", "please report this bug"))

    def validate(self, path: Path, spec: Type, text: str | None = None,
                 line_offset: int = 0) -> tuple[Any, Source]:
        display = self.display(path)
        if text is None:
            text = read_text(path, display)
        doc = parse_yaml(text, display, line_offset)
        if doc.root is None:
            raise SourceError(error(Pos(display, 1 + line_offset), "", "file is empty",
                                    "see docs/content-model.md for the fields to write"))
        ctx = Ctx(doc)
        value = spec.convert(doc.root, "", ctx)
        self.problems.extend(ctx.problems)
        ctx.marks[""] = doc.root.start_mark
        return value, Source(display, Positions.of_marks(display, ctx.marks, line_offset))

    # -- kinds -----------------------------------------------------------------------------

    def load_actor(self, path: Path) -> None:
        data, src = self.validate(path, schema.ACTOR)
        if data is INVALID or not {"name", "kind"} <= data.keys():
            return
        self.content.actors[path.stem] = Actor(slug=path.stem, src=src, **data)

    def load_person(self, path: Path) -> None:
        data, src = self.validate(path, schema.PERSON)
        if data is INVALID or "name" not in data:
            return
        data["affiliations"] = [Affiliation(a["actor"], a.get("role", ""))
                                for a in data.get("affiliations", [])]
        if "photo" in data and "photo_alt" not in data:
            self.problems.append(warning(src.at("photo"), "photo", "photo has no text alternative",
                                         "add 'photo_alt:' describing the photo"))
        self.content.people[path.stem] = Person(slug=path.stem, src=src, **data)

    def report_links(self) -> None:
        """Every symbolic link under content/ is an error (a link can point outside the hub, and
        Pelican would copy what it points to); links are never followed or read. The folders'
        listing is kept (self.listing): the walk's outcome depends on nothing else."""
        self.listing = folder_listing(self.content_dir)
        for folder, entries in self.listing:
            for name, kind in entries:
                if kind == "link":
                    self.problems.append(error(Pos(self.display(self.content_dir / folder / name)), "",
                                               "symbolic links are not allowed in content/",
                                               "replace the link with the file itself"))

    @staticmethod
    def refuse_links(folder: Path) -> bool:
        return folder.is_symlink()  # reported by report_links

    def load_events(self) -> None:
        for folder in sorted_dirs(self.content_dir / "events"):
            if self.refuse_links(folder) or not self.valid_file_slug(folder.name, folder.parent):
                continue
            event_file = next((folder / f"event{s}" for s in YAML_SUFFIXES
                               if (folder / f"event{s}").is_file()), None)
            if event_file is None:
                self.problems.append(error(Pos(self.display(folder)), "", "event folder has no event.yaml",
                                           "add event.yaml with at least 'title' and 'timezone'"))
                continue
            self.guarded(event_file, self.load_event)
            for name in ("sessions.yaml", "sessions.yml"):
                if (folder / name).is_file():
                    self.guarded(folder / name, self.load_session_list)
            if self.refuse_links(folder / "sessions"):
                continue
            sessions = folder / "sessions"
            for name in sorted_names(sessions):
                if os.path.splitext(name)[1] in YAML_SUFFIXES and self.valid_file_slug(name, sessions):
                    self.guarded(sessions / name, self.load_session_file)

    def load_event(self, path: Path) -> None:
        data, src = self.validate(path, schema.EVENT)
        if data is INVALID or not {"title", "timezone"} <= data.keys():
            return
        data["venue"] = Place(id="", **data["venue"]) if "name" in data.get("venue", {}) else None
        data["venues"] = [Place(**v) for v in data.get("venues", []) if {"id", "name"} <= v.keys()]
        data["rooms"] = [Room(**r) for r in data.get("rooms", []) if {"id", "name"} <= r.keys()]
        data["themes"] = [Theme(**t) for t in data.get("themes", []) if {"id", "name"} <= t.keys()]
        slug = path.parent.name
        self.content.events[slug] = Event(slug=slug, src=src, **data)

    def load_session_list(self, path: Path) -> None:
        items, src = self.validate(path, schema.ListOf(schema.SESSION, max_items=2000))
        if items is INVALID:
            return
        by_item = positions_by_item(src.positions)
        for index, data in enumerate(items):
            prefix = f"[{index}]"
            if "id" not in data:
                self.problems.append(error(src.at(prefix), f"{prefix}.id", "missing required field 'id'",
                                           "give each session of a list a unique identifier"))
                continue
            self.add_session(path.parent.name, data,
                             Source(src.file, by_item.get(index, {"": src.at(prefix)}), prefix=prefix + "."))

    def load_session_file(self, path: Path) -> None:
        data, src = self.validate(path, schema.SESSION)
        if data is INVALID:
            return
        if data.setdefault("id", path.stem) != path.stem:
            self.problems.append(error(src.at("id"), "id", f"id '{data['id']}' differs from the file "
                                       f"name '{path.stem}'", "remove 'id' or make them match"))
        self.add_session(path.parent.parent.name, data, src)

    def add_session(self, event: str, data: dict, src: Source) -> None:
        if not {"title", "format"} <= data.keys():
            return
        participants = [Participant(p["person"], role[:-1], p.get("affiliation"), p.get("project", ""))
                        for role in schema.ROLES for p in data.pop(role, [])]
        data["rooms"] = data.pop("room", [])
        self.content.sessions.append(Session(event=event, src=src, participants=participants, **data))

    def load_roundup(self, path: Path) -> None:
        display = self.display(path)
        front, body, body_line = split_front_matter(read_text(path, display), display)
        data, src = self.validate(path, schema.ROUNDUP, front, line_offset=1)
        if data is INVALID or not {"number", "date"} <= data.keys():
            return
        if "links" in data and "sections" in data:
            self.problems.append(error(src.at("sections"), "sections", "both 'links' and 'sections'",
                                       "put every link in a section, or use 'links' alone"))
        sections = [Section("", self.links(data.pop("links", []), src, "links"))]
        sections += [Section(s["title"], self.links(s.get("links", []), src, f"sections[{i}].links"))
                     for i, s in enumerate(data.pop("sections", [])) if "title" in s]
        sections = [s for s in sections if s.links or s.title]
        expected = f"{data['date']}-{data['number']}"
        if path.stem != expected:
            self.problems.append(warning(src.at("number"), "number", f"file name '{path.name}' does not "
                                         f"match the roundup's date and number", f"rename it to '{expected}.md'"))
        self.content.roundups.append(Roundup(slug=path.stem, src=src, sections=sections,
                                             intro=body.strip(), **data))

    def links(self, items: list[dict], src: Source, path: str) -> list[Link]:
        return [Link(pos=src.at(f"{path}[{i}]"), path=f"{path}[{i}]", **item)
                for i, item in enumerate(items) if {"title", "source"} <= item.keys()]

    def load_timeline(self, path: Path) -> None:
        items, src = self.validate(path, schema.TIMELINE)
        if items is INVALID:
            return
        self.content.timeline = [TimelineEntry(pos=src.at(f"[{i}]"), **item)
                                 for i, item in enumerate(items) if {"year", "title"} <= item.keys()]

    def load_post(self, path: Path) -> None:
        display = self.display(path)
        text = read_text(path, display)
        meta, positions = pelican_metadata(text, display)
        src = Source(display, positions)
        if not meta.get("title"):
            self.problems.append(error(src.at(), "Title", "post has no title",
                                       "add a 'Title: ...' line at the top of the file"))
            return
        post = Post(slug=meta.get("slug") or pelican_slug(meta["title"]), title=meta["title"], src=src,
                    series=meta.get("series", ""), text=text_under_header(text, positions),
                    **{key: [s.strip() for s in meta.get(key, "").split(",") if s.strip()]
                       for key in ("actors", "people", "no_mentions")})
        if "date" in meta:
            try:
                post.date = date.fromisoformat(meta["date"][:10])
            except ValueError:
                self.problems.append(error(src.at("date"), "Date", f"invalid date '{meta['date']}'",
                                           "write dates as YYYY-MM-DD"))
        if "series_index" in meta:
            if meta["series_index"].isdigit():
                post.series_index = int(meta["series_index"])
            else:
                self.problems.append(error(src.at("series_index"), "Series_index", "expected a whole "
                                           f"number, got '{meta['series_index']}'"))
        self.content.posts.append(post)


def pelican_slug(title: str) -> str:
    """The slug Pelican itself gives a post without 'Slug:', so duplicates are found as it sees them."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify as pelican_slugify
    return pelican_slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


ITEM_PATH = re.compile(r"^\[(\d+)\](?:\.(.*))?$")


def positions_by_item(positions: Positions) -> dict[int, Positions]:
    """The positions of a list file split per item, paths relative to the item ('[3].end' ->
    item 3, 'end'; '[3]' -> item 3, ''), in one pass over the file's positions."""
    items: dict[int, tuple[list[str], list[int]]] = {}
    for path, line, col in positions.entries():
        match = ITEM_PATH.match(path)
        if match:
            paths, numbers = items.setdefault(int(match[1]), ([], []))
            paths.append(match[2] or "")
            numbers += (line, col)
    return {index: Positions.packed(positions.file, paths, numbers)
            for index, (paths, numbers) in items.items()}


METADATA_LINE = re.compile(r"^([A-Za-z][A-Za-z_ -]*):\s*(.*)$")


def pelican_metadata(text: str, display: str) -> tuple[dict[str, str], dict[str, Pos]]:
    """Pelican Markdown's 'Key: value' header lines, keys lowercased."""
    meta: dict[str, str] = {}
    positions: dict[str, Pos] = {"": Pos(display)}
    for number, line in enumerate(text.split("\n"), start=1):
        match = METADATA_LINE.match(line)
        if not match:
            break
        key = match[1].strip().lower()
        meta[key] = match[2].strip()
        positions[key] = Pos(display, number, 1)
    return meta, positions


def text_under_header(text: str, positions: dict[str, Pos]) -> str:
    """A Pelican Markdown file's lines after its header (positions: pelican_metadata's)."""
    header = max((pos.line for key, pos in positions.items() if key), default=0)
    return "\n".join(text.split("\n")[header:])


def folder_listing(root: Path) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every folder under root (its path from root), links not followed, with its entries' names
    and kinds ('file', 'folder', 'link', 'other'), sorted; known from the folders' listings,
    without a system call per file."""
    listing, pending = [], [""]
    while pending:
        folder = pending.pop(0)
        with os.scandir(os.path.join(root, folder)) as found:
            entries = sorted((entry.name, entry_kind(entry)) for entry in found)
        listing.append((folder, tuple(entries)))
        pending[:0] = [os.path.join(folder, name) for name, kind in entries if kind == "folder"]
    return listing


def entry_kind(entry: os.DirEntry) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


def sorted_names(folder: Path) -> list[str]:
    """The names of folder's files, sorted, symbolic links aside (known from the listing, no
    stat each)."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as listing:
        return sorted(entry.name for entry in listing if entry.is_file(follow_symlinks=False))


def sorted_dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if folder.is_dir() else []


@dataclass
class Walk:
    """What a load saw of content/ besides the records (for hubcache.py): the folders' listing,
    the problems of the walk itself (a file ignored, a name that is not an identifier, a link),
    and (file as messages name it, path, stamp, Loader method, what it gave) for each file."""
    listing: list[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[tuple[str, str, Key | None, str, Loaded]] = field(default_factory=list)


def load(content_dir: Path, display_root: Path | None = None, cache: LoadCache | None = None,
         fingerprints: bool = False, processes: int = 1,
         walk: Walk | None = None) -> tuple[Content, list[Problem]]:
    """Every record of content/ and every problem found; with a cache, unchanged files are not
    parsed again (and the cache is saved at once, before anything else sees the records), and
    with an empty one (a first build, or civichub changed) the files are loaded in `processes`
    processes at once (load_ahead).
    fingerprints: give each file's fingerprint (content.fingerprints), as builds need.
    walk: filled with what the load saw (with a cache only: files are stamped for it)."""
    if cache is None and processes > 1:
        cache = LoadCache.in_memory()  # for load_ahead's records (a check at scale 10: 1.5 s -> 1.3 s)
    loader = Loader(content_dir, display_root, cache, fingerprints)
    loader.files = walk.files if walk is not None and cache is not None else None
    # A build after another finds its files in the cache: looking for those it lacks would cost
    # it a second walk and a stat per file (0.05 s at scale 10) for the one or two an edit changed
    if cache is not None and not cache.entries and processes > 1:
        load_ahead(loader, cache, processes)
    content = loader.load()
    if cache:
        cache.save()
    if walk is not None:
        walk.listing = loader.listing
        of_files = {id(problem) for *_, loaded in walk.files for problem in loaded.problems}
        walk.problems = [problem for problem in loader.problems if id(problem) not in of_files]
    return content, loader.problems


LOAD_AHEAD_FROM = 400  # files to load: below that, forking costs more than it saves
FILES_PER_JOB = 100


class _Planner(Loader):
    """Walks content/ as Loader.load does, noting the files it would load rather than loading them."""

    def __init__(self, loader: Loader):
        super().__init__(loader.content_dir, loader.display_root)
        self.planned: list[tuple[str, str]] = []  # (path, name of the Loader method that loads it)

    def guarded(self, path: Path | str, load_one: Callable[[Path], None]) -> None:
        self.planned.append((str(path), load_one.__name__))


def load_ahead(loader: Loader, cache: LoadCache, processes: int) -> None:
    """The files the cache lacks (all of them on a first build: 8,100 at scale 10), loaded in
    `processes` forked processes sharing them out, into the cache, where loader.load() finds
    them. Each file loads on its own, as the cache requires, so the records and problems are
    those of a load in one process, in the same order. What a process that failed did not send
    back is loaded again by loader.load()."""
    planner = _Planner(loader)
    planner.load()
    todo = []
    for path, method in planner.planned:
        key = cache.key(path, loader.display(path))
        if key is not None and key not in cache.entries:
            todo.append((path, method, key))
    if len(todo) < LOAD_AHEAD_FROM:
        return
    # In each process, what each of its jobs loaded: ({key: records}, their pickle as the cache
    # file holds them). Pickled here, in the process that loaded them: the cache is written
    # without pickling them again, and a forked process sends back only the bytes.
    # A cache kept only in memory is never written: this process pickles nothing of its own.
    made: list[tuple[dict[Key, Loaded], bytes | None]] = []
    saved = cache.path is not None

    def load_share(share: list[tuple[str, str, Key]]) -> None:
        loaded = {key: loader.loaded(Path(path), getattr(loader, method)) for path, method, key in share}
        made.append((loaded, LoadCache.pickled_chunk(loaded) if saved else None))

    def sent() -> list[bytes]:
        return [data or LoadCache.pickled_chunk(loaded) for loaded, data in made]

    jobs = [partial(load_share, todo[i:i + FILES_PER_JOB]) for i in range(0, len(todo), FILES_PER_JOB)]
    theirs: list[bytes] = []
    try:
        for sent_back in parallel.share_out(jobs, processes, sent):
            theirs += sent_back
    except parallel.WorkerFailed:
        pass
    for loaded, data in made:
        cache.add(loaded, data)
    for data in theirs:
        cache.add(pickle.loads(data), data)
