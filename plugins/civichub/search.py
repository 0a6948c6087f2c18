"""Site search: a Pagefind index of the built site, written into <site>/pagefind/ at build time.

The search itself runs in the reader's browser (pagefind.js fetches index fragments): no server.
What gets indexed is decided by the theme: base.html marks <main> with `data-pagefind-body` and
`data-pagefind-filter="type:<kind>"` (session, link, person, actor, post, event, page), which the
search page (/recherche/) offers as filters. The theme gives each link of a roundup page an id
(`lien-N` on the link's heading), which Pagefind makes a sub-result of: a search for a link's
title lands on the link.

Pagefind is optional (`pip install "pagefind[extended]"`): index_site() raises SearchUnavailable
with a one-line message when it is missing.

Pagefind cannot update an index: it reads the whole site again, seconds at a few thousand pages.
`civichub serve` therefore puts a rebuilt site live without waiting for it (the build marks the
index stale, mark_stale) and makes the index again in the background (refresh_index), into a
folder beside the site whose files then replace the index's.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Callable

from . import pagefindfetch, searchcache
from .output import all_files, drop_identical, place, remove_empty_parents

OUTPUT = "pagefind"  # folder of the index, inside the site
# Top-level files and folders not worth a result: the error page, the search page itself.
SKIPPED = frozenset({"404.html", "recherche", OUTPUT})
# Pagefind's ready-made interfaces, which the search page does not use (it has its own small
# script over pagefind.js): about 420 kB not worth publishing.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# Pagefind 1.6 and later put the pages' fragments (what a result shows) into at most this many
# files, a few pages each, by the pages' order: at scale 10, 920 files of 10 pages instead of
# 9,194, which a first index creates in 4.8-5.4 s instead of 6.7-9.1 s on the disk, and a static
# host (Cloudflare Pages takes 20,000 files) serves as 14,000 files in all instead of 22,500. A
# result then fetches its page's group (1.5 kB compressed, not 0.36); an edited page rewrites
# its group alone, a page added or removed shifts the groups after it (docs/search.md).
MAX_FRAGMENTS = 1000
# In the index folder: the pages changed after the index was made. A token, new each time.
STALE = ".stale"
ENTRY = searchcache.ENTRY  # names the index's other files


class SearchUnavailable(Exception):
    """Pagefind is missing or failed: the message is one line, for the build's report."""


def index_site(site_dir: Path, language: str = "fr", cache: Path | None = None,
               previous: Path | None = None) -> dict:
    """Index every HTML page of site_dir into site_dir/pagefind/, through cache when given (see
    searchcache.py; previous: the live site's index, whose unchanged files are linked). Returns
    the figures: {'pages': pages indexed (those with data-pagefind-body), 'language': the index
    language, 'bytes': size of pagefind/, 'seconds': time taken}. Raises SearchUnavailable.
    The pages are read by Pagefind alone: a roundup's links have their anchors from the theme
    (roundup.html), which Pagefind makes sub-results of."""
    site_dir = Path(site_dir).resolve()
    started = time.perf_counter()
    pages = make_index(site_dir, language, site_dir / OUTPUT, cache=cache, previous=previous)
    size = sum(os.stat(os.path.join(folder, name)).st_size
               for folder, _, names in os.walk(site_dir / OUTPUT) for name in names)
    return {"pages": pages, "language": language, "bytes": size,
            "seconds": round(time.perf_counter() - started, 2)}


def pagefind_executable() -> str:
    """Pagefind's binary: the variable PAGEFIND_BINARY_PATH, else the release `make` fetched from
    the npm registry (pagefindfetch.py, newer than PyPI's), else where pagefind.service.get_executable
    looks (the binary packages, the PATH), without importing that module: it imports asyncio, 35 ms
    of every index."""
    found = os.environ.get("PAGEFIND_BINARY_PATH") or pagefindfetch.installed() or packaged_pagefind() \
        or shutil.which("pagefind_extended") or shutil.which("pagefind")
    if not found:
        raise SearchUnavailable('search: Pagefind is not installed (pip install "pagefind[extended]", '
                                'or set PAGEFIND_BINARY_PATH to its binary)')
    return found


def packaged_pagefind() -> str | None:
    """The binary of the pagefind_bin_extended package, else of pagefind_bin, if installed."""
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(package).get_executable())
        except (ImportError, OSError):  # not installed, or installed without its binary
            continue
    return None


