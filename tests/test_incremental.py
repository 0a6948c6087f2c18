"""Incremental builds: after any edit, the site a build leaves is byte for byte the site a full
build of the same content makes, and an edit of free text rewrites only the pages that show it."""
from __future__ import annotations

import functools
import gc
import logging
import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from civichub import caches, fingerprint, generator, hubcache, incremental, loadcache, serve
from civichub.build import build, build_site
from civichub.exports import opendata
from civichub.model import Person, Source, prose_reads
from civichub.writer import PelicanPages
from civichub.pages import directory, roundups
from civichub.problems import Pos
from pelican.writers import Writer

from conftest import copy_of_sample

SKIP = ("pagefind",)  # the search index: Pagefind's own files, rebuilt when a page changes


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of a site: (inode, bytes)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative.split("/")[0] not in SKIP:
            found[relative] = (path.stat().st_ino, path.read_bytes())
    return found


def rewritten(before: dict, after: dict) -> set[str]:
    """Files created, deleted or given a new inode (written again) between two builds."""
    return {name for name in before.keys() | after.keys()
            if name not in before or name not in after or before[name][0] != after[name][0]}


def differences(one: dict, other: dict) -> list[str]:
    return sorted(name for name in one.keys() | other.keys()
                  if name not in one or name not in other or one[name][1] != other[name][1])


@pytest.fixture
def hub(tmp_path) -> Path:
    """The sample hub in a folder of its own, built once (a full build, which leaves a record).
    Built where each test uses it: a record holds for its output folder where it was made (a
    copy elsewhere names other files and settings, and its first build is a full one)."""
    root = copy_of_sample(tmp_path / "hub")
    build(root / "pelicanconf.py", root / "output")
    return root


@pytest.fixture
def made_lines(caplog) -> pytest.LogCaptureFixture:
    """What each build says it made: 'made N of M ... (full build)' or '(free text changed ...)'."""
    caplog.set_level(logging.DEBUG, logger="civichub")
    return caplog


def last_made(caplog) -> str:
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("civichub: made ")]
    assert lines, "no build said what it made"
    return lines[-1]


def saved_record(root: Path, output: str = "output") -> incremental.BuildRecord:
    """The record the last build of root/output left, as the next build reads it."""
    saved = incremental.read_record(root / ".cache" / incremental.RECORD_NAME, (root / output).resolve())
    assert saved is not None
    return saved.record


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / "content" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rebuild_and_compare(root: Path, caplog=None, incremental: bool | None = None) -> tuple[set[str], dict]:
    """Build incrementally, then fully into another folder: the two sites must be the same.
    Returns the files the incremental build wrote, and its site. With caplog, checks that the
    build made only part of the units (incremental true) or all of them (false)."""
    before = tree(root / "output")
    build(root / "pelicanconf.py", root / "output")
    if incremental is not None:
        assert ("free text changed" in last_made(caplog)) is incremental, last_made(caplog)
    after = tree(root / "output")
    build(root / "pelicanconf.py", root / "full", full=True)
    assert differences(after, tree(root / "full")) == []
    return rewritten(before, after), after


FREE_TEXT_EDITS = {
    "a person's bio": ("people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL",
                       "personnes/alex-roy/index.html"),
    "an actor's description": ("actors/cap-collectif.yaml", "description: Start-up", "description: Jeune pousse",
                               "acteurs/cap-collectif/index.html"),
    "a session's description": ("events/journee-civic-tech-2019/sessions.yaml", "Table ronde de bilan",
                                "Grande table ronde de bilan", None),
    "a roundup's link excerpt": ("roundups/2016-07-18-24.md", "Portrait de jeunes start-up",
                                 "Portrait de quatre jeunes start-up", None),
    "a post's text": ("posts/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4.md", "\n\n", "\n\nUn ajout.\n\n",
                      "blog/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4/index.html"),
    "a page's text": ("pages/a-propos.md", "Ce site est un hub d'exemple", "Ce site est un hub de démonstration",
                      "a-propos/index.html"),
}


@pytest.mark.parametrize("name", FREE_TEXT_EDITS)
def test_a_free_text_edit_rewrites_only_what_shows_it(hub, name, made_lines):
    relative, old, new, page = FREE_TEXT_EDITS[name]
    edit(hub, relative, old, new)
    written, site = rebuild_and_compare(hub, made_lines, incremental=True)
    pages = {p for p in written if p.endswith(".html")}
    assert pages, "the edited text shows on no page"
    assert page is None or page in pages
    all_pages = [p for p in site if p.endswith(".html")]
    assert len(pages) < len(all_pages) / 4, f"{len(pages)} of {len(all_pages)} pages rewritten"


