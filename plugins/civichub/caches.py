"""What builds keep between them, in CIVICHUB_CACHE_PATH (safe to delete): where each cache lives,
how one is written (whole or not at all), and the digests that tell whether it still holds."""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import pickle
import struct
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterator, TypeVar

T = TypeVar("T", bound=type)
V = TypeVar("V")

_code: list[str] = []
# What a server that forks its builds read of the caches between two builds: path -> (the file's
# stamp then, what reading it gave)
_read_ahead: dict[Path, tuple[tuple[int, int, int], object]] = {}


def cache_path(settings: dict, name: str) -> Path | None:
    """<hub>/<CIVICHUB_CACHE_PATH>/<name>, or None when the settings keep no cache."""
    cache = settings.get("CIVICHUB_CACHE_PATH")
    return Path(settings["PATH"]).parent / cache / name if cache else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off inside the block: what is made there (a cache's hundred thousand
    records, the hub) lives on, and each pass of the collector over it would cost a tenth of a
    second at scale 10, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def pickled_by_fields(cls: T) -> T:
    """A slotted dataclass pickled as its class and its fields' values, made again by __init__.
    What dataclasses give such a class instead, a __getstate__ and a __setstate__ in Python that
    look its fields up on each call, makes reading the caches (a hundred thousand records) a
    third slower, and the files a seventh larger. (Put above @dataclass; for classes whose
    fields are all __init__ arguments.)"""
    names = tuple(f.name for f in dataclasses.fields(cls))
    assert all(f.init for f in dataclasses.fields(cls)), cls
    values = attrgetter(*names) if len(names) > 1 else (lambda record: (getattr(record, names[0]),))

    def __reduce__(self):
        return cls, values(self)
    cls.__reduce__ = __reduce__
    return cls


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Size, modification time and inode: caches are replaced whole or appended to, never
    rewritten in place, so a file with the same stamp holds the same bytes."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def read_cache(path: Path, read: Callable[[Path], V]) -> V:
    """read(path), or what it gave read_ahead() if the file has not changed since: a build that
    `civichub serve` forks finds its caches read already."""
    ahead = _read_ahead.get(path)
    if ahead is not None and ahead[0] == file_stamp(path):
        return ahead[1]  # type: ignore[return-value]
    return read(path)


def read_ahead(path: Path, read: Callable[[Path], object]) -> None:
    """Read a cache now, for the builds this process forks later (read_cache). Only for a process
    that never builds itself: a build is handed the value as it is, and may change it."""
    stamp = file_stamp(path)
    _read_ahead.pop(path, None)
    if stamp is not None:
        with collector_paused():
            _read_ahead[path] = (stamp, read(path))


def load_pickle(path: Path) -> object:
    """The value pickled in path (raises what open and pickle raise)."""
    with open(path, "rb") as handle, collector_paused():
        return pickle.load(handle)


def write_pickle(path: Path, value: object) -> None:
    """value pickled into path through a temporary file, so a reader never sees half of it.
    A failed write only costs the next build what the cache would have saved it."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    write_bytes(path, data)


def write_bytes(path: Path, data: bytes) -> None:
    """data into path through a temporary file (see write_pickle)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


# A journal: a file of records, each a pickle behind its length, to which a build appends what it
# changed rather than writing every entry again (exports.opendata.KeptRows).
LENGTH = struct.Struct("<Q")


def journal_record(value: object) -> bytes:
    """value pickled behind its length: what write_bytes and append_bytes put in a journal."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(data)) + data


def read_journal(path: Path) -> tuple[list, bool]:
    """The records of a journal, and whether it is sound: False when one is cut short or cannot
    be read (a write that failed), which loses it and those after it; the file is then to be
    written anew. Raises what open raises."""
    with open(path, "rb") as handle:
        data = memoryview(handle.read())
    records, offset = [], 0
    with collector_paused():
        while offset < len(data):
            start = offset + LENGTH.size
            size = LENGTH.unpack_from(data, offset)[0] if start <= len(data) else None
            if size is None or start + size > len(data):  # its length, or its bytes, cut short
                return records, False
            try:
                records.append(pickle.loads(data[start:start + size]))
            except Exception:  # noqa: BLE001 - damaged bytes
                return records, False
            offset = start + size
    return records, True


def append_bytes(path: Path, data: bytes) -> None:
    """data at the end of path, in one write: two builds appending at once do not interleave
    their records. A failed write costs the next build what the record would have saved it."""
    try:
        with open(path, "ab") as handle:
            handle.write(data)
    except OSError:
        pass


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def code_digest() -> str:
    """civichub's own files (code and data), read once per process: another version of civichub
    makes every cache stale."""
    if not _code:
        hasher = hashlib.blake2b(digest_size=16)
        hash_files(hasher, files_under(Path(__file__).parent))
        _code.append(hasher.hexdigest())
    return _code[0]


def hash_files(hasher, paths: list[str]) -> None:
    """Each file's name and bytes into hasher."""
    for path in paths:
        hasher.update(path.encode("utf-8", "surrogateescape"))
        hasher.update(Path(path).read_bytes())


def files_under(folder: Path | None) -> list[str]:
    """Every file under folder, in a stable order, compiled Python aside."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(root, name) for name in sorted(names) if not name.endswith(".pyc")]
    return found
