"""Building real content and reading the output back, parsed."""
from __future__ import annotations

import gc
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from civichub.build import build
from civichub.hub import Hub
from civichub.pipeline import BuildFailed

from conftest import copy_of_sample

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_minimal_hub_builds_every_page_kind(hub):
    output = hub.build()
    for page in ("index.html", "404.html", "evenements/index.html", "evenements/journee/index.html",
                 "evenements/journee/ouverture/index.html", "personnes/index.html",
                 "personnes/loic-blondiaux/index.html", "acteurs/cap-collectif/index.html",
                 "liens/index.html"):
        assert (output / page).is_file(), page
    session = html(output / "evenements/journee/ouverture/index.html")
    assert session.h1.get_text() == "Ouvrir les institutions"
    speaker = session.find("a", string="Loïc Blondiaux")
    assert speaker["href"] == "../../../personnes/loic-blondiaux/"


def test_sitemap_lists_every_html_page(hub):
    output = hub.build()
    tree = ElementTree.parse(output / "sitemap.xml")
    listed = {loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)}
    pages = {"/" + p.relative_to(output).as_posix().removesuffix("index.html")
             for p in output.rglob("*.html") if p.name != "404.html"}
    assert listed == pages


def test_failed_build_leaves_previous_output_intact(hub):
    output = hub.build()
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    hub.write("people/broken.yaml", "name: Broken\naffiliations: [nobody]\n")
    with pytest.raises(BuildFailed):
        hub.build()
    after = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".output")] == [".output.lock"]


def test_each_build_reports_its_own_warnings(hub, caplog):
    """Pelican's loggers print a message once per process; a server builds many times in one."""
    hub.write("people/sans-bio.yaml", "name: Sans Bio\nphoto: sans-bio.jpg\n")  # a photo without photo_alt
    warnings = []
    for _ in range(2):
        caplog.clear()
        hub.build()
        warnings.append([r.getMessage() for r in caplog.records if "sans-bio.yaml" in r.getMessage()])
    assert warnings[0] and warnings[1] == warnings[0]


def test_text_is_escaped(hub):
    hub.write("actors/evil.yaml", 'name: "<script>alert(1)</script>"\nkind: autre\n')
    output = hub.build()
    page = (output / "acteurs/evil/index.html").read_text()
    assert "<script>alert" not in page
    assert html(output / "acteurs/evil/index.html").h1.get_text() == "<script>alert(1)</script>"


def test_a_post_pelican_cannot_read_fails_the_build(hub):
    output = hub.build()
    hub.write("posts/untitled.md", "Date: 2016-12-17\n\nNo title here.\n")
    with pytest.raises(BuildFailed):
        hub.build()
    assert (output / "index.html").is_file()


@pytest.mark.parametrize("today, section", [("1551398400", "À venir"),  # 2019-03-01
                                            ("1577836800", "Éditions passées")])  # 2020-01-01
def test_events_index_splits_upcoming_and_past(hub, monkeypatch, today, section):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", today)
    hub.write("events/undated/event.yaml", "title: Atelier sans date\ntimezone: Europe/Paris\n")
    soup = html(hub.build() / "evenements/index.html")
    sections = {s.h2.get_text(): [a.get_text() for a in s.select("h3 a")] for s in soup.select("main section")}
    assert sections[section] == ["Journée"]
    assert sections["Date non communiquée"] == ["Atelier sans date"]


def test_builds_in_one_process_do_not_keep_the_earlier_ones(tmp_path):
    """Pelican keeps the text it renders of each post for the life of the process, and each post
    its build's settings, which hold the hub: a build lets go of it (build.forget_rendered_content),
    so that a process building again and again (the tests, a program) does not keep every build."""
    root = copy_of_sample(tmp_path / "hub")
    # in one process: the caches of a build's values (MadeOnce) then all hold the last build's
    # hub, where a forked job would have left this process's holding an earlier one
    one_process = {"CIVICHUB_JOBS": 1}

    def hubs_alive() -> int:
        gc.collect()
        return sum(isinstance(found, Hub) for found in gc.get_objects())
    for _ in range(2):
        build(root / "pelicanconf.py", root / "output", one_process, full=True)
    alive = hubs_alive()
    for _ in range(4):
        build(root / "pelicanconf.py", root / "output", one_process, full=True)
    # one more at most; kept by Pelican, all four would be
    assert hubs_alive() <= alive + 1
