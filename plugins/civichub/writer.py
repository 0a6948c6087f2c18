"""Pelican's writer, made to write through the build's OutputFiles (output.py): a page whose bytes
did not change keeps its file, and each call of the writer is a unit of the incremental build
(incremental.py), not rendered when its previous files stay. Apart from output.py, which the
commands that do not build (python -m civichub.search) import without Pelican."""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pelican.writers import FileOverwriteFailedError, Writer

from .incremental import Made
from .model import reading
from .output import OutputFiles, files_of

if TYPE_CHECKING:
    from .incremental import Plan


class _Buffer:
    """What Pelican's writer writes into, handed to OutputFiles on close."""

    def __init__(self, files: OutputFiles, path: str, encoding: str):
        self.files, self.path, self.encoding = files, path, encoding
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.files.write(self.path, "".join(self.parts).encode(self.encoding))


class PelicanPages:
    """What Pelican's own generators write through the writer (posts, tags, archives, pages, their
    feeds): each call of the writer is a unit of the incremental build, named by the file it
    writes (the first page of a paginated list), kept when none of the texts it read changed.
    Made by the hub's generator before Pelican writes (settings CIVICHUB_PELICAN_PAGES), with
    the build's plan; self.made fills in as Pelican writes."""
    PREFIX = "pelican:"

    def __init__(self, plan: Plan | None):
        self.plan = plan
        self.made: dict[str, Made] = {}  # unit key -> what it read and wrote, kept or made
        self.kept: set[str] = set()  # the units kept from the previous build
        self.outputs: list[str] | None = None  # the files of the unit being written

    def write(self, name: str, output_path: str, write: Callable[[], object]) -> object:
        """write() as one unit, or nothing when the previous build's files of it stay."""
        key = self.PREFIX + os.path.normpath(name)
        kept = self.plan.kept(key) if self.plan else None
        if kept is not None:
            self.made[key] = kept
            self.kept.add(key)
            return None
        self.outputs = []
        try:
            written, reads = reading(write)
        finally:
            outputs, self.outputs = self.outputs, None
        self.made[key] = Made(reads, tuple(os.path.relpath(o, output_path) for o in outputs))
        return written


class ChangeAwareWriter(Writer):
    """Pelican's writer, but a page whose bytes did not change keeps its file, no file is ever
    opened for writing in place (it may be a hard link to the previous site), and a page or feed
    whose previous file stays is not rendered (PelicanPages)."""

    def write_file(self, name, *args, **kwargs):
        write = partial(super().write_file, name, *args, **kwargs)
        return self._as_unit(name, write) if name else write()  # no name: Pelican writes nothing

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        write = partial(super().write_feed, elements, context, path, *args, **kwargs)
        return write() if path is None else self._as_unit(path, write)  # no path: a feed returned, not written

    def _as_unit(self, name: str, write: Callable[[], object]):
        unit = self.settings.get("CIVICHUB_PELICAN_PAGES")
        if unit is None:  # a plain `pelican` run
            return write()
        return unit.write(name, self.output_path, write)

    def _open_w(self, filename, encoding, override=False):
        # Pelican's own bookkeeping of overrides, without its open(filename, "w"), which would
        # truncate the previous site's copy of the file through the hard link
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" a second time')
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" as Pelican has already '
                                           "written to it previously (set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        unit = self.settings.get("CIVICHUB_PELICAN_PAGES")
        if unit is not None and unit.outputs is not None:
            unit.outputs.append(filename)
        return _Buffer(files_of(self.settings, Path(self.output_path)), filename, encoding)
