"""The search index's cache (CIVICHUB_CACHE_PATH/pagefind): the folder Pagefind writes every index
into, build after build, before the index is put into the site.

Pagefind names its fragments, word indexes, filters and meta files after a hash of their bytes,
and does not write such a file again when it exists. Into a folder holding the previous index it
writes only what changed: at scale 10, an index made again after an edit takes 3.4 s instead of
5.9 s, because it neither compresses 9,200 fragments at gzip's best level again nor has thirty
threads create 9,200 files in one folder (most of the kernel's time: 0.5 s against 4 s).

Pagefind never writes into a hashed file it finds, so the site's index links those files from the
cache rather than copying them (put_index); the other files (pagefind.js, the entry, the wasm),
which Pagefind writes again each time, are copied, and deleted from the cache before each run
(those of another language's index would stay). After each run the cache keeps only the files of
the index just made, those its meta files name (index_files), and lists them (MANIFEST). A run
stopped halfway may leave a hashed file half-written, which the next run would keep: the cache is
marked while Pagefind runs, and a run that finds the mark deletes every file the list lacks
(forget_interrupted). The cache is locked while Pagefind runs, and Pagefind holds the lock too:
a Pagefind that outlives the process that started it keeps the others out until it ends.

Pagefind names a file with 7 hexadecimal digits, longer only when two files of one run collide.
A new file could thus take the name of a file of the previous index that the same edit made
stale, and be skipped: a few chances in 10^8 for each new file (the few files an edit makes stale,
against 2^28 names). It would show another version of one page in the results until that page
changes again."""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .output import all_files, holds

ENTRY = "pagefind-entry.json"  # names each language's meta file
MARK = ".running"  # in the cache while Pagefind writes into it
MANIFEST = ".complete"  # the files of the last index made whole, a line each
STAMP = ".pagefind"  # which Pagefind made the cache, and how its last runs went (JSON)
GROUP = b"_group_"  # in the name of a file of several pages' fragments (Pagefind's --max-fragments)
SIGNATURE = b"pagefind_dcd"  # what Pagefind puts before the data it compresses
FAILURES = 2  # indexes in a row this module could not read, after which the cache is not used


class UnknownIndex(Exception):
    """The index in the cache could not be read: damaged, or laid out otherwise than this module
    reads it (another Pagefind). The cache is emptied; after FAILURES in a row, this Pagefind's
    runs no longer use it."""


@contextmanager
def claimed(cache: Path | None) -> Iterator[int | None]:
    """The cache for this process alone inside the block. Yields the lock's file descriptor, for
    Pagefind to inherit (flock's lock lasts while a process holds it open), or None when there is
    no cache, it cannot be made, or another process holds it: the caller indexes without it."""
    if cache is None:
        yield None
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle = open(cache.with_name(f"{cache.name}.lock"), "w")
    except OSError:
        yield None
        return
    with handle:  # closed, not unlocked: LOCK_UN would release a Pagefind still running too
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield None
            return
        yield handle.fileno()


def index_into(cache: Path, maker: str, run: Callable[[Path], int]) -> tuple[int, set[str]]:
    """run(cache), Pagefind's run writing into the claimed cache; returns what run returned and the
    files of the index it made, relative to cache. The rest of the cache is deleted. Raises
    UnknownIndex (then also before running, once the cache is not used for this Pagefind)."""
    stamp = ready(cache, maker)
    if stamp.get("failures", 0) >= FAILURES:
        raise UnknownIndex(f"{cache}: not used with this Pagefind, whose index it could not read")
    (cache / MARK).write_bytes(b"")
    for relative in files_in(cache):
        if not hashed(relative):
            os.unlink(cache / relative)
    pages = run(cache)
    present = files_in(cache)
    try:
        version, files = index_files(cache, present)
    except UnknownIndex:
        clear(cache)
        write_stamp(cache, {**stamp, "failures": stamp.get("failures", 0) + 1})
        raise
    if stamp.get("version", version) != version:  # another Pagefind behind the same executable (a
        clear(cache)                              # script): the previous one's files may be mixed in
        write_stamp(cache, {"executable": maker, "version": version})
        raise UnknownIndex(f"{cache}: made by Pagefind {stamp['version']}, now {version}")
    for relative in set(present) - files:
        os.unlink(cache / relative)
    (cache / MANIFEST).write_text("".join(f"{relative}\n" for relative in sorted(files)), encoding="utf-8")
    write_stamp(cache, {"executable": maker, "version": version, "failures": 0})
    (cache / MARK).unlink()
    return pages, files


