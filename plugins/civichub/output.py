"""Writing the site so that an unchanged page keeps its file. A build writes only the files
whose bytes change, into a folder of its own beside the live site, comparing with the live site's
files; once it succeeded, those files are moved into the live site and the files it no longer
has are deleted (commit), or, when a tool needs the whole new site on disk (Pagefind), the rest is
hard-linked in beside them and the folder is swapped in whole (see build.py). A CDN sync or the
dev server's reload then sees only what really changed, and the live site stays untouched until
the build is over."""
from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from functools import partial
from pathlib import Path
from typing import Callable


class OutputFiles:
    """The files of one build: which were produced unchanged, which replaced. root is where the
    build writes; base, when set, the live site that an unchanged file is kept in; others, the
    folders of root that other tools write into (theme and static files), None for anywhere."""

    def __init__(self, root: Path, base: Path | None = None, others: tuple[str, ...] | None = None):
        self.root = Path(root)
        self.base = Path(base) if base else None
        self.others = others
        self.unchanged: set[str] = set()
        self.replaced: set[str] = set()
        self.folders: set[str] = set()  # made (or found) already: one mkdir per folder, not per file
        self.made_folders: set[str] = set()  # made by this process, so empty but for what it wrote
        self.prefix = os.path.join(str(self.root), "")
        self._inherited: set[str] | Callable[[], set[str]] = set()

    @property
    def inherited(self) -> set[str]:
        """The live site's files when the build began. Given as a function, they are listed while
        the build loads and asked for when first needed (listing 10,000 folders is the kernel's
        time, not Python's)."""
        if callable(self._inherited):
            self._inherited = self._inherited()
        return self._inherited

    @inherited.setter
    def inherited(self, files: set[str] | Callable[[], set[str]]) -> None:
        self._inherited = files

    def stale(self) -> set[str]:
        """Files of the previous site to delete: those this build neither wrote nor kept, but the
        precompressed copies of unchanged files (still valid, kept for compress.py to reuse)."""
        return {relative for relative in self.inherited - self.unchanged - self.replaced
                if not precompressed_copy_of(relative, self.unchanged)}

    def current(self, relative: str) -> Path:
        """Where the file's present bytes are: this build's copy, else the live site's."""
        if self.base is None or relative in self.replaced:
            return self.root / relative
        return self.base / relative

    def read(self, relative: str) -> bytes:
        return self.current(os.path.normpath(relative)).read_bytes()

    def pages(self) -> list[str]:
        """The new site's .html files, sorted: those written or kept through this object, and
        those other tools put under root (static files; only their folders are walked)."""
        found = {key for key in self.unchanged | self.replaced if key.endswith(".html")}
        for folder in ("",) if self.others is None else self.others:
            found.update(key for key in all_files(self.root, folder) if key.endswith(".html"))
        return sorted(key.replace(os.sep, "/") for key in found)

    def write(self, path: Path | str, data: bytes) -> bool:
        """Write data at path unless the file already holds exactly these bytes; True if written."""
        path = os.fspath(path)
        key = os.path.normpath(path[len(self.prefix):]) if path.startswith(self.prefix) \
            else os.path.relpath(path, self.root)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            self.make_folder(folder)
        # A folder this process made holds no file it did not write (each file has one writer):
        # nothing to compare with, no hard link to keep (a cold build's pages)
        new_folder = folder in self.made_folders and self.base is None
        if not new_folder and holds(self.current(key), data):
            self.unchanged.add(key)
            return False
        written = path if new_folder else os.path.join(folder, f".{os.path.basename(path)}.tmp-{os.getpid()}")
        create_file(written, data)
        if written != path:
            os.replace(written, path)  # a new inode: the previous site's hard link is left alone
        self.replaced.add(key)
        return True

    def make_folder(self, folder: str) -> None:
        """mkdir -p, noting the folders this process made."""
        try:
            os.mkdir(folder or os.curdir)
        except FileExistsError:
            pass
        except FileNotFoundError:
            self.make_folder(os.path.dirname(folder))
            self.make_folder(folder)
            return
        else:
            self.made_folders.add(folder)
        self.folders.add(folder)


