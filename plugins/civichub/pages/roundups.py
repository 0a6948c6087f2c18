"""Link reviews: the index, one page per roundup, and the archives by year, source and tag.

Drafts (`status: draft`) are shown only when the setting CIVICHUB_PREVIEW is true: they then get
pages marked "Brouillon" (not indexed by search engines) and appear in the archives. Feeds never
list them (exports/feeds.py reads hub.published_roundups())."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..hub import family_first, name_key
from ..model import Link, Roundup
from ..urls import label_slug
from . import Page


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


def pages(hub, urls, settings) -> Iterator[Page]:
    preview = bool(settings.get("CIVICHUB_PREVIEW", False))
    shown = list(hub.roundups) if preview else hub.published_roundups()
    years = by_year(shown)
    sources = grouped(shown, lambda link: [link.source])
    tags = by_tag(shown)
    check_urls(urls, shown, years)
    common = {"roundups": shown, "preview": preview}

    yield Page(urls("roundups"), "roundups", {**common, "years": years, "sources": sources, "tags": tags})
    for index, roundup in enumerate(shown):
        newer = shown[index - 1] if index > 0 else None
        older = shown[index + 1] if index + 1 < len(shown) else None
        yield Page(urls(roundup), "roundup", {
            **common, "roundup": roundup, "newer": newer, "older": older,
            "actors": mentioned(hub, roundup, "actors"), "people": mentioned(hub, roundup, "people")})
    for year, items in years:
        yield Page(urls.roundup_year(year), "roundups_year", {**common, "year": year, "year_roundups": items,
                                                              "years": years})
    yield Page(urls("roundups.sources"), "roundups_sources", {**common, "sources": sources})
    for source in sources:
        yield Page(urls.roundup_source(source.slug), "roundups_source", {**common, "source": source})
    yield Page(urls("roundups.tags"), "roundups_tags", {**common, "tags": tags})
    for tag in tags:
        yield Page(urls.roundup_tag(tag.slug), "roundups_tag", {**common, "tag": tag})


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
    lookup = hub.actor if kind == "actors" else hub.person
    slugs = set(mentioned_in(hub, kind).get(roundup.number, ()))
    slugs |= {ref.id for link in roundup.links for ref in getattr(link, kind)}
    records = [lookup(slug) for slug in slugs]
    if kind == "actors":
        return sorted(records, key=lambda actor: name_key(actor.name))
    return sorted(records, key=lambda person: name_key(person.sort_name or family_first(person.name)))


def check_urls(urls, roundups: list[Roundup], years) -> None:
    """A year archive and a roundup must not share a URL (liens/2016/ versus roundup #2016)."""
    taken = {urls(roundup): roundup for roundup in roundups}
    for year, _ in years:
        if urls.roundup_year(year) in taken:
            raise ValueError(f"roundup #{taken[urls.roundup_year(year)].number} and the {year} archive "
                             f"both want {urls.roundup_year(year)}: change 'roundups.year' or 'roundup' "
                             "in CIVICHUB_URLS")
