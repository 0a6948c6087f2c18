"""Site search: a Pagefind index of the built site, written into <site>/pagefind/ at build time.

The search itself runs in the reader's browser (pagefind.js fetches index fragments): no server.
What gets indexed is decided by the theme: base.html marks <main> with `data-pagefind-body` and
`data-pagefind-filter="type:<kind>"` (session, link, person, actor, post, event, page), which the
search page (/recherche/) offers as filters. Roundup pages get an anchor per link (`lien-N` on
each link's heading) when the theme gives none, so a search for a link title lands on the link.

Pagefind is optional (`pip install "pagefind[extended]"`): index_site() raises SearchUnavailable
with a one-line message when it is missing.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

OUTPUT = "pagefind"  # folder of the index, inside the site
# Top-level files and folders not worth a result: the error page, the search page itself.
SKIPPED = frozenset({"404.html", "recherche", OUTPUT})
# Pagefind's ready-made interfaces, which the search page does not use (it has its own small
# script over pagefind.js): about 420 kB not worth publishing.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
BODY = "data-pagefind-body"
LINK_PAGE = 'data-pagefind-filter="type:link"'
# A link of a roundup (theme/templates/roundup_macros.html, link_item): <li class="link"> <hN>
LINK_HEADING = re.compile(r'(<li class="link"[^>]*>\s*<h([2-6]))((?:\s+[^>]*)?>)')


class SearchUnavailable(Exception):
    """Pagefind is missing or failed: the message is one line, for the build's report."""


def index_site(site_dir: Path, language: str = "fr") -> dict:
    """Index every HTML page of site_dir into site_dir/pagefind/. Returns the figures:
    {'pages': pages indexed (with data-pagefind-body), 'files': HTML files read, 'anchors': link
    anchors added, 'language': the index language, 'bytes': size of pagefind/, 'seconds': time taken}. Raises SearchUnavailable."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchUnavailable('search: the pagefind package is not installed '
                                '(pip install "pagefind[extended]")') from None
    executable = get_executable()
    if executable is None:
        raise SearchUnavailable('search: the pagefind binary is missing '
                                '(pip install "pagefind[extended]", or set PAGEFIND_BINARY_PATH)')
    site_dir = Path(site_dir).resolve()
    started = time.perf_counter()
    pages, anchors = prepare(site_dir)
    try:
        files = _index(site_dir, language, str(executable))
    except (OSError, RuntimeError, ValueError, KeyError) as exc:
        detail = str(exc) or type(exc).__name__
        raise SearchUnavailable(f"search: pagefind could not index {site_dir}: {detail}") from exc
    if not (site_dir / OUTPUT / "pagefind.js").is_file():
        raise SearchUnavailable(f"search: pagefind wrote no index into {site_dir / OUTPUT}")
    size = sum(f.stat().st_size for f in (site_dir / OUTPUT).rglob("*") if f.is_file())
    return {"pages": pages, "files": files, "anchors": anchors, "language": language, "bytes": size,
            "seconds": round(time.perf_counter() - started, 2)}


def prepare(site_dir: Path) -> tuple[int, int]:
    """Add link anchors to roundup pages on disk (the anchor must exist where a result points).
    Returns (pages Pagefind will index: those with data-pagefind-body, anchors added)."""
    pages = anchors = 0
    for path in sorted(site_dir.rglob("*.html")):
        if path.relative_to(site_dir).parts[0] in SKIPPED:
            continue
        html = path.read_text(encoding="utf-8")
        pages += BODY in html
        if LINK_PAGE in html:
            html, added = anchor_links(html)
            if added:
                replace(path, html.encode("utf-8"))
                anchors += added
    return pages, anchors


def replace(path: Path, data: bytes) -> None:
    """Write a new file in the place of path, never into it: the staging folder may hold hard links
    to the live site's files, which must not change before the swap."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


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


def anchor_links(html: str) -> tuple[str, int]:
    """Give each link heading of a roundup page an id, lien-1, lien-2... in page order, unless
    it has one: Pagefind turns headings with ids into sub-results pointing at #lien-N."""
    count = 0

    def add(match: re.Match) -> str:
        nonlocal count
        count += 1
        if " id=" in match.group(3):
            return match.group(0)
        return f'{match.group(1)} id="lien-{count}"{match.group(3)}'

    changed = LINK_HEADING.sub(add, html)
    return changed, (count if changed != html else 0)


def _index(site_dir: Path, language: str, executable: str) -> int:
    """Run Pagefind's command line on site_dir; returns the pages it indexed. The command, not
    the Python service: the service answers "written" before its files are complete and is then
    terminated, which now and then leaves one of them empty (pagefind-entry.json, seen in CI); a process
    that has exited has written everything."""
    shutil.rmtree(site_dir / OUTPUT, ignore_errors=True)  # stale fragments of an earlier index
    command = [executable, "--site", ".", "--output-subdir", OUTPUT, "--glob", glob_of(site_dir),
               "--force-language", language, "--silent"]
    done = subprocess.run(command, cwd=site_dir, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace")
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit status {done.returncode}")
    for name in UNUSED:
        (site_dir / OUTPUT / name).unlink(missing_ok=True)
    entry = json.loads((site_dir / OUTPUT / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(index["page_count"] for index in entry["languages"].values())
