"""People and actors: their indexes (A–Z, with filters), their pages, and the actors' facet pages
(by kind, category and city), which make the directory browsable without JavaScript."""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator
from urllib.parse import quote

from ..fields import slugify
from ..hub import ROLE_ORDER, family_first, name_key
from ..i18n import N_, NP_, French, for_settings
from . import Page

# Labels in French (the message ids); Directory shows them in the interface language. The
# categories have a context of their own ('Recherche' is research there, not the search page).
CATEGORY = "catégorie"
KIND_LABELS = {
    "association": N_("Association"), "entreprise": N_("Entreprise"), "startup": N_("Start-up"),
    "institution": N_("Institution"), "collectivite": N_("Collectivité"), "media": N_("Média"),
    "universite": N_("Université"), "collectif": N_("Collectif"), "think-tank": N_("Think tank"),
    "fondation": N_("Fondation"), "syndicat": N_("Syndicat"), "autre": N_("Autre"),
}
CATEGORY_LABELS = {  # the context CATEGORY, written out where pybabel can read it
    "participation": NP_("catégorie", "Participation"),
    "consultation": NP_("catégorie", "Consultation"),
    "budget-participatif": NP_("catégorie", "Budget participatif"),
    "petitions": NP_("catégorie", "Pétitions"),
    "transparence": NP_("catégorie", "Transparence"),
    "open-data": NP_("catégorie", "Open data"),
    "medias": NP_("catégorie", "Médias"),
    "education": NP_("catégorie", "Éducation"),
    "vote": NP_("catégorie", "Vote"),
    "elus": NP_("catégorie", "Élus"),
    "territoires": NP_("catégorie", "Territoires"),
    "mobilisation": NP_("catégorie", "Mobilisation"),
    "financement": NP_("catégorie", "Financement"),
    "recherche": NP_("catégorie", "Recherche"),
    "inclusion": NP_("catégorie", "Inclusion"),
    "legislation": NP_("catégorie", "Législation"),
    "evenements": NP_("catégorie", "Événements"),
}
ROLE_LABELS = {"opener": N_("Ouverture"), "moderator": N_("Modération"), "speaker": N_("Intervention"),
               "pitcher": N_("Pitch"), "organiser": N_("Organisation")}
# The network's name is shown in the interface language by the template (filter 'translated').
NETWORKS = {"x": "X (Twitter)", "mastodon": "Mastodon", "bluesky": "Bluesky", "linkedin": "LinkedIn",
            "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube", "github": "GitHub",
            "website": N_("Site web")}
PROFILE_URLS = {"x": "https://x.com/{}", "bluesky": "https://bsky.app/profile/{}",
                "linkedin": "https://www.linkedin.com/in/{}", "facebook": "https://www.facebook.com/{}",
                "instagram": "https://www.instagram.com/{}", "youtube": "https://www.youtube.com/@{}",
                "github": "https://github.com/{}"}
LETTERS = list(string.ascii_uppercase)
OTHER = "#"  # heading of names that start with a digit or a sign


def label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, key.replace("-", " ").capitalize())


@dataclass
class Facet:
    """One value of one dimension of the actors directory, with the actors that have it."""

    dimension: str  # 'kind', 'category', 'city'
    slug: str
    label: str
    url: str
    actors: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.actors)


@dataclass(frozen=True)
class Social:
    network: str
    label: str  # the network's name, part of the link's accessible name
    handle: str  # as shown
    href: str  # '' when no address can be made from the handle


def social_links(social: dict[str, str]) -> list[Social]:
    """Profile links from handles: '@user@instance.social' (Mastodon) -> https://instance.social/@user,
    'Voxe' (X) -> https://x.com/Voxe; a full URL is kept as it is."""
    links = []
    for network in [n for n in NETWORKS if n in social] + sorted(set(social) - set(NETWORKS)):
        handle = social[network].strip()
        if handle.startswith(("https://", "http://")):
            href = handle
            shown = handle.split("://", 1)[1].removeprefix("www.").rstrip("/")
        elif network == "mastodon":
            user, _, instance = handle.lstrip("@").partition("@")
            href = f"https://{instance}/@{quote(user)}" if instance and user else ""
            shown = f"@{user}@{instance}" if instance else handle
        elif network == "website":
            href, shown = f"https://{handle}", handle
        elif network in PROFILE_URLS:
            bare = handle.lstrip("@")
            if network == "linkedin" and bare.startswith(("in/", "company/")):
                href = f"https://www.linkedin.com/{bare}"
            else:
                href = PROFILE_URLS[network].format(quote(bare))
            shown = bare if network in ("linkedin", "bluesky") else "@" + bare
        else:
            href, shown = "", handle
        links.append(Social(network, NETWORKS.get(network, network.capitalize()), shown, href))
    return links