def make_index(site_dir: Path, language: str, target: Path,
               started: Callable[[subprocess.Popen], None] = lambda process: None,
               cache: Path | None = None, previous: Path | None = None) -> int:
    """Pagefind's index of site_dir, written into target (made anew); returns the pages indexed.
    Through cache, the search index's cache, when given and not held by another process
    (searchcache.py): the files previous, the live site's index, has with the same bytes are
    linked from it. started is handed the Pagefind process (to stop it early: the index is then
    not made)."""
    executable = pagefind_executable()
    shutil.rmtree(target, ignore_errors=True)  # stale files of an earlier index
    cache = cache.resolve() if cache else None  # (Pagefind runs in site_dir)
    try:
        with searchcache.claimed(cache) as lock:  # which Pagefind holds too (fds)
            run = functools.partial(_index, site_dir, language, executable, started=started, fds=(lock,))
            pages = through_cache(cache, executable, run, target, previous) if lock is not None else None
        if pages is None:  # the whole index, straight into target
            pages = _index(site_dir, language, executable, target, started)
            for name in UNUSED:
                (target / name).unlink(missing_ok=True)
    except (OSError, RuntimeError, ValueError, KeyError) as exc:
        detail = str(exc) or type(exc).__name__
        raise SearchUnavailable(f"search: pagefind could not index {site_dir}: {detail}") from exc
    if not (target / "pagefind.js").is_file():
        raise SearchUnavailable(f"search: pagefind wrote no index into {target}")
    return pages


def through_cache(cache: Path, executable: str, run: Callable[[Path], int], target: Path,
                  previous: Path | None) -> int | None:
    """The index made in the cache, then put into target; the pages indexed, or None when the
    cache cannot read this Pagefind's index."""
    try:
        pages, files = searchcache.index_into(cache, searchcache.maker_of(executable), run)
    except searchcache.UnknownIndex:
        return None
    searchcache.put_index(cache, files - set(UNUSED), target, previous)
    return pages


def stop_indexing(process: subprocess.Popen) -> None:
    """End a Pagefind run that make_index started (it then raises SearchUnavailable)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def mark_stale(site_dir: Path) -> None:
    """Note in site_dir's index folder that its pages changed after the index was made."""
    folder = site_dir / OUTPUT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STALE).write_text(f"{time.time_ns()}-{os.getpid()}\n", encoding="utf-8")


def stale_token(site_dir: Path) -> str | None:
    try:
        return (site_dir / OUTPUT / STALE).read_text(encoding="utf-8")
    except OSError:
        return None


def is_current(site_dir: Path) -> bool:
    """Whether site_dir has an index made after its last pages were written."""
    return (site_dir / OUTPUT / "pagefind.js").is_file() and stale_token(site_dir) is None


def refresh_index(site_dir: Path, language: str, lock: Callable[[], AbstractContextManager],
                  started: Callable[[subprocess.Popen], None] = lambda process: None,
                  cache: Path | None = None) -> int:
    """Index the live site_dir into a folder beside it (through cache, the search index's cache),
    then move that index into the site's (replace_index, within lock, which keeps builds out).
    Readers meanwhile search the previous index. Pages written during the run leave the index
    marked stale; an index a build made during the run is newer and stays. Returns the pages
    indexed; raises SearchUnavailable (also when stopped through started's process)."""
    site_dir = Path(site_dir).resolve()
    remove_leftover_indexes(site_dir)
    token = stale_token(site_dir)
    target = site_dir.parent / f".{site_dir.name}.search-{os.getpid()}"
    try:
        pages = make_index(site_dir, language, target, started, cache, site_dir / OUTPUT)
        with lock():
            now = stale_token(site_dir)
            if now is None and token is not None:  # a build indexed the site meanwhile: newer
                return pages
            if now != token:  # pages written meantime, which this index may not have
                (target / STALE).write_text(now, encoding="utf-8")
            replace_index(target, site_dir / OUTPUT)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return pages


def remove_leftover_indexes(site_dir: Path) -> None:
    """The folders of refreshes whose process is gone (a server killed during a run); those of a
    running one are its own (a build does not touch them: it would pull one out from under it)."""
    for folder in site_dir.parent.glob(f".{site_dir.name}.search-*"):
        pid = folder.name.rsplit("-", 1)[1]
        if pid.isdigit() and not running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


