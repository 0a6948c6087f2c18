"""Link reviews: roundup pages, archives by year, source and tag, drafts, Atom and JSON Feed."""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup

from civichub import incremental
from civichub.build import build
from conftest import plain
from conftest import main_hrefs, page_at as page

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def atom(site: Path, path: str):
    feed = feedparser.parse((site / path).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def json_feed(site: Path, path: str) -> dict:
    return json.loads((site / path).read_text(encoding="utf-8"))


def roundup(number: int, day: str, *, status: str = "published", source: str = "Le Monde",
            url: str = "", tags: str = "[civic tech]") -> str:
    return (f"---\nnumber: {number}\ndate: {day}\nstatus: {status}\ntags: {tags}\nlinks:\n"
            f"  - title: \"Lien du numéro {number} <b>gras</b> & co\"\n    source: {source}\n"
            + (f"    url: {url}\n" if url else "")
            + f"    excerpt: Résumé du lien {number}.\n    tags: [vote]\n"
            f"---\nIntroduction du numéro {number}.\n")


# -- the sample hub ------------------------------------------------------------------------

def test_year_archive_lists_the_roundups_of_2016(sample_site):
    soup = page(sample_site, "liens/2016")
    assert soup.h1.get_text() == "Revues de liens de 2016"
    listed = [a["href"] for a in soup.select("ul.index > li > a")]
    assert listed == [f"../../liens/{n}/" for n in (27, 26, 25, 24)]
    assert soup.select_one("ul.index time")["datetime"] == "2016-11-20"


def test_roundups_index_links_years_sources_tags_and_feeds(sample_site):
    soup = page(sample_site, "liens")
    hrefs = main_hrefs(soup)
    assert {"../liens/2016/", "../liens/sources/", "../liens/tags/",
            "../liens/feed.atom", "../liens/feed.json"} <= hrefs
    assert {"../liens/27/", "../liens/24/"} <= hrefs
    head = {(link["type"], link["href"]) for link in soup.select("head link[rel=alternate]")}
    assert ("application/atom+xml", "../liens/feed.atom") in head
    assert ("application/feed+json", "../liens/feed.json") in head
    assert ("application/atom+xml", "../feed.atom") in head


def test_every_page_announces_the_site_feeds(sample_site):
    for path in ("index.html", "acteurs/make-org/index.html", "blog/index.html"):
        soup = BeautifulSoup((sample_site / path).read_text(encoding="utf-8"), "html.parser")
        types = {link["type"] for link in soup.select("head link[rel=alternate]")}
        assert {"application/atom+xml", "application/feed+json"} <= types, path


def test_source_page_lists_its_links_across_roundups(sample_site):
    soup = page(sample_site, "liens/sources/le-monde")
    assert soup.h1.get_text() == "Liens de Le Monde"
    titles = [plain(h.get_text()) for h in soup.select("ol.links > li > h3")]
    assert titles == ["La « civic tech » sauvera-t-elle le politique ?", "Noter plutôt que voter",
                      "« Civic Tech » : des applis pour doper la démocratie en ville"]
    roundups = [a["href"] for a in soup.select("section.roundup-links > h2 > a")]
    assert roundups == ["../../../liens/25/", "../../../liens/24/"]
    index = page(sample_site, "liens/sources")
    assert "../../liens/sources/le-monde/" in main_hrefs(index)
    assert "Le Monde — 3 liens" in index.get_text()


def test_tag_pages(sample_site):
    soup = page(sample_site, "liens/tags/liberte-living-lab")
    assert plain(soup.h1.get_text()) == "Étiquette « liberté living lab »"
    assert [a["href"] for a in soup.select("ul.index > li > a")] == \
        ["../../../liens/27/", "../../../liens/26/", "../../../liens/25/"]
    index = page(sample_site, "liens/tags")
    assert "../../liens/tags/civic-tech/" in main_hrefs(index)
    # a roundup's tags link to their pages
    assert "../../liens/tags/lobbying-citoyen/" in main_hrefs(page(sample_site, "liens/27"))


def test_excerpt_is_a_quotation_citing_its_source(sample_site):
    soup = page(sample_site, "liens/27")
    link = soup.select("ol.links > li")[4]
    assert link.h3.get_text().startswith("La révolution numérique")
    figure = link.select_one("figure.excerpt")
    assert figure.blockquote.get_text().strip().startswith("Emmanuel Grégoire voit")
    caption = figure.figcaption
    assert caption.cite.get_text() == "HuffPost"
    assert "Emmanuel Grégoire" in caption.get_text()
    assert caption.cite.a["href"] == "../../liens/sources/huffpost/"


def test_roundup_page_period_neighbours_and_mentions(sample_site):
    soup = page(sample_site, "liens/25")
    assert "couvre : août 2016" in plain(soup.select_one("p.when").get_text())
    assert soup.select_one("p.when time")["datetime"] == "2016-08-25"
    nav = soup.select_one("nav.neighbours")
    assert nav.select_one("a[rel=prev]")["href"] == "../../liens/24/"
    assert nav.select_one("a[rel=next]")["href"] == "../../liens/26/"
    first = page(sample_site, "liens/24").select_one("nav.neighbours")
    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == "../../liens/25/"
    latest = page(sample_site, "liens/27")
    actors = {a.get_text(): a["href"] for a in latest.select("section.mentioned ul.actors a")}
    assert actors["Make.org"] == "../../acteurs/make-org/"
    assert "Ville de Paris" in actors
    people = [a.get_text() for a in latest.select("section.mentioned ul.people a")]
    assert "Emmanuel Grégoire" in people


def test_a_link_in_another_language_is_marked(sample_site):
    soup = page(sample_site, "liens/25")
    marked = soup.select("ol.links > li > h3[lang=en]")
    assert marked, "the English link of roundup 25 carries lang=en"


def test_roundup_pages_have_headings_in_order(sample_site):
    for path in [*(sample_site / "liens").rglob("index.html")]:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        levels = [int(h.name[1]) for h in soup.select("main h1, main h2, main h3, main h4, main h5, main h6")]
        assert levels[0] == 1 and levels.count(1) == 1, path
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), path


