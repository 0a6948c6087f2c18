"""The search page (/recherche/): a form over the Pagefind index written by search.index_site.
Without JavaScript it says so and points to the indexes."""
from __future__ import annotations

from typing import Iterator

from . import Page

# The kinds base.html gives each page (data-pagefind-filter="type:..."), in the order of the
# search page's filter, with their labels there.
KINDS = (("session", "Sessions"), ("person", "Personnes"), ("actor", "Acteurs"),
         ("link", "Revues de liens"), ("post", "Billets"), ("event", "Événements"),
         ("page", "Autres pages"))
KIND_NAMES = {"session": "Session", "person": "Personne", "actor": "Acteur", "link": "Revue de liens",
              "post": "Billet", "event": "Événement", "page": "Page"}


def pages(hub, urls, settings) -> Iterator[Page]:
    if settings.get("CIVICHUB_SEARCH", True):
        yield Page(urls.patterns.get("search", "recherche/"), "search",
                   {"search_kinds": KINDS, "search_kind_names": KIND_NAMES})
