"""Where each kind of page lives. One place, so pages, exports and the sitemap agree."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .fields import slugify
from .model import Actor, Event, Person, Roundup, Session

DEFAULT_URLS = {
    "home": "",
    "notfound": "404.html",
    "events": "evenements/",
    "event": "evenements/{event}/",
    "session": "evenements/{event}/{session}/",
    "people": "personnes/",
    "person": "personnes/{slug}/",
    "actors": "acteurs/",
    "actor": "acteurs/{slug}/",
    "actors.kind": "acteurs/type/{slug}/",
    "actors.category": "acteurs/categorie/{slug}/",
    "actors.city": "acteurs/ville/{slug}/",
    "roundups": "liens/",
    "roundup": "liens/{number}/",
    "roundups.year": "liens/{year}/",
    "roundups.sources": "liens/sources/",
    "roundups.source": "liens/sources/{slug}/",
    "roundups.source.page": "liens/sources/{slug}/page/{page}/",  # the pages after the first
    "roundups.tags": "liens/tags/",
    "roundups.tag": "liens/tags/{slug}/",
    "roundups.tag.page": "liens/tags/{slug}/page/{page}/",
    "programme": "evenements/{event}/programme/",
    "room": "evenements/{event}/salles/{room}/",
    "opendata": "donnees/",
    "search": "recherche/",
    # exports
    "event.ics": "evenements/{event}/programme.ics",
    "event.json": "evenements/{event}/schedule.json",
    "event.xml": "evenements/{event}/schedule.xml",
    "session.ics": "evenements/{event}/{session}/session.ics",
    "room.ics": "evenements/{event}/salles/{room}/salle.ics",
    "person.ics": "personnes/{slug}/agenda.ics",
    "event.pdf": "evenements/{event}/programme.pdf",
    "datapackage": "data/datapackage.json",
    "data.csv": "data/{table}.csv",
    "data.json": "data/{table}.json",
    "roundups.atom": "liens/feed.atom",
    "roundups.json": "liens/feed.json",
    "feed.atom": "feed.atom",
    "feed.json": "feed.json",
}


@dataclass(frozen=True)
class Urls:
    patterns: dict[str, str]

    @classmethod
    def from_settings(cls, settings: dict) -> "Urls":
        return cls({**DEFAULT_URLS, **settings.get("CIVICHUB_URLS", {})})

    def __call__(self, thing) -> str:
        """The URL (relative to the site root) of a record or of a named index page."""
        if isinstance(thing, str):
            return self.patterns[thing]
        if isinstance(thing, Session):
            return self.patterns["session"].format(event=thing.event, session=thing.id)
        if isinstance(thing, Event):
            return self.patterns["event"].format(event=thing.slug)
        if isinstance(thing, Person):
            return self.patterns["person"].format(slug=thing.slug)
        if isinstance(thing, Actor):
            return self.patterns["actor"].format(slug=thing.slug)
        if isinstance(thing, Roundup):
            return self.patterns["roundup"].format(number=thing.number, slug=thing.slug)
        raise TypeError(f"no URL for {type(thing).__name__}")

    def room(self, event: Event, room) -> str:
        return self.patterns["room"].format(event=event.slug, room=room.id)

    def programme(self, event: Event) -> str:
        return self.patterns["programme"].format(event=event.slug)

    def roundup_year(self, year: int) -> str:
        return self.patterns["roundups.year"].format(year=year)

    def roundup_source(self, source: str, page: int = 1) -> str:
        """The page of every link from one publication, by name ('Le Monde') or slug; page: which
        of its pages (pages/roundups.py, links_per_page)."""
        return self._label_page("roundups.source", source, page)

    def roundup_tag(self, tag: str, page: int = 1) -> str:
        return self._label_page("roundups.tag", tag, page)

    def _label_page(self, name: str, label: str, page: int) -> str:
        """A source's or a tag's page: the first at the pattern `name`, the others at `name.page`."""
        if page == 1:
            return self.patterns[name].format(slug=label_slug(label))
        return self.patterns[f"{name}.page"].format(slug=label_slug(label), page=page)

    @staticmethod
    def file_of(url: str) -> str:
        return url + "index.html" if url.endswith("/") or not url else url

    def export(self, kind: str, thing, room=None) -> str:
        """URL of an export: export('event.ics', event), export('room.ics', event, room)..."""
        pattern = self.patterns[kind]
        if isinstance(thing, Session):
            return pattern.format(event=thing.event, session=thing.id)
        if isinstance(thing, Person):
            return pattern.format(slug=thing.slug)
        return pattern.format(event=thing.slug, room=room.id if room else "")


@dataclass(frozen=True)
class Site:
    """What exports need to know about the site they are part of."""

    url: str  # SITEURL, '' for a site with relative URLs
    name: str
    urls: Urls
    uid_domain: str  # stable domain part of iCalendar UIDs and schedule GUIDs
    timestamp: datetime  # reproducible 'now': SOURCE_DATE_EPOCH, else the latest content date

    def absolute(self, relative_url: str) -> str:
        return f"{self.url.rstrip('/')}/{relative_url}" if self.url else relative_url


@lru_cache(maxsize=4096)  # a few hundred sources and tags, asked for on every link
def label_slug(label: str) -> str:
    """Slug of a free-text label (a link's source, a tag): 'Le Monde' -> 'le-monde'."""
    return slugify(label) or "sans-nom"