def test_a_table_makes_again_only_the_rows_whose_text_changed(hub, monkeypatch):
    """After a bio edit the people table is made again (the full build compares its bytes, above)
    from the previous build's rows but the edited person's (exports.opendata.KeptRows)."""
    relative, old, new, _ = FREE_TEXT_EDITS["a person's bio"]
    edit(hub, relative, old, new)
    records, row = opendata.KEYED["people"]
    made = []
    monkeypatch.setitem(opendata.KEYED, "people", (records, lambda person, *rest: made.append(person.slug)
                                                   or row(person, *rest)))
    build(hub / "pelicanconf.py", hub / "output")  # (a few units: made in this process)
    assert made == ["alex-roy"]
    assert "Représentant régional de la DREAL" in (hub / "output" / "data" / "people.csv").read_text(encoding="utf-8")
    # the rows taken again count as read: another person's edit makes the table again
    edit(hub, "people/alessandra-orofino.yaml", "avec Miguel Lago", "avec Miguel Lago (2011)")
    made.clear()
    build(hub / "pelicanconf.py", hub / "output")
    assert made == ["alessandra-orofino"]
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert differences(tree(hub / "output"), tree(hub / "full")) == []


def test_a_table_appends_the_rows_it_made_again_to_its_file(hub):
    """The rows a build makes again are added at the end of the table's file, not written with
    all the others; a file cut short is written anew, and the tables stay those of a full build."""
    path = hub / ".cache" / "opendata-people.pickle"
    first = path.stat().st_size
    relative, old, new, _ = FREE_TEXT_EDITS["a person's bio"]
    edit(hub, relative, old, new)
    build(hub / "pelicanconf.py", hub / "output")
    records, sound = caches.read_journal(path)
    assert sound and len(records) == 2
    token, rows = records[1]
    assert token == records[0][0] and len(rows) == 1
    assert path.stat().st_size - first < first / 10
    with open(path, "r+b") as handle:  # a write that failed halfway
        handle.truncate(path.stat().st_size - 10)
    edit(hub, "people/alessandra-orofino.yaml", "avec Miguel Lago", "avec Miguel Lago (2011)")
    build(hub / "pelicanconf.py", hub / "output")
    records, sound = caches.read_journal(path)
    assert sound and len(records) == 1 and len(records[0][1]) > 1
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert differences(tree(hub / "output"), tree(hub / "full")) == []


def record_entries(root: Path) -> list[tuple]:
    entries, sound = caches.read_journal(root / ".cache" / incremental.RECORD_NAME)
    assert sound
    return entries


def kept_prose(root: Path) -> list[str]:
    return list(saved_record(root).inputs.prose)


def test_a_rebuild_appends_what_it_changed_to_the_record(hub, made_lines):
    """After an edit, the build record's file gains what the build changed of it (the bio's new
    digest), not the whole record again; read back, it is the record a full build leaves."""
    assert [entry[0] for entry in record_entries(hub)] == ["whole"]
    first = (hub / ".cache" / incremental.RECORD_NAME).stat().st_size
    relative, old, new, _ = FREE_TEXT_EDITS["a person's bio"]
    edit(hub, relative, old, new)
    build(hub / "pelicanconf.py", hub / "output")
    assert "free text changed" in last_made(made_lines)
    entries = record_entries(hub)
    assert [entry[0] for entry in entries] == ["whole", "void", "change"]
    change = entries[-1][-1]
    # the bio's new digest; the pages made again read and wrote what they did before
    assert list(change.prose) == [name for name in kept_prose(hub) if name.endswith(relative)]
    assert change.made == {} and change.sets == {}
    assert (hub / ".cache" / incremental.RECORD_NAME).stat().st_size - first < first / 50
    assert entries[-1][1] == entries[0][1]  # the change names the record it changes
    kept = saved_record(hub)
    build(hub / "pelicanconf.py", hub / "full", full=True)
    full = saved_record(hub, "full")
    assert (kept.inputs, kept.made, kept.sets) == (full.inputs, full.made, full.sets)


