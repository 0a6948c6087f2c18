"""A loaded file's fingerprint: a digest of its records' structure (every field but the free
text, positions left out) and, for each source in it, a digest of its free text (the PROSE fields
of model.py). Made once when the file is parsed and kept with it in the load cache, so that
telling what an edit changed (incremental.py) does not shape every record of the hub again."""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Callable

from .caches import digest
from .fields import Ref
from .model import Source
from .problems import Pos


@dataclass(frozen=True)
class Fingerprint:
    structure: str
    prose: dict[str, str]  # source ('file' or 'file#links[2]') -> digest of its free text


def fingerprint(records: tuple) -> Fingerprint:
    """The fingerprint of the records loaded from one file (Content.records)."""
    texts: dict[str, list] = defaultdict(list)
    structure = digest(repr([shape(record, texts) for record in records]))
    return Fingerprint(structure, {name: digest(repr(values)) for name, values in texts.items()})


def shape(value: Any, texts: dict[str, list]) -> Any:
    """A value as plain, comparable data without its free text (moved to texts[source]) and
    without source positions (they only serve messages)."""
    kind = type(value)
    shaper = _SHAPERS.get(kind) or _SHAPERS.setdefault(kind, shaper_for(kind))
    return shaper(value, texts)


def shaper_for(kind: type) -> Callable[[Any, dict], Any]:
    """How to shape values of one type (found once per type: a build shapes a million values)."""
    if kind is type(None) or issubclass(kind, (str, int, float, date, time)):
        return lambda value, texts: value
    if issubclass(kind, (list, tuple)):
        return lambda value, texts: tuple(shape(item, texts) for item in value)
    if issubclass(kind, dict):
        return lambda value, texts: tuple((key, shape(item, texts)) for key, item in value.items())
    if issubclass(kind, (set, frozenset)):
        return lambda value, texts: tuple(sorted(value))
    if issubclass(kind, Ref):
        return lambda value, texts: ("ref", value.kind, value.id)
    if issubclass(kind, Source):
        return lambda value, texts: ("src", value.file, value.prefix)
    if issubclass(kind, Pos):
        return lambda value, texts: None
    if dataclasses.is_dataclass(kind):
        return record_shaper(kind)
    raise TypeError(f"fingerprint.shape: cannot compare a {kind.__name__}")


def record_shaper(kind: type) -> Callable[[Any, dict], Any]:
    free = getattr(kind, "PROSE", ())
    names = tuple(f.name for f in dataclasses.fields(kind) if f.name not in free)

    def shaped(record, texts):
        if free:
            texts[kind.PROSE_FILE(record)].append(tuple(getattr(record, name) for name in free))
        return (kind.__name__, *(shape(getattr(record, name), texts) for name in names))
    return shaped


_SHAPERS: dict[type, Callable[[Any, dict], Any]] = {}