def ready(cache: Path, maker: str) -> dict:
    """The cache's stamp, the cache started afresh if another Pagefind made it; what a stopped
    run wrote forgotten."""
    try:
        stamp = json.loads((cache / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = {}
    if not isinstance(stamp, dict) or stamp.get("executable") != maker:
        clear(cache)
        stamp = {"executable": maker}
        write_stamp(cache, stamp)
    elif (cache / MARK).exists():
        forget_interrupted(cache)
    return stamp


def write_stamp(cache: Path, stamp: dict) -> None:
    (cache / STAMP).write_text(json.dumps(stamp), encoding="utf-8")


def maker_of(executable: str) -> str:
    """What tells one Pagefind executable from another: its path, size and modification time."""
    info = os.stat(executable)
    return f"{executable} {info.st_size} {info.st_mtime_ns}"


def clear(cache: Path) -> None:
    for entry in os.scandir(cache):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def forget_interrupted(cache: Path) -> None:
    """Delete what a stopped run wrote: every file the last complete index did not have."""
    try:
        complete = set((cache / MANIFEST).read_text(encoding="utf-8").splitlines())
    except OSError:
        complete = set()
    for relative in files_in(cache):
        if relative not in complete:
            os.unlink(cache / relative)


def files_in(cache: Path) -> list[str]:
    """The cache's files but its own marks (dot files), relative to it."""
    return [relative for relative in all_files(cache) if not os.path.basename(relative).startswith(".")]


def hashed(relative: str) -> bool:
    """Whether Pagefind names the file after a hash of its bytes (and never writes into it)."""
    return "/" in relative or relative.endswith(".pf_meta")


def index_files(cache: Path, present: list[str]) -> tuple[str, set[str]]:
    """The Pagefind version that made the index in the cache, and the index's files among those
    present: the files Pagefind writes each time, the meta file of each language, and the hashed
    files those meta files name. Raises UnknownIndex when they cannot be read, or the fragments
    named are not one per page."""
    try:
        entry = json.loads((cache / ENTRY).read_text(encoding="utf-8"))
        languages = entry["languages"].values()
        metas = {f"pagefind.{language['hash']}.pf_meta" for language in languages}
        pages = sum(language["page_count"] for language in languages)
        named = set().union(*(text_strings(unpacked(cache / meta)) for meta in metas))
        version = str(entry["version"])
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnknownIndex(f"{cache}: {type(exc).__name__}: {exc}") from exc
    files = set()
    for relative in present:
        if not hashed(relative):
            files.add(relative)
        elif relative in metas or name_stem(relative).encode() in named:
            files.add(relative)
    fragments = sum(1 for relative in files if relative.startswith("fragment/"))
    groups = sum(1 for name in named if GROUP in name)  # the pages' fragments in files of a few
    if fragments != (groups or pages):
        raise UnknownIndex(f"{cache}: {fragments} fragment files named for {pages} pages"
                           + (f" in {groups} groups" if groups else ""))
    return version, files


def name_stem(relative: str) -> str:
    """fragment/fr_0199bb0.pf_fragment -> fr_0199bb0"""
    return relative.rsplit("/", 1)[-1].split(".", 1)[0]


def unpacked(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} does not start with {SIGNATURE.decode()}")
    return data[len(SIGNATURE):]


def text_strings(data: bytes) -> set[bytes]:
    """Every text string in CBOR data (RFC 8949, definite lengths, as Pagefind's meta files are),
    read item after item: the header of an array, a map or a tag is all there is of it before its
    items."""
    found, at, end = set(), 0, len(data)
    while at < end:
        head = data[at]
        major, info = head >> 5, head & 0x1F
        at += 1
        if info < 24:
            value = info
        elif info < 28:
            size = 1 << (info - 24)
            value = int.from_bytes(data[at:at + size], "big")
            at += size
        else:
            raise ValueError("an item of indefinite length")
        if major == 3:
            found.add(data[at:at + value])
        if major in (2, 3):
            at += value
    return found


def put_index(cache: Path, files: set[str], target: Path, previous: Path | None) -> None:
    """The index's files into target, a new folder. A hashed file the previous index (the live
    site's) has too is linked from it: same name, same bytes, and the same inode and time, so
    there is nothing for a CDN to sync; the other hashed files are linked from the cache; the rest
    is copied, unless the previous index has the same bytes. (Paths as strings: 9,200 files.)"""
    made: set[str] = set()
    for relative in sorted(files):
        folder = os.path.dirname(relative)
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        source, destination = os.path.join(cache, relative), os.path.join(target, relative)
        old = os.path.join(previous, relative) if previous else None
        if hashed(relative):
            link(old if old is not None and same_size(old, source) else None, source, destination)
            continue
        with open(source, "rb") as handle:
            data = handle.read()
        if old is not None and holds(old, data):
            link(old, source, destination)
        else:
            with open(destination, "wb") as handle:
                handle.write(data)


def link(old: str | None, source: str, destination: str) -> None:
    """destination as a hard link to old, else to source (the live site's file may be gone, a
    build having replaced it meanwhile), else a copy of source (links refused: the cache on
    another file system)."""
    for candidate in (old, source):
        if candidate is not None:
            try:
                os.link(candidate, destination)
                return
            except OSError:
                pass
    shutil.copyfile(source, destination)


def same_size(a: str, b: str) -> bool:
    try:
        return os.stat(a).st_size == os.stat(b).st_size
    except OSError:
        return False
