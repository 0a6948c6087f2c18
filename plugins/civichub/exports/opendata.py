"""The whole hub as open data: one CSV and one JSON file per table under data/, described by a
Frictionless Data Package (v1, profile tabular-data-package) in data/datapackage.json.

Tables: events, sessions, participations, people, actors, roundups, links. Draft roundups and
their links are left out. Personal data is what the pages already show (names, titles,
affiliations, social handles, biographies); nothing else is read from the content.

Conventions, the same in every table:
- columns in a fixed order; rows sorted by the table's primary key (events and sessions in
  programme order, which is deterministic too);
- CSV: UTF-8 without BOM, a header row, RFC 4180 (comma, double quotes, CRLF line ends); an
  empty cell is a missing value; a list is its items joined with "|";
- JSON: an array of objects with the CSV's columns as keys, lists as arrays, missing values null;
- dates and times in ISO 8601, session times with the event's UTC offset (2019-03-18T09:00:00+01:00).

Two builds of the same content give the same bytes: 'created' is the site's reproducible
timestamp, and nothing depends on the machine, the clock or dict/set order.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, Callable, Iterator

from ..model import note_prose_reads, prose_unnoted, reading

DEFAULT_LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
PROFILE = "tabular-data-package"  # Data Package v1 (specs.frictionlessdata.io)
SEPARATOR = "|"
LIST_NOTE = " Plusieurs valeurs séparées par « | »."
ROLES = ("opener (ouverture), moderator (modération), speaker (intervention), pitcher (pitch) "
         "ou organiser (organisation)")


# -- table descriptions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema v1 type: string, integer, date, datetime, boolean
    description: str
    list: bool = False  # several values: '|' in CSV, an array in JSON
    required: bool = False

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "format": "default",
                               "description": self.description + (LIST_NOTE if self.list else "")}
        if self.required:
            out["constraints"] = {"required": True}
        return out


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]

    def descriptor(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "reference": {"resource": self.resource, "fields": list(self.reference)}}


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    rows: list[dict[str, Any]] = field(default_factory=list)

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": [c.descriptor() for c in self.columns],
                                  "primaryKey": list(self.primary_key), "missingValues": [""]}
        if self.foreign_keys:
            schema["foreignKeys"] = [fk.descriptor() for fk in self.foreign_keys]
        return schema


def url_column(what: str) -> Column:
    return Column("url", "string", f"Adresse de la page {what} sur ce site (relative à la racine du site "
                                   "quand le site n'a pas d'adresse absolue).", required=True)


EVENTS = Table(
    "events", "Événements", "Les événements du hub : dates, lieu, organisateurs.",
    (
        Column("slug", "string", "Identifiant de l'événement (dans les adresses).", required=True),
        Column("title", "string", "Titre de l'événement.", required=True),
        Column("start", "date", "Premier jour (AAAA-MM-JJ) ; vide si l'événement n'est pas daté."),
        Column("end", "date", "Dernier jour quand l'événement dure plusieurs jours."),
        Column("timezone", "string", "Fuseau horaire IANA des horaires du programme (Europe/Paris).", required=True),
        Column("language", "string", "Langue principale (code ISO 639-1).", required=True),
        Column("venue", "string", "Nom du lieu principal."),
        Column("address", "string", "Adresse du lieu principal."),
        Column("city", "string", "Ville du lieu principal."),
        Column("website", "string", "Site web de l'événement."),
        Column("organisers", "string", "Identifiants des acteurs organisateurs (actors.slug).", list=True),
        Column("partners", "string", "Identifiants des acteurs partenaires (actors.slug).", list=True),
        Column("description", "string", "Présentation de l'événement (texte Markdown)."),
        url_column("de l'événement"),
    ),
    ("slug",),
)

SESSIONS = Table(
    "sessions", "Sessions", "Les sessions du programme de chaque événement : horaires, salles, format, thèmes.",
    (
        Column("event", "string", "Identifiant de l'événement (events.slug).", required=True),
        Column("id", "string", "Identifiant de la session, unique dans son événement.", required=True),
        Column("title", "string", "Titre de la session.", required=True),
        Column("format", "string", "Identifiant du format (table-ronde, atelier, pitch…).", required=True),
        Column("format_label", "string", "Nom du format tel qu'affiché.", required=True),
        Column("day", "date", "Jour de la session."),
        Column("start", "datetime", "Début, ISO 8601 avec le décalage horaire de l'événement."),
        Column("end", "datetime", "Fin, ISO 8601 avec le décalage horaire de l'événement."),
        Column("rooms", "string", "Noms des salles.", list=True),
        Column("place", "string", "Nom du lieu où se tient la session."),
        Column("plenary", "boolean", "Vrai (true) si la session concerne toutes les salles.", required=True),
        Column("themes", "string", "Noms des thèmes de la session.", list=True),
        Column("language", "string", "Langue de la session (code ISO 639-1).", required=True),
        Column("description", "string", "Présentation de la session (texte Markdown)."),
        Column("registration", "string", "Adresse d'inscription, s'il y en a une."),
        url_column("de la session"),
    ),
    ("event", "id"),
    (ForeignKey(("event",), "events", ("slug",)),),
)

PARTICIPATIONS = Table(
    "participations", "Participations", "Qui intervient dans quelle session, à quel titre.",
    (
        Column("event", "string", "Identifiant de l'événement (events.slug).", required=True),
        Column("session", "string", "Identifiant de la session dans l'événement (sessions.id).", required=True),
        Column("person", "string", "Identifiant de la personne (people.slug).", required=True),
        Column("role", "string", f"Rôle : {ROLES}.", required=True),
        Column("affiliation", "string", "Acteur au titre duquel la personne intervient dans cette session "
                                        "(actors.slug), s'il est précisé ; sinon voir people.affiliations."),
        Column("project", "string", "Projet présenté (pitch, centrifugeuse), s'il y en a un."),
    ),
    ("event", "session", "person", "role"),
    (ForeignKey(("event", "session"), "sessions", ("event", "id")),
     ForeignKey(("person",), "people", ("slug",)),
     ForeignKey(("affiliation",), "actors", ("slug",))),
)

PEOPLE = Table(
    "people", "Personnes", "Les personnes qui ont une page sur le hub, avec ce que leur page montre.",
    (
        Column("slug", "string", "Identifiant de la personne (dans les adresses).", required=True),
        Column("name", "string", "Nom.", required=True),
        Column("titles", "string", "Titres et fonctions.", list=True),
        Column("affiliations", "string", "Identifiants des organisations de la personne (actors.slug).", list=True),
        Column("social", "string", "Comptes sur les réseaux sociaux, sous la forme réseau:identifiant "
                                   "(x:identifiant, mastodon:@nom@instance…).", list=True),
        Column("bio", "string", "Biographie (texte Markdown)."),
        url_column("de la personne"),
    ),
    ("slug",),
)

ACTORS = Table(
    "actors", "Acteurs", "Les organisations de la civic tech : associations, entreprises, institutions, médias…",
    (
        Column("slug", "string", "Identifiant de l'acteur (dans les adresses).", required=True),
        Column("name", "string", "Nom.", required=True),
        Column("kind", "string", "Nature de l'acteur (association, startup, collectivité…).", required=True),
        Column("categories", "string", "Catégories.", list=True),
        Column("city", "string", "Ville."),
        Column("website", "string", "Site web."),
        Column("social", "string", "Comptes sur les réseaux sociaux, sous la forme réseau:identifiant.", list=True),
        Column("description", "string", "Présentation (texte Markdown)."),
        url_column("de l'acteur"),
    ),
    ("slug",),
)

ROUNDUPS = Table(
    "roundups", "Revues de liens", "Les revues de liens publiées (les brouillons ne sont pas publiés).",
    (
        Column("number", "integer", "Numéro de la revue.", required=True),
        Column("date", "date", "Date de parution.", required=True),
        Column("title", "string", "Titre tel qu'affiché.", required=True),
        Column("period", "string", "Période couverte."),
        Column("tags", "string", "Mots-clés.", list=True),
        Column("links", "integer", "Nombre de liens de la revue.", required=True),
        url_column("de la revue"),
    ),
    ("number",),
)

LINKS = Table(
    "links", "Liens", "Les liens des revues publiées, dans l'ordre de chaque revue.",
    (
        Column("roundup", "integer", "Numéro de la revue (roundups.number).", required=True),
        Column("position", "integer", "Rang du lien dans la revue, à partir de 1.", required=True),
        Column("section", "string", "Rubrique de la revue, s'il y en a."),
        Column("title", "string", "Titre de l'article.", required=True),
        Column("url", "string", "Adresse de l'article (vide quand elle n'est plus connue)."),
        Column("source", "string", "Publication ou site d'origine.", required=True),
        Column("author", "string", "Auteur ou autrice."),
        Column("excerpt", "string", "Résumé."),
        Column("tags", "string", "Mots-clés.", list=True),
        Column("language", "string", "Langue de l'article (code ISO 639-1).", required=True),
        Column("actors", "string", "Identifiants des acteurs mentionnés (actors.slug).", list=True),
    ),
    ("roundup", "position"),
    (ForeignKey(("roundup",), "roundups", ("number",)),),
)

TABLES = (EVENTS, SESSIONS, PARTICIPATIONS, PEOPLE, ACTORS, ROUNDUPS, LINKS)


# -- rows -----------------------------------------------------------------------------------------

def social(handles: dict[str, str]) -> list[str]:
    return [f"{network}:{handle}" for network, handle in sorted(handles.items()) if handle]


def roundup_title(roundup) -> str:
    return roundup.title or f"Les liens CivicTech de la semaine #{roundup.number}"


def event_rows(hub, urls, absolute):
    for event in hub.events:
        venue = event.venue
        yield {"slug": event.slug, "title": event.title, "start": event.start, "end": event.end,
               "timezone": event.timezone, "language": event.language,
               "venue": venue.name if venue else None, "address": venue.address if venue else None,
               "city": venue.city if venue else None, "website": event.website,
               "organisers": [r.id for r in event.organisers], "partners": [r.id for r in event.partners],
               "description": event.description, "url": absolute(urls(event))}


def session_rows(hub, urls, absolute):
    for event in hub.events:
        for session in hub.sessions.get(event.slug, []):
            start, end = hub.span(session)
            place = hub.place_of(session)
            yield {"event": event.slug, "id": session.id, "title": session.title,
                   "format": session.format.id, "format_label": hub.format_label(session),
                   "day": hub.session_day(session), "start": start, "end": end,
                   "rooms": [room.name for room in hub.rooms_of(session)],
                   "place": place.name if place else None, "plenary": session.plenary,
                   "themes": [theme.name for theme in hub.themes_of(session)],
                   "language": hub.language_of(session), "description": session.description,
                   "registration": session.registration, "url": absolute(urls(session))}


def participation_rows(hub, urls, absolute):
    for event in hub.events:
        for session in hub.sessions.get(event.slug, []):
            for p in hub.participants(session):
                yield {"event": event.slug, "session": session.id, "person": p.person.slug, "role": p.role,
                       "affiliation": p.affiliation.slug if p.affiliation else None, "project": p.project}


def people_rows(hub, urls, absolute):
    for person in sorted(hub.people, key=lambda p: p.slug):
        yield {"slug": person.slug, "name": person.name, "titles": list(person.titles),
               "affiliations": [a.actor.id for a in person.affiliations], "social": social(person.social),
               "bio": person.bio, "url": absolute(urls(person))}


def actor_rows(hub, urls, absolute):
    for actor in sorted(hub.actors, key=lambda a: a.slug):
        yield {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "categories": list(actor.categories),
               "city": actor.city, "website": actor.website, "social": social(actor.social),
               "description": actor.description, "url": absolute(urls(actor))}


def published(hub):
    return sorted(hub.published_roundups(), key=lambda r: r.number)


def roundup_rows(hub, urls, absolute):
    for roundup in published(hub):
        yield {"number": roundup.number, "date": roundup.date, "title": roundup_title(roundup),
               "period": roundup.period, "tags": list(roundup.tags), "links": len(roundup.links),
               "url": absolute(urls(roundup))}


def link_rows(hub, urls, absolute):
    for roundup in published(hub):
        position = 0
        for section in roundup.sections:
            for link in section.links:
                position += 1
                yield {"roundup": roundup.number, "position": position, "section": section.title,
                       "title": link.title, "url": link.url, "source": link.source, "author": link.author,
                       "excerpt": link.excerpt, "tags": list(link.tags), "language": link.language,
                       "actors": [r.id for r in link.actors]}


ROWS: dict[str, Callable] = {"events": event_rows, "sessions": session_rows, "participations": participation_rows,
                             "people": people_rows, "actors": actor_rows, "roundups": roundup_rows,
                             "links": link_rows}

def table_of(spec: Table, hub, urls, absolute: Callable[[str], str]) -> Table:
    """One table with its rows; `urls` places the pages, `absolute` turns their URLs into links."""
    names = [c.name for c in spec.columns]
    rows = [{name: normalise(row[name]) for name in names} for row in ROWS[spec.name](hub, urls, absolute)]
    return Table(spec.name, spec.title, spec.description, spec.columns, spec.primary_key, spec.foreign_keys, rows)


def row_counts(hub, urls) -> dict[str, int]:
    """How many rows each table has, without making them into data (the open-data page's figures).
    No row is left out for what its free text says, so the counts do not read it."""
    with prose_unnoted():
        return {spec.name: sum(1 for _ in ROWS[spec.name](hub, urls, str)) for spec in TABLES}


def normalise(value):
    """Missing values are None; text is NFC; list items never hold the separator."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value) if value else None
    if isinstance(value, list):
        return [unicodedata.normalize("NFC", str(item)).replace(SEPARATOR, "/") for item in value if item]
    return value


# -- files ----------------------------------------------------------------------------------------

def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return SEPARATOR.join(value)
    return str(value)


def json_value(value):
    """Dates as ISO text: what JSON has no type for (the encoder calls this for those alone)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Without indent, json's encoder is the one written in C: at 5,000 rows, 5 times as fast as the
# Python one that indent takes (Python 3.11)
_encode_row = json.JSONEncoder(ensure_ascii=False, default=json_value).encode


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.name for c in table.columns])
    names = [c.name for c in table.columns]
    for row in table.rows:  # most cells are text: no call for those (5,000 rows after a bio edit)
        writer.writerow([value if type(value) is str else cell(value) for value in map(row.__getitem__, names)])
    return buffer.getvalue().encode("utf-8")


def json_bytes(table: Table) -> bytes:
    """The rows as a JSON array, a row a line (a change to one row is one line of a diff)."""
    if not table.rows:
        return b"[]\n"
    return ("[\n" + ",\n".join(map(_encode_row, table.rows)) + "\n]\n").encode("utf-8")


def data_license(settings: dict | None) -> dict[str, str]:
    """The licence of the data: CIVICHUB_DATA_LICENSE (a dict with name, title, path), else Etalab 2.0."""
    configured = (settings or {}).get("CIVICHUB_DATA_LICENSE") or DEFAULT_LICENSE
    return {key: str(configured[key]) for key in ("name", "title", "path") if configured.get(key)}


def package_name(site_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", site_name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "civichub"


def paths(urls) -> dict[str, str]:
    """Site-relative URLs of the package and of each table's CSV and JSON file."""
    out = {"datapackage": urls("datapackage")}
    for spec in TABLES:
        out[f"{spec.name}.csv"] = urls("data.csv").format(table=spec.name)
        out[f"{spec.name}.json"] = urls("data.json").format(table=spec.name)
    return out


def datapackage(site, tables_: list[Table], license_: dict, files_: dict[str, bytes], where: dict[str, str]) -> dict:
    base = posixpath.dirname(where["datapackage"])
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": package_name(site.name),
        "title": f"{site.name} — données ouvertes" if site.name else "Données ouvertes",
        "description": "Les événements, sessions, participations, personnes, acteurs et revues de liens du hub, "
                       "en CSV (décrits ici) et en JSON (mêmes colonnes, listes en tableaux).",
        "licenses": [license_],
        "created": site.timestamp.isoformat(),
    }
    if site.url:
        package["homepage"] = site.absolute(site.urls("opendata"))
    resources = []
    for table in tables_:
        relative = where[f"{table.name}.csv"]
        data = files_[relative]
        resources.append({
            "profile": "tabular-data-resource",
            "name": table.name,
            "path": posixpath.relpath(relative, base or "."),
            "title": table.title,
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": hashlib.md5(data).hexdigest(),
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                        "header": True},
            "schema": table.schema(),
        })
    package["resources"] = resources
    return package