def test_a_record_cut_short_or_changed_too_often_is_written_whole(hub, made_lines, monkeypatch):
    """A change cut short (a write that failed halfway) leaves the next build a full one, which
    writes the record whole; so does a record changed WHOLE_AFTER times since it was last."""
    path = hub / ".cache" / incremental.RECORD_NAME
    edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
    build(hub / "pelicanconf.py", hub / "output")
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size - 10)
    edit(hub, "people/alessandra-orofino.yaml", "avec Miguel Lago", "avec Miguel Lago (2011)")
    build(hub / "pelicanconf.py", hub / "output")
    assert "full build" in last_made(made_lines)
    assert [entry[0] for entry in record_entries(hub)] == ["whole"]
    monkeypatch.setattr(incremental, "WHOLE_AFTER", (4, 2))
    for number in (1, 2):
        edit(hub, "people/alex-roy.yaml", "Représentant régional", f"Représentant régional {number}")
        build(hub / "pelicanconf.py", hub / "output")
        assert "free text changed" in last_made(made_lines)
    assert [entry[0] for entry in record_entries(hub)] == ["whole"]
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert differences(tree(hub / "output"), tree(hub / "full")) == []


def test_a_change_to_another_record_is_not_applied():
    """Two outputs built with one cache: a change appended for a record that is no longer the
    last one written leaves no record, rather than a mix of two."""
    record = incremental.BuildRecord(incremental.Inputs("env", "structure", {"a.yaml": "1"}))
    change = incremental.RecordChange("env", "structure", {"a.yaml": "2"}, (), {}, (), {}, ())
    whole = ("whole", "t1", "/site", (1, 2, 3), record)
    assert incremental.replayed([whole, ("change", "t1", "t2", "/site", (1, 2, 4), change)])[0].record.inputs.prose \
        == {"a.yaml": "2"}
    assert record.inputs.prose == {"a.yaml": "1"}  # what was read stays as it was
    other = ("whole", "t3", "/other", (5, 6, 7), record)
    assert incremental.replayed([whole, other, ("change", "t1", "t2", "/site", (1, 2, 4), change)])[0] is None
    assert incremental.replayed([whole, ("void",)])[1] == (None, None)


def test_a_roundup_intro_is_not_its_links(hub, made_lines, monkeypatch):
    """A roundup's intro and each of its links are noted apart: editing the intro makes again
    the roundup's page, not the pages that show only its links (a source's page)."""
    made = saved_record(hub).made
    roundup = [name for name in made["liens/24/index.html"].reads if "2016-07-18-24.md" in name]
    source = [name for name in made["liens/sources/le-monde/index.html"].reads if "2016-07-18-24.md" in name]
    assert any(name.endswith("2016-07-18-24.md") for name in roundup)  # its intro
    assert source and all("#links[" in name for name in source)  # its links only
    listed = count_listings(monkeypatch, {roundups.pages: "roundups", roundups.label_pages: "labels"})
    edit(hub, "roundups/2016-07-18-24.md", "La revue de liens du dimanche a pris du retard",
         "La revue de liens du dimanche a pris un peu de retard")
    written, _ = rebuild_and_compare(hub, made_lines, incremental=True)
    assert "liens/24/index.html" in written
    assert sorted(listed) == ["labels", "roundups", "roundups"]  # the sources and tags: by the full build only


STRUCTURE_EDITS = {
    "a person's name": ("people/alex-roy.yaml", "name: Alex Roy", "name: Alexandre Roy"),
    "a new affiliation": ("people/alex-roy.yaml", "- dreal-bourgogne-franche-comte",
                          "- dreal-bourgogne-franche-comte\n- cap-collectif"),
    "a session's time": ("events/journee-civic-tech-2019/sessions.yaml", 'start: "10:30"', 'start: "10:35"'),
    "a link title that now names an actor": ("roundups/2016-07-18-24.md", "des applis pour doper la démocratie",
                                             "des applis comme Cap Collectif pour doper la démocratie"),
    "a post's title": ("posts/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4.md", "Title: Et si",
                       "Title: Et si, vraiment,"),
    "a page's title": ("pages/a-propos.md", "Title: À propos", "Title: À propos du hub"),
}


@pytest.mark.parametrize("name", STRUCTURE_EDITS)
def test_any_other_edit_gives_the_site_a_full_build_gives(hub, name, made_lines):
    relative, old, new = STRUCTURE_EDITS[name]
    edit(hub, relative, old, new)
    written, _ = rebuild_and_compare(hub, made_lines, incremental=False)
    assert written


def test_a_removed_person_and_a_changed_template_are_seen(hub, made_lines):
    (hub / "content" / "people" / "alex-roy.yaml").unlink()
    edit_session = hub / "content" / "events" / "journee-civic-tech-2019" / "sessions.yaml"
    edit_session.write_text(edit_session.read_text(encoding="utf-8").replace("- alex-roy\n", ""), encoding="utf-8")
    template = hub / "theme" / "templates" / "base.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</footer>", "<p>Nouveau pied</p></footer>"),
                        encoding="utf-8")
    written, site = rebuild_and_compare(hub, made_lines, incremental=False)
    assert "personnes/alex-roy/index.html" not in site
    assert b"Nouveau pied" in site["index.html"][1]


