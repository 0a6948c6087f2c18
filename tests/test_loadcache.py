"""The load cache: a build parses again only the files that changed, and what it loads is what a
load without the cache gives, problems included."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from civichub import caches, load, loadcache, parallel

from conftest import ROOT


def load_with_cache(content, cache_file):
    cache = loadcache.LoadCache.open(cache_file)
    records, problems = load.load(content, content.parent, cache)
    return records, [str(p) for p in problems], cache


def load_plainly(content):
    records, problems = load.load(content, content.parent)
    return records, [str(p) for p in problems]


def test_a_cached_load_is_a_plain_load(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache_file = tmp_path / ".cache" / loadcache.FILE_NAME
    first = load_with_cache(content, cache_file)
    second = load_with_cache(content, cache_file)
    plain = load_plainly(content)
    assert first[:2] == second[:2] == plain
    assert second[2].fresh == {} and len(second[2].used) == plain[0].files


def test_only_the_edited_file_is_parsed_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache_file = tmp_path / ".cache" / loadcache.FILE_NAME
    load_with_cache(content, cache_file)
    person = content / "people" / "alex-roy.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("name: Alex Roy", "name: Alexandre Roy"),
                      encoding="utf-8")
    records, problems, cache = load_with_cache(content, cache_file)
    assert [key[0] for key in cache.fresh] == [os.path.join("content", "people", "alex-roy.yaml")]
    assert records.people["alex-roy"].name == "Alexandre Roy"
    assert (records, problems) == load_plainly(content)


def test_files_loaded_in_several_processes_are_those_one_process_loads(tmp_path, monkeypatch):
    """A first build loads the files in every process (load.load_ahead): the same records and
    problems, in the same order, and the same cache file, as a load in one process."""
    monkeypatch.setattr(load, "LOAD_AHEAD_FROM", 1)
    monkeypatch.setattr(load, "FILES_PER_JOB", 7)  # shares small enough for both processes
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "people" / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (content / "actors" / "x.yaml").write_text("name: X\nkind: entreprise\nwebsite: pas une adresse\n",
                                             encoding="utf-8")
    loads = []
    for processes in (1, 2):
        cache = loadcache.LoadCache.open(tmp_path / f"cache-{processes}" / loadcache.FILE_NAME)
        records, problems = load.load(content, content.parent, cache, fingerprints=True, processes=processes)
        loads.append((records, [str(p) for p in problems], cache))
    (one, one_problems, one_cache), (two, two_problems, two_cache) = loads
    assert sum(len(keys) for keys, _ in two_cache.pickled) == one.files  # all of them loaded ahead
    assert two == one and two_problems == one_problems
    assert any("bad.yaml" in p for p in two_problems) and any("website" in p for p in two_problems)
    written = [loadcache.LoadCache.open(cache.path).entries for cache in (one_cache, two_cache)]
    assert written[0] == written[1] and len(written[1]) == one.files
    assert load_with_cache(content, two_cache.path)[2].fresh == {}  # the next load reads them all


def test_a_check_loads_in_several_processes_and_writes_no_cache(tmp_path, monkeypatch):
    """A check has no cache file: its files are loaded ahead all the same, into a cache that
    lives in memory, and the records and problems are a one-process load's."""
    monkeypatch.setattr(load, "LOAD_AHEAD_FROM", 1)
    monkeypatch.setattr(load, "FILES_PER_JOB", 7)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "people" / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    shares = []
    real_share_out = parallel.share_out

    def counted(jobs, processes, summary):
        shares.append((len(jobs), processes))
        return real_share_out(jobs, processes, summary)
    monkeypatch.setattr(parallel, "share_out", counted)
    records, problems = load.load(content, content.parent, processes=2)
    assert shares and shares[0][1] == 2
    one = load_plainly(content)
    assert (records, [str(p) for p in problems]) == one
    assert any("bad.yaml" in p for p in one[1])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content"]


