"""People and actors on the sample site: A–Z indexes, facet pages, profiles and cross-links."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from civichub.pages.directory import initials, letter_of, social_links
from conftest import main_hrefs as hrefs, page_at as page

CESE = "evenements/journee-civic-tech-2019"


def section(soup: BeautifulSoup, heading: str):
    return soup.find(["h2", "h3"], string=heading).find_parent("section")


def letter_of_person(soup: BeautifulSoup, name: str) -> str:
    link = soup.find("a", string=name)
    return link.find_parent("section", class_="letter").find(["h2", "h3"]).get_text()


# -- people index -------------------------------------------------------------------------------

def test_people_under_their_family_name_letter(sample_site):
    soup = page(sample_site, "personnes")
    assert letter_of_person(soup, "Julie de Pimodan") == "P"
    assert letter_of_person(soup, "Léonore de Roquefeuil") == "R"
    assert letter_of_person(soup, "Anne Le Hénanff") == "L"
    assert letter_of_person(soup, "Loïc Blondiaux") == "B"


def test_people_letter_headings_are_in_order_and_accents_do_not_break_it(sample_site):
    soup = page(sample_site, "personnes")
    letters = [h.get_text() for h in soup.select("section.letter > h2")]
    assert letters == sorted(letters) and len(letters) == len(set(letters)) > 10
    names = [a.get_text() for a in soup.select("section.letter li > a")]
    assert len(names) == 95
    assert names.index("Amélie Banzet") < names.index("Loïc Blondiaux")
    assert names.index("Cécile Le Guen") < names.index("Anne Le Hénanff") < names.index("Matthias Lecoq")
    # every section holds exactly the names of its letter
    for letter_section in soup.select("section.letter"):
        assert letter_section["id"] == "lettre-" + letter_section.h2.get_text().lower()


def test_people_letter_navigation(sample_site):
    soup = page(sample_site, "personnes")
    nav = soup.select_one("nav.letters")
    assert nav["aria-label"]
    links = {a.get_text(): a["href"] for a in nav.select("a")}
    assert links["P"] == "#lettre-p" and soup.select_one("#lettre-p") is not None
    assert len(nav.select("li")) == 26, "every letter is shown, those without a name as plain text"
    for href in links.values():
        assert soup.select_one(href) is not None


def test_people_items_carry_their_filter_values(sample_site):
    soup = page(sample_site, "personnes")
    item = soup.find("a", string="Léonore de Roquefeuil").find_parent("li")
    assert item["data-roles"] == "speaker"
    assert item["data-events"] == "journee-civic-tech-2019"
    assert "voxe" in item["data-actors"].split()
    form = soup.select_one("form.directory-filters")
    assert form.has_attr("hidden"), "without JavaScript the filters are not offered"
    assert {s["name"] for s in form.select("select")} == {"role", "event", "affiliation"}
    assert form.select_one("select[name=role] option[value=moderator]").get_text() == "Modération"


# -- person page ----------------------------------------------------------------------------------

def test_person_page_links_actor_sessions_and_roundups(sample_site):
    soup = page(sample_site, "personnes/leonore-de-roquefeuil")
    assert soup.h1.get_text() == "Léonore de Roquefeuil"
    assert "../../acteurs/voxe/" in hrefs(soup)
    sessions = section(soup, "Interventions")
    assert f"../../{CESE}/retours-experience-nouveaux-publics/" in hrefs(sessions)
    assert "intervention" in sessions.li.get_text() and sessions.li.time["datetime"] == "2019-03-18"
    mentions = section(soup, "Dans les revues de liens")
    assert "../../liens/27/" in hrefs(mentions)


def test_session_links_back_to_person(sample_site):
    session = page(sample_site, f"{CESE}/retours-experience-nouveaux-publics")
    assert "../../../personnes/leonore-de-roquefeuil/" in hrefs(session)


def test_social_links_have_accessible_names(sample_site):
    soup = page(sample_site, "personnes/julie-de-pimodan")
    link = section(soup, "Sur le web").select_one("ul.social a")
    assert link["href"] == "https://x.com/JudePim"
    assert re.sub(r"\s+", " ", link.get_text()).strip() == "X (Twitter) @JudePim"


def test_initials_when_there_is_no_photo(sample_site):
    soup = page(sample_site, "personnes/julie-de-pimodan")
    fallback = soup.select_one(".profile .initials")
    assert fallback.get_text() == "JP"
    assert fallback["aria-hidden"] == "true"
    assert soup.select_one(".profile img") is None


def test_person_page_lists_posts_that_mention_them(sample_site):
    soup = page(sample_site, "personnes/julie-de-pimodan")
    posts = section(soup, "Dans le blog")
    assert "../../blog/les-civic-tech-survivront-elles-aux-elections-presidentielles-de-2017/" in hrefs(posts)


def test_photo_with_alt_text(hub):
    hub.write("images/paula.jpg", b"\xff\xd8\xff\xd9")
    hub.write("people/paula-forteza.yaml", "name: Paula Forteza\nphoto: images/paula.jpg\n"
                                         "photo_alt: Paula Forteza à l'Assemblée\n"
                                         "social:\n  mastodon: '@paula@piaille.fr'\n"
                                         "  linkedin: https://www.linkedin.com/in/paula\n")
    output = hub.build()
    soup = page(output, "personnes/paula-forteza")
    img = soup.select_one(".profile img")
    assert img["alt"] == "Paula Forteza à l'Assemblée" and img["src"].endswith("images/paula.jpg")
    assert soup.select_one(".initials") is None
    social = {a.select_one(".network").get_text(): a["href"] for a in soup.select("ul.social a")}
    assert social == {"Mastodon": "https://piaille.fr/@paula",
                      "LinkedIn": "https://www.linkedin.com/in/paula"}


def test_social_links_from_handles():
    links = {s.network: (s.label, s.handle, s.href) for s in social_links({
        "mastodon": "@user@instance.social", "bluesky": "user.bsky.social", "x": "@Voxe",
        "linkedin": "in/jdupont", "website": "https://voxe.org/", "github": "voxe"})}
    assert links["mastodon"] == ("Mastodon", "@user@instance.social", "https://instance.social/@user")
    assert links["bluesky"][2] == "https://bsky.app/profile/user.bsky.social"
    assert links["x"] == ("X (Twitter)", "@Voxe", "https://x.com/Voxe")
    assert links["linkedin"][2] == "https://www.linkedin.com/in/jdupont"
    assert links["website"] == ("Site web", "voxe.org", "https://voxe.org/")
    assert links["github"][2] == "https://github.com/voxe"
    assert [s.network for s in social_links({"website": "https://a.fr", "x": "a"})] == ["x", "website"]


def test_initials_and_letters():
    assert initials("Julie de Pimodan") == "JP"
    assert initials("Anne-Gaël Chiche") == "AC"
    assert initials("Madonna") == "M"
    assert letter_of("emilie") == "E" and letter_of("(la)horde") == "L" and letter_of("42 lab") == "#"


# -- actors directory -----------------------------------------------------------------------------

def facet_counts(soup: BeautifulSoup, heading: str) -> dict[str, tuple[str, int]]:
    nav = soup.find("h2", string=heading).find_parent("nav")
    return {li.a.get_text(): (li.a["href"], int(li.select_one(".count").get_text().strip("()")))
            for li in nav.select("li")}


def test_actors_directory_facets_link_to_pages_with_the_same_counts(sample_site):
    soup = page(sample_site, "acteurs")
    total = len(soup.select("section.letter li[data-item]"))
    assert total == 157
    for heading in ("Par type", "Par catégorie", "Par ville"):
        counts = facet_counts(soup, heading)
        assert counts
        for label, (href, count) in counts.items():
            facet = page(sample_site, href.removeprefix("../"))
            assert facet.h1.get_text(" ", strip=True).endswith(label)
            assert len(facet.select("ul.facet-actors > li")) == count, (heading, label)
    kinds = facet_counts(soup, "Par type")
    assert sum(count for _, count in kinds.values()) == total
    assert kinds["Collectivité"] == ("../acteurs/type/collectivite/", 22)
    categories = facet_counts(soup, "Par catégorie")
    assert categories["Open data"][0] == "../acteurs/categorie/open-data/"
    assert "Budget participatif" in categories
    assert facet_counts(soup, "Par ville")["Paris"] == ("../acteurs/ville/paris/", 4)


def test_facet_page_lists_matching_actors(sample_site):
    soup = page(sample_site, "acteurs/type/collectivite")
    names = [a.get_text() for a in soup.select("ul.facet-actors > li > a")]
    assert "Mairie de Sceaux" in names and "Voxe" not in names
    assert all(li["data-kind"] == "collectivite" for li in soup.select("ul.facet-actors > li"))
    assert soup.select_one("a[aria-current=page]").get_text() == "Collectivité"
    assert "../../../acteurs/" in hrefs(soup)
    city = page(sample_site, "acteurs/ville/saint-etienne")
    assert city.h1.get_text(" ", strip=True).endswith("Saint-Étienne")


def test_actors_a_to_z(sample_site):
    soup = page(sample_site, "acteurs")
    letters = [h.get_text() for h in soup.select("section.letter > h3")]
    assert letters == sorted(letters)
    names = [a.get_text() for a in soup.select("section.letter li > a")]
    assert names.index("Décider ensemble") < names.index("DemocracyOS") < names.index("Voxe")
    assert soup.find("a", string="e-Démocratie").find_parent("section")["id"] == "lettre-e"
    item = soup.find("a", string="Voxe").find_parent("li")
    assert item["data-kind"] == "association" and item["data-categories"] == "education vote mobilisation"
    assert "Association" in item.get_text()


# -- actor page -----------------------------------------------------------------------------------

def test_actor_page_kind_categories_and_people_with_sessions(sample_site):
    soup = page(sample_site, "acteurs/voxe")
    links = hrefs(soup)
    assert {"../../acteurs/type/association/", "../../acteurs/categorie/education/"} <= links
    assert "https://voxe.org" in links and "https://x.com/Voxe" in links
    people = section(soup, "Personnes")
    person = people.find("a", string="Léonore de Roquefeuil").find_parent("li")
    assert "présidente" in person.get_text()
    assert f"../../{CESE}/retours-experience-nouveaux-publics/" in {a["href"] for a in person.select("a")}


def test_actor_and_person_link_both_ways(sample_site):
    assert "../../personnes/julie-de-pimodan/" in hrefs(page(sample_site, "acteurs/fluicity"))
    assert "../../acteurs/fluicity/" in hrefs(page(sample_site, "personnes/julie-de-pimodan"))


def test_actor_and_roundup_link_both_ways(sample_site):
    actor = page(sample_site, "acteurs/voxe")
    assert "../../liens/27/" in hrefs(section(actor, "Dans les revues de liens"))
    roundup = page(sample_site, "liens/27")
    assert "../../acteurs/voxe/" in hrefs(roundup)
    # a detected mention (not tagged in the roundup) links both ways too
    actor = page(sample_site, "acteurs/partenariat-pour-un-gouvernement-ouvert")
    assert "../../liens/25/" in hrefs(section(actor, "Dans les revues de liens"))
    assert "../../acteurs/partenariat-pour-un-gouvernement-ouvert/" in hrefs(page(sample_site, "liens/25"))


def test_actor_page_lists_posts_that_mention_it(sample_site):
    posts = section(page(sample_site, "acteurs/voxe"), "Dans le blog")
    assert "../../blog/les-civic-tech-survivront-elles-aux-elections-presidentielles-de-2017/" in hrefs(posts)


@pytest.mark.parametrize("url", ["personnes", "personnes/julie-de-pimodan", "acteurs", "acteurs/voxe",
                                 "acteurs/type/association"])
def test_directory_pages_have_their_stylesheet_and_one_h1(sample_site, url):
    soup = page(sample_site, url)
    assert len(soup.find_all("h1")) == 1
    stylesheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert any(href.endswith("theme/css/directory.css") for href in stylesheets)
    if url in ("personnes/julie-de-pimodan", "acteurs/voxe"):
        assert soup.select_one('script[type="application/ld+json"]') is not None