def test_roundups_atom_feed(sample_site):
    feed = atom(sample_site, "liens/feed.atom")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [f"Les liens CivicTech de la semaine #{n}" for n in (27, 26, 25, 24)]
    first = feed.entries[0]
    assert first.id == "tag:hub-civictech.example,2016-11-20:liens/27"
    assert first.published == "2016-11-20T00:00:00+01:00"  # midnight, Paris time (winter)
    assert feed.entries[2].published == "2016-08-25T00:00:00+02:00"  # summer time
    content = first.content[0]
    assert content.type == "text/html"
    assert "La revue de liens du dimanche" in content.value
    assert content.value.count("<li>") == 13 and "<blockquote>" in content.value
    assert "Make.org" in content.value
    assert {t.term for t in first.tags} >= {"civic tech", "lobbying citoyen"}
    # without SITEURL, links are relative to the feed and lead to the built page
    assert first.link == "27/"
    assert (sample_site / posixpath.join("liens", first.link, "index.html")).is_file()


def test_roundups_json_feed(sample_site):
    feed = json_feed(sample_site, "liens/feed.json")
    assert feed["version"] == JSON_FEED_VERSION
    assert feed["title"]
    assert "feed_url" not in feed, "feed_url must be absolute: only with SITEURL"
    items = feed["items"]
    assert [item["id"] for item in items] == [f"tag:hub-civictech.example,{d}:liens/{n}" for d, n in
                                              (("2016-11-20", 27), ("2016-10-24", 26),
                                               ("2016-08-25", 25), ("2016-07-18", 24))]
    for item in items:
        assert isinstance(item["id"], str) and (item.get("content_html") or item.get("content_text"))
        assert RFC3339.match(item["date_published"]), item["date_published"]
    assert items[0]["date_published"] == "2016-11-20T00:00:00+01:00"
    assert items[0]["url"] == "27/"