def initials(name: str) -> str:
    """'Julie de Pimodan' -> 'JP', 'Loïc Blondiaux' -> 'LB' (lowercase particles skipped)."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isupper() or w[:1].isdigit()]
    words = words or name.split()
    picked = [words[0], words[-1]] if len(words) > 1 else words[:1]
    return "".join(w[0] for w in picked).upper()


def letter_of(key: str) -> str:
    """A–Z heading of a sort key (already accent-stripped and casefolded)."""
    for ch in key:
        if ch.isalnum():
            return ch.upper() if ch.upper() in LETTERS else OTHER
    return OTHER


def person_key(person) -> str:
    return name_key(person.sort_name or family_first(person.name))


def by_letter(items: list, key) -> list[tuple[str, list]]:
    """Items (already sorted) grouped under their A–Z letter, '#' last."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(letter_of(key(item)), []).append(item)
    return sorted(groups.items(), key=lambda g: (g[0] == OTHER, g[0]))


class Directory:
    """What the directory templates read, computed once per build, each part when first read:
    listing the directory's pages needs only its facets, and a rebuild that makes one person's
    page again needs few of the others (0.1 s of a rebuild at scale 10)."""

    def __init__(self, hub, urls, translations=None):
        """translations: the interface language's (i18n.for_settings), for the labels of kinds,
        categories and roles; French (the labels as written) by default."""
        translations = translations or French()
        gettext = translations.gettext
        self.hub = hub
        self.urls = urls
        self.letters = LETTERS
        self.other = OTHER
        self.kind_labels = {key: gettext(text) for key, text in KIND_LABELS.items()}
        self.category_labels = {key: translations.pgettext(CATEGORY, text) for key, text in CATEGORY_LABELS.items()}
        self.role_labels = {key: gettext(text) for key, text in ROLE_LABELS.items()}
        self.articles: dict[str, object] | None = None  # Pelican's published articles by slug

    @cached_property
    def people_letters(self) -> list[tuple[str, list]]:
        return by_letter(self.hub.people, person_key)

    @cached_property
    def actor_letters(self) -> list[tuple[str, list]]:
        return by_letter(self.hub.actors, lambda a: name_key(a.name))

    @cached_property
    def kinds(self) -> list[Facet]:
        return self.facets("kind", [(a.kind, label(self.kind_labels, a.kind)) for a in self.hub.actors],
                           lambda a: [a.kind], order=list(KIND_LABELS))

    @cached_property
    def categories(self) -> list[Facet]:
        return self.facets("category", [(c, label(self.category_labels, c)) for a in self.hub.actors
                                        for c in a.categories], lambda a: a.categories)

    @cached_property
    def cities(self) -> list[Facet]:
        slugs = {city: slugify(city) for city in {a.city for a in self.hub.actors if a.city}}
        return self.facets("city", [(slugs[a.city], a.city) for a in self.hub.actors if a.city and slugs[a.city]],
                           lambda a: [slugs[a.city]] if a.city else [])

    @cached_property
    def by_dimension(self) -> dict[str, list[Facet]]:
        return {"kind": self.kinds, "category": self.categories, "city": self.cities}

    @cached_property
    def lookup(self) -> dict[str, dict[str, Facet]]:
        return {dimension: {f.slug: f for f in facets} for dimension, facets in self.by_dimension.items()}

    @cached_property
    def kind_options(self) -> list[tuple[str, str]]:
        return [(f.slug, f.label) for f in self.kinds]

    @cached_property
    def category_options(self) -> list[tuple[str, str]]:
        return [(f.slug, f.label) for f in self.categories]

    @cached_property
    def city_options(self) -> list[tuple[str, str]]:
        return [(f.slug, f.label) for f in self.cities]

    # people filters: only values some person has
    @cached_property
    def people_roles(self) -> list[tuple[str, str]]:
        return [(role, self.role_labels[role]) for role in ROLE_ORDER
                if any(p.role == role for ps in self.hub.by_person.values() for p in ps)]

    @cached_property
    def people_events(self) -> list[tuple[str, str]]:
        events = {p.event.slug for ps in self.hub.by_person.values() for p in ps}
        return [(e.slug, e.title) for e in self.hub.events if e.slug in events]

    @cached_property
    def people_actors(self) -> list[tuple[str, str]]:
        hub = self.hub
        actors = {slug for slug in hub.members} | {p.affiliation.slug for ps in hub.by_person.values()
                                                   for p in ps if p.affiliation}
        return [(a.slug, a.name) for a in hub.actors if a.slug in actors]

    @cached_property
    def representatives(self) -> dict[str, list]:
        """actor -> the people who spoke on its behalf."""
        found: dict[str, list] = {}
        for participations in self.hub.by_person.values():
            for p in participations:
                if p.affiliation and p.person not in found.setdefault(p.affiliation.slug, []):
                    found[p.affiliation.slug].append(p.person)
        return found

    def facets(self, dimension: str, values: list[tuple[str, str]], keys, order=None) -> list[Facet]:
        pattern = self.urls("actors." + dimension)
        facets = {slug: Facet(dimension, slug, name, pattern.format(slug=slug)) for slug, name in values}
        for actor in self.hub.actors:
            for key in dict.fromkeys(keys(actor)):
                facets[key].actors.append(actor)
        if order:
            rank = {slug: i for i, slug in enumerate(order)}
            return sorted(facets.values(), key=lambda f: (rank.get(f.slug, len(rank)), name_key(f.label)))
        return sorted(facets.values(), key=lambda f: name_key(f.label))

    # -- lookups for templates --------------------------------------------------------------

    def kind(self, actor) -> Facet:
        return self.lookup["kind"][actor.kind]

    def categories_of(self, actor) -> list[Facet]:
        return [self.lookup["category"][c] for c in dict.fromkeys(actor.categories)]

    def city(self, actor) -> Facet | None:
        return self.lookup["city"].get(slugify(actor.city)) if actor.city else None

    def person_data(self, person) -> dict[str, str]:
        """The data-* values the people filter reads."""
        participations = self.hub.by_person[person.slug]
        actors = [a.actor.id for a in person.affiliations]
        actors += [p.affiliation.slug for p in participations if p.affiliation]
        return {"roles": " ".join(dict.fromkeys(p.role for p in participations)),
                "events": " ".join(dict.fromkeys(p.event.slug for p in participations)),
                # role/event, in the order of the paired selects of the people index
                "pairs": " ".join(dict.fromkeys(f"{p.role}/{p.event.slug}" for p in participations)),
                "actors": " ".join(dict.fromkeys(actors))}

    def actor_people(self, actor) -> list[tuple]:
        """Its people (members, and people who spoke on its behalf), each with the sessions in which
        they represented it (or, for members, in which no other affiliation was given)."""
        members = self.hub.members.get(actor.slug, [])
        people = sorted(members + [p for p in self.representatives.get(actor.slug, []) if p not in members],
                        key=person_key)
        return [(person, [p for p in self.hub.by_person[person.slug]
                          if (p.affiliation.slug == actor.slug if p.affiliation else
                              any(a.actor.id == actor.slug for a in person.affiliations))])
                for person in people]

    def posts(self, articles, posts: list) -> list:
        """Pelican's published articles for hub posts (drafts and hidden posts have none)."""
        if self.articles is None:
            self.articles = {article.slug: article for article in articles}
        return [self.articles[post.slug] for post in posts if post.slug in self.articles]


def people_pages(hub, urls, settings) -> Iterator[Page]:
    """The people's index and each person's page. A page set of its own, apart from the actors':
    an edit of a bio, which the actors' pages do not show, leaves those unlisted."""
    common = page_values(hub, urls, settings)
    yield Page(urls("people"), "people", common)
    for person in hub.people:
        yield Page(urls(person), "person", {**common, "person": person})


def actor_pages(hub, urls, settings) -> Iterator[Page]:
    """The actors' index, each actor's page and the pages of each kind, category and city."""
    common = page_values(hub, urls, settings)
    directory = common["directory"]
    yield Page(urls("actors"), "actors", common)
    for actor in hub.actors:
        yield Page(urls(actor), "actor", {**common, "actor": actor})
    for dimension, facets in directory.by_dimension.items():
        for facet in facets:
            yield Page(facet.url, "directory_facet", {**common, "facet": facet, "facets": facets})


def page_values(hub, urls, settings) -> dict:
    """What every page of the directory is given."""
    return {"directory": Directory(hub, urls, for_settings(settings)), "social_links": social_links,
            "initials": initials}
