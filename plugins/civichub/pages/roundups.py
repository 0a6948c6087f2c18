"""Link reviews: the index, one page per roundup, and the archives by year, source and tag.

A tag or a source can gather thousands of links over years of weekly reviews: its links are
listed CIVICHUB_LINKS_PER_PAGE at a time (default 40), newest first, a roundup's links never split
between two pages. The first page keeps the tag's or the source's URL; the others are page/2/,
page/3/... under it, out of the search index (they would give the search the same title again).

Drafts (`status: draft`) are shown only when the setting CIVICHUB_PREVIEW is true: they then get
pages marked "Brouillon" (not indexed by search engines) and appear in the archives. Feeds never
list them (exports/feeds.py reads hub.published_roundups())."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..hub import name_key
from ..model import Link, Roundup
from ..urls import label_slug
from . import Page, SettingError

# About 900 bytes of HTML a link with its excerpt: 40 keep a page under the theme's 50 KB budget
# (tests/test_budget.py)
LINKS_PER_PAGE = 40


@dataclass
class Group:
    """The roundups and links sharing a year, a source or a tag, newest roundup first."""

    slug: str
    name: str
    roundups: list[Roundup] = field(default_factory=list)  # tagged roundups (tags only)
    links: list[tuple[Roundup, list[Link]]] = field(default_factory=list)

    @property
    def link_count(self) -> int:
        return sum(len(links) for _, links in self.links)

    def add_link(self, roundup: Roundup, link: Link) -> None:
        if self.links and self.links[-1][0] is roundup:
            self.links[-1][1].append(link)
        else:
            self.links.append((roundup, [link]))


@dataclass(frozen=True)
class Listing:
    """One page of a tag's or a source's links: its number (from 1), the URLs of all the group's
    pages, and the links it lists, by roundup."""

    number: int
    urls: tuple[str, ...]
    links: list[tuple[Roundup, list[Link]]]

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    @property
    def shown(self) -> list[int | None]:
        """The page numbers the pager shows: the first, the last, and two each side of this one;
        None where numbers are left out."""
        around = range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)
        shown: list[int | None] = []
        for number in sorted({1, self.count, *around}):
            if shown and number > shown[-1] + 1:
                shown.append(None)
            shown.append(number)
        return shown


def pages(hub, urls, settings) -> Iterator[Page]:
    """The roundups' index, each roundup and each year's archive."""
    preview, shown = shown_roundups(hub, settings)
    years = by_year(shown)
    check_urls(urls, shown, years)
    common = {"roundups": shown, "preview": preview}

    yield Page(urls("roundups"), "roundups", {**common, "years": years,
                                              "source_count": len(label_slugs(shown, lambda link: [link.source])),
                                              "tag_count": len(tag_slugs(shown))})
    for index, roundup in enumerate(shown):
        newer = shown[index - 1] if index > 0 else None
        older = shown[index + 1] if index + 1 < len(shown) else None
        yield Page(urls(roundup), "roundup", {
            **common, "roundup": roundup, "newer": newer, "older": older,
            "actors": mentioned(hub, roundup, "actors"), "people": mentioned(hub, roundup, "people")})
    for year, items in years:
        yield Page(urls.roundup_year(year), "roundups_year", {**common, "year": year, "year_roundups": items,
                                                              "years": years})


def label_pages(hub, urls, settings) -> Iterator[Page]:
    """The pages of each source's and each tag's links, and their indexes. A page set of its
    own: an edit of a roundup's intro, which they do not show, leaves them unlisted (listing
    them, every link grouped by its labels, takes 30 ms at scale 10)."""
    preview, shown = shown_roundups(hub, settings)
    per_page = links_per_page(settings)
    sources = grouped(shown, lambda link: [link.source])
    tags = by_tag(shown)
    common = {"roundups": shown, "preview": preview}
    yield Page(urls("roundups.sources"), "roundups_sources", {**common, "sources": sources})
    for source in sources:
        for listing in listings(source, per_page, urls.roundup_source):
            yield Page(listing.url, "roundups_source", {**common, "source": source, "listing": listing})
    yield Page(urls("roundups.tags"), "roundups_tags", {**common, "tags": tags})
    for tag in tags:
        for listing in listings(tag, per_page, urls.roundup_tag):
            yield Page(listing.url, "roundups_tag", {**common, "tag": tag, "listing": listing})


def shown_roundups(hub, settings) -> tuple[bool, list[Roundup]]:
    """Whether drafts are previewed, and the roundups listed (drafts among them then)."""
    preview = bool(settings.get("CIVICHUB_PREVIEW", False))
    return preview, list(hub.roundups) if preview else hub.published_roundups()


def links_per_page(settings: dict) -> int:
    value = settings.get("CIVICHUB_LINKS_PER_PAGE", LINKS_PER_PAGE)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingError(f"CIVICHUB_LINKS_PER_PAGE = {value!r} is not a number of links: set a whole "
                           f"number such as {LINKS_PER_PAGE}, or 0 to list each tag's and each source's "
                           "links on one page")
    return value


def listings(group: Group, per_page: int, url_of) -> list[Listing]:
    """The pages of a group's links; url_of(slug, number) gives each page's URL."""
    chunks = split_links(group.links, per_page)
    page_urls = tuple(url_of(group.slug, number) for number in range(1, len(chunks) + 1))
    return [Listing(number, page_urls, chunk) for number, chunk in enumerate(chunks, 1)]


def split_links(links: list[tuple[Roundup, list[Link]]], per_page: int) -> list[list]:
    """links, by roundup, in pages of at most per_page links (all on one page for 0). A roundup's
    links stay together: one with more than per_page has a page of its own."""
    if not per_page:
        return [links]
    chunks: list[list] = [[]]
    size = 0
    for roundup, items in links:
        if chunks[-1] and size + len(items) > per_page:
            chunks.append([])
            size = 0
        chunks[-1].append((roundup, items))
        size += len(items)
    return chunks


def by_year(roundups: list[Roundup]) -> list[tuple[int, list[Roundup]]]:
    years: dict[int, list[Roundup]] = {}
    for roundup in roundups:
        years.setdefault(roundup.date.year, []).append(roundup)
    return sorted(years.items(), reverse=True)


def grouped(roundups: list[Roundup], labels) -> list[Group]:
    """Links grouped by the slug of each of their labels (sources or tags), sorted by name. The
    name shown is the newest spelling ('Rue89' and 'rue89' share one page)."""
    groups: dict[str, Group] = {}
    for roundup in roundups:
        for link in roundup.links:
            for label in dict.fromkeys(labels(link)):
                slug = label_slug(label)
                groups.setdefault(slug, Group(slug, label)).add_link(roundup, link)
    return sorted(groups.values(), key=lambda g: (name_key(g.name), g.slug))


def by_tag(roundups: list[Roundup]) -> list[Group]:
    """Tags of roundups and of links: each tag's page lists both."""
    tags = {g.slug: g for g in grouped(roundups, lambda link: link.tags)}
    # which roundups each group holds, by identity: comparing Roundup records field by field is slow
    listed = {(group.slug, id(roundup)) for group in tags.values() for roundup in group.roundups}
    for roundup in roundups:
        for tag in dict.fromkeys(roundup.tags):
            group = tags.setdefault(label_slug(tag), Group(label_slug(tag), tag))
            if (group.slug, id(roundup)) not in listed:
                listed.add((group.slug, id(roundup)))
                group.roundups.append(roundup)
    for group in tags.values():
        group.roundups.sort(key=lambda r: r.number, reverse=True)
    return sorted(tags.values(), key=lambda g: (name_key(g.name), g.slug))