def test_nothing_changed_nothing_written(hub):
    before = tree(hub / "output")
    build(hub / "pelicanconf.py", hub / "output")
    assert {p for p in rewritten(before, tree(hub / "output")) if p.endswith((".html", ".ics", ".json"))} == set()


def test_each_of_pelicans_pages_is_a_unit(hub, monkeypatch, made_lines):
    """Posts, their tags and archives, and pages are written by Pelican's generators, each a unit
    of the record: after an edit of a post's text, only the pages that read it are rendered."""
    made = saved_record(hub).made
    pelican = {key: unit for key, unit in made.items() if key.startswith(PelicanPages.PREFIX)}
    outputs = {name for unit in pelican.values() for name in unit.outputs}
    assert "blog/index.html" in outputs and any(name.startswith("blog/tags/") for name in outputs)
    assert not any(name.startswith("personnes/") for name in outputs)
    post = "et-si-la-civic-tech-etait-vouee-a-l-echec-1-4"
    readers = {key for key, unit in pelican.items() if any(read.endswith(f"{post}.md") for read in unit.reads)}
    assert f"{PelicanPages.PREFIX}blog/{post}/index.html" in readers
    assert f"{PelicanPages.PREFIX}blog/index.html" in readers  # its summary
    assert len(readers) < len(pelican) / 2

    rendered = []
    original = Writer.write_file
    monkeypatch.setattr(Writer, "write_file", lambda self, name, *args, **kwargs:
                        rendered.append(name) or original(self, name, *args, **kwargs))
    edit(hub, f"posts/{post}.md", "\n\n", "\n\nUn ajout.\n\n")
    build(hub / "pelicanconf.py", hub / "output")
    assert "free text changed" in last_made(made_lines)
    assert {PelicanPages.PREFIX + os.path.normpath(name) for name in rendered if name} == readers
    rendered.clear()
    edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
    written, _ = rebuild_and_compare(hub, made_lines, incremental=True)
    assert written.isdisjoint(outputs)
    assert rendered.count("blog/index.html") == 1  # by the full build of rebuild_and_compare only
    (hub / "content" / "posts" / "nouveau.md").write_text("Title: Nouveau\nDate: 2030-01-01\n\nUn billet.\n",
                                                          encoding="utf-8")
    written, site = rebuild_and_compare(hub, made_lines, incremental=False)  # a new file
    assert {"blog/nouveau/index.html", "blog/index.html"} <= written


def count_listings(monkeypatch, sets: dict) -> list[str]:
    """The names of sets (page set -> name), appended to the list returned each time one is listed."""
    listed = []

    def counted(pages, name):
        @functools.wraps(pages)  # (the set keeps its name)
        def listing(*args):
            listed.append(name)
            return pages(*args)
        return listing
    monkeypatch.setattr(generator, "PAGE_SETS", tuple(counted(pages, sets[pages]) if pages in sets else pages
                                                      for pages in generator.PAGE_SETS))
    return listed


def test_a_set_whose_units_all_stay_is_not_listed_again(hub, monkeypatch, made_lines):
    """Listing a page set builds every page's values: a set none of whose pages read the edited
    text is taken from the record instead (the same structure lists the same pages)."""
    listed = count_listings(monkeypatch, {roundups.pages: "roundups", directory.actor_pages: "actors",
                                          directory.people_pages: "people"})
    edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
    written, _ = rebuild_and_compare(hub, made_lines, incremental=True)
    # the person's pages listed again; the actors' and the roundups' by the full build only
    assert sorted(listed) == ["actors", "people", "people", "roundups"]
    assert "personnes/alex-roy/index.html" in written
    record = saved_record(hub, "full")  # (the full build's, written last)
    assert "liens/27/index.html" in record.sets["civichub.pages.roundups.pages"]
    assert "acteurs/cap-collectif/index.html" in record.sets["civichub.pages.directory.actor_pages"]


def test_a_record_for_another_output_or_a_damaged_record_means_a_full_build(hub):
    record_file = hub / ".cache" / incremental.RECORD_NAME
    edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
    shutil.rmtree(hub / "output")
    hub.joinpath("output").mkdir()  # an empty folder where the recorded site was
    (hub / "output" / "index.html").write_text("à la main", encoding="utf-8")
    build(hub / "pelicanconf.py", hub / "output")
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert differences(tree(hub / "output"), tree(hub / "full")) == []
    record_file.write_bytes(b"not a pickle")
    build(hub / "pelicanconf.py", hub / "output")
    assert differences(tree(hub / "output"), tree(hub / "full")) == []