def replace_index(new: Path, live: Path) -> None:
    """Make the index folder live the same as new, file by file. A file with the same bytes stays
    as it is (nothing for a CDN to sync; new may hold a link to it). The other files are moved
    in, pagefind-entry.json last: it names the meta file, and every other file is named after a
    hash of its bytes, so a reader never loads a half-replaced index. Then the files new does not
    have are deleted. The site folder itself is left alone: the next build's record still
    describes it (incremental.folder_identity)."""
    fresh = set(all_files(new))
    previous = set(all_files(live)) if live.is_dir() else set()
    both = fresh & previous
    linked = {relative for relative in both if os.path.samefile(new / relative, live / relative)}
    moved = fresh - linked - drop_identical(new, live, both - linked)
    entry = {ENTRY} & moved
    place(new, live, moved - entry, os.replace)
    place(new, live, entry, os.replace)
    for relative in previous - fresh:
        (live / relative).unlink(missing_ok=True)
        remove_empty_parents(live, Path(relative).parent)


def groups_fragments(executable: str) -> bool:
    """Whether this Pagefind takes --max-fragments: 1.6.0 and later."""
    return _takes_max_fragments(searchcache.maker_of(executable), executable)


@functools.lru_cache(maxsize=8)
def _takes_max_fragments(maker: str, executable: str) -> bool:
    """groups_fragments, asked once per binary (maker: searchcache.maker_of, so that a binary
    replaced is asked again)."""
    version = pagefindfetch.version_of(executable) or ""
    try:
        return tuple(int(part) for part in version.split(".")[:2]) >= (1, 6)
    except ValueError:  # a wrapper's or a pre-release's words: run it as before
        return False


def glob_of(site_dir: Path) -> str:
    """A glob of every HTML file but the skipped ones (Pagefind's globs have no negation):
    '{index.html,acteurs/**/*.html,...}'."""
    parts = []
    for entry in sorted(site_dir.iterdir()):
        if entry.name in SKIPPED or entry.name.startswith("."):
            continue
        if entry.is_dir():
            parts.append(f"{entry.name}/**/*.html")
        elif entry.suffix == ".html":
            parts.append(entry.name)
    return "{" + ",".join(parts) + "}"


def _index(site_dir: Path, language: str, executable: str, target: Path,
           started: Callable[[subprocess.Popen], None], fds: tuple[int, ...] = ()) -> int:
    """Run Pagefind's command line on site_dir, writing into target; returns the pages it indexed.
    fds: open files Pagefind inherits (a lock). The command, not the Python service: the service
    answers "written" before its files are complete and is then terminated, which now and then
    leaves one of them empty (pagefind-entry.json, seen in CI); a process that has exited has
    written everything."""
    command = [executable, "--site", str(site_dir), "--output-path", str(target), "--glob", glob_of(site_dir),
               "--force-language", language, "--silent"]
    if groups_fragments(executable):
        command += ["--max-fragments", str(MAX_FRAGMENTS)]
    # in a session of its own: stop_indexing ends it whole, a wrapper script and its binary alike
    process = subprocess.Popen(command, cwd=site_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True,
                               pass_fds=fds)
    try:
        started(process)
        out, err = process.communicate()
    except BaseException:  # Ctrl-C: its own session spares Pagefind the signal, not its end
        stop_indexing(process)
        process.wait()
        raise
    if process.returncode != 0:
        lines = [line.strip() for line in (err or out).splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit status {process.returncode}")
    entry = json.loads((target / ENTRY).read_text(encoding="utf-8"))
    return sum(index["page_count"] for index in entry["languages"].values())


def main(argv: list[str] | None = None) -> int:
    """`python -m civichub.search SITE`: index a built site as a build does (civichub bench times it)."""
    parser = argparse.ArgumentParser(prog="python -m civichub.search", description=main.__doc__.split(":")[1])
    parser.add_argument("site", type=Path, help="the built site's folder")
    parser.add_argument("--language", default="fr", help="the index language (default fr)")
    parser.add_argument("--cache", type=Path, help="the search index's cache, as a build has it "
                        "(CIVICHUB_CACHE_PATH/pagefind); without it, the index is made whole")
    args = parser.parse_args(argv)
    try:
        figures = index_site(args.site, args.language, args.cache)
    except SearchUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"search: {figures['pages']} pages indexed into {args.site / OUTPUT} in {figures['seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
