"""Issue 7: the interface in French (default) or English, content in its own language."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from conftest import ROOT, build_english_sample, page_at, plain

CATALOG = ROOT / "theme" / "translations" / "en" / "LC_MESSAGES" / "civichub.po"


def _built(hub, language=None):
    if language:
        with (hub.root / "pelicanconf.py").open("a", encoding="utf-8") as conf:
            conf.write(f'\nCIVICHUB_LANGUAGE = "{language}"\n')
    return hub.build()


def _session_url(site: Path) -> str:
    page = next(site.rglob("ouverture/index.html"))
    return str(page.parent.relative_to(site))


def test_english_interface(hub):
    site = _built(hub, "en")
    home = page_at(site, ".")
    assert home.html["lang"] == "en"
    nav = [a.get_text(strip=True) for a in home.select("header nav a")]
    assert "Events" in nav and "People" in nav and "Événements" not in nav
    assert home.select_one("a.skip").get_text() == "Skip to content"
    session = page_at(site, _session_url(site))
    assert session.html["lang"] == "en"
    h1 = session.h1
    assert h1.get_text() == "Ouvrir les institutions" and h1["lang"] == "fr"
    facts = plain(session.select_one("dl.facts").get_text(" ", strip=True))
    assert "Monday, March 18, 2019" in facts and "Language" in facts and "09:00" in facts


def test_english_events_index_and_404(hub, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")  # 2020-01-01: the 2019 event is past
    site = _built(hub, "en")
    events = page_at(site, "evenements")
    assert [h.get_text() for h in events.select("main h2")] == ["Upcoming", "Past editions"]
    assert "No event announced yet." in events.get_text()
    assert "2 sessions" in events.select_one("ul.cards").get_text()
    from bs4 import BeautifulSoup
    missing = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert missing.h1.get_text() == "Page not found"
    assert [a.get_text() for a in missing.select("main li a")] == [
        "home page", "events", "people", "organisations", "link reviews"]


def test_french_interface_is_the_default(hub):
    site = _built(hub)
    home = page_at(site, ".")
    assert home.html["lang"] == "fr"
    nav = [a.get_text(strip=True) for a in home.select("header nav a")]
    assert "Événements" in nav and "Personnes" in nav
    session = page_at(site, _session_url(site))
    assert not session.h1.has_attr("lang")
    assert "lundi 18 mars 2019" in plain(session.select_one("dl.facts").get_text(" ", strip=True))


def test_every_message_has_an_english_translation():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    forms = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)  # plurals: every form
    missing = [m.id for m in catalog if m.id and not all((s or "").strip() for s in forms(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing and not fuzzy


def test_catalog_is_up_to_date_with_the_templates(tmp_path):
    pot = tmp_path / "civichub.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        extracted = {(m.context, m.id) for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        translated = {(m.context, m.id) for m in read_po(f) if m.id}
    assert extracted == translated, (sorted(extracted - translated), sorted(translated - extracted))


# -- the sample hub built in English: every page kind --------------------------------------------

import json
import re

import pytest
from bs4 import BeautifulSoup

from civichub import filters
from civichub.i18n import French, extract_labels, python_labels

EVENT = "evenements/journee-civic-tech-2019"
POST = "blog/ils-font-la-civictech-les-50-premiers-inscrits-de-la-civictheque"


@pytest.fixture(autouse=True)
def french_filters_afterwards():
    """A build sets the filters' language for the process: the next tests expect French."""
    yield
    filters.use_language("fr", French())


@pytest.fixture(scope="module")
def english_site(tmp_path_factory) -> Path:
    """The sample hub (content/) with CIVICHUB_LANGUAGE = "en", built once for this module; two
    links to a page of a tag's or a source's links, so that the pager is there to read."""
    return build_english_sample(tmp_path_factory.mktemp("english"), "CIVICHUB_LINKS_PER_PAGE = 2\n")


def parsed(site: Path, url: str) -> BeautifulSoup:
    path = site / url if url.endswith(".html") else site / url / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def texts(soup, selector: str) -> list[str]:
    return [plain(" ".join(node.get_text(" ", strip=True).split())) for node in soup.select(selector)]


