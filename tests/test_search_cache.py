"""The search index's cache (civichub.searchcache): Pagefind writes every index into the same
folder, where it does not write again the hashed files it finds; the site's index links them."""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import zlib
from pathlib import Path

import pytest

from civichub import search, searchcache
from civichub.build import build

from test_search_later import EDITED, PERSON, fragments, index_files

pytest.importorskip("pagefind", reason='pip install "pagefind[extended]"')


def readable(site: Path) -> bool:
    """Whether every fragment of the site's index decompresses to one page's record."""
    pages = fragments(site)  # (raises on a half-written fragment)
    return len(pages) == len(list((site / "pagefind" / "fragment").iterdir()))


def first_fragment(cache: Path) -> Path:
    return min((cache / "fragment").iterdir())


def test_a_rebuild_indexes_through_the_cache_and_keeps_the_unchanged_files(hub):
    site = hub.build()
    cache = hub.root / ".cache" / "pagefind"
    before = index_files(site)
    # the hashed files of the site's index are the cache's (links), the others are copies
    for name, inode in before.items():
        assert ((cache / name).stat().st_ino == inode) == searchcache.hashed(name), name
    hub.write(PERSON, EDITED)
    build(hub.root / "pelicanconf.py", site)
    assert "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"]
    after = index_files(site)
    kept = {name for name in before.keys() & after.keys() if before[name] == after[name]}
    assert any(name.startswith("fragment/") for name in kept) and len(kept) > len(after) // 2
    # the cache holds this index and nothing more: the edited page's old fragment is gone
    assert set(searchcache.files_in(cache)) - set(search.UNUSED) == set(after)
    assert readable(site)


def test_pages_grouped_in_fewer_fragment_files_a_rebuild_rewrites_only_the_changed_pages_groups(hub, monkeypatch):
    """Pagefind 1.6 puts the pages' fragments into at most search.MAX_FRAGMENTS files: the cache
    reads that index too, and an edit rewrites only the files of the pages it changed."""
    if not search.groups_fragments(search.pagefind_executable()):
        pytest.skip("this Pagefind (before 1.6) writes a fragment file per page")
    monkeypatch.setattr(search, "MAX_FRAGMENTS", 4)
    site = hub.build()
    cache = hub.root / ".cache" / "pagefind"
    assert len(list((site / "pagefind" / "fragment").iterdir())) <= 4 < len(fragments(site))
    before = index_files(site)
    hub.write(PERSON, EDITED)
    build(hub.root / "pelicanconf.py", site)
    assert "Professeur émérite" in fragments(site)["/personnes/loic-blondiaux/"]
    after = index_files(site)
    groups = [name for name in after if name.startswith("fragment/")]
    assert 0 < len(set(groups) - set(before)) < len(groups)  # the groups of the pages that show the edit
    assert json.loads((cache / searchcache.STAMP).read_text())["failures"] == 0  # the cache read it
    assert set(searchcache.files_in(cache)) - set(search.UNUSED) == set(after)


def test_a_file_a_stopped_run_left_half_written_is_written_again(site, tmp_path):
    cache = tmp_path / "cache"
    search.index_site(site, "fr", cache)
    # a run stopped as Pagefind wrote a fragment the previous index did not have: the mark, that
    # file cut short; Pagefind, finding it, would not write it again
    fragment = first_fragment(cache)
    listed = (cache / searchcache.MANIFEST).read_text(encoding="utf-8").splitlines()
    (cache / searchcache.MANIFEST).write_text("".join(f"{name}\n" for name in listed
                                                      if name != f"fragment/{fragment.name}"))
    (cache / searchcache.MARK).write_bytes(b"")
    fragment.write_bytes(b"")
    search.index_site(site, "fr", cache)
    assert readable(site) and not (cache / searchcache.MARK).exists()


def test_a_cache_another_pagefind_made_is_started_afresh(site, tmp_path):
    cache = tmp_path / "cache"
    search.index_site(site, "fr", cache)
    first_fragment(cache).write_bytes(gzip.compress(b"pagefind_dcd{}"))  # what another version wrote
    (cache / searchcache.STAMP).write_text(json.dumps({"executable": "another pagefind"}), encoding="utf-8")
    search.index_site(site, "fr", cache)
    assert readable(site)


def test_the_files_of_another_language_s_index_go(site, tmp_path):
    cache = tmp_path / "cache"
    search.index_site(site, "fr", cache)
    assert (site / "pagefind" / "wasm.fr.pagefind").is_file()
    search.index_site(site, "en", cache)
    assert (site / "pagefind" / "wasm.en.pagefind").is_file()
    assert not (site / "pagefind" / "wasm.fr.pagefind").exists() and not (cache / "wasm.fr.pagefind").exists()


def test_a_cache_another_process_holds_is_left_alone(site, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    with open(tmp_path / "cache.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build beside a server
        stats = search.index_site(site, "fr", cache)
    assert stats["pages"] == len(fragments(site)) and readable(site)
    assert not list(cache.iterdir())


def test_pagefind_holds_the_cache_s_lock_and_ends_with_an_interrupted_build(site, tmp_path):
    cache, held, processes = tmp_path / "cache", [], []
    lock = str(tmp_path / "cache.lock")

    def interrupted(process):
        processes.append(process)
        folder = f"/proc/{process.pid}/fd"
        held.append(any(os.readlink(f"{folder}/{fd}") == lock for fd in os.listdir(folder)))
        raise KeyboardInterrupt  # Ctrl-C as Pagefind runs
    with pytest.raises(KeyboardInterrupt):
        search.make_index(site, "fr", site / "pagefind", interrupted, cache)
    assert held == [True]  # a Pagefind outliving its build would keep the cache locked till it ends
    assert processes[0].poll() is not None  # but it does not outlive it
    search.index_site(site, "fr", cache)  # the next run forgets what it wrote
    assert readable(site)


@pytest.mark.parametrize("damage", [EOFError("truncated"), zlib.error("invalid"), ValueError("layout")])
def test_an_index_the_cache_cannot_read_is_made_whole(site, tmp_path, monkeypatch, damage):
    cache, runs = tmp_path / "cache", []

    def unreadable(path):
        raise damage
    monkeypatch.setattr(searchcache, "unpacked", unreadable)
    for _ in range(3):
        search.make_index(site, "fr", site / "pagefind", runs.append, cache)
        assert readable(site)
        assert [path.name for path in cache.iterdir()] == [searchcache.STAMP]
    # twice through the cache, then the whole index each time; after two failures the cache is left
    assert len(runs) == 2 + 2 + 1
    assert json.loads((cache / searchcache.STAMP).read_text(encoding="utf-8"))["failures"] == searchcache.FAILURES


def test_cbor_text_strings():
    # [ "ab", 256, {"k": "x" * 30}, 1.5 (a half float), b"\x00" ]
    data = (b"\x85" + b"\x62ab" + b"\x19\x01\x00" + b"\xa1\x61k\x78\x1e" + b"x" * 30 + b"\xf9\x3e\x00"
            + b"\x41\x00")
    assert searchcache.text_strings(data) == {b"ab", b"k", b"x" * 30}
