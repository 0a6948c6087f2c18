"""The search index made after the pages (civichub serve): a build with search_later puts the
rebuilt site live with its index as it was, marked stale; search.refresh_index makes the index
again beside the site and moves it in, file by file, unless the site changed meanwhile."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from civichub import search
from civichub.build import build, build_lock, build_site
from civichub.incremental import folder_identity

from test_serve import fetch, served, wait_for

pytest.importorskip("pagefind", reason='pip install "pagefind[extended]"')

PERSON = "people/loic-blondiaux.yaml"
EDITED = "name: Loïc Blondiaux\ntitles: [Professeur émérite]\n"


def fragments(site: Path) -> dict[str, str]:
    """What the index holds of each page: its URL and its text, from Pagefind's fragment files
    (a page's each, or a few pages' each: {hash: fragment}, search.MAX_FRAGMENTS)."""
    found = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        for fragment in [data] if "url" in data else data.values():
            found[fragment["url"]] = fragment["content"]
    return found


def index_files(site: Path) -> dict[str, int]:
    """Every file of the index folder, with its inode."""
    folder = site / "pagefind"
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def edited_later(hub) -> Path:
    """The hub built with its index, then a person edited and the site rebuilt with search_later."""
    site = hub.build()
    hub.write(PERSON, EDITED)
    built = build_site(hub.root / "pelicanconf.py", site, search_later=True)
    assert built.search_pending
    return site


def refresh(site: Path, started=lambda process: None) -> int:
    return search.refresh_index(site, "fr", partial(build_lock, site), started)


def test_a_build_with_search_later_serves_the_edit_and_keeps_the_index_marked_stale(hub):
    site = hub.build()
    before = index_files(site)
    assert search.is_current(site)
    hub.write(PERSON, EDITED)
    build_site(hub.root / "pelicanconf.py", site, search_later=True)
    assert "Professeur émérite" in (site / "personnes/loic-blondiaux/index.html").read_text(encoding="utf-8")
    assert not search.is_current(site)
    assert {name: inode for name, inode in index_files(site).items() if name != search.STALE} == before
    assert "Professeur émérite" not in fragments(site)["/personnes/loic-blondiaux/"]
    # a build without search_later makes the stale index again, even with no page to write
    build(hub.root / "pelicanconf.py", site)
    assert search.is_current(site)
    assert "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"]


def test_a_build_with_nothing_changed_leaves_a_current_index_alone(hub):
    site = hub.build()
    built = build_site(hub.root / "pelicanconf.py", site, search_later=True)
    assert not built.search_pending and search.is_current(site)


def test_refresh_brings_the_edit_into_the_index_and_keeps_what_did_not_change(hub):
    site = edited_later(hub)
    identity = folder_identity(site)
    before = index_files(site)
    pages = refresh(site)
    assert search.is_current(site)
    assert "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"]
    entry = json.loads((site / "pagefind" / search.ENTRY).read_text(encoding="utf-8"))
    assert pages == entry["languages"]["fr"]["page_count"] == len(fragments(site))
    assert (site / "pagefind" / f"pagefind.{entry['languages']['fr']['hash']}.pf_meta").is_file()
    after = index_files(site)
    kept = {name for name in before.keys() & after.keys() if before[name] == after[name]}
    assert any(name.startswith("fragment/") for name in kept)  # the other pages' fragments stay
    assert len(kept) > len(after) // 2
    # the site folder itself is untouched: the next build's record still holds, nothing is rebuilt
    assert folder_identity(site) == identity
    assert not list(site.parent.glob(f".{site.name}.search-*"))
    assert not [p for p in site.iterdir() if p.name.startswith(".")]


def test_pages_written_during_a_refresh_keep_the_index_stale(hub):
    site = edited_later(hub)
    refresh(site, lambda process: search.mark_stale(site))  # a build committed pages meanwhile
    assert not search.is_current(site)
    assert "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"]


def test_an_index_a_build_made_during_a_refresh_is_kept(hub):
    site = edited_later(hub)
    before = index_files(site)
    refresh(site, lambda process: (site / "pagefind" / search.STALE).unlink())  # that build's index
    assert index_files(site) == {name: inode for name, inode in before.items() if name != search.STALE}
    assert not list(site.parent.glob(f".{site.name}.search-*"))


def test_a_stopped_refresh_changes_nothing(hub):
    site = edited_later(hub)
    before = index_files(site)
    with pytest.raises(search.SearchUnavailable):
        refresh(site, search.stop_indexing)
    assert index_files(site) == before and not search.is_current(site)
    assert not list(site.parent.glob(f".{site.name}.search-*"))


def test_a_refresh_clears_what_a_killed_one_left_and_nothing_of_a_running_one(hub, tmp_path):
    site = edited_later(hub)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = site.parent / f".{site.name}.search-{dead.pid}"
    alive = site.parent / f".{site.name}.search-{os.getppid()}"  # (this test's parent)
    for folder in (left, alive):
        (folder / "fragment").mkdir(parents=True)
    refresh(site)
    assert not left.exists() and alive.is_dir()


def test_serve_puts_the_site_live_then_its_search_index(hub):
    hub.build()
    site = hub.root / "output"
    with served(hub) as server:
        assert wait_for(lambda: "Loïc Blondiaux" in fetch(f"{server.base}/personnes/loic-blondiaux/"))
        hub.write(PERSON, EDITED)
        assert wait_for(lambda: "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"], 60)
        assert wait_for(lambda: search.is_current(site))
    lines = [line for line in server.output.splitlines() if line.startswith("civichub serve: ")]
    rebuilt = next(i for i, line in enumerate(lines) if line.startswith("civichub serve: change seen"))
    assert lines[rebuilt + 1].startswith("civichub serve: rebuilt in")
    assert lines[rebuilt + 2].startswith("civichub serve: search index updated in")
    assert "Traceback" not in server.output
