"""Search: the Pagefind index of the built site (civichub.search.index_site), the kind of each page,
the anchors of roundup links, and the search page."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import threading
import sys
from pathlib import Path

import lxml.html
import pytest

from civichub import generator, pagefindfetch, search
from civichub.build import build
from civichub.pages import search as search_pages

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("pagefind", reason='pip install "pagefind[extended]"')

KINDS = {"session", "person", "actor", "link", "post", "event", "page"}


def build_with_search_page(output: Path) -> Path:
    """The sample site, its search page included."""
    assert search_pages.pages in generator.PAGE_SETS
    return build(ROOT / "pelicanconf.py", output)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> tuple[Path, dict]:
    site = build_with_search_page(tmp_path_factory.mktemp("search") / "output")
    return site, search.index_site(site)


def html_pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def kind_of(html: str) -> str:
    return re.search(r'<main[^>]* data-pagefind-filter="type:(\w+)"', html)[1]


def test_index_files_and_page_count(sample_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    stats = search.index_site(site)
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-entry.json", "wasm.fr.pagefind"):
        assert (bundle / name).is_file(), name
    assert list((bundle / "index").glob("fr_*.pf_index")) and list((bundle / "filter").glob("fr_*.pf_filter"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["fr"]  # one French index: French stemming
    # every page with data-pagefind-body but the 404 page (and the search page, when built)
    bodies = [rel for rel, html in html_pages(site).items()
              if "data-pagefind-body" in html and rel not in ("404.html", "recherche/index.html")]
    assert stats["pages"] == entry["languages"]["fr"]["page_count"] == len(bodies) > 400
    assert stats["language"] == "fr" and stats["seconds"] < 30 and stats["bytes"] < 2_000_000
    assert len(list((bundle / "fragment").iterdir())) == len(bodies)  # one fragment per result page
    assert not (bundle / "pagefind-ui.js").exists()  # the ready-made interfaces are not published


def test_every_page_has_one_kind(indexed):
    site, _ = indexed
    pages = html_pages(site)
    assert all(html.count("data-pagefind-body") == 1 for html in pages.values())
    kinds = {rel: kind_of(html) for rel, html in pages.items()}
    assert set(kinds.values()) == KINDS
    assert kinds["personnes/loic-blondiaux/index.html"] == "person"
    assert kinds["acteurs/cap-collectif/index.html"] == "actor"
    assert kinds["liens/27/index.html"] == "link"
    assert kinds["evenements/journee-civic-tech-2019/ouvrir-les-institutions-grand-debat/index.html"] == "session"
    assert kinds["evenements/journee-civic-tech-2019/index.html"] == "event"
    assert kinds["evenements/journee-civic-tech-2019/programme/index.html"] == "event"
    assert kinds["personnes/index.html"] == kinds["liens/index.html"] == kinds["index.html"] == "page"
    posts = [rel for rel, kind in kinds.items() if kind == "post"]
    assert posts and all(rel.startswith("blog/") for rel in posts)
    sessions = [rel for rel, kind in kinds.items() if kind == "session"]
    assert len(sessions) > 20 and all(re.fullmatch(r"evenements/[^/]+/[^/]+/index\.html", rel) for rel in sessions)


LISTINGS = ("personnes/index.html", "acteurs/index.html", "acteurs/categorie/transparence/index.html",
            "liens/index.html", "liens/2016/index.html", "liens/tags/index.html", "liens/tags/civic-tech/index.html",
            "liens/sources/index.html", "liens/sources/20-minutes/index.html", "blog/index.html",
            "blog/archives/index.html", "blog/tags/index.html")


def searchable_links(html: str) -> list[str]:
    """The links of <main> Pagefind indexes: outside the breadcrumb and any data-pagefind-ignore."""
    main = lxml.html.fromstring(html).find(".//main")
    return [a.get("href") for a in main.iter("a")
            if not any(e.get("data-pagefind-ignore") is not None or "breadcrumb" in (e.get("class") or "")
                       for e in a.iterancestors())]


def test_listing_pages_are_found_by_their_title_not_their_lists(indexed):
    """A list of people, links or posts repeats pages indexed on their own: indexed too, it would
    put the listings first for any name in them, and make Pagefind read a fifth more text."""
    site, _ = indexed
    pages = html_pages(site)
    for listing in LISTINGS:
        main = lxml.html.fromstring(pages[listing]).find(".//main")
        assert main.find(".//h1").text_content().strip(), listing  # the title stays searchable
        assert len(searchable_links(pages[listing])) <= 4, (listing, searchable_links(pages[listing]))
    # a roundup's links are its own text, with an anchor each
    assert "data-pagefind-ignore" not in pages["liens/27/index.html"]
    assert len(searchable_links(pages["liens/27/index.html"])) > 3


def index_texts(site: Path) -> dict[str, str]:
    """What the index holds of each page, by URL: the text of Pagefind's fragment files."""
    found = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment["content"]
    return found


