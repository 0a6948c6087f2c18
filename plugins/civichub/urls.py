"""Where each kind of page lives. One place, so pages, exports and the sitemap agree."""
from __future__ import annotations

from dataclasses import dataclass

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
    "roundups": "liens/",
    "roundup": "liens/{number}/",
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

    def save_as(self, thing) -> str:
        url = self(thing)
        return url + "index.html" if url.endswith("/") or not url else url
