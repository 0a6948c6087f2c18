"""Accessibility of the theme in a real browser: axe-core on every page kind in both colour
schemes, keyboard use of the programme, visible focus, text at 200 %, screenshots.

axe-core comes bundled with axe-playwright-python; only the WCAG 2.0/2.1 A and AA rules run.
Screenshots are kept in test-artifacts/screenshots/ (375 px and 1280 px, light and dark)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
EVENT = "/evenements/journee-civic-tech-2019/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One page of each kind (name -> path); the programme is also checked at 375 px, where the grid
# gives way to the list.
PAGES = {
    "home": "/",
    "event": EVENT,
    "programme": EVENT + "programme/",
    "session": EVENT + "ouvrir-les-institutions-grand-debat/",
    "session-en": EVENT + "civic-tech-ecosystems-europe-worldwide/",
    "room": EVENT + "salles/hemicycle/",
    "events": "/evenements/",
    "person": "/personnes/loic-blondiaux/",
    "people": "/personnes/",
    "actor": "/acteurs/cap-collectif/",
    "actors": "/acteurs/",
    "facet": "/acteurs/categorie/participation/",
    "roundup": "/liens/27/",
    "roundups": "/liens/",
    "roundups-year": "/liens/2016/",
    "roundups-tags": "/liens/tags/",
    "post": "/blog/ils-font-la-civic-tech/",
    "blog": "/blog/",
    "page": "/a-propos/",
    "timeline": "/la-civic-tech-en-france/",
    "opendata": "/donnees/",
    "404": "/404.html",
    "search": "/recherche/",
}


@pytest.fixture(scope="module")
def axe():
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="pip install axe-playwright-python")
    return axe_module.Axe()


def open_page(page, sample_site, base_url, name, width=1280, scheme="light"):
    path = PAGES[name]
    if name == "search" and not (sample_site / "recherche" / "index.html").exists():
        pytest.skip("no search page in this build yet (recherche/index.html is not generated)")
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    response = page.goto(base_url + path)
    assert response is not None and (response.ok or name == "404"), path
    page.wait_for_load_state("load")


def describe(violations) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:4]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(page, sample_site, base_url, axe, name, scheme):
    open_page(page, sample_site, base_url, name, scheme=scheme)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert violations == [], f"{PAGES[name]} ({scheme}):\n" + describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_in_the_narrow_list_view(page, sample_site, base_url, axe, scheme):
    open_page(page, sample_site, base_url, "programme", width=375, scheme=scheme)
    assert page.locator(".list-view ol.programme > li").first.is_visible()
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.response["violations"] == [], describe(results.response["violations"])


def test_the_colour_scheme_follows_the_system(page, sample_site, base_url):
    colours = {}
    for scheme in ("light", "dark"):
        open_page(page, sample_site, base_url, "home", scheme=scheme)
        colours[scheme] = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
    assert colours["light"] != colours["dark"]
    assert colours["light"][0] != colours["light"][1]


def tab_until(page, selector: str, limit: int = 600) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never received focus after {limit} presses of Tab")


def focus_outline(page) -> dict:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_favourites_with_the_keyboard_and_a_visible_focus(page, sample_site, base_url, scheme):
    open_page(page, sample_site, base_url, "event", scheme=scheme)
    tab_until(page, "button.fav")
    button = page.locator("button.fav:focus")
    outline = focus_outline(page)
    assert outline["style"] != "none" and outline["width"] >= 2, outline
    assert button.get_attribute("aria-pressed") == "false"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false"


def test_skip_link_is_first_visible_on_focus_and_moves_to_main(page, sample_site, base_url):
    open_page(page, sample_site, base_url, "event")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("() => document.activeElement.classList.contains('skip')")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 20, "the skip link shows when focused"
    assert focus_outline(page)["style"] != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#contenu")
    page.keyboard.press("Tab")  # the next stop is inside <main>, not in the header
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_keyboard_through_the_grid_and_filters(page, sample_site, base_url):
    open_page(page, sample_site, base_url, "programme")
    tab_until(page, ".filters select")
    assert focus_outline(page)["style"] != "none"
    page.keyboard.press("ArrowDown")  # a native select: the keyboard changes its value
    tab_until(page, "table.grid td.cell a")
    assert focus_outline(page)["style"] != "none"
    assert page.evaluate("() => document.activeElement.closest('td').getAttribute('headers')")


def test_grid_cells_have_header_associations(page, sample_site, base_url):
    open_page(page, sample_site, base_url, "programme")
    assert page.locator("table.grid caption").count() >= 1
    for headers in page.locator("table.grid td.cell").evaluate_all("tds => tds.map(td => td.getAttribute('headers'))"):
        for ident in headers.split():
            assert page.locator(f"[id='{ident}']").count() == 1


def test_english_sessions_are_marked(page, sample_site, base_url):
    open_page(page, sample_site, base_url, "session-en")
    assert page.locator("html").get_attribute("lang") == "en"
    # the way back to the (French) event is marked French
    assert page.locator(".breadcrumb [lang=fr]").count() >= 1
    open_page(page, sample_site, base_url, "programme")
    title = page.locator("td.cell .title", has_text="Civic tech ecosystems")
    assert title.get_attribute("lang") == "en"  # the title only: the format and the count are French
    assert page.locator("li.session h3[lang=en]", has_text="Civic tech ecosystems").count() == 1


@pytest.mark.parametrize("name", ["home", "event", "programme", "session", "person", "actors", "roundup",
                                  "opendata", "post"])
def test_text_resized_to_200_percent_does_not_scroll_sideways(page, sample_site, base_url, name):
    open_page(page, sample_site, base_url, name)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    page.wait_for_timeout(50)
    overflow = page.evaluate("""() => {
        const root = document.scrollingElement, width = document.documentElement.clientWidth;
        const clipped = [...document.querySelectorAll('main *')]
          .filter(el => !el.closest('.grid-wrap') && el.getClientRects().length)
          .filter(el => el.getBoundingClientRect().right > width + 1)
          .map(el => el.tagName + '.' + el.className);
        return {scroll: root.scrollWidth - width, clipped: clipped.slice(0, 5)};
    }""")
    assert overflow["scroll"] <= 0, f"{PAGES[name]} scrolls sideways at 200 %: {overflow}"
    assert overflow["clipped"] == [], f"{PAGES[name]}: content past the right edge at 200 %: {overflow}"


def test_screenshots(page, sample_site, base_url):
    """Screenshots of every page kind, kept as test artefacts (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    taken = 0
    for name in PAGES:
        if name == "search" and not (sample_site / "recherche" / "index.html").exists():
            continue
        for width in (375, 1280):
            for scheme in ("light", "dark"):
                open_page(page, sample_site, base_url, name, width=width, scheme=scheme)
                page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
                taken += 1
    assert taken >= 4 * (len(PAGES) - 1)


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    """The sample hub built with two links to a page of a source's or a tag's links, served."""
    from civichub.build import build
    from conftest import copy_of_sample, served
    root = copy_of_sample(tmp_path_factory.mktemp("paged"))
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nCIVICHUB_LINKS_PER_PAGE = 2\n")
    with served(build(root / "pelicanconf.py", root / "output")) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/liens/sources/le-monde/", "/liens/sources/le-monde/page/2/"])
def test_the_pages_of_a_source_s_links_and_their_pager(page, paged_url, axe, path, scheme):
    page.emulate_media(color_scheme=scheme)
    assert page.goto(paged_url + path).ok
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations"]})
    assert results.response["violations"] == [], describe(results.response["violations"])
    # every target of the pager is 24 px or more each way (WCAG 2.5.8), and leads on
    targets = page.locator("nav.pager a, nav.pager [aria-current]")
    assert targets.count() == 3
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (targets.nth(index).inner_text(), box)
    other = page.locator("nav.pager a[rel]").first
    other.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/page/2/" if path.endswith("le-monde/") else "/le-monde/")