def test_a_page_is_found_by_its_own_text_not_by_the_pages_it_lists(indexed):
    """A person's sessions, an actor's people and sessions, an event's programme, the links that
    mention someone: each is a page indexed on its own. Indexed on the pages that list them too,
    a session's title would find its speakers, their organisations, the event, its programme and
    its room beside the session (and Pagefind would read a third more text)."""
    site, _ = indexed
    texts = {url: " ".join(text.split()) for url, text in index_texts(site).items()}
    person = texts["/personnes/loic-blondiaux/"]
    assert person.startswith("LB Loïc Blondiaux") and "Université Paris 1" in person  # name, bio
    assert "Interventions" not in person and "Dans les revues de liens" not in person
    page = lxml.html.fromstring((site / "personnes/loic-blondiaux/index.html").read_text(encoding="utf-8"))
    listed = page.xpath('//section[@aria-labelledby="h-interventions"]//a[contains(@href, "evenements/")]')
    sessions = [a for a in listed if a.get("href").strip("./").count("/") == 2]
    assert sessions
    for link in sessions:  # found on its own page
        url = "/" + os.path.normpath(os.path.join("personnes/loic-blondiaux", link.get("href"))) + "/"
        assert " ".join(link.text_content().split()) in texts[url], url
    actor = texts["/acteurs/cap-collectif/"]
    assert actor.startswith("Cap Collectif") and "Personnes" not in actor and "Sessions" not in actor
    event, programme = texts["/evenements/journee-civic-tech-2019/"], texts["/evenements/journee-civic-tech-2019/programme/"]
    assert "Loïc Blondiaux" not in event and "Loïc Blondiaux" not in programme  # a speaker, in the lists
    assert "Journée de la civic tech" in event and programme.startswith("Programme")


def test_roundup_links_get_anchors(indexed):
    site, stats = indexed
    page = (site / "liens/27/index.html").read_text(encoding="utf-8")
    links = page.count('<li class="link"')
    assert links > 5
    assert [int(n) for n in re.findall(r'<h3 id="lien-(\d+)"', page)] == list(range(1, links + 1))
    assert re.search(r'<h3 id="lien-1">Primaire à droite\s:\scomment les candidats', page)  # \s: typography
    # archive pages of links (by source, by tag) are left alone: their results point to roundups
    assert 'id="lien-' not in (site / "liens/sources/france-inter/index.html").read_text(encoding="utf-8")


def test_indexing_again_changes_no_page(indexed):
    site, _ = indexed
    before = {rel: html for rel, html in html_pages(site).items()}
    stats = search.index_site(site)
    assert html_pages(site) == before
    assert stats["pages"] == indexed[1]["pages"]


def test_search_page(indexed):
    site, _ = indexed
    page = (site / "recherche/index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert re.search(r'<label for="recherche-terme">Rechercher</label>\s*<input type="search" id="recherche-terme"', page)
    assert 'role="status"' in page and "<noscript>" in page
    noscript = page.split("<noscript>")[1].split("</noscript>")[0]
    for index in ("../personnes/", "../acteurs/", "../liens/"):
        assert f'href="{index}"' in noscript
    for value in KINDS:
        assert f'name="type" value="{value}"' in page
    assert 'src="../theme/js/search.js"' in page and (site / "theme/js/search.js").is_file()
    assert (site / "theme/css/search.css").is_file()
    # every page links to it
    assert all(re.search(r'href="[./]*/recherche/">Recherche</a>', html) for html in html_pages(site).values())


def test_search_page_can_be_turned_off():
    urls = generator.Urls.from_settings({})
    assert [p.url for p in search_pages.pages(None, urls, {})] == ["recherche/"]
    assert list(search_pages.pages(None, urls, {"CIVICHUB_SEARCH": False})) == []


def test_missing_pagefind_is_one_clear_line(tmp_path, monkeypatch):
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        monkeypatch.setitem(sys.modules, package, None)  # import fails as if not installed
    monkeypatch.setattr(pagefindfetch, "installed", lambda: None)  # nor fetched from npm
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(search.SearchUnavailable) as raised:
        search.index_site(tmp_path)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("search: ") and 'pip install "pagefind[extended]"' in message


def test_pagefind_is_found_where_its_package_looks(monkeypatch, tmp_path):
    """Unless a newer binary was fetched from npm (test_pagefindfetch.py), the binary search.py
    runs is the one Pagefind's own Python service would run."""
    from pagefind.service import get_executable
    monkeypatch.setattr(pagefindfetch, "installed", lambda: None)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert search.pagefind_executable() == str(get_executable())
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "pagefind"))
    assert search.pagefind_executable() == str(get_executable()) == str(tmp_path / "pagefind")


def test_runs_inside_an_event_loop(sample_site, tmp_path):
    """The dev server or a caller with a running event loop can index too."""
    import asyncio
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)

    async def inside():
        return search.index_site(site)

    # in a thread of its own: Playwright's session-wide browser keeps a loop in the main thread
    result = {}
    thread = threading.Thread(target=lambda: result.update(asyncio.run(inside())))
    thread.start()
    thread.join(120)
    assert result["pages"] > 400


def test_indexing_leaves_every_page_as_it_is(sample_site, tmp_path):
    """The build's staging folder holds hard links to the live site: indexing touches no page
    (the theme gives the links their anchors, Pagefind only reads)."""
    site = tmp_path / "site"
    shutil.copytree(sample_site, site, copy_function=os.link)
    before = {path: (path.stat().st_ino, path.read_bytes()) for path in site.rglob("*.html")}
    search.index_site(site)
    assert {path: (path.stat().st_ino, path.read_bytes()) for path in site.rglob("*.html")} == before
    assert b'id="lien-1"' in (site / "liens/27/index.html").read_bytes()
    assert not list(site.rglob("*.tmp"))


def test_a_failing_pagefind_is_one_clear_line(sample_site, tmp_path, monkeypatch):
    """What Pagefind printed last before it failed, on one line, and no index left behind."""
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Indexing...'\necho 'Error: no space left on device' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    with pytest.raises(search.SearchUnavailable) as raised:
        search.index_site(site)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("search: pagefind could not index ")
    assert message.endswith("Error: no space left on device")
    assert not (site / "pagefind").exists()