def table_files(hub, site, posts, settings) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Each table's CSV and JSON file, each with the function that makes it (an incremental build
    makes again only the tables whose records' text changed); package_file comes after them."""
    where = paths(site.urls)
    for spec in TABLES:
        yield where[f"{spec.name}.csv"], partial(made_table_bytes, csv_bytes, spec, hub, site)
        yield where[f"{spec.name}.json"], partial(made_table_bytes, json_bytes, spec, hub, site)


_made: dict = {"hub": None, "tables": {}}


def made_table_bytes(to_bytes: Callable[[Table], bytes], spec: Table, hub, site) -> bytes:
    """A table's file; its rows are made once for both files, and the free text they read is
    noted again for the second one."""
    if _made["hub"] is not hub:
        _made.update(hub=hub, tables={})
    cached = _made["tables"].get(spec.name)
    if cached is None:
        cached = _made["tables"][spec.name] = reading(lambda: table_of(spec, hub, site.urls, site.absolute))
    else:
        note_prose_reads(cached[1])
    return to_bytes(cached[0])


def package_file(site, settings, read: Callable[[str], bytes]) -> tuple[str, bytes]:
    """data/datapackage.json, made from the tables' CSV files as written (read(path))."""
    where = paths(site.urls)
    written = {where[f"{spec.name}.csv"]: read(where[f"{spec.name}.csv"]) for spec in TABLES}
    package = datapackage(site, list(TABLES), data_license(settings), written, where)
    return where["datapackage"], (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
