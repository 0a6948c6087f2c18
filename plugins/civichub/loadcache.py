"""Parsed content kept between builds: what loading each file gave (its records and its problems),
so that a build parses and validates again only the files that changed.

An entry is found by the file's name, size, modification time and inode, and the whole cache by a
digest of civichub's code (a new version of the loader or the schema starts a new cache). The
file is a stream of pickles: a header, then chunks of entries, each a {key: Loaded} dict (one
pickle for a hundred entries reads a third faster than a pickle each: classes are looked up and
shared strings stored once per chunk); a build appends the entries it made and rewrites the file
only when more than half of it is stale. It lives in
CIVICHUB_CACHE_PATH, is locked while it is read or written, and any damage only costs a full load."""
from __future__ import annotations

import fcntl
import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import caches
from .fingerprint import Fingerprint
from .problems import Problem

FORMAT = "civichub-load-cache-3"
FILE_NAME = "content.pickle"

Key = tuple[str, int, int, int, int]
CHUNK = 100  # entries to a pickle


@caches.pickled_by_fields
@dataclass(slots=True)
class Loaded:
    """What loading one file gave: its records (Content.records) and its problems. (The records
    alone, not in a Content of their own: a Content's nine containers for each of 8,000 files made
    reading the cache a quarter slower.)"""
    records: tuple
    problems: list[Problem]
    fingerprint: Fingerprint | None = None  # when loaded for a build


class LoadCache:
    def __init__(self, path: Path | None):
        self.path = path  # None: kept in memory only (in_memory)
        self.entries: dict[Key, Loaded] = {}
        self.fresh: dict[Key, Loaded] = {}  # made by this build: to append
        self.used: set[Key] = set()
        self.pickled: list[tuple[tuple[Key, ...], bytes]] = []  # chunks of self.fresh pickled already
        self.rewrite = False  # the file is damaged or was made by other code

    @classmethod
    def open(cls, path: Path) -> LoadCache:
        cache = cls(path)
        try:
            with locked(path, "rb") as handle:
                cache.read(handle)
        except OSError:
            cache.rewrite = True
        return cache

    @classmethod
    def in_memory(cls) -> LoadCache:
        """A cache that lives as long as one load and is never saved: what a check, which parses
        every file, needs for loading them in several processes (load.load_ahead)."""
        return cls(None)

    def read(self, handle) -> None:
        try:
            if pickle.load(handle) != (FORMAT, caches.code_digest()):
                self.rewrite = True
                return
            while True:
                self.entries.update(pickle.load(handle))
        except EOFError:
            return
        except Exception:  # noqa: BLE001 - a write cut short, an old class: keep what was read
            self.rewrite = True

    @staticmethod
    def key(path: Path, display: str) -> Key | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return display, info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev

    def get(self, key: Key | None) -> Loaded | None:
        loaded = self.entries.get(key) if key else None
        if loaded is not None:
            self.used.add(key)
        return loaded

    def add(self, entries: dict[Key, Loaded], pickled: bytes | None) -> None:
        """Entries made by this build before the load asks for them (load.load_ahead), with their
        pickle (pickled_chunk) if they have one."""
        self.entries.update(entries)
        self.fresh.update(entries)
        if pickled is not None:
            self.pickled.append((tuple(entries), pickled))

    @staticmethod
    def pickled_chunk(entries: dict[Key, Loaded]) -> bytes:
        """Entries as the file holds them."""
        return pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)

    def put(self, key: Key | None, loaded: Loaded) -> None:
        if key:
            self.fresh[key] = loaded
            self.used.add(key)

    def save(self) -> None:
        """Append this build's entries, or write the file anew when most of it is stale. Called
        right after loading, before anything downstream could touch the records."""
        if self.path is None:
            return
        stale = len(self.entries.keys() - self.used)
        if not self.fresh and not self.rewrite and stale <= len(self.used):
            return
        try:
            if self.rewrite or stale > len(self.used):
                live = {key: self.entries.get(key) or self.fresh[key] for key in self.used}
                self.write_all(live)
            else:
                with locked(self.path, "ab") as handle:
                    handle.writelines(self.chunks(self.fresh))
        except (OSError, pickle.PicklingError):
            pass  # the next build loads these files again

    def chunks(self, entries: dict[Key, Loaded]) -> Iterator[bytes]:
        """entries pickled in chunks: the chunks pickled already whose entries are all among
        them as they are, the rest pickled here."""
        rest = dict(entries)
        for keys, pickled in self.pickled:
            if all(key in rest for key in keys):
                for key in keys:
                    del rest[key]
                yield pickled
        items = list(rest.items())
        for start in range(0, len(items), CHUNK):
            yield self.pickled_chunk(dict(items[start:start + CHUNK]))

    def write_all(self, entries: dict[Key, Loaded]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        with open(temporary, "wb") as handle:
            pickle.dump((FORMAT, caches.code_digest()), handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.writelines(self.chunks(entries))
        with locked(self.path, "ab"):
            os.replace(temporary, self.path)


@contextmanager
def locked(path: Path, mode: str) -> Iterator:
    """The cache file, under an advisory lock on a file beside it (two builds of one hub into two
    output folders share the cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if "r" in mode and not path.exists():
                raise FileNotFoundError(path)
            with open(path, mode) as handle:
                yield handle
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
