"""The English interface in a real browser: the scripts write English (their strings come from
the page), and axe-core finds no WCAG 2.1 A/AA violation on English pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from civichub import search
from conftest import build_english_sample, served

ROOT = Path(__file__).resolve().parents[2]
EVENT = "/evenements/journee-civic-tech-2019/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {"home": "/", "event": EVENT, "programme": EVENT + "programme/", "people": "/personnes/",
         "actors": "/acteurs/", "roundup": "/liens/27/", "opendata": "/donnees/", "search": "/recherche/"}


@pytest.fixture(scope="module")
def english_url(tmp_path_factory):
    """The sample hub built with CIVICHUB_LANGUAGE = "en", served on 127.0.0.1."""
    site = build_english_sample(tmp_path_factory.mktemp("english-served"))
    if not (site / "pagefind" / "pagefind.js").exists():
        try:
            search.index_site(site)
        except search.SearchUnavailable:
            pass  # the search test skips itself
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def axe():
    return pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="pip install axe-playwright-python").Axe()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations_on_english_pages(page, english_url, axe, name):
    page.goto(english_url + PAGES[name])
    page.wait_for_load_state("load")
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations"]})
    assert results.response["violations"] == [], [v["id"] for v in results.response["violations"]]


def test_the_programme_script_speaks_english(page, english_url):
    page.goto(english_url + EVENT)
    form = page.locator(".filters form")
    assert form.get_attribute("aria-label") == "Filter the programme"
    labels = [text.split("\n")[0].strip() for text in form.locator("label").all_inner_texts()]
    assert labels[:4] == ["Format", "Theme", "Room", "Language"] and "My favourites only" in labels
    assert page.locator("select[name=format] option").first.inner_text() == "All"
    assert page.locator("select[name=format] option[value=table-ronde]").inner_text() == "Round table"
    page.select_option("select[name=format]", "atelier")
    assert page.locator(".filter-status").inner_text() == "3 sessions shown"
    page.select_option("select[name=format]", "capsule")
    assert page.locator(".filter-status").inner_text() == "1 session shown"
    page.select_option("select[name=format]", "")
    button = page.locator("#s-ouvrir-les-institutions-grand-debat button.fav")
    assert button.inner_text() == "☆ Favourite"
    assert button.get_attribute("aria-label").startswith("Add to my favourites: Ouvrir les institutions")
    assert page.locator(".fav-count").inner_text() == "0 favourites"
    button.click()
    assert page.locator(".fav-count").inner_text() == "1 favourite"
    assert page.locator("button.download-ics").inner_text() == "Download my favourites (.ics)"


def test_now_and_next_in_english(page, english_url):
    page.goto(english_url + EVENT + "?now=2019-03-18T09:45:00Z")
    box = page.locator(".now-next")
    assert box.locator("h2").inner_text() == "Now and next"
    assert box.locator("h3").all_inner_texts() == ["Now", "Next"]


def test_the_directory_status_speaks_english(page, english_url):
    page.goto(english_url + "/personnes/")
    status = page.locator(".filter-status")
    assert status.inner_text() == "95 people shown"
    page.select_option("select[name=role]", "moderator")
    assert status.inner_text().endswith(" of 95") and "people shown" in status.inner_text()


def test_the_search_script_speaks_english(page, english_url):
    page.goto(english_url + "/recherche/")
    if page.locator("[data-search-unavailable]").is_visible():
        pytest.skip("no Pagefind index in this build")
    page.wait_for_selector("[data-search-ready]", state="attached")
    page.get_by_label("Search", exact=True).fill("transparence")
    page.get_by_role("button", name="Search").click()
    page.wait_for_function("document.querySelector('.search-status').textContent.length > 0")
    assert re.fullmatch(r"\d+ results? for “transparence”", page.locator(".search-status").inner_text())
    page.check("input[name=type][value=person]")
    page.wait_for_function("document.querySelector('.search-status').textContent.includes('among')")
    assert page.locator(".search-status").inner_text().rstrip(".").endswith("for “transparence” among people")
