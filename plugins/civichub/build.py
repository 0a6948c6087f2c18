"""A whole build, all or nothing: Pelican writes into a temporary folder beside output/, and the
live site changes only when everything succeeded: the new and changed files are moved into it
and the stale ones deleted (output.commit), or, when Pagefind must index the new site whole, the
rest of the site is hard-linked in beside them and the folder swapped in by two renames. One
build at a time per output folder. A build with search_later (civichub serve) leaves the search
index as it was, marked stale, for the caller to make again (search.refresh_index)."""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import hubcache, incremental, search
from .caches import cache_path
from .output import OutputFiles, commit, fill, previous_files_listed, relink_unchanged
from .pipeline import BuildFailed


class BuildLocked(Exception):
    pass


class ErrorCounter(logging.Handler):
    """Counts ERROR records Pelican logs (a post it could not read) so they fail the build."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("civichub"):
            self.messages.append(record.getMessage())


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    lock_path = output.parent / f".{output.name}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing {output} (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_settings(settings_file: Path, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings as pelican_read_settings
    return pelican_read_settings(str(settings_file), override=overrides or {})


def build(settings_file: Path, output: Path | None = None, overrides: dict | None = None,
          full: bool = False) -> Path:
    """Build the site; returns the output folder. Raises BuildFailed and leaves output/ untouched.
    Pages and files whose inputs did not change since the previous build are kept as they are
    (incremental.py), unless full is true."""
    return build_site(settings_file, output, overrides, full).output


@dataclass(frozen=True)
class Built:
    output: Path  # the site's folder
    pages: int  # .html files in it
    search_pending: bool = False  # its search index is stale: search.refresh_index makes it again


def build_site(settings_file: Path, output: Path | None = None, overrides: dict | None = None,
               full: bool = False, search_later: bool = False,
               went_live: Callable[[Built], None] = lambda built: None) -> Built:
    """build(), telling how many pages the site has. With search_later, the search index is not
    made: the site goes live at once, its index marked stale (Built.search_pending). went_live
    is told as soon as the new site is in place, before the build tidies up and saves its record
    (a server reloads its readers' pages then)."""
    from pelican import Pelican

    settings = read_settings(settings_file, overrides)
    output = Path(output or settings["OUTPUT_PATH"]).resolve()
    record = incremental.record_path(settings)
    fresh = fresh_folders(settings)
    with build_lock(output):
        remove_leftovers(output)
        staging = output.parent / f".{output.name}.new-{os.getpid()}"
        counter = ErrorCounter()
        logging.getLogger().addHandler(counter)
        forget_logged_messages()
        try:
            previous = None if full else incremental.read_record(record, output)
            live = output if output.is_dir() else None
            files = OutputFiles(staging, base=live, others=fresh)
            files.inherited = previous_files_listed(output, fresh) if live else set()
            staging.mkdir()
            settings = read_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": str(staging),
                                                     "DELETE_OUTPUT_DIRECTORY": False,
                                                     "CIVICHUB_OUTPUT_FILES": files,
                                                     "CIVICHUB_PREVIOUS_BUILD": previous and previous.record})
            try:
                Pelican(settings).run()
            except OSError as exc:  # disk full, permissions: the site stays as it was
                raise BuildFailed([], f"could not write the site: {exc.strerror or exc}"
                                      f"{f' ({exc.filename})' if exc.filename else ''}") from exc
            if counter.messages:
                count = len(counter.messages)
                raise BuildFailed([], f"Pelican reported {count} error{'s' * (count != 1)}")
            pages = files.pages()
            whole, pending = finish_site(staging, output, files, settings, fresh, search_later)
            incremental.write_record(record, output, None)  # this site is no longer the old record's
            if pending:  # before the pages go live: a build stopped after them leaves it so marked
                search.mark_stale(staging if whole else output)
            if whole:
                swap_in(staging, output)
            else:
                kept = ("pagefind",) if settings.get("CIVICHUB_SEARCH", True) else ()
                commit(staging, output, files, fresh, kept)
            built = Built(output, len(pages), pending)
            went_live(built)
            if not whole:
                shutil.rmtree(staging)  # what commit left: its folders
            incremental.write_record(record, output, settings.get("CIVICHUB_BUILD_RECORD"), previous)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            logging.getLogger().removeHandler(counter)
            hubcache.wait()
            forget_rendered_content()
    return built


