"""The search page (/recherche/): a form over the Pagefind index written by search.index_site.
Without JavaScript it says so and points to the indexes."""
from __future__ import annotations

from typing import Iterator

from ..i18n import N_, for_settings
from . import Page

# The kinds base.html gives each page (data-pagefind-filter="type:..."), in the order of the
# search page's filter, with their labels there (French message ids, shown translated).
KINDS = (("session", N_("Sessions")), ("person", N_("Personnes")), ("actor", N_("Acteurs")),
         ("link", N_("Revues de liens")), ("post", N_("Billets")), ("event", N_("Événements")),
         ("page", N_("Autres pages")))
KIND_NAMES = {"session": N_("Session"), "person": N_("Personne"), "actor": N_("Acteur"),
              "link": N_("Revue de liens"), "post": N_("Billet"), "event": N_("Événement"), "page": N_("Page")}


def pages(hub, urls, settings) -> Iterator[Page]:
    if settings.get("CIVICHUB_SEARCH", True):
        _ = for_settings(settings).gettext
        yield Page(urls.patterns.get("search", "recherche/"), "search",
                   {"search_kinds": [(kind, _(label)) for kind, label in KINDS],
                    "search_kind_names": {kind: _(name) for kind, name in KIND_NAMES.items()}})