def crumbs(soup) -> list[str]:
    trail = soup.select_one("nav.breadcrumb")
    assert trail is not None and trail["aria-label"] == "Breadcrumb"
    return texts(trail, "li")


# page kind -> (url, selector, English texts the selection must include)
PAGES = {
    "home": ("", "main h2", ["Latest link review", "Latest posts", "All events", "Explore the hub"]),
    "events": ("evenements", "main h2", ["Past editions"]),
    "event": (EVENT, "main h2, main .event-links a", ["Themes", "Formats", "Programme", "Programme grid"]),
    "programme": (f"{EVENT}/programme", "main h1, main caption, main th.time, main h2",
                  ["Programme", "Programme for Monday, March 18, 2019, by room and time", "Time",
                   "Programme as a list"]),
    "session": (f"{EVENT}/ouvrir-les-institutions-grand-debat", "main dt, main h2",
                ["Format", "Date", "Place", "Themes", "Language", "Speakers"]),
    "room": (f"{EVENT}/salles/hemicycle", "main a[type='text/calendar']",
             ["This room's sessions in your calendar (iCalendar)"]),
    "person": ("personnes/loic-blondiaux", "main h2, main .sessions li",
               ["On the web", "Talks", "Ouvrir les institutions : retour sur le Grand débat national — talk, "
                "Journée de la civic tech & de l'engagement citoyen , March 18, 2019 , 09:00 – 10:30"]),
    "people": ("personnes", "main h1, main .lead, main form label, main button",
               ["People", "95 people, in alphabetical order of family name.", "Show all"]),
    "actor": ("acteurs/cap-collectif", "main dt, main h2", ["Type", "Categories", "Also known as", "On the web",
                                                            "People"]),
    "actors": ("acteurs", "main h1, main h2, main .lead",
               ["Organisations", "By type", "By category", "All organisations",
                "157 organisations, from A to Z. Browse them by type, category or city."]),
    "facet": ("acteurs/categorie/recherche", "main h1, main .lead, main h2",
              ["Category: Research", "All categories"]),
    "roundup": ("liens/27", "main h1, main h2, main p.when",
                ["Civic tech links of the week #27", "Mentioned in this review",
                 "Sunday, November 20, 2016 · covers: les dernières semaines · 13 links"]),
    "roundups": ("liens", "main h1, main .browse li", ["Link reviews", "By source (37 sources)"]),
    "roundups-year": ("liens/2016", "main h1, main p.when", ["Link reviews of 2016", "4 reviews, 47 links"]),
    "roundups-source": ("liens/sources/20-minutes", "main h1, main p.when", ["Links from 20 Minutes",
                                                                          "2 links in 1 review"]),
    "roundups-sources": ("liens/sources", "main h1", ["Sources of the link reviews"]),
    "roundups-source-page": ("liens/sources/le-monde/page/2", "main p.when, main nav.pager li",
                             ["3 links in 2 reviews — page 2 of 2", "← Newer links"]),
    "roundups-tag": ("liens/tags/civic-tech", "main h1, main h2", ["Tag “civic tech”", "Reviews"]),
    "roundups-tags": ("liens/tags", "main h1", ["Tags of the link reviews"]),
    "search": ("recherche", "main h1, main legend, main label.inline, main button",
               ["Search", "Kind of page", "All", "People", "Organisations", "Show more results"]),
    "opendata": ("donnees", "main h1, main h2, main thead th", ["Open data", "Licence", "Formats", "Tables",
                                                                "Field", "Type", "Description"]),
    "timeline": ("la-civic-tech-en-france", "main h2 .month, main li > p", ["June", "February"]),
    "post": (POST, "main p.when, main p.tags", ["Saturday, January 14, 2017 · Ils font la Civic Tech",
                                                "Tags: civic tech , annuaire , CivicThèque , acteurs"]),
    "blog": ("blog", "main h1, main a", ["Blog", "Archives", "Tags"]),
    "404": ("404.html", "main h1", ["Page not found"]),
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_page_kind_is_in_english(english_site, kind):
    url, selector, expected = PAGES[kind]
    soup = parsed(english_site, url)
    assert soup.html["lang"] == "en"
    assert soup.select_one("a.skip").get_text() == "Skip to content"
    assert "built with civichub and Pelican" in soup.footer.get_text()
    found = texts(soup, selector)
    missing = [text for text in expected if text not in found]
    assert not missing, f"{kind}: {missing} not in {found[:30]}"


@pytest.mark.parametrize("url, trail", [
    (f"{EVENT}/programme", ["Home", "Events", "Journée de la civic tech & de l'engagement citoyen", "Programme"]),
    ("acteurs/categorie/recherche", ["Home", "Organisations", "Category: Research"]),
    ("acteurs/cap-collectif", ["Home", "Organisations", "Start-up", "Cap Collectif"]),
    ("personnes/loic-blondiaux", ["Home", "People", "Loïc Blondiaux"]),
    ("liens/27", ["Home", "Link reviews", "2016", "#27"]),
    ("liens/tags/civic-tech", ["Home", "Link reviews", "Tags", "civic tech"]),
    ("liens/sources/le-monde/page/2", ["Home", "Link reviews", "Sources", "Le Monde", "Page 2"]),
])
def test_english_breadcrumbs(english_site, url, trail):
    soup = parsed(english_site, url)
    assert crumbs(soup) == trail
    assert not soup.select_one("nav.breadcrumb").has_attr("lang")  # the trail is English, like <html>


def test_french_content_is_marked_in_the_english_build(english_site):
    session = parsed(english_site, f"{EVENT}/programme")
    titles = session.select("td.cell p.title")
    assert titles and all(p["lang"] == "fr" for p in titles if p.parent["data-lang"] == "fr")
    actor = parsed(english_site, "acteurs/cap-collectif")
    assert actor.select_one("div.description")["lang"] == "fr"
    roundup = parsed(english_site, "liens/27")
    period = roundup.select_one("p.when span[lang=fr]")
    assert period.get_text() == "les dernières semaines"
    post = parsed(english_site, POST)
    assert post.h1["lang"] == "fr" and post.select_one("article.post > div[lang=fr]")
    # French typography still applies to French text on an English page, and only there
    assert "\u00a0: retour" in session.select_one("td.cell p.title[lang=fr] a").get_text()
    description = parsed(english_site, f"{EVENT}/programme").select_one("meta[name=description]")["content"]
    assert description.startswith("Programme grid: Journée")


def test_the_scripts_get_english_strings_from_the_page(english_site):
    programme = parsed(english_site, f"{EVENT}/programme")
    data = json.loads(programme.select_one("#programme-data").get_text())
    assert data["text"]["lang"] == "en"
    assert data["text"]["favourite"] == "☆ Favourite"
    assert data["text"]["shown"] == ["{n} session shown", "{n} sessions shown"]
    assert data["formats"]["table-ronde"] == "Round table" and data["languages"]["fr"] == "French"
    search = parsed(english_site, "recherche").select_one("[data-search]")
    assert json.loads(search["data-kinds"])["actor"] == "Organisation"
    assert json.loads(search["data-text"])["results"] == ["{n} result for “{term}”", "{n} results for “{term}”"]
    people = parsed(english_site, "personnes").select_one("[data-directory]")
    assert (people["data-one"], people["data-many"], people["data-of"]) == (
        "person shown", "people shown", "{shown} of {total}")


def test_the_feeds_speak_the_interface_language(english_site):
    feed = (english_site / "liens" / "feed.atom").read_text(encoding="utf-8")
    assert 'xml:lang="en"' in feed and "<title>Link reviews — Hub de la civic tech</title>" in feed
    assert 'xml:lang="fr"' in feed  # the entries keep their content's language
    items = json.loads((english_site / "liens" / "feed.json").read_text(encoding="utf-8"))
    assert items["language"] == "en" and items["items"][0]["summary"].startswith("13 links")


# -- no French interface text left in the English build -------------------------------------------

SEPARATORS = " \t\n\u00a0\u202f·—–,;:.()«»“”\"'#|/"


def catalog_fragments() -> set[str]:
    """The literal pieces of every French message id (between placeholders and tags) that the
    English catalog changes: seen outside French content, they are untranslated interface text."""
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    fragments = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        english = " ".join(message.string if isinstance(message.string, tuple) else (message.string,))
        for french in ids:
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>|&\w+;|&#\d+;", french):
                piece = plain(piece).strip(SEPARATORS)
                if len(piece) > 2 and piece not in plain(english):
                    fragments.add(piece)
    return fragments


def interface_texts(soup) -> list[str]:
    """Visible text and labelling attributes of the body, outside elements marked lang="fr"."""
    for hidden in soup.find_all(["script", "style", "template"]):
        hidden.decompose()
    found = []
    for node in soup.body.find_all(string=True):
        if node.find_parent(attrs={"lang": re.compile(r"^fr")}) is None:
            found.append(str(node))
    for element in soup.body.find_all(True):
        if element.find_parent(attrs={"lang": re.compile(r"^fr")}) or str(element.get("lang", "")).startswith("fr"):
            continue
        found += [element[name] for name in ("aria-label", "title", "alt", "placeholder") if element.has_attr(name)]
    return [plain(" ".join(text.split())).strip(SEPARATORS) for text in found]


def leftovers(text: str, fragments: set[str], long: list[str]) -> set[str]:
    """Fragments a text is (a label on its own), or holds (a phrase of three words or more)."""
    hits = {text} & fragments
    return hits | {piece for piece in long if piece in text}


def test_no_french_interface_text_in_the_english_build(english_site):
    fragments = catalog_fragments()
    long = [piece for piece in fragments if len(piece.split()) >= 3]
    found: dict[str, set[str]] = {}
    for path in sorted(english_site.rglob("*.html")):
        if path.relative_to(english_site).parts[0] == "pagefind":
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for text in interface_texts(soup):
            for piece in leftovers(text, fragments, long):
                found.setdefault(piece, set()).add(str(path.relative_to(english_site)))
    assert not found, {piece: sorted(pages)[:3] for piece, pages in found.items()}


def test_the_scripts_hold_no_interface_text():
    fragments = catalog_fragments() - {"favoris"}  # programme.js's query parameter (?favoris=1)
    for script in (ROOT / "theme" / "static" / "js").glob("*.js"):
        literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"', script.read_text(encoding="utf-8"))
        french = [text for text in literals if plain(text).strip(SEPARATORS) in fragments]
        assert not french, f"{script.name}: {french} (give the script its strings from the page)"


def test_the_leftover_check_finds_french(tmp_path):
    """The check above, on a page with a French label left in it."""
    soup = BeautifulSoup('<html lang="en"><body><main><h2>Voir le programme</h2>'
                         '<p lang="fr">Voir le programme</p><a aria-label="Filtrer les personnes">x</a>'
                         "</main></body></html>", "html.parser")
    fragments = catalog_fragments()
    found = set().union(*(leftovers(t, fragments, []) for t in interface_texts(soup)))
    assert found == {"Voir le programme", "Filtrer les personnes"}


# -- the pieces ------------------------------------------------------------------------------------

def test_counts_follow_the_language():
    assert filters.number(1234) == "1\u202f234"
    filters.use_language("en", French())
    assert filters.number(1234) == "1,234"
    assert French().ngettext("lien", "liens", 0) == "lien" and French().ngettext("lien", "liens", 2) == "liens"


def test_lang_mark_compares_with_the_text_around():
    assert filters.lang_mark("fr") == "" and filters.lang_mark("en") == ' lang="en"'
    assert filters.lang_mark("fr", "en") == ' lang="fr"'  # French text on a page in English content
    filters.use_language("en", French())
    assert filters.lang_mark("fr") == ' lang="fr"' and filters.lang_mark("en", "fr") == ""


def test_french_typography_on_an_english_page_only_inside_french_elements():
    page = '<p>Note: this</p><p lang="fr">Note : cela ? <code>a ?</code></p><p>Why ?</p>'
    assert filters.typo_html(page, "en") == (
        '<p>Note: this</p><p lang="fr">Note\u00a0: cela\u202f? <code>a ?</code></p><p>Why ?</p>')


def test_labels_made_in_python_are_in_the_catalog():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    labels = list(python_labels())
    assert "Table ronde" in labels and "anglais" in labels
    assert [m[2] for m in extract_labels(None, (), (), {})] == list(dict.fromkeys(labels))
    untranslated = [label for label in labels if not (catalog.get(label) and catalog.get(label).string)]
    assert not untranslated
