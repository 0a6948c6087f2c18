"""Writing the site so that an unchanged page keeps its file: the new build starts as hard links
to the previous one, and a file is replaced (never written in place) only when its bytes change.
A CDN sync or the dev server's reload then sees only what really changed, and the previous site
stays untouched until the new one is swapped in whole (see build.py)."""
from __future__ import annotations

import os
from pathlib import Path

from pelican.writers import FileOverwriteFailedError, Writer


class OutputFiles:
    """The files of one build: which were produced unchanged, which replaced."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.unchanged: set[str] = set()
        self.replaced: set[str] = set()
        self.folders: set[str] = set()  # made (or found) already: one mkdir per folder, not per file
        self.inherited: set[str] = set()  # the previous site's files, linked in before the build

    def unclaimed(self) -> set[str]:
        """Files of the previous site that this build neither wrote nor kept."""
        return self.inherited - self.unchanged - self.replaced

    def write(self, path: Path | str, data: bytes) -> bool:
        """Write data at path unless the file already holds exactly these bytes; True if written."""
        path = Path(path)
        key = os.path.relpath(path, self.root)
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                self.unchanged.add(key)
                return False
        except FileNotFoundError:
            pass
        if str(path.parent) not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(str(path.parent))
        temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # a new inode: the previous site's hard link is left alone
        self.replaced.add(key)
        return True


def files_of(settings: dict, root: Path) -> OutputFiles:
    """The build's OutputFiles (set by build.py), or a fresh one for a plain `pelican` run."""
    files = settings.get("CIVICHUB_OUTPUT_FILES")
    return files if files is not None else OutputFiles(root)


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


class ChangeAwareWriter(Writer):
    """Pelican's writer, but a page whose bytes did not change keeps its file, and no file is
    ever opened for writing in place (it may be a hard link to the previous site)."""

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
        return _Buffer(files_of(self.settings, Path(self.output_path)), filename, encoding)


def link_previous(previous: Path, staging: Path, fresh: tuple[str, ...]) -> set[str]:
    """Hard-link every file of the previous site into staging, except under the 'fresh' folders
    that other tools rewrite in place (theme and static files, the search index)."""
    linked: set[str] = set()
    if not previous.is_dir():
        return linked
    for folder, dirs, names in os.walk(previous):
        relative_folder = os.path.relpath(folder, previous)
        if relative_folder != "." and relative_folder.split(os.sep)[0] in fresh:
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not (relative_folder == "." and d in fresh)]
        os.makedirs(staging / relative_folder, exist_ok=True)
        for name in names:
            relative = os.path.normpath(os.path.join(relative_folder, name))
            os.link(Path(folder) / name, staging / relative)
            linked.add(relative)
    return linked


def remove_stale(previous: Path, staging: Path, files: OutputFiles) -> int:
    """Delete linked files this build did not produce (a removed person's page...): those still
    sharing their inode with the previous site that no writer claimed."""
    stale = [relative for relative in files.unclaimed()
             if not precompressed_copy_of(relative, files.unchanged)
             and (staging / relative).exists() and os.path.samefile(staging / relative, previous / relative)]
    for relative in stale:
        (staging / relative).unlink()
        remove_empty_parents(staging, Path(relative).parent)
    return len(stale)


def remove_empty_parents(root: Path, relative: Path) -> None:
    """A folder emptied by removing stale pages goes too, and so do its parents left empty (only
    those: walking the whole site would cost a directory listing per page)."""
    while relative.parts:
        try:
            os.rmdir(root / relative)
        except OSError:  # not empty
            return
        relative = relative.parent


def html_pages(root: Path) -> list[str]:
    """The site's .html files, relative to root, sorted (one listing per folder)."""
    found = []
    for folder, dirs, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        found += [os.path.normpath(os.path.join(relative, n)) for n in names if n.endswith(".html")]
    return sorted(path.replace(os.sep, "/") for path in found)


def precompressed_copy_of(relative: str, unchanged: set[str]) -> bool:
    """x.html.gz of an unchanged x.html: still valid, kept for compress.py to reuse."""
    base, suffix = os.path.splitext(relative)
    return suffix in (".gz", ".br") and base in unchanged


def relink_unchanged(previous: Path, staging: Path, fresh: tuple[str, ...]) -> None:
    """Files that tools rewrote under the fresh folders but whose bytes did not change get the
    previous site's file back (same inode, same time), so they do not count as changed."""
    for name in fresh:
        for path in (staging / name).rglob("*") if (staging / name).is_dir() else []:
            old = previous / path.relative_to(staging)
            if path.is_file() and not path.is_symlink() and old.is_file() and not os.path.samefile(old, path) \
                    and old.stat().st_size == path.stat().st_size and old.read_bytes() == path.read_bytes():
                # (rename() between two links to one file does nothing and would leave the temporary)
                temporary = path.with_name(f".{path.name}.link-{os.getpid()}")
                os.link(old, temporary)
                os.replace(temporary, path)
