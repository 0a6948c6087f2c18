"""The sample hub of this repository: it checks clean, builds, and its pages link both ways."""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from civichub.pipeline import load_and_check
from conftest import plain
from conftest import main_hrefs as hrefs, page_at as page

ROOT = Path(__file__).resolve().parent.parent

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CESE = "evenements/journee-civic-tech-2019"


def test_sample_content_has_no_errors():
    checked = load_and_check(ROOT / "content", {}, display_root=ROOT)
    errors = [str(p) for p in checked.problems if p.is_error]
    assert errors == []
    others = {p.message.split("'")[0] for p in checked.problems}
    assert others <= {"link "}, "only links without URL may warn"


def test_cese_programme_is_complete(sample_site):
    programme = page(sample_site, CESE).select("ol.programme > li")
    assert len(programme) == 18
    slots = [" ".join(li.select_one(".slot").get_text().split()) for li in programme]
    assert slots[0].startswith("9 h–10 h 30 · Hémicycle · Table ronde")
    assert any("Déjeuner" in s and "toutes les salles" in s for s in slots)
    assert any(s.startswith("18 h 30 (à partir de) · Liberté Living Lab") for s in slots)
    formats = [s.rsplit("· ", 1)[1] for s in slots]
    for label, count in {"Table ronde": 5, "Atelier": 3, "Retour d'expérience": 3, "Centrifugeuse": 3}.items():
        assert formats.count(label) == count, label


def test_session_page_groups_participants_by_role(sample_site):
    soup = page(sample_site, f"{CESE}/centrifugeuse-inclusion-education-numerique")
    headings = [h.get_text() for h in soup.select("main h2")]
    assert headings[:2] == ["Modération", "Intervenant·es"]
    speakers = soup.find("h2", string="Intervenant·es").find_next("ul").get_text(" ", strip=True)
    assert "Antonin Cois" in speakers and "« Framaligue »" in plain(speakers)


def test_person_and_session_link_both_ways(sample_site):
    session_url = f"{CESE}/ouvrir-les-institutions-grand-debat"
    person = page(sample_site, "personnes/loic-blondiaux")
    assert f"../../{session_url}/" in hrefs(person)
    session = page(sample_site, session_url)
    assert "../../../personnes/loic-blondiaux/" in hrefs(session)


def test_person_and_actor_link_both_ways(sample_site):
    person = page(sample_site, "personnes/cyril-lage")
    assert "../../acteurs/cap-collectif/" in hrefs(person)
    actor = page(sample_site, "acteurs/cap-collectif")
    assert "../../personnes/cyril-lage/" in hrefs(actor)
    assert f"../../{CESE}/ouvrir-les-institutions-grand-debat/" in hrefs(actor)


def test_actor_page_lists_links_that_mention_it(sample_site):
    actor = page(sample_site, "acteurs/make-org")
    mentions = actor.find("h2", string="Dans les revues de liens").find_next("ul")
    assert "../../liens/27/" in {a["href"] for a in mentions.select("a")}


def test_organiser_page_lists_the_event(sample_site):
    actor = page(sample_site, "acteurs/decider-ensemble")
    assert f"../../{CESE}/" in hrefs(actor)


def test_roundup_27(sample_site):
    soup = page(sample_site, "liens/27")
    assert soup.h1.get_text() == "Les liens CivicTech de la semaine #27"
    links = soup.select("ol.links > li")
    assert len(links) >= 12
    first = links[0]
    assert plain(first.h3.get_text()) == "Primaire à droite : comment les candidats ont géré leur campagne numérique"
    assert first.h3.a is None, "a link without URL is shown as text"
    assert first.select_one("cite").get_text() == "France Inter"
    assert "../../liens/26/" in hrefs(soup)


def test_people_index_sorts_by_family_name(sample_site):
    names = [a.get_text() for a in page(sample_site, "personnes").select("ul.index a")]
    assert len(names) >= 90
    assert names.index("Amélie Banzet") < names.index("Loïc Blondiaux")
    assert names.index("Julie de Pimodan") > names.index("Jean Massiet")  # P for Pimodan, not D
    assert names.index("Cécile Le Guen") < names.index("Anne Le Hénanff") < names.index("Matthias Lecoq")


def test_series_navigation(sample_site):
    soup = page(sample_site, "blog/incapable-d-outiller-la-societe-civile-2-4")
    series = soup.select_one("nav.series")
    assert "Billet 2/4" in series.get_text()
    assert len(series.select("li")) == 4
    assert series.select_one("[aria-current=page]") is not None


def test_timeline_page(sample_site):
    entries = page(sample_site, "la-civic-tech-en-france").select("ol.timeline > li")
    years = [int(li.select_one(".year").get_text()) for li in entries]
    assert years == sorted(years) and years[0] == 2010 and years[-1] == 2019


def test_sitemap_lists_every_sample_page(sample_site):
    listed = {loc.text for loc in ElementTree.parse(sample_site / "sitemap.xml").findall("s:url/s:loc", SITEMAP_NS)}
    pages = {"/" + p.relative_to(sample_site).as_posix().removesuffix("index.html")
             for p in sample_site.rglob("*.html") if p.name != "404.html"}
    assert listed == pages
    assert len(pages) > 300


@pytest.mark.parametrize("url", ["", "evenements", CESE, "personnes", "acteurs", "liens", "blog"])
def test_every_page_has_one_h1_and_a_lang(sample_site, url):
    soup = page(sample_site, url)
    assert len(soup.find_all("h1")) == 1
    assert soup.html["lang"] == "fr"
