"""People and actors: their indexes and their pages."""
from __future__ import annotations

from typing import Iterator

from . import Page


def pages(hub, urls, settings) -> Iterator[Page]:
    yield Page(urls("people"), "people")
    for person in hub.people:
        yield Page(urls(person), "person", {"person": person})
    yield Page(urls("actors"), "actors")
    for actor in hub.actors:
        yield Page(urls(actor), "actor", {"actor": actor})