# open() adds a file object and three system calls to the three a file needs (fstat, and the
# ioctl and lseek of its buffering): 53 to 66 µs a new file on ext4 against 35 to 41 µs here.
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def create_file(path: str, data: bytes) -> None:
    """path, new or emptied, holding data. Not atomic (caches.write_bytes is): OutputFiles.write
    calls it for a file no one reads yet, in a folder of its own or under a temporary name."""
    handle = os.open(path, NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def files_of(settings: dict, root: Path) -> OutputFiles:
    """The build's OutputFiles (set by build.py), or a fresh one for a plain `pelican` run."""
    files = settings.get("CIVICHUB_OUTPUT_FILES")
    return files if files is not None else OutputFiles(root)


def previous_files(previous: Path, fresh: tuple[str, ...]) -> set[str]:
    """Every file of the previous site, relative to it, but those under the 'fresh' folders that
    other tools write whole each time (theme and static files, the search index)."""
    found: set[str] = set()
    if not previous.is_dir():
        return found
    prefix = len(os.path.join(str(previous), ""))
    for folder, dirs, names in os.walk(previous):
        if len(folder) < prefix:  # the site's top folder
            dirs[:] = [d for d in dirs if d not in fresh]
            found.update(names)
        else:
            relative_folder = folder[prefix:]
            found.update(os.path.join(relative_folder, name) for name in names)
    return found


def previous_files_listed(previous: Path, fresh: tuple[str, ...]) -> Callable[[], set[str]]:
    """previous_files, listed by `find` in a process started now; returns the function that waits
    for it. The listing runs on a core the build leaves idle while it loads the content, where a
    thread would hold the interpreter's lock against the load (0.14 s of Python at scale 10).
    Where find is missing or is not GNU's, the files are listed here, when first asked for."""
    pruned = [arg for name in fresh for arg in ("-o", "-path", f"./{name}")][1:]
    command = ["find", ".", "-mindepth", "1", *(["(", *pruned, ")", "-prune", "-o"] if pruned else []),
               "!", "-type", "d", "-printf", "%P\\0"]
    # into a file, not a pipe: find would stop at the pipe's 64 kB until the build reads it
    listing = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(command, cwd=previous, stdin=subprocess.DEVNULL, stdout=listing,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        listing.close()
        return partial(previous_files, previous, fresh)

    def result() -> set[str]:
        with listing:
            if process.wait() != 0:
                return previous_files(previous, fresh)
            listing.seek(0)
            return set(os.fsdecode(listing.read()).split("\0")[:-1])
    return result


def fill(staging: Path, previous: Path, relatives: set[str]) -> None:
    """Hard-link these files of the previous site into staging, so that it holds a whole site."""
    place(previous, staging, relatives, os.link)


def place(source: Path, target: Path, relatives: set[str], how: Callable[[str, str], None]) -> None:
    """how(source/relative, target/relative) for each file (link, move), its folder made first
    (once per folder, not per file)."""
    made: set[str] = set()
    for relative in sorted(relatives):  # (paths as strings: a whole site's files for fill)
        folder = os.path.dirname(relative)
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        how(os.path.join(source, relative), os.path.join(target, relative))


def commit(staging: Path, output: Path, files: OutputFiles, fresh: tuple[str, ...],
           kept: tuple[str, ...] = ()) -> None:
    """Move what the build wrote into the live site and delete what it no longer has. Each file
    is replaced by a rename, so a reader sees the old file or the new one, never half of one.
    The fresh folders become what the build wrote there, but those named in kept stay as they are."""
    written = set(all_files(staging))
    stale = files.stale()
    for name in fresh:
        if name in kept:
            continue
        rewritten = {key for key in written if key.split(os.sep)[0] == name}
        stale |= set(all_files(output, name)) - rewritten - files.unchanged - files.replaced
        written -= drop_identical(staging, output, rewritten)
    place(staging, output, written, os.replace)
    for relative in stale - written:
        (output / relative).unlink(missing_ok=True)
        remove_empty_parents(output, Path(relative).parent)


def drop_identical(staging: Path, output: Path, candidates: set[str]) -> set[str]:
    """Delete from staging the files a tool wrote again with the bytes they had, so that the
    live site's stay (same inode, same time); returns them."""
    dropped = set()
    for relative in candidates:
        new = staging / relative
        if holds(output / relative, new.read_bytes()):
            new.unlink()
            dropped.add(relative)
    return dropped


def all_files(root: Path, under: str = "") -> list[str]:
    """Every file under root/under, relative to root. (Cut from the paths os.walk gives, which all
    start with root as given: os.path.relpath, which normalises both paths each time, took 0.33 s
    over the 9,245 files of a search index.)"""
    cut = len(os.path.join(root, ""))
    return [os.path.join(folder, name)[cut:] for folder, _, names in os.walk(os.path.join(root, under))
            for name in names]


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
    """The site's .html files, relative to root, sorted."""
    return sorted(key.replace(os.sep, "/") for key in all_files(root) if key.endswith(".html"))


def holds(path: Path | str, data: bytes) -> bool:
    """Whether the file at path holds exactly data (sizes first: most changes change the size)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def precompressed_copy_of(relative: str, unchanged: set[str]) -> bool:
    """x.html.gz of an unchanged x.html: still valid, kept for compress.py to reuse."""
    base, suffix = os.path.splitext(relative)
    return suffix in (".gz", ".br") and base in unchanged


def relink_unchanged(previous: Path, staging: Path, fresh: tuple[str, ...]) -> None:
    """Files that tools rewrote under the fresh folders but whose bytes did not change get the
    previous site's file back (same inode, same time), so they do not count as changed. (Paths as
    strings, a stat of each side first: the search index's 9,200 files are mostly links to the
    previous site's already.)"""
    for name in fresh:
        for folder, _, names in os.walk(staging / name):
            for file_name in names:
                path = os.path.join(folder, file_name)
                old = os.path.join(previous, os.path.relpath(path, staging))
                if same_bytes_elsewhere(old, path):
                    # (rename() between two links to one file does nothing and would leave the temporary)
                    temporary = os.path.join(folder, f".{file_name}.link-{os.getpid()}")
                    os.link(old, temporary)
                    os.replace(temporary, path)


def same_bytes_elsewhere(old: str, path: str) -> bool:
    """Whether old is a regular file other than path with the same bytes."""
    try:
        new, before = os.lstat(path), os.stat(old)
    except OSError:
        return False
    if not stat.S_ISREG(new.st_mode) or not stat.S_ISREG(before.st_mode) or before.st_size != new.st_size \
            or (before.st_ino, before.st_dev) == (new.st_ino, new.st_dev):
        return False
    with open(old, "rb") as a, open(path, "rb") as b:
        return a.read() == b.read()