def test_the_record_notes_what_each_page_read(hub):
    made = saved_record(hub).made
    # (files are named as in messages: relative to the folder the build runs in)
    person = made["personnes/alex-roy/index.html"]
    assert [Path(name).parts[-3:] for name in person.reads] == [("content", "people", "alex-roy.yaml")]
    assert person.outputs == ("personnes/alex-roy/index.html",)
    # a page that lists people by name reads no bio, nor does the open-data page, which counts them
    assert not any("/people/" in name for name in made["personnes/index.html"].reads)
    assert not any("/people/" in name for name in made["donnees/index.html"].reads)
    assert any("/people/" in name for name in made["data/people.csv"].reads)


def test_reading_free_text_is_noted_and_comparing_records_is_not():
    person = Person(slug="a", name="A", src=Source("content/people/a.yaml"), bio="Bio.")
    other = Person(slug="b", name="B", src=Source("content/people/b.yaml"), bio="Bio.")
    with prose_reads() as outer:
        assert person.name == "A"
        assert person != other
        with prose_reads() as inner:
            assert person.bio == "Bio."
    assert inner == {"content/people/a.yaml"} and outer == inner
    assert person.bio == "Bio."  # and outside a recording, nothing is noted anywhere


def test_the_structure_ignores_positions_and_free_text():
    def person(line: int, bio: str) -> Person:
        return Person(slug="a", name="A", src=Source("content/people/a.yaml", {"bio": Pos("x", line)}), bio=bio)
    texts_one, texts_two = defaultdict(list), defaultdict(list)
    assert fingerprint.shape(person(3, "Un."), texts_one) == fingerprint.shape(person(9, "Deux."), texts_two)
    assert texts_one != texts_two
    assert os.path.basename(next(iter(texts_one))) == "a.yaml"


def test_what_the_new_site_no_longer_has_leaves_the_live_one(hub):
    """The build moves what it wrote into the live site: a removed person's page goes with its
    folder, a theme file removed from the theme goes, and the rest keeps its inode."""
    output = hub / "output"
    (hub / "content" / "people" / "alex-roy.yaml").unlink()
    sessions = hub / "content" / "events" / "journee-civic-tech-2019" / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("- alex-roy\n", ""), encoding="utf-8")
    (hub / "theme" / "static" / "css" / "search.css").unlink()
    before = tree(output)
    build(hub / "pelicanconf.py", output)
    after = tree(output)
    assert not (output / "personnes" / "alex-roy").exists()
    assert "theme/css/search.css" in before and "theme/css/search.css" not in after
    assert before["theme/css/civichub.css"][0] == after["theme/css/civichub.css"][0]
    assert not list(hub.glob(".output.new-*"))  # the build's own folder is gone


def test_the_site_is_live_before_the_build_saves_its_record(hub):
    """build_site tells went_live once the new site is in place; the previous record no longer
    holds by then (a build stopped there makes the next one full) and the new one is saved after."""
    record = hub / ".cache" / incremental.RECORD_NAME
    assert record.is_file()
    edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
    seen = []

    def went_live(built):
        page = (hub / "output/personnes/alex-roy/index.html").read_text(encoding="utf-8")
        seen.append(("Représentant régional" in page, incremental.read_record(record, built.output), built.pages))
    built = build_site(hub / "pelicanconf.py", hub / "output", went_live=went_live)
    assert seen == [(True, None, built.pages)] and saved_record(hub)


def test_a_build_forked_by_the_server_gives_the_site_a_full_build_gives(hub):
    """civichub serve reads the build's caches while it waits and forks each build: the forked
    build takes them as read, makes again only what the edit changed, and the site is the one a
    full build makes."""
    try:
        serve.warm_up(hub / "pelicanconf.py")
        assert {path.name for path in caches._read_ahead} >= {loadcache.FILE_NAME, incremental.RECORD_NAME,
                                                                hubcache.FILE_NAME}
        before = tree(hub / "output")
        edit(hub, "people/alex-roy.yaml", "Représentant de la DREAL", "Représentant régional de la DREAL")
        outcome = serve.in_child(serve.attempt, hub / "pelicanconf.py", hub / "output")
    finally:
        caches._read_ahead.clear()
        gc.unfreeze()
    assert outcome.report.startswith("rebuilt in") and not outcome.failed, outcome.report
    after = tree(hub / "output")
    assert "personnes/alex-roy/index.html" in rewritten(before, after)
    assert len(rewritten(before, after)) < len(after) / 20
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert differences(after, tree(hub / "full")) == []
