"""The search index's cache (CIVICHUB_CACHE_PATH/pagefind): the folder Pagefind writes every index
into, build after build, before the index is put into the site.

Pagefind names its fragments, word indexes, filters and meta files after a hash of their bytes,
and does not write such a file again when it exists. Into a folder holding the previous index it
writes only what changed: at scale 10, an index made again after an edit takes 3.4 s instead of
5.9 s, because it neither compresses 9,200 fragments at gzip's best level again nor has thirty
threads create 9,200 files in one folder (most of the kernel's time: 0.5 s against 4 s).

Pagefind never writes into a hashed file it finds, so the site's index links those files from the
cache rather than copying them (put_index); the other files (pagefind.js, the entry, the wasm),
which Pagefind writes again each time, are copied. After each run the cache keeps only the files of
the index just made, those its meta files name (index_files). A run stopped halfway may leave a
hashed file half-written, which the next run would keep: the cache is marked while Pagefind runs,
and a run that finds the mark deletes what was written after it was made (forget_interrupted)."""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ENTRY = "pagefind-entry.json"  # names each language's meta file
MARK = ".running"  # in the cache while Pagefind writes into it
MAKER = ".pagefind"  # the Pagefind executable that made the cache: another one starts it afresh
SIGNATURE = b"pagefind_dcd"  # what Pagefind puts before the data it compresses
# File times come from the kernel's coarse clock: what was written about when the mark was made
# counts as written after it (deleting a whole file only costs writing it again).
MARGIN_NS = 2_000_000_000


class UnknownIndex(Exception):
    """Pagefind wrote an index laid out otherwise than this module reads it (another version): the
    cache is left empty, marked so that this Pagefind's runs no longer use it."""


@contextmanager
def claimed(cache: Path | None) -> Iterator[bool]:
    """The cache for this process alone inside the block. Yields False when there is no cache or
    another process holds it (a build beside a server): the caller indexes without it then."""
    if cache is None:
        yield False
        return
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache.with_name(f"{cache.name}.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_into(cache: Path, maker: str, run: Callable[[Path], int]) -> tuple[int, set[str]]:
    """run(cache), Pagefind's run writing into the claimed cache; returns what run returned and the
    files of the index it made, relative to cache. The rest of the cache is deleted. Raises
    UnknownIndex, then also before running, for a Pagefind whose index it cannot read."""
    ready(cache, maker)
    if (cache / MAKER).read_text(encoding="utf-8") != maker:
        raise UnknownIndex(f"{cache}: not used with this Pagefind")
    mark = cache / MARK
    mark.write_bytes(b"")
    pages = run(cache)
    try:
        files = index_files(cache)
    except UnknownIndex:
        clear(cache)
        (cache / MAKER).write_text(f"{maker}unreadable\n", encoding="utf-8")
        raise
    remove_all_but(cache, files)
    mark.unlink()
    return pages, files


def ready(cache: Path, maker: str) -> None:
    """Start the cache afresh if another Pagefind made it; forget a stopped run's files."""
    stamp = cache / MAKER
    try:
        same = stamp.read_text(encoding="utf-8").startswith(maker)
    except OSError:
        same = False
    if not same:
        clear(cache)
        stamp.write_text(maker, encoding="utf-8")
    else:
        forget_interrupted(cache)


def maker_of(executable: str) -> str:
    """What tells one Pagefind executable from another: its path, size and modification time."""
    info = os.stat(executable)
    return f"{executable}\n{info.st_size}\n{info.st_mtime_ns}\n"


def clear(cache: Path) -> None:
    for entry in os.scandir(cache):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def forget_interrupted(cache: Path) -> None:
    """Delete what a run stopped halfway wrote (the files written since its mark)."""
    try:
        since = (cache / MARK).stat().st_mtime_ns - MARGIN_NS
    except FileNotFoundError:
        return
    for relative in files_in(cache):
        path = cache / relative
        if path.stat().st_mtime_ns >= since:
            path.unlink()


def files_in(cache: Path) -> list[str]:
    """The cache's files but its own marks (dot files), relative to it."""
    found = []
    for folder, subfolders, names in os.walk(cache):
        base = os.path.relpath(folder, cache)
        found += [name if base == "." else f"{base}/{name}" for name in names if not name.startswith(".")]
    return found


def hashed(relative: str) -> bool:
    """Whether Pagefind names the file after a hash of its bytes (and never writes into it)."""
    return "/" in relative or relative.endswith(".pf_meta")


def index_files(cache: Path) -> set[str]:
    """The files of the index the entry names: the files Pagefind writes each time, the meta file
    of each language, and the hashed files those meta files name. Raises UnknownIndex when the
    named fragments are not one per page."""
    try:
        entry = json.loads((cache / ENTRY).read_text(encoding="utf-8"))
        languages = entry["languages"].values()
        metas = {f"pagefind.{language['hash']}.pf_meta" for language in languages}
        pages = sum(language["page_count"] for language in languages)
        named = set().union(*(text_strings(unpacked(cache / meta)) for meta in metas))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnknownIndex(f"{cache}: {exc}") from exc
    files = set()
    for relative in files_in(cache):
        if not hashed(relative):
            files.add(relative)
        elif relative in metas or name_stem(relative).encode() in named:
            files.add(relative)
    fragments = sum(1 for relative in files if relative.startswith("fragment/"))
    if fragments != pages:
        raise UnknownIndex(f"{cache}: {fragments} fragments named for {pages} pages")
    return files


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


def remove_all_but(cache: Path, keep: set[str]) -> None:
    for relative in files_in(cache):
        if relative not in keep:
            os.unlink(cache / relative)


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
            link(old if old is not None and same_size(old, source) else source, destination)
            continue
        with open(source, "rb") as handle:
            data = handle.read()
        if old is not None and holds(old, data):
            link(old, destination)
        else:
            with open(destination, "wb") as handle:
                handle.write(data)


def link(source: str, destination: str) -> None:
    """A hard link, or a copy where links are refused (the cache on another file system)."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def same_size(a: str, b: str) -> bool:
    try:
        return os.stat(a).st_size == os.stat(b).st_size
    except OSError:
        return False


def holds(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