def forget_logged_messages() -> None:
    """Pelican's loggers print a message once per process: each build reports its own warnings
    (a server builds again and again in one process)."""
    from pelican.log import LimitFilter
    for state in ("_raised_messages", "_group_count"):
        getattr(LimitFilter, state, {}).clear()


def forget_rendered_content() -> None:
    """Pelican keeps the text it renders for each post and page (its `memoized` methods) as long as
    the process lives, keyed by the object: in a process that builds again and again (the tests,
    a program calling build()), every build's posts, and through their settings its hub, would
    stay in memory, 2.7 MB a build of the sample hub."""
    from pelican.contents import Content
    for name in ("get_content", "get_summary"):
        cache = getattr(Content.__dict__[name], "cache", None)  # (memoized, or incremental.NotedRead)
        if isinstance(cache, dict):
            cache.clear()


def finish_site(staging: Path, output: Path, files: OutputFiles, settings: dict,
                fresh: tuple[str, ...], search_later: bool = False) -> tuple[bool, bool]:
    """What needs the whole written site: programme PDFs (optional), the search index when a page
    changed or the index is missing or stale, compressed copies. Returns whether staging now
    holds the whole site, to be swapped in (a first build, or a new index: Pagefind reads a whole
    site, so the rest of the live one is linked in; otherwise it holds what output.commit moves
    in), and whether the index was left to make later (search_later)."""
    from .exports import pdf
    stale = files.stale()
    # Pagefind does not write its files in a stable order: when no page changed, the previous
    # index stays, rather than one with other bytes for the same content
    pages_changed = any(name.endswith(".html") for name in stale | files.replaced)
    index = settings.get("CIVICHUB_SEARCH", True) and (pages_changed or not search.is_current(output))
    later, index = index and search_later, index and not search_later
    whole = files.base is None or index
    if whole and files.base:
        fill(staging, output, files.inherited - stale - files.replaced)
    if pdf.enabled(settings) and "CIVICHUB_HUB" in settings:
        pdf.write_programme_pdfs(staging, *settings["CIVICHUB_HUB"])
    if index:
        live_index = output / search.OUTPUT if files.base and (output / search.OUTPUT).is_dir() else None
        try:
            search.index_site(staging, settings.get("DEFAULT_LANG", "fr"), cache_path(settings, "pagefind"),
                              live_index)
        except search.SearchUnavailable as exc:
            raise BuildFailed([], str(exc)) from exc
    if whole:
        relink_unchanged(output, staging, fresh)
    if settings.get("CIVICHUB_PRECOMPRESS"):
        from .compress import precompress
        precompress(staging, files)
    return whole, later


def fresh_folders(settings: dict) -> tuple[str, ...]:
    """Output folders written by tools that write in place: rebuilt from scratch every time."""
    static = [Path(p).parts[0] for p in settings.get("STATIC_PATHS", []) if p]
    return tuple({settings.get("THEME_STATIC_DIR", "theme"), "pagefind", *static})


def remove_leftovers(output: Path) -> None:
    """Folders left by a build that was killed; safe to remove while we hold the lock."""
    for pattern in (f".{output.name}.new-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def swap_in(staging: Path, output: Path) -> None:
    """Replace output/ by staging/ with two renames, so no reader sees a half-written site."""
    retired = output.parent / f".{output.name}.old-{os.getpid()}"
    if output.exists():
        os.rename(output, retired)
    os.rename(staging, output)
    discard(retired)


def discard(folder: Path) -> None:
    """Delete the retired site in a detached process: deleting thousands of hard links and folders
    takes seconds on some file systems and nothing waits for it. A leftover is removed by the next
    build (remove_leftovers) if this one is killed first."""
    if not folder.exists():
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
