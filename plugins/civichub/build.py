"""A whole build, all or nothing: Pelican writes into a temporary folder beside output/, which is
swapped in only when everything succeeded. One build at a time per output folder."""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import incremental
from .output import OutputFiles, link_previous, relink_unchanged, remove_stale
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
    from pelican import Pelican

    settings = read_settings(settings_file, overrides)
    output = Path(output or settings["OUTPUT_PATH"]).resolve()
    record = incremental.record_path(settings)
    with build_lock(output):
        remove_leftovers(output)
        staging = output.parent / f".{output.name}.new-{os.getpid()}"
        counter = ErrorCounter()
        logging.getLogger().addHandler(counter)
        try:
            previous = None if full else incremental.read_record(record, output)
            files = OutputFiles(staging)
            files.inherited = link_previous(output, staging, fresh_folders(settings))
            settings = read_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": str(staging),
                                                     "DELETE_OUTPUT_DIRECTORY": False,
                                                     "CIVICHUB_OUTPUT_FILES": files,
                                                     "CIVICHUB_PREVIOUS_BUILD": previous})
            try:
                Pelican(settings).run()
            except OSError as exc:  # disk full, permissions: the site stays as it was
                raise BuildFailed([], f"could not write the site: {exc.strerror or exc}"
                                      f"{f' ({exc.filename})' if exc.filename else ''}") from exc
            if counter.messages:
                count = len(counter.messages)
                raise BuildFailed([], f"Pelican reported {count} error{'s' * (count != 1)}")
            removed = remove_stale(output, staging, files)
            pages_changed = removed > 0 or any(name.endswith(".html") for name in files.replaced)
            finish_site(staging, settings, reuse_index_of=None if pages_changed else output)
            relink_unchanged(output, staging, fresh_folders(settings))
            if settings.get("CIVICHUB_PRECOMPRESS"):
                from .compress import precompress
                precompress(staging, files)
            incremental.write_record(record, output, None)  # this site is no longer the old record's
            swap_in(staging, output)
            incremental.write_record(record, output, settings.get("CIVICHUB_BUILD_RECORD"))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            logging.getLogger().removeHandler(counter)
    return output


def finish_site(staging: Path, settings: dict, reuse_index_of: Path | None = None) -> None:
    """What needs the whole written site: programme PDFs (optional) and the search index.
    When no page changed, the previous index is kept as it was (Pagefind does not write its
    filter files in a stable order, so indexing again would change bytes for nothing)."""
    from .exports import pdf
    if pdf.enabled(settings) and "CIVICHUB_HUB" in settings:
        pdf.write_programme_pdfs(staging, *settings["CIVICHUB_HUB"])
    if not settings.get("CIVICHUB_SEARCH", True):
        return
    previous = reuse_index_of / "pagefind" if reuse_index_of else None
    if previous and (previous / "pagefind.js").is_file():
        shutil.copytree(previous, staging / "pagefind", copy_function=os.link, dirs_exist_ok=True)
        return
    from .search import SearchUnavailable, index_site
    try:
        index_site(staging, settings.get("DEFAULT_LANG", "fr"))
    except SearchUnavailable as exc:
        raise BuildFailed([], str(exc)) from exc


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
