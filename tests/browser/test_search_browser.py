"""The search page in a real browser, over the Pagefind index of the sample site: results and their
kinds, the kind filter, a roundup link found by its title, French stemming, and the page without
JavaScript or without an index. The site is served under a sub-path (/hub/), as on a project
page of a forge, to check that result links follow the site wherever it is."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from civichub import search
from civichub.build import build
from conftest import served

pytest.importorskip("pagefind", reason='pip install "pagefind[extended]"')
ROOT = Path(__file__).resolve().parents[2]
SEARCH = "/hub/recherche/"


@pytest.fixture(scope="module", params=["a fragment file per page", "pages grouped in fragment files"])
def search_url(request, tmp_path_factory):
    """The sample site with its search page and index, served at http://127.0.0.1:PORT/hub/: once
    with a fragment file per page, once with the pages' fragments grouped in a few files, as
    Pagefind 1.6 writes them for a site of more than search.MAX_FRAGMENTS pages."""
    folder = tmp_path_factory.mktemp("served")
    site = build(ROOT / "pelicanconf.py", folder / "hub")
    with pytest.MonkeyPatch.context() as patch:
        if request.param.startswith("pages grouped"):
            if not search.groups_fragments(search.pagefind_executable()):
                pytest.skip("this Pagefind (before 1.6) writes a fragment file per page")
            patch.setattr(search, "MAX_FRAGMENTS", 25)
        pages = search.index_site(site)["pages"]
    files = len(list((site / "pagefind" / "fragment").iterdir()))
    assert files == pages if request.param.startswith("a fragment") else files <= 25 < pages
    with served(folder) as url:
        yield url


def search_for(page, term: str) -> None:
    page.get_by_label("Rechercher", exact=True).fill(term)
    page.get_by_role("button", name="Rechercher").click()
    expect_status(page, term)


def expect_status(page, term: str) -> str:
    """Waits for the results of `term` to be announced and listed (aria-busy false)."""
    page.wait_for_function("term => document.querySelector('.search-status').textContent.includes('« ' + term + ' »')"
                           " && document.querySelector('.search-results').getAttribute('aria-busy') === 'false'",
                           arg=term)
    return page.locator(".search-status").inner_text()


def result_links(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".search-results > li > h2 > a").all()]


def plain(text: str) -> str:
    """Text with the theme's French typography (no-break spaces before ':') as plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-search-ready]")


def test_a_name_finds_the_person(page, search_url):
    ready(page, search_url + SEARCH)
    search_for(page, "Blondiaux")
    status = page.locator(".search-status").inner_text()
    count = int(re.match(r"(\d+) résultats? pour « Blondiaux »$", status)[1])
    links = result_links(page)
    assert len(links) == count > 1
    assert links[0] == "/hub/personnes/loic-blondiaux/"
    assert "/hub/personnes/" not in links  # the people index lists him, but is found by its title only
    first = page.locator(".search-results > li").first
    assert first.locator(".kind").inner_text() == "Personne"
    assert "Blondiaux" in first.locator(".excerpt mark").first.inner_text()
    assert page.url.endswith("/hub/recherche/?q=Blondiaux")
    # counts per kind come with the results
    assert page.locator("[data-count=person]").inner_text() == "(1)"
    assert page.locator("[data-count='']").inner_text() == f"({count})"
    first.locator("h2 a").click()
    page.wait_for_url("**/hub/personnes/loic-blondiaux/")
    assert plain(page.locator("h1").inner_text()).strip() == "Loïc Blondiaux"


def test_kind_filter_keeps_only_people(page, search_url):
    ready(page, search_url + SEARCH + "?q=Blondiaux")
    expect_status(page, "Blondiaux")
    assert len(result_links(page)) > 1
    page.get_by_role("radio", name=re.compile("^Personnes")).check()
    page.wait_for_function("document.querySelector('.search-status').textContent.includes('parmi les personnes')")
    assert page.locator(".search-status").inner_text() == "1 résultat pour « Blondiaux » parmi les personnes"
    assert result_links(page) == ["/hub/personnes/loic-blondiaux/"]
    assert page.url.endswith("?q=Blondiaux&type=person")
    # the URL brings the same search back
    ready(page, page.url)
    expect_status(page, "Blondiaux")
    assert page.get_by_role("radio", name=re.compile("^Personnes")).is_checked()
    assert result_links(page) == ["/hub/personnes/loic-blondiaux/"]


def test_a_link_title_finds_its_roundup_and_the_link(page, search_url):
    ready(page, search_url + SEARCH + "?type=link")
    search_for(page, "Primaire à droite")
    links = result_links(page)
    assert "/hub/liens/27/" in links
    assert all(re.fullmatch(r"/hub/liens/\d+/", link) for link in links)  # only roundups
    item = page.locator(".search-results > li").nth(links.index("/hub/liens/27/"))
    assert item.locator(".kind").inner_text() == "Revue de liens"
    link = item.locator("ul a").first
    assert plain(link.inner_text()).startswith("Primaire à droite : comment les candidats")
    assert link.get_attribute("href") == "/hub/liens/27/#lien-1"
    link.click()
    page.wait_for_url("**/hub/liens/27/#lien-1")
    assert page.locator("#lien-1").inner_text().startswith("Primaire à droite")


def test_french_stemming_finds_other_forms(page, search_url):
    ready(page, search_url + SEARCH)
    search_for(page, "transparent")
    marked = {m.lower() for m in page.locator(".search-results mark").all_inner_texts()}
    assert "transparence" in marked  # 'transparent' and 'transparence' share the stem 'transpar'
    assert "/hub/acteurs/categorie/transparence/" in result_links(page)
    found = result_links(page)
    search_for(page, "transparence")
    assert result_links(page) == found  # both words are one stem: the same pages, in the same order


def test_no_result_is_announced(page, search_url):
    # Pagefind 1.5 answers unknown words with loose matches (a nonsense word still finds pages by
    # its first letters), so "no result" is reached through the kind filter: no post names him
    ready(page, search_url + SEARCH + "?type=post")
    search_for(page, "Blondiaux")
    assert page.locator(".search-status").inner_text() == "Aucun résultat pour « Blondiaux » parmi les billets."
    assert page.locator(".search-results > li").count() == 0
    assert page.locator("[data-count=person]").inner_text() == "(1)"  # where the results are


def test_without_javascript_the_page_points_to_the_indexes(browser, search_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(search_url + SEARCH)
    message = page.locator("p.search-fallback", has_text="La recherche fonctionne dans votre navigateur et demande JavaScript")
    assert message.is_visible()
    assert page.locator("[data-search-unavailable]").is_hidden()
    assert page.locator("form.search-form").is_hidden()
    for name, href in (("personnes", "../personnes/"), ("acteurs", "../acteurs/"), ("revues de liens", "../liens/")):
        assert message.get_by_role("link", name=name, exact=True).get_attribute("href") == href
    context.close()


def test_without_an_index_the_page_says_so(page, search_url):
    page.route("**/pagefind/pagefind.js", lambda route: route.abort())
    page.goto(search_url + SEARCH)
    unavailable = page.locator("[data-search-unavailable]")
    unavailable.wait_for(state="visible")
    assert "n'est pas disponible" in unavailable.inner_text()
    assert page.locator("form.search-form").is_hidden()