def test_combined_feeds_merge_roundups_and_posts_newest_first(sample_site):
    feed = atom(sample_site, "feed.atom")
    ids = [e.id for e in feed.entries]
    assert len(ids) == 4 + 6
    assert sum(":liens/" in i for i in ids) == 4 and sum(":blog/" in i for i in ids) == 6
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    post = next(e for e in feed.entries if ":blog/" in e.id)
    assert post.content[0].value.startswith("<p>") and post.link.startswith("blog/")
    data = json_feed(sample_site, "feed.json")
    assert [item["id"] for item in data["items"]] == ids
    assert all(RFC3339.match(item["date_published"]) for item in data["items"])


# -- small hubs ----------------------------------------------------------------------------

def test_drafts_only_in_preview_and_never_in_feeds(hub):
    hub.write("roundups/2016-11-20-27.md", roundup(27, "2016-11-20"))
    hub.write("roundups/2016-11-27-28.md", roundup(28, "2016-11-27", status="draft", source="Brouillon FM",
                                                    tags="[secret]"))
    output = hub.build()
    assert (output / "liens/27/index.html").is_file()
    assert not (output / "liens/28").exists()
    assert not (output / "liens/sources/brouillon-fm").exists()
    assert not (output / "liens/tags/secret").exists()
    assert "../liens/28/" not in main_hrefs(page(output, "liens"))
    assert "../../liens/28/" not in main_hrefs(page(output, "liens/2016"))
    assert page(output, "liens/27").select_one("a[rel=next]") is None

    with open(hub.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nCIVICHUB_PREVIEW = True\n")
    output = hub.build()
    draft = page(output, "liens/28")
    assert draft.select_one('meta[name=robots]')["content"] == "noindex"
    assert "Brouillon" in draft.select_one("main").get_text()
    assert "Brouillon" in draft.title.get_text()
    published = page(output, "liens/27")
    assert published.select_one('meta[name=robots]') is None
    assert "../liens/28/" in main_hrefs(page(output, "liens"))
    assert (output / "liens/sources/brouillon-fm/index.html").is_file()
    for path in ("liens/feed.atom", "feed.atom"):
        assert [e.id for e in atom(output, path).entries if ":liens/" in e.id] == \
            ["tag:hub-civictech.example,2016-11-20:liens/27"], path
    for path in ("liens/feed.json", "feed.json"):
        assert not any("liens/28" in item["id"] for item in json_feed(output, path)["items"]), path


def test_feed_ids_do_not_depend_on_siteurl(hub):
    hub.write("roundups/2016-11-20-27.md", roundup(27, "2016-11-20", url="https://example.com/a?b=1&c=2"))
    local = hub.build()
    local_ids = [e.id for e in atom(local, "liens/feed.atom").entries]
    local_json = [item["id"] for item in json_feed(local, "liens/feed.json")["items"]]
    published = build(hub.root / "pelicanconf.py", hub.root / "public",
                      {"SITEURL": "https://hub.example.org", "RELATIVE_URLS": False})
    feed = atom(published, "liens/feed.atom")
    assert [e.id for e in feed.entries] == local_ids == ["tag:hub-civictech.example,2016-11-20:liens/27"]
    assert [item["id"] for item in json_feed(published, "liens/feed.json")["items"]] == local_json
    assert feed.entries[0].link == "https://hub.example.org/liens/27/"
    assert feed.feed.id == "https://hub-civictech.example/liens/feed.atom"
    data = json_feed(published, "liens/feed.json")
    assert data["feed_url"] == "https://hub.example.org/liens/feed.json"
    assert data["home_page_url"] == "https://hub.example.org/liens/"
    assert data["items"][0]["url"] == "https://hub.example.org/liens/27/"
    # the link's own address, title escaped, not interpreted
    content = feed.entries[0].content[0].value
    assert '<a href="https://example.com/a?b=1&amp;c=2">' in content
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; co" in content


def test_feeds_carry_the_newest_entries_only(hub):
    """A feed reader fetches the whole file at every poll: FEED_MAX_ITEMS (Pelican's setting, 100
    by default) entries at most, the newest."""
    for number in range(24, 28):
        hub.write(f"roundups/2016-11-{number - 6:02d}-{number}.md", roundup(number, f"2016-11-{number - 6:02d}"))
    hub.write("posts/billet.md", "Title: Billet\nDate: 2016-11-20 12:00\n\nUn billet.\n")
    with open(hub.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nFEED_MAX_ITEMS = 2\n")
    output = hub.build()
    assert [e.id.rsplit(":", 1)[1] for e in atom(output, "liens/feed.atom").entries] == ["liens/27", "liens/26"]
    assert [e.id.rsplit(":", 1)[1] for e in atom(output, "feed.atom").entries] == ["liens/27", "blog/billet"]
    assert len(json_feed(output, "feed.json")["items"]) == 2


def test_the_feeds_read_the_text_of_the_posts_they_carry_only(hub):
    """Editing a post the feeds do not carry does not make them again: its text is not read,
    however few roundups are newer than it."""
    hub.write("roundups/2016-11-20-27.md", roundup(27, "2016-11-20"))
    hub.write("roundups/2016-11-27-28.md", roundup(28, "2016-11-27"))
    hub.write("posts/ancien.md", "Title: Ancien\nDate: 2016-01-01 12:00\n\nUn billet ancien.\n")
    hub.write("posts/recent.md", "Title: Récent\nDate: 2016-11-21 12:00\n\nUn billet récent.\n")
    with open(hub.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nFEED_MAX_ITEMS = 2\n")
    output = hub.build()
    assert [e.id.rsplit(":", 1)[1] for e in atom(output, "feed.atom").entries] == ["liens/28", "blog/recent"]
    record = incremental.read_record(hub.root / ".cache" / incremental.RECORD_NAME, output).record
    feeds = next(made for key, made in record.made.items() if key.endswith("feeds.files"))
    read = {Path(source).name for source in feeds.reads}
    assert "recent.md" in read and "ancien.md" not in read


def test_feeds_are_reproducible(hub):
    hub.write("roundups/2016-11-20-27.md", roundup(27, "2016-11-20"))
    paths = ("liens/feed.atom", "liens/feed.json", "feed.atom", "feed.json")
    output = hub.build()
    first = {path: (output / path).read_bytes() for path in paths}
    output = hub.build()
    assert {path: (output / path).read_bytes() for path in paths} == first


def test_empty_hub_has_valid_feeds(hub):
    output = hub.build()
    assert atom(output, "liens/feed.atom").entries == []
    data = json_feed(output, "liens/feed.json")
    assert data["version"] == JSON_FEED_VERSION and data["items"] == []
    assert "Aucune revue" in page(output, "liens").get_text()


def test_sections_become_headings_and_link_tags_get_pages(hub):
    hub.write("roundups/2016-11-20-27.md", """
        ---
        number: 27
        date: 2016-11-20
        sections:
          - title: Présidentielle 2017
            links:
              - title: Un lien
                source: France Inter
                tags: [élection présidentielle]
          - title: Lieux
            links:
              - title: Un autre lien
                source: france inter
        ---
        Intro.
        """)
    output = hub.build()
    soup = page(output, "liens/27")
    assert [h.get_text() for h in soup.select("main h2")][:2] == ["Présidentielle 2017", "Lieux"]
    assert soup.select_one("ol.links > li > p.source cite").get_text() == "France Inter"
    tag = page(output, "liens/tags/election-presidentielle")
    assert [h.get_text() for h in tag.select("ol.links h4")] == ["Un lien"]
    # 'France Inter' and 'france inter' share a slug, hence one page
    source = page(output, "liens/sources/france-inter")
    assert [h.get_text() for h in source.select("ol.links h3")] == ["Un lien", "Un autre lien"]


def pages_of(output: Path, base: str) -> list:
    """A tag's or a source's pages, parsed: base/, base/page/2/... as far as they go."""
    found = [page(output, base)]
    while (output / base / f"page/{len(found) + 1}/index.html").is_file():
        found.append(page(output, f"{base}/page/{len(found) + 1}"))
    return found


def resolved(base: str, href: str) -> str:
    """A page's relative link as a path from the site root: 'liens/tags/vote/page/2/'."""
    return posixpath.normpath(posixpath.join(base, href)) + "/"


def test_a_tag_s_and_a_source_s_links_are_listed_a_few_at_a_time(hub):
    # five weekly roundups tagged 'vote', each with one link tagged 'vote' from Le Monde
    for number in range(1, 6):
        hub.write(f"roundups/2016-11-0{number}-{number}.md", roundup(number, f"2016-11-0{number}", tags="[vote]"))
    with open(hub.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nCIVICHUB_LINKS_PER_PAGE = 2\n")
    output = hub.build()
    for base, heading in (("liens/tags/vote", "h3"), ("liens/sources/le-monde", "h2")):
        pages = pages_of(output, base)
        urls = [f"{base}/"] + [f"{base}/page/{n}/" for n in range(2, len(pages) + 1)]
        # every link once, newest first, two to a page
        listed = [[resolved(url, a["href"]) for a in soup.select(f"section.roundup-links > {heading} > a")]
                  for url, soup in zip(urls, pages)]
        assert listed == [["liens/5/", "liens/4/"], ["liens/3/", "liens/2/"], ["liens/1/"]], base
        for number, (url, soup) in enumerate(zip(urls, pages), 1):
            pager = soup.select_one("main nav.pager")
            assert pager.select_one("[aria-current=page]").get_text() == str(number)
            numbered = {a.get_text(): resolved(url, a["href"]) for a in pager.select("a:not([rel])")}
            assert numbered == {str(n): urls[n - 1] for n in range(1, 4) if n != number}
            newer, older = pager.select_one("a[rel=prev]"), pager.select_one("a[rel=next]")
            assert (resolved(url, newer["href"]) if newer else None) == (urls[number - 2] if number > 1 else None)
            assert (resolved(url, older["href"]) if older else None) == (urls[number] if number < 3 else None)
            # only the first page is searched; the others say which page they are
            assert soup.main.has_attr("data-pagefind-body") == (number == 1)
            assert ("page 2 sur 3" in plain(soup.title.get_text())) == (number == 2)
        assert not (output / base / "page/4").exists()
    # the tagged roundups are listed once, on the tag's first page
    first, second, _ = pages_of(output, "liens/tags/vote")
    assert len(first.select("#h-tagged-roundups + ul.index > li")) == 5
    assert second.select_one("#h-tagged-roundups") is None
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "liens/tags/vote/page/3/</loc>" in sitemap


def test_the_pager_shows_the_ends_and_the_pages_around_this_one():
    from civichub.pages.roundups import Listing
    urls = tuple(f"p{n}/" for n in range(1, 11))
    assert Listing(5, urls, []).shown == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert Listing(1, urls, []).shown == [1, 2, 3, None, 10]
    assert Listing(9, urls, []).shown == [1, None, 7, 8, 9, 10]
    assert Listing(2, urls[:4], []).shown == [1, 2, 3, 4]
    assert (Listing(1, urls, []).previous, Listing(1, urls, []).next) == (None, "p2/")
    assert (Listing(10, urls, []).previous, Listing(10, urls, []).next) == ("p9/", None)


def test_a_roundup_s_links_stay_on_one_page():
    from civichub.pages.roundups import split_links
    links = [("#4", ["a"]), ("#3", ["b", "c", "d"]), ("#2", ["e"]), ("#1", ["f"])]
    assert split_links(links, 2) == [[("#4", ["a"])], [("#3", ["b", "c", "d"])], [("#2", ["e"]), ("#1", ["f"])]]
    assert split_links(links, 0) == [links]
    assert split_links([], 2) == [[]]


def test_a_wrong_number_of_links_per_page_stops_the_build_with_a_message(hub, capsys, monkeypatch):
    from civichub import cli
    monkeypatch.chdir(hub.root)
    hub.write("roundups/2016-11-01-1.md", roundup(1, "2016-11-01"))
    with open(hub.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nCIVICHUB_LINKS_PER_PAGE = 'cent'\n")
    assert cli.main(["build"]) == 1
    error = capsys.readouterr().err
    assert "CIVICHUB_LINKS_PER_PAGE = 'cent' is not a number of links" in error and "Traceback" not in error
    assert not (hub.root / "output").exists()