def test_a_build_after_another_does_not_look_for_files_to_load_ahead(tmp_path, monkeypatch):
    """Its cache has the files: a second walk and a stat per file would only slow an edit down."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache_file = tmp_path / ".cache" / loadcache.FILE_NAME
    load_with_cache(content, cache_file)
    (content / "people" / "alex-roy.yaml").write_text("name: Alexandre Roy\n", encoding="utf-8")

    def refused(*args):
        raise AssertionError("loaded ahead")
    monkeypatch.setattr(load, "load_ahead", refused)
    records, _ = load.load(content, content.parent, loadcache.LoadCache.open(cache_file), processes=2)
    assert records.people["alex-roy"].name == "Alexandre Roy"


def test_files_a_failed_process_did_not_send_back_are_loaded_all_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "LOAD_AHEAD_FROM", 1)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)

    def first_job_then_failure(jobs, processes, summary):
        jobs[0]()
        raise parallel.WorkerFailed("a build process stopped without finishing (signal 9)")
    monkeypatch.setattr(parallel, "share_out", first_job_then_failure)
    cache = loadcache.LoadCache.open(tmp_path / ".cache" / loadcache.FILE_NAME)
    records, problems = load.load(content, content.parent, cache, processes=2)
    assert 0 < sum(len(keys) for keys, _ in cache.pickled) < records.files
    assert (records, [str(p) for p in problems]) == load_plainly(content)


def test_a_file_with_errors_keeps_its_errors_when_cached(hub):
    hub.write("people/bad.yaml", "name: [unclosed\n")
    hub.write("actors/x.yaml", "name: X\nkind: entreprise\nwebsite: pas une adresse\n")
    cache_file = hub.root / ".cache" / loadcache.FILE_NAME
    _, first, _ = load_with_cache(hub.content, cache_file)
    _, second, cache = load_with_cache(hub.content, cache_file)
    assert first == second and any("bad.yaml" in p for p in second) and any("website" in p for p in second)
    assert cache.fresh == {}


def test_a_damaged_or_foreign_cache_is_read_as_no_cache(hub, monkeypatch):
    cache_file = hub.root / ".cache" / loadcache.FILE_NAME
    load_with_cache(hub.content, cache_file)
    cache_file.write_bytes(cache_file.read_bytes()[:-40])  # a write cut short
    records, problems, cache = load_with_cache(hub.content, cache_file)
    assert (records, problems) == load_plainly(hub.content)
    assert len(loadcache.LoadCache.open(cache_file).entries) == records.files  # written anew
    monkeypatch.setattr(caches, "_code", ["another version of civichub"])
    assert loadcache.LoadCache.open(cache_file).entries == {}


def test_the_cache_file_does_not_grow_with_every_edit(hub):
    cache_file = hub.root / ".cache" / loadcache.FILE_NAME
    person = hub.content / "people" / "paula-forteza.yaml"
    for number in range(12):
        person.write_text(f"name: Paula Forteza\nbio: Version {number}.\n", encoding="utf-8")
        os.utime(person, ns=(number * 10**9, number * 10**9))  # a new modification time each time
        records, _, _ = load_with_cache(hub.content, cache_file)
        assert records.people["paula-forteza"].bio == f"Version {number}."
    assert len(loadcache.LoadCache.open(cache_file).entries) <= 2 * records.files


def test_a_file_written_anew_keeps_whole_chunks_and_pickles_the_rest_again(tmp_path):
    """Entries loaded ahead are pickled a hundred to a chunk; when the file is written anew
    without some of them (stale), a chunk they were in is pickled again for the others."""
    from civichub.fingerprint import Fingerprint
    cache = loadcache.LoadCache(tmp_path / loadcache.FILE_NAME)
    entries = {(f"content/people/p{n}.yaml", n, n, n, 1): loadcache.Loaded((), [], Fingerprint(str(n), {}))
               for n in range(5)}
    keys = list(entries)
    first, second = {k: entries[k] for k in keys[:3]}, {k: entries[k] for k in keys[3:]}
    for chunk in (first, second):
        cache.add(chunk, loadcache.LoadCache.pickled_chunk(chunk))
    live = {k: entries[k] for k in keys if k != keys[1]}
    assert next(cache.chunks(live)) == cache.pickled[1][1]  # the whole chunk, as it was pickled
    cache.write_all(live)
    assert loadcache.LoadCache.open(cache.path).entries == live


def test_names_found_in_texts_are_kept_while_the_names_stay_the_same(tmp_path, monkeypatch):
    from civichub import mentions
    from civichub.pipeline import build_hub, load_and_check
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = {"PATH": str(content), "CIVICHUB_CACHE_PATH": ".cache"}
    made = []
    original = mentions.Matcher.__init__

    def counting(self, names):
        made.append(len(names))
        original(self, names)
    monkeypatch.setattr(mentions.Matcher, "__init__", counting)

    def detected(hub):
        return {slug: [(m.roundup.slug, m.link.path) for m in found if m.detected]
                for slug, found in hub.actor_mentions.items()}
    first = build_hub(load_and_check(content, settings), settings, cached=True)
    second = build_hub(load_and_check(content, settings), settings, cached=True)
    uncached = build_hub(load_and_check(content, settings), settings)
    assert detected(first) == detected(second) == detected(uncached) and any(detected(first).values())
    assert len(made) == 2  # the first build and the uncached one: the second found everything kept
    actor = content / "actors" / "cap-collectif.yaml"
    actor.write_text(actor.read_text(encoding="utf-8").replace("name: Cap Collectif", "name: Cap Collectif SAS"),
                     encoding="utf-8")
    build_hub(load_and_check(content, settings), settings, cached=True)
    assert len(made) == 3  # another name: everything is looked for again


def test_messages_about_cached_records_point_at_the_same_place(hub):
    """The checker's messages name file:line:col from positions read back from the cache."""
    from civichub.pipeline import load_and_check
    hub.write("people/x.yaml", "name: X Y\nbio: Bio.\naffiliations:\n- cap-colectif\n")
    hub.write("events/journee/sessions/late.yaml",
              "title: Tard\nformat: table-ronde\nroom: nulle-part\nstart: '18:00'\nend: '17:00'\n")
    settings = {"PATH": str(hub.content), "CIVICHUB_CACHE_PATH": ".cache", "CIVICHUB_FORMATS": {}}
    plain = [str(p) for p in load_and_check(hub.content, settings, hub.root).problems]
    load_and_check(hub.content, settings, hub.root, cached=True)
    cached = [str(p) for p in load_and_check(hub.content, settings, hub.root, cached=True).problems]
    assert cached == plain
    assert any(p.startswith("content/people/x.yaml:4:3: error: affiliations[0]") for p in cached), cached
    assert any("late.yaml:" in p for p in cached)


def test_a_cache_read_ahead_is_handed_over_while_its_file_stays_the_same(tmp_path):
    """civichub serve reads the caches between builds and forks each build: a build takes what
    was read ahead only if the file is still the one read."""
    path = tmp_path / "cache.pickle"
    caches.write_pickle(path, ["first"])
    try:
        caches.read_ahead(path, caches.load_pickle)
        ahead = caches.read_cache(path, caches.load_pickle)
        assert ahead == ["first"] and caches.read_cache(path, caches.load_pickle) is ahead
        caches.write_pickle(path, ["second"])  # replaced, as every cache file is
        assert caches.read_cache(path, caches.load_pickle) == ["second"]
        caches.read_ahead(path, loadcache.LoadCache.open)  # a stream of pickles, appended to
        with open(path, "ab") as handle:
            handle.write(b"more")
        assert caches.read_cache(path, Path.read_bytes).endswith(b"more")  # read again
        path.unlink()
        caches.read_ahead(path, caches.load_pickle)  # nothing to read: nothing kept
        assert path not in caches._read_ahead
    finally:
        caches._read_ahead.clear()
