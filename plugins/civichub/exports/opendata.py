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
from typing import Any, Callable, Iterator, NamedTuple

from ..caches import append_bytes, cache_path, journal_record, read_journal, write_bytes
from ..model import MadeOnce, note_prose_reads, prose_reads, prose_unnoted

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
    rows: list[Row] = field(default_factory=list)

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


def people_records(hub):
    return [(person.slug, person) for person in sorted(hub.people, key=lambda p: p.slug)]


def person_row(person, urls, absolute) -> dict:
    return {"slug": person.slug, "name": person.name, "titles": list(person.titles),
            "affiliations": [a.actor.id for a in person.affiliations], "social": social(person.social),
            "bio": person.bio, "url": absolute(urls(person))}


def actor_records(hub):
    return [(actor.slug, actor) for actor in sorted(hub.actors, key=lambda a: a.slug)]


def actor_row(actor, urls, absolute) -> dict:
    return {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "categories": list(actor.categories),
            "city": actor.city, "website": actor.website, "social": social(actor.social),
            "description": actor.description, "url": absolute(urls(actor))}


def published(hub):
    return sorted(hub.published_roundups(), key=lambda r: r.number)


def roundup_rows(hub, urls, absolute):
    for roundup in published(hub):
        yield {"number": roundup.number, "date": roundup.date, "title": roundup_title(roundup),
               "period": roundup.period, "tags": list(roundup.tags), "links": len(roundup.links),
               "url": absolute(urls(roundup))}


def link_records(hub):
    found = []
    for roundup in published(hub):
        position = 0
        for section in roundup.sections:
            for link in section.links:
                position += 1
                found.append(((roundup.number, position), (roundup, position, section, link)))
    return found


def link_row(placed, urls, absolute) -> dict:
    roundup, position, section, link = placed
    return {"roundup": roundup.number, "position": position, "section": section.title,
            "title": link.title, "url": link.url, "source": link.source, "author": link.author,
            "excerpt": link.excerpt, "tags": list(link.tags), "language": link.language,
            "actors": [r.id for r in link.actors]}


# The tables whose rows come one per record, each found by its key: (records, row) functions. A row
# whose record's free text did not change since the previous build is taken as that build made
# it (KeptRows): after one bio changes, 5,000 people's rows are not made again.
KEYED: dict[str, tuple[Callable, Callable]] = {"people": (people_records, person_row),
                                              "actors": (actor_records, actor_row),
                                              "links": (link_records, link_row)}


def keyed_rows(name: str) -> Callable:
    records, row = KEYED[name]
    return lambda hub, urls, absolute: (row(record, urls, absolute) for _, record in records(hub))


ROWS: dict[str, Callable] = {"events": event_rows, "sessions": session_rows, "participations": participation_rows,
                             "people": keyed_rows("people"), "actors": keyed_rows("actors"),
                             "roundups": roundup_rows, "links": keyed_rows("links")}

def table_of(spec: Table, hub, urls, absolute: Callable[[str], str], kept: KeptRows | None = None) -> Table:
    """One table with its rows; `urls` places the pages, `absolute` turns their URLs into links;
    kept: the rows the previous build made, for a KEYED table."""
    names = [c.name for c in spec.columns]
    if kept is not None and spec.name in KEYED:
        rows = kept.rows_of(spec.name, hub, names, urls, absolute)
    else:
        rows = [row_of(row, names) for row in ROWS[spec.name](hub, urls, absolute)]
    return Table(spec.name, spec.title, spec.description, spec.columns, spec.primary_key, spec.foreign_keys, rows)


class Row(NamedTuple):
    """A row as the table's two files hold it: the cells of its CSV line, its JSON line. (A named
    tuple: 10,000 of them pickled and read again after an edit, at a third of a dataclass's cost.)"""
    cells: tuple[str, ...]
    json: str


def row_of(values: dict[str, Any], names: list[str]) -> Row:
    row = {name: normalise(values[name]) for name in names}
    # (most cells are text: no call for those)
    return Row(tuple([value if type(value) is str else cell(value) for value in row.values()]), _encode_row(row))