def label_slugs(roundups: list[Roundup], labels) -> set[str]:
    """The slugs grouped() groups links by: as many as it makes groups."""
    return {label_slug(label) for roundup in roundups for link in roundup.links for label in labels(link)}


def tag_slugs(roundups: list[Roundup]) -> set[str]:
    """The slugs of by_tag()'s groups: the tags of links and of roundups."""
    return label_slugs(roundups, lambda link: link.tags) | {label_slug(tag) for r in roundups for tag in r.tags}


_by_roundup: dict = {"hub": None}


def mentioned_in(hub, kind: str) -> dict[int, set[str]]:
    """Roundup number -> slugs of the actors (or people) mentioned in it: the hub's mention
    indexes turned around once per build, not scanned again for every roundup."""
    if _by_roundup["hub"] is not hub:
        _by_roundup.clear()
        _by_roundup["hub"] = hub
    if kind not in _by_roundup:
        index = hub.actor_mentions if kind == "actors" else hub.person_mentions
        inverted: dict[int, set[str]] = {}
        for slug, mentions in index.items():
            for mention in mentions:
                inverted.setdefault(mention.roundup.number, set()).add(slug)
        _by_roundup[kind] = inverted
    return _by_roundup[kind]


def mentioned(hub, roundup: Roundup, kind: str) -> list:
    """Actors (or people) the roundup mentions: those whose mentions in the hub (explicit, and
    detected when mentions.py finds some) include it, plus the explicit references of its links
    (a draft is not indexed by the hub, but its preview page lists them too)."""
    lookup, rank = (hub.actor, hub.actor_rank) if kind == "actors" else (hub.person, hub.person_rank)
    slugs = set(mentioned_in(hub, kind).get(roundup.number, ()))
    slugs |= {ref.id for link in roundup.links for ref in getattr(link, kind)}
    return [lookup(slug) for slug in sorted(slugs, key=rank.__getitem__)]  # as the hub sorts them


def check_urls(urls, roundups: list[Roundup], years) -> None:
    """A year archive and a roundup must not share a URL (liens/2016/ versus roundup #2016)."""
    taken = {urls(roundup): roundup for roundup in roundups}
    for year, _ in years:
        if urls.roundup_year(year) in taken:
            raise SettingError(f"roundup #{taken[urls.roundup_year(year)].number} and the {year} archive "
                               f"both want {urls.roundup_year(year)}: change 'roundups.year' or 'roundup' "
                               "in CIVICHUB_URLS")
