"""What each kind of content file may contain: the single description from which files are
validated and JSON Schemas for editors are generated."""
from __future__ import annotations

from .fields import (Bool, Choice, Date, Field, Int, ListOf, MapOf, OneOrMany, RefTo, Shorthand, Slug, Struct,
                     Text, Time, TimeZone, Url)

ACTOR_KINDS = ("association", "entreprise", "startup", "institution", "collectivite", "media",
               "universite", "collectif", "think-tank", "fondation", "syndicat", "autre")
CATEGORIES = ("participation", "consultation", "budget-participatif", "petitions", "transparence",
              "open-data", "medias", "education", "vote", "elus", "territoires", "mobilisation",
              "financement", "recherche", "inclusion", "legislation", "evenements")
SOCIAL_NETWORKS = ("x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "youtube",
                   "github", "website")
LANGUAGE = Choice("fr", "en", "de", "es", "it", "pt", "nl", "ca", "eu", "br", "oc", "ar")

SOCIAL = Struct({name: Field(Text(max_length=300)) for name in SOCIAL_NETWORKS})
ID = Field(Slug(), required=True, help="a lowercase identifier such as 'salle-225'")

ACTOR = Struct({
    "name": Field(Text(max_length=200), required=True, help="the organisation's name"),
    "kind": Field(Choice(*ACTOR_KINDS), required=True, help="association, entreprise, institution..."),
    "categories": Field(ListOf(Choice(*CATEGORIES)), help="what the organisation works on"),
    "description": Field(Text(markdown=True)),
    "website": Field(Url()),
    "social": Field(SOCIAL),
    "city": Field(Text(max_length=200)),
    "aliases": Field(ListOf(Text(max_length=200)), help="other names, for mention detection"),
    "detect": Field(Bool(), help="false: never detect its name or aliases in links and posts"),
}, title="civichub actor")

AFFILIATION = Shorthand(Struct({
    "actor": Field(RefTo("actor"), required=True),
    "role": Field(Text(max_length=200)),
}), "actor")

PERSON = Struct({
    "name": Field(Text(max_length=200), required=True, help="the person's full name"),
    "sort_name": Field(Text(max_length=200), help="sort key when the family name is not last"),
    "titles": Field(ListOf(Text(max_length=300)), help="role titles, e.g. 'Citoyenne tirée au sort'"),
    "affiliations": Field(ListOf(AFFILIATION), help="actor identifiers"),
    "social": Field(SOCIAL),
    "bio": Field(Text(markdown=True)),
    "photo": Field(Text(max_length=300)),
    "photo_alt": Field(Text(max_length=300)),
}, title="civichub person")

PLACE = {
    "name": Field(Text(max_length=200), required=True),
    "address": Field(Text(max_length=300)),
    "city": Field(Text(max_length=200)),
}

EVENT = Struct({
    "title": Field(Text(max_length=300), required=True),
    "start": Field(Date(), help="first day, YYYY-MM-DD"),
    "end": Field(Date(), help="last day, YYYY-MM-DD"),
    "timezone": Field(TimeZone(), required=True, help="an IANA time zone such as 'Europe/Paris'"),
    "venue": Field(Struct(PLACE)),
    "venues": Field(ListOf(Struct({"id": ID, **PLACE}))),
    "rooms": Field(ListOf(Struct({"id": ID, "name": Field(Text(max_length=200), required=True)}))),
    "themes": Field(ListOf(Struct({"id": ID, "name": Field(Text(max_length=200), required=True),
                                   "description": Field(Text(markdown=True))}))),
    "formats": Field(MapOf(Text(max_length=500)), help="format identifier: one-line definition"),
    "organisers": Field(ListOf(RefTo("actor"))),
    "partners": Field(ListOf(RefTo("actor"))),
    "website": Field(Url()),
    "language": Field(LANGUAGE),
    "description": Field(Text(markdown=True)),
}, title="civichub event")

PARTICIPANT = Shorthand(Struct({
    "person": Field(RefTo("person"), required=True),
    "affiliation": Field(RefTo("actor")),
    "project": Field(Text(max_length=300)),
}), "person")

ROLES = ("speakers", "moderators", "pitchers", "openers", "organisers")

SESSION = Struct({
    "id": Field(Slug(), help="unique in the event"),
    "title": Field(Text(max_length=300), required=True),
    "format": Field(RefTo("format"), required=True, help="table-ronde, atelier, pause..."),
    "room": Field(OneOrMany(RefTo("room")), help="a room identifier or a list of them"),
    "venue": Field(RefTo("venue")),
    "plenary": Field(Bool()),
    "day": Field(Date()),
    "start": Field(Time()),
    "end": Field(Time()),
    "themes": Field(ListOf(RefTo("theme"))),
    "language": Field(LANGUAGE),
    "description": Field(Text(markdown=True)),
    **{role: Field(ListOf(PARTICIPANT)) for role in ROLES},
    "actors": Field(ListOf(RefTo("actor"))),
    "registration": Field(Url()),
}, title="civichub session")

LINK = Struct({
    "title": Field(Text(max_length=500), required=True),
    "url": Field(Url()),
    "source": Field(Text(max_length=200), required=True, help="the publication, e.g. 'Le Monde'"),
    "author": Field(Text(max_length=200)),
    "excerpt": Field(Text(max_length=2000)),
    "tags": Field(ListOf(Text(max_length=100))),
    "language": Field(LANGUAGE),
    "actors": Field(ListOf(RefTo("actor"))),
    "people": Field(ListOf(RefTo("person"))),
    "not_actors": Field(ListOf(RefTo("actor")), help="actors wrongly detected in this link"),
    "not_people": Field(ListOf(RefTo("person")), help="people wrongly detected in this link"),
})

ROUNDUP = Struct({
    "number": Field(Int(1), required=True),
    "date": Field(Date(), required=True),
    "title": Field(Text(max_length=300)),
    "period": Field(Text(max_length=200)),
    "status": Field(Choice("published", "draft")),
    "tags": Field(ListOf(Text(max_length=100))),
    "links": Field(ListOf(LINK)),
    "sections": Field(ListOf(Struct({"title": Field(Text(max_length=300), required=True),
                                     "links": Field(ListOf(LINK), required=True)}))),
}, title="civichub roundup (front matter)")

TIMELINE = ListOf(Struct({
    "year": Field(Int(1900, 2200), required=True),
    "month": Field(Int(1, 12)),
    "title": Field(Text(max_length=300), required=True),
    "text": Field(Text(markdown=True)),
    "actors": Field(ListOf(RefTo("actor"))),
}))
