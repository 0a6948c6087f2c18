"""Pelican's Markdown posts and pages, read once: what Pelican's Markdown reader gives for a file
(its HTML and its metadata, the summary rendered, dates parsed) is kept between builds in
CIVICHUB_CACHE_PATH, found by the file's name, size, modification time and inode. The whole
cache is valid for one set of settings, one version of civichub, Pelican and Markdown; anything
else starts it anew. A build at scale 10 reads 200 posts: 0.35 s of Markdown (a new Markdown
instance per file, then the conversion) that an unchanged post no longer costs.

Tags, categories and authors hold the settings they were made with: they are kept as their
names and made again with this build's settings. A warning Pelican's reader logs (a metadata
field given twice) is printed when the file is read, not again while it stays unchanged.

The HTML is kept sanitized (sanitize.py), as Pelican's content_object_init would make it: a
build no longer cleans 200 unchanged posts again (8 ms at scale 10)."""
from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from pelican.readers import _DISCARD, MarkdownReader
from pelican.urlwrappers import URLWrapper

from .caches import cache_path, code_digest, digest, load_pickle, read_cache, write_bytes
from .incremental import configuration
from .sanitize import clean

FILE_NAME = "pelican-posts.pickle"
SETTING = "CIVICHUB_POST_CACHE"  # this build's PostCache, in the settings
Key = tuple[str, int, int, int]


@dataclass(frozen=True)
class Named:
    """A tag, category or author, without the settings it was made with."""
    kind: type
    name: str


class PostCache:
    def __init__(self, path: Path | None):
        self.path = path
        self.validity: str | None = None  # set when first used: the settings are complete then
        self.entries: dict[Key, tuple] = {}
        self.used: dict[Key, tuple] = {}
        self.cleaned: set[str] = set()  # the files whose HTML read gave, sanitized already

    def open(self, settings: dict) -> None:
        self.validity = digest(repr([configuration(settings), code_digest()]))
        try:
            saved = read_cache(self.path, load_pickle)
            if saved.get("validity") == self.validity:
                self.entries = saved["entries"]
        except Exception:  # noqa: BLE001 - no cache, an old or damaged one: every post is read
            self.entries = {}

    def read(self, reader: MarkdownReader, source_path: str) -> tuple[str, dict]:
        if self.validity is None:
            self.open(reader.settings)
        info = os.stat(source_path)
        key = (source_path, info.st_size, info.st_mtime_ns, info.st_ino)
        entry = self.entries.get(key)
        if entry is None:
            content, metadata = MarkdownReader.read(reader, source_path)
            entry = (clean(content), {name: kept(value) for name, value in metadata.items()
                                      if value is not _DISCARD})  # (Pelican drops those: an empty tag list)
        self.used[key] = entry
        self.cleaned.add(source_path)
        content, metadata = entry
        return content, {name: revived(value, reader.settings) for name, value in metadata.items()}

    def save(self) -> None:
        """What this build read, for the next one (posts no longer there are dropped). A value
        that does not pickle only costs the next build its reading."""
        if self.path is None or self.validity is None or self.used == self.entries:
            return
        try:
            data = pickle.dumps({"validity": self.validity, "entries": self.used}, pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a metadata value of a plugin's own kind
            return
        write_bytes(self.path, data)


def is_clean(content) -> bool:
    """Whether a post's or page's HTML came sanitized from this build's PostCache."""
    cache = content.settings.get(SETTING)
    return cache is not None and getattr(content, "source_path", None) in cache.cleaned


def kept(value):
    if isinstance(value, URLWrapper):
        return Named(type(value), value.name)
    if isinstance(value, list):
        return [kept(item) for item in value]
    return value


def revived(value, settings: dict):
    if isinstance(value, Named):
        return value.kind(value.name, settings)
    if isinstance(value, list):
        return [revived(item, settings) for item in value]
    return value


class CachedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, through this build's PostCache."""

    def read(self, source_path):
        cache = self.settings.get(SETTING)
        if cache is None:
            return super().read(source_path)
        return cache.read(self, source_path)


def install(settings: dict) -> None:
    """Read Markdown through the cache, unless the settings keep no cache or name a reader of
    their own for Markdown files."""
    path = cache_path(settings, FILE_NAME)
    if path is None:
        return
    chosen = settings.get("READERS") or {}
    settings["READERS"] = {**{extension: CachedMarkdownReader for extension in MarkdownReader.file_extensions},
                           **chosen}
    settings[SETTING] = PostCache(path)


def save(generators) -> None:
    """Once every generator has read its content (Pelican's all_generators_finalized)."""
    cache = generators[0].settings.get(SETTING) if generators else None
    if cache is not None:
        cache.save()