class KeptRows:
    """The rows of the KEYED tables as the previous build made them (a file per table in
    CIVICHUB_CACHE_PATH), each with the digests of the free text it read then. A row is taken again
    when the build's environment and the content's structure are those it was made under (as the
    incremental build's plan asks of a page) and none of that text changed; each row it reads
    counts as read again, so the table's file is made again when that text changes.

    A table's file is a journal (caches.read_journal) of (token, {key: row entry}) records: every
    row, then the rows later builds made again (None: a row gone), the latest standing. A build
    appends the rows it made, rather than writing 5,000 rows again after a bio edit (26 ms at
    scale 10, and 77 ms for the 7,500 links after a link's edit); it writes the file anew when it
    would hold more stale entries than rows, or is damaged, or is another token's."""

    def __init__(self, settings: dict):
        inputs = settings["CIVICHUB_INPUTS"]  # incremental.Inputs
        self.settings, self.prose = settings, inputs.prose
        self.token = (inputs.environment, inputs.structure)
        # a build without a previous one to go by (the first, `civichub build --full`) makes every
        # row, and keeps them for the next
        self.reuse = settings.get("CIVICHUB_PREVIOUS_BUILD") is not None

    def rows_of(self, name: str, hub, names: list[str], urls, absolute) -> list[Row]:
        records, row = KEYED[name]
        previous, stored = self.read(name) if self.reuse else ({}, None)
        fresh, made, rows = {}, {}, []
        for key, record in records(hub):
            entry = previous.get(key)
            if entry is not None and all(digest is not None and self.prose.get(source) == digest
                                         for source, digest in entry[0]):
                note_prose_reads(source for source, _ in entry[0])
            else:
                with prose_reads() as reads:
                    values = row(record, urls, absolute)
                entry = made[key] = (tuple((source, self.prose.get(source)) for source in sorted(reads)),
                                     row_of(values, names))
            fresh[key] = entry
            rows.append(entry[1])
        changes = {**made, **dict.fromkeys(previous.keys() - fresh.keys())}
        if stored is None or not previous or stored + len(changes) > 2 * len(fresh):
            write_bytes(self.path(name), journal_record((self.token, fresh)))
        elif changes:
            append_bytes(self.path(name), journal_record((self.token, changes)))
        return rows

    def path(self, name: str):
        return cache_path(self.settings, f"opendata-{name}.pickle")

    def read(self, name: str) -> tuple[dict, int | None]:
        """The rows the table's file keeps for this build's token, and how many entries it holds
        in all (None: no file, or one to write anew)."""
        try:
            records, sound = read_journal(self.path(name))
        except OSError:
            return {}, None
        rows, stored = {}, 0
        for record in records:
            try:
                token, entries = record
                stored += len(entries)
            except (TypeError, ValueError):  # not a record of this code's
                return {}, None
            if token == self.token:
                rows.update(entries)
        return {key: entry for key, entry in rows.items() if entry is not None}, stored if sound else None


def row_counts(hub, urls) -> dict[str, int]:
    """How many rows each table has (the open-data page's figures): a keyed table's records,
    counted without making their rows (14,500 at scale 10), the other tables' rows, counted
    without making them into data. No row is left out for what its free text says, so the counts
    do not read it."""
    with prose_unnoted():
        return {spec.name: len(KEYED[spec.name][0](hub)) if spec.name in KEYED  # a row per record
                else sum(1 for _ in ROWS[spec.name](hub, urls, str)) for spec in TABLES}


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
    writer.writerows(row.cells for row in table.rows)
    return buffer.getvalue().encode("utf-8")


def json_bytes(table: Table) -> bytes:
    """The rows as a JSON array, a row a line (a change to one row is one line of a diff)."""
    if not table.rows:
        return b"[]\n"
    return ("[\n" + ",\n".join(row.json for row in table.rows) + "\n]\n").encode("utf-8")


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
    kept = KeptRows(settings) if "CIVICHUB_INPUTS" in settings and cache_path(settings, "") else None
    for spec in TABLES:
        yield where[f"{spec.name}.csv"], partial(made_table_bytes, csv_bytes, spec, hub, site, kept)
        yield where[f"{spec.name}.json"], partial(made_table_bytes, json_bytes, spec, hub, site, kept)


_made = MadeOnce()


def made_table_bytes(to_bytes: Callable[[Table], bytes], spec: Table, hub, site,
                     kept: KeptRows | None = None) -> bytes:
    """A table's file; its rows are made once for both files (MadeOnce)."""
    return to_bytes(_made((hub,), spec.name, lambda: table_of(spec, hub, site.urls, site.absolute, kept)))


def package_file(site, settings, read: Callable[[str], bytes]) -> tuple[str, bytes]:
    """data/datapackage.json, made from the tables' CSV files as written (read(path))."""
    where = paths(site.urls)
    written = {where[f"{spec.name}.csv"]: read(where[f"{spec.name}.csv"]) for spec in TABLES}
    package = datapackage(site, list(TABLES), data_license(settings), written, where)
    return where["datapackage"], (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
