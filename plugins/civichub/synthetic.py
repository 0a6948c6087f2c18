"""A synthetic hub of a chosen scale, for benchmarks: `generate(root, scale)` writes content/,
pelicanconf.py and theme/ (copied from this repository) into root.

Scale 1 is about the size of the sample hub (3 events, 26 sessions, 95 people, 157 actors,
4 roundups, 6 posts); scale 10 is 20 events of 60 sessions, 5,000 people, 2,000 actors,
500 roundups of 15 links and 200 posts. Between and beyond, every figure is interpolated
linearly (below scale 1, proportionally, with a small minimum of each kind).

The hub is valid (`civichub check` reports no errors): rooms never hold two sessions at once,
nobody is in two sessions at the same time, every reference exists, every link has a URL on a
fake domain. Some link excerpts and posts name actors and people, so mention detection has work
to do. Everything is drawn from random.Random(seed): the same scale and seed give the same files.

`generate_pelican_corpus` and `generate_hugo_site` write a plain Markdown blog of a given number
of articles, to compare with Pelican alone and with Hugo on the same amount of pages."""
from __future__ import annotations

import math
import random
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from .fields import slugify
from .schema import ACTOR_KINDS, CATEGORIES

REPOSITORY = Path(__file__).resolve().parents[2]

# figure: (at scale 1, at scale 10, minimum)
FIGURES = {
    "events": (3, 20, 1),
    "sessions_per_event": (26 / 3, 60, 3),
    "people": (95, 5000, 6),
    "actors": (157, 2000, 6),
    "roundups": (4, 500, 1),
    "links_per_roundup": (12, 15, 3),
    "posts": (6, 200, 2),
}

FIRST_NAMES = """Camille Claire Julie Léa Manon Chloé Sarah Inès Louise Alice Emma Jeanne Lucie Anne Marie
Hélène Sophie Élise Mathilde Pauline Agathe Margaux Juliette Zoé Nora Yasmine Salomé Aurélie Céline
Valérie Isabelle Nathalie Sandrine Laure Émilie Amandine Léonore Maëlle Gaëlle Axelle Thomas Nicolas
Julien Antoine Pierre Louis Hugo Lucas Maxime Alexandre Romain Mathieu Guillaume Vincent Olivier
François Benoît Sébastien Loïc Yann Erwan Mehdi Karim Samir Rachid Théo Arthur Paul Jules Victor
Gabriel Raphaël Clément Baptiste Quentin Adrien Bastien Cyril Damien Étienne Fabien Grégoire
Jérôme Laurent Marc Noé""".split()
LAST_NAMES = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre
Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert
Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas
Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard
Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Perez
Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre
Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard
Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Silva Hubert Louis Charles Guillot
Rivière Gall Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Menard Fleury Deschamps Carpentier
Julien Benoît Paris Maillard Marchal Aubry Vasseur Leroy Renault Jacquet Collet Prévost Poirier
Charpentier Royer Huet Baron Dupuy Pons Paul Laine Carré Breton Rémy Schneider Perrot Guyot Barre
Marty Cousin""".split()
SYLLABLES = """vo xa li ra de mo ci ta pu bli ka ne ro sa vi lo du ga te mi pa zo fi cal nu ber tal
quo vel dor mar cit lan sen por tri gon""".split()
ACTOR_PREFIXES = {"association": "Association", "collectif": "Collectif", "fondation": "Fondation",
                  "institution": "Agence", "think-tank": "Institut", "universite": "Laboratoire",
                  "collectivite": "Ville de", "syndicat": "Union"}
CITIES = """Paris Lyon Marseille Toulouse Nantes Bordeaux Lille Rennes Strasbourg Montpellier Grenoble
Nancy Metz Brest Dijon Angers Tours Rouen Caen Poitiers Limoges Besançon Amiens Reims Nîmes Pau
Bayonne Lorient Annecy Chambéry""".split()
SOURCES = ["Le Monde", "Libération", "Le Figaro", "France Inter", "Les Échos", "La Gazette des communes",
           "Usbek & Rica", "Numerama", "Next INpact", "Acteurs publics", "Ouest-France", "Mediapart",
           "We Demain", "Slate", "Le HuffPost", "L'Obs", "Rue89", "La Croix", "Alternatives économiques",
           "Internet Actu"]
SUBJECTS = ["la participation citoyenne", "le budget participatif", "les données ouvertes",
            "la transparence de la vie publique", "le vote en ligne", "les pétitions en ligne",
            "la démocratie locale", "la consultation publique", "l'engagement des jeunes",
            "l'inclusion numérique", "les communs numériques", "la fabrique de la loi",
            "le tirage au sort", "les conventions citoyennes", "les élus locaux", "la médiation numérique",
            "le gouvernement ouvert", "les logiciels libres publics", "la concertation", "les assemblées citoyennes"]
VERBS = [("relance", "relancent"), ("interroge", "interrogent"), ("transforme", "transforment"),
         ("questionne", "questionnent"), ("réinvente", "réinventent"), ("met à l'épreuve", "mettent à l'épreuve"),
         ("éclaire", "éclairent"), ("bouscule", "bousculent"), ("renouvelle", "renouvellent"),
         ("outille", "outillent")]
PLACES = ["à l'échelle d'un quartier", "dans les petites communes", "au Parlement", "dans les métropoles",
          "en Europe", "dans les lycées", "à l'hôpital", "dans les territoires ruraux", "en ligne",
          "dans les services publics"]
TITLE_PATTERNS = ["Comment {subject} {verb} la démocratie {place}",
                  "{Subject} : ce qui change {place}",
                  "Ce que {subject} {teaches}",
                  "Faut-il croire à {subject} ?",
                  "{Subject}, un bilan {place}",
                  "Enquête sur {subject} {place}",
                  "Quand {subject} {verb} l'action publique"]
EVENT_NAMES = ["Rencontres de la participation", "Forum de la démocratie ouverte", "Journée de la civic tech",
               "Assises du numérique citoyen", "Festival de l'engagement", "Université d'été de la concertation",
               "Sommet des communs", "Printemps de la transparence"]
POST_CATEGORIES = ["Ils font la Civic Tech", "Réflexions", "Agenda", "Entretiens", "Lectures"]
ROLES = ["président", "présidente", "cofondatrice", "cofondateur", "directrice", "directeur",
         "chargée de mission", "chargé de projet", "chercheuse", "développeur", "coordinatrice"]
TALK_FORMATS = ["table-ronde", "atelier", "retour-experience", "centrifugeuse", "pitch", "keynote",
                "capsule", "conference", "presentation", "debat"]
FORMAT_DEFINITIONS = {
    "table-ronde": "Plusieurs intervenants confrontent leurs expériences.",
    "atelier": "Les participants travaillent ensemble sur un thème.",
    "retour-experience": "Des acteurs racontent un projet déployé.",
    "centrifugeuse": "Un porteur de projet fait améliorer son idée par les participants.",
    "pitch": "Cinq minutes pour présenter une idée.",
    "keynote": "Une intervention qui lance la séquence.",
    "capsule": "Une courte intervention d'une dizaine de minutes.",
    "conference": "Un exposé suivi de questions.",
    "presentation": "Un exposé devant le public.",
    "debat": "Un échange sur scène entre plusieurs intervenants.",
    "ouverture": "Le discours qui lance la journée.",
    "dejeuner": "La pause du déjeuner, libre.",
}
# one-hour slots of a day; lunch (a whole-event session without room) fills 12:30-13:30
SLOTS = [("09:00", "10:00"), ("10:15", "11:15"), ("11:30", "12:30"), ("13:30", "14:30"),
         ("14:45", "15:45"), ("16:00", "17:00"), ("17:15", "18:15")]
SITE_DOMAIN = "https://example.org"


@dataclass
class Stats:
    """What generate() wrote. Paths are relative to the hub's root."""

    scale: float
    seed: int
    events: int = 0
    sessions: int = 0
    people: int = 0
    actors: int = 0
    roundups: int = 0
    links: int = 0
    posts: int = 0
    pages: int = 0
    files: int = 0
    person_to_edit: str = ""
    roundup_to_edit: str = ""
    post_to_edit: str = ""
    counts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def figure(name: str, scale: float) -> float:
    at_1, at_10, minimum = FIGURES[name]
    value = at_1 * scale if scale <= 1 else at_1 + (at_10 - at_1) * (scale - 1) / 9
    return max(minimum, value)


def sizes(scale: float) -> dict[str, int]:
    """How many of each kind a hub of this scale has."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return {name: max(FIGURES[name][2], round(figure(name, scale))) for name in FIGURES}


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """No anchors and aliases (the loader refuses them): shared values are written out."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(data) -> str:
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)


class Writer:
    def __init__(self, root: Path):
        self.root = root
        self.files = 0

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files += 1


class Hub:
    """The records of one synthetic hub, drawn in a fixed order from one random generator."""

    def __init__(self, scale: float, seed: int):
        self.rng = random.Random(seed)
        self.n = sizes(scale)
        self.actors: list[dict] = []     # {slug, name, ...}
        self.people: list[dict] = []
        self.sessions_of: dict[str, int] = {}  # person slug -> number of sessions

    # -- names ---------------------------------------------------------------------------------

    def made_up_word(self, used: set[str]) -> str:
        while True:
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((2, 3, 3))))
            if len(word) >= 5 and word not in used:
                used.add(word)
                return word.capitalize()

    def verb(self, subject: str) -> str:
        singular, plural = self.rng.choice(VERBS)
        return plural if subject.startswith("les ") else singular

    def text(self, mentions: list[str] = (), sentences: int = 2) -> str:
        parts = []
        for index in range(sentences):
            subject = self.rng.choice(SUBJECTS)
            sentence = (f"{subject[0].upper()}{subject[1:]} {self.verb(subject)} la vie démocratique "
                        f"{self.rng.choice(PLACES)}")
            if index < len(mentions):
                sentence += f", selon {mentions[index]}"
            parts.append(sentence + ".")
        return " ".join(parts)

    def title(self) -> str:
        subject = self.rng.choice(SUBJECTS)
        return self.rng.choice(TITLE_PATTERNS).format(
            subject=subject, Subject=subject[0].upper() + subject[1:], verb=self.verb(subject),
            place=self.rng.choice(PLACES),
            teaches="nous apprennent" if subject.startswith("les ") else "nous apprend")

    # -- records -------------------------------------------------------------------------------

    def make_actors(self) -> None:
        used: set[str] = set()
        for _ in range(self.n["actors"]):
            kind = self.rng.choice(ACTOR_KINDS)
            word = self.made_up_word(used)
            prefix = ACTOR_PREFIXES.get(kind) if self.rng.random() < 0.4 else None
            name = f"{prefix} {word}" if prefix else word
            slug = slugify(name)
            actor = {"name": name, "kind": kind,
                     "categories": self.rng.sample(CATEGORIES, self.rng.randint(1, 3)),
                     "description": f"{name} {self.rng.choice(VERBS)[0]} {self.rng.choice(SUBJECTS)} "
                                    f"{self.rng.choice(PLACES)}.",
                     "website": f"{SITE_DOMAIN}/{slug}/",
                     "city": self.rng.choice(CITIES)}
            if self.rng.random() < 0.3:
                actor["social"] = {"x": slug.replace("-", "")[:15], "mastodon": f"{slug}@example.social"}
            if not prefix and self.rng.random() < 0.15:
                actor["aliases"] = [f"{word}.org"]
            self.actors.append({"slug": slug, "word": word, **actor})

    def make_people(self) -> None:
        used: set[str] = set()
        initials = "ABCDEFGHJKLMNPRSTV"
        while len(self.people) < self.n["people"]:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            if slugify(name) in used:
                name = f"{first} {self.rng.choice(initials)}. {last}"
            slug = slugify(name)
            if slug in used:
                continue
            used.add(slug)
            person: dict = {"name": name}
            if self.rng.random() < 0.1:
                person["titles"] = ["Citoyenne tirée au sort" if first[-1] == "e" else "Citoyen tiré au sort"]
            affiliations = []
            for actor in self.rng.sample(self.actors, self.rng.choice((0, 1, 1, 1, 2))):
                role = self.rng.choice(ROLES) if self.rng.random() < 0.6 else None
                affiliations.append({"actor": actor["slug"], "role": role} if role else actor["slug"])
            if affiliations:
                person["affiliations"] = affiliations
            if self.rng.random() < 0.3:
                person["social"] = {"linkedin": slug, "website": f"{SITE_DOMAIN}/people/{slug}/"}
            person["bio"] = f"Travaille sur {self.rng.choice(SUBJECTS)} {self.rng.choice(PLACES)}."
            self.people.append({"slug": slug, **person})

    def event(self, index: int) -> tuple[str, dict, list[dict]]:
        rng = self.rng
        base = EVENT_NAMES[index % len(EVENT_NAMES)]
        city = rng.choice(CITIES)
        start = date(2015, 1, 15) + timedelta(days=45 * index)
        slug = f"{slugify(base)}-{index + 1:02d}"
        count = self.n["sessions_per_event"]
        days = 1 if count <= 30 else 2
        cells = max(1, count - days)  # one lunch a day, the rest in (slot, room) cells
        room_count = max(1, math.ceil(cells / (days * len(SLOTS))))
        rooms = [{"id": "auditorium", "name": "Auditorium"}] + [
            {"id": f"salle-{number}", "name": f"Salle {number}"} for number in range(1, room_count)]
        themes = [{"id": slugify(subject), "name": subject[0].upper() + subject[1:],
                   "description": f"Fil rouge : {subject}."} for subject in rng.sample(SUBJECTS, 3)]
        sessions: list[dict] = []
        for day_number in range(days):
            day = start + timedelta(days=day_number)
            sessions.append({"id": f"dejeuner-{day_number + 1}", "title": "Déjeuner", "format": "dejeuner",
                             "day": day, "start": "12:30", "end": "13:30"})
        used_formats = {"dejeuner"}
        cell = 0
        for day_number in range(days):
            day = start + timedelta(days=day_number)
            for slot_number, (slot_start, slot_end) in enumerate(SLOTS):
                busy: set[str] = set()  # one person, one room at a time
                for room in rooms:
                    if cell >= cells:
                        break
                    cell += 1
                    opening = day_number == 0 and slot_number == 0 and room is rooms[0]
                    format_id = "ouverture" if opening else rng.choice(TALK_FORMATS)
                    used_formats.add(format_id)
                    session = {"id": f"s{cell:03d}-{slugify(rng.choice(SUBJECTS))}",
                               "title": self.title(), "format": format_id, "room": room["id"],
                               "day": day, "start": slot_start, "end": slot_end}
                    if rng.random() < 0.5:
                        session["themes"] = [rng.choice(themes)["id"]]
                    session["description"] = self.text(sentences=2)
                    self.cast(session, format_id, busy)
                    if rng.random() < 0.2:
                        session["actors"] = [rng.choice(self.actors)["slug"]]
                    sessions.append(session)
        sessions.sort(key=lambda s: (s["day"], s["start"], s.get("room", "")))
        event = {"title": f"{base} — {city} {start.year}", "start": start,
                 "end": start + timedelta(days=days - 1), "timezone": "Europe/Paris",
                 "venue": {"name": f"Maison de la citoyenneté de {city}",
                           "address": f"{rng.randint(1, 120)} rue de la République", "city": city},
                 "rooms": rooms, "themes": themes,
                 "formats": {name: FORMAT_DEFINITIONS[name] for name in sorted(used_formats)},
                 "organisers": [a["slug"] for a in rng.sample(self.actors, 2)],
                 "partners": [a["slug"] for a in rng.sample(self.actors, min(3, len(self.actors)))],
                 "website": f"{SITE_DOMAIN}/events/{slug}/",
                 "description": self.text(sentences=3)}
        return slug, event, sessions

    def cast(self, session: dict, format_id: str, busy: set[str]) -> None:
        roles = {"ouverture": ("openers", 1), "pitch": ("pitchers", 3)}
        role, most = roles.get(format_id, ("speakers", 4))
        wanted = {role: self.rng.randint(1, most)}
        if format_id in ("table-ronde", "debat"):
            wanted["moderators"] = 1
        for role, count in wanted.items():
            chosen = []
            for _ in range(count * 3):  # a few tries; a tiny hub may run out of free people
                if len(chosen) == count:
                    break
                person = self.rng.choice(self.people)
                if person["slug"] in busy:
                    continue
                busy.add(person["slug"])
                self.sessions_of[person["slug"]] = self.sessions_of.get(person["slug"], 0) + 1
                if self.rng.random() < 0.1:
                    chosen.append({"person": person["slug"], "affiliation": self.rng.choice(self.actors)["slug"],
                                   "project": f"Projet {self.rng.choice(CITIES)}"})
                else:
                    chosen.append(person["slug"])
            if chosen:
                session[role] = chosen

    def link(self, number: int) -> dict:
        rng = self.rng
        mentioned_actors = rng.sample(self.actors, rng.choice((0, 0, 1, 1, 2)))
        mentioned_people = rng.sample(self.people, 1) if rng.random() < 0.15 else []
        names = [a["name"] for a in mentioned_actors] + [p["name"] for p in mentioned_people]
        link = {"title": self.title(), "url": f"{SITE_DOMAIN}/articles/{number}",
                "source": rng.choice(SOURCES)}
        if rng.random() < 0.3:
            link["author"] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        link["excerpt"] = self.text(names, sentences=max(2, len(names)))
        if rng.random() < 0.5:
            link["tags"] = rng.sample(["civic tech", "open data", "participation", "démocratie locale",
                                       "transparence", "vote", "pétitions", "communs"], 2)
        if mentioned_actors and rng.random() < 0.3:
            link["actors"] = [mentioned_actors[0]["slug"]]
        return link

    def roundup(self, index: int, link_numbers) -> tuple[str, str]:
        rng = self.rng
        number = index + 1
        day = date(2014, 1, 5) + timedelta(days=7 * index)
        count = self.n["links_per_roundup"]
        links = [self.link(next(link_numbers)) for _ in range(count)]
        front: dict = {"number": number, "date": day}
        front["tags"] = rng.sample(["civic tech", "open data", "participation", "démocratie locale",
                                    "transparence", "vote", "pétitions", "communs"], 3)
        if index % 2 and count >= 6:
            third = count // 3
            front["sections"] = [{"title": "À la une", "links": links[:third]},
                                 {"title": "Initiatives", "links": links[third:2 * third]},
                                 {"title": "Idées et débats", "links": links[2 * third:]}]
        else:
            front["links"] = links
        intro = (f"Cette semaine, {rng.choice(SUBJECTS)} et {rng.choice(SUBJECTS)}.\n\n"
                 f"{self.text(sentences=2)}\n")
        return f"roundups/{day.isoformat()}-{number}.md", f"---\n{dump(front)}---\n{intro}"

    def post(self, index: int, series: dict) -> tuple[str, str]:
        rng = self.rng
        title = self.title()
        slug = f"{slugify(title)[:60].strip('-')}-{index + 1}"
        day = date(2015, 3, 2) + timedelta(days=5 * index)
        mentions = [a["name"] for a in rng.sample(self.actors, 2)] + [rng.choice(self.people)["name"]]
        lines = [f"Title: {title}", f"Date: {day.isoformat()}", f"Slug: {slug}",
                 f"Category: {rng.choice(POST_CATEGORIES)}",
                 f"Tags: civic tech, {rng.choice(['participation', 'open data', 'vote', 'transparence'])}",
                 f"Summary: {self.text(sentences=1)}", "Lang: fr"]
        if index % 10 < 4 and self.n["posts"] >= 4:  # posts 0-3 of every ten form a series
            name = f"Les chantiers de la civic tech, volume {index // 10 + 1}"
            series[name] = series.get(name, 0) + 1
            lines += [f"Series: {name}", f"Series_index: {series[name]}"]
        body = "\n\n".join(self.text(mentions[i:i + 1] if i < len(mentions) else [], sentences=4)
                           for i in range(5))
        return f"posts/{slug}.md", "\n".join(lines) + f"\n\n## {title}\n\n{body}\n"


def generate(root: Path, scale: float, seed: int = 1, repository: Path = REPOSITORY) -> Stats:
    """Write a synthetic hub into root (content/, pelicanconf.py, theme/); returns what it holds."""
    root = Path(root)
    theme = repository / "theme"
    settings = repository / "pelicanconf.py"
    if not theme.is_dir() or not settings.is_file():
        raise FileNotFoundError(f"{repository} has no theme/ and pelicanconf.py to copy (run from a "
                                "checkout of civichub)")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings, root / "pelicanconf.py")
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        # the bench times the search index on its own line, not inside each build
        conf.write("\nCIVICHUB_SEARCH = False\n")
    shutil.copytree(theme, root / "theme", dirs_exist_ok=True)
    writer = Writer(root / "content")
    hub = Hub(scale, seed)
    stats = Stats(scale=scale, seed=seed, counts=dict(hub.n))

    hub.make_actors()
    hub.make_people()
    for index in range(hub.n["events"]):
        slug, event, sessions = hub.event(index)
        writer.write(f"events/{slug}/event.yaml", dump(event))
        if index % 3 == 2:  # every third event keeps one file per session
            for session in sessions:
                session_id = session.pop("id")
                writer.write(f"events/{slug}/sessions/{session_id}.yaml", dump(session))
        else:
            writer.write(f"events/{slug}/sessions.yaml", dump(sessions))
        stats.events += 1
        stats.sessions += len(sessions)
    for actor in hub.actors:
        record = {key: value for key, value in actor.items() if key not in ("slug", "word")}
        writer.write(f"actors/{actor['slug']}.yaml", dump(record))
    for person in hub.people:
        record = {key: value for key, value in person.items() if key != "slug"}
        writer.write(f"people/{person['slug']}.yaml", dump(record))
    link_numbers = iter(range(1, 10 ** 9))
    roundups = []
    for index in range(hub.n["roundups"]):
        path, text = hub.roundup(index, link_numbers)
        writer.write(path, text)
        roundups.append(path)
    stats.links = next(link_numbers) - 1
    series: dict[str, int] = {}
    posts = []
    for index in range(hub.n["posts"]):
        path, text = hub.post(index, series)
        writer.write(path, text)
        posts.append(path)
    writer.write("pages/a-propos.md", "Title: À propos\nSlug: a-propos\nLang: fr\n\n"
                 f"Un hub synthétique généré pour mesurer les performances (échelle {scale}, graine {seed}).\n")
    writer.write("pages/la-civic-tech-en-france.md", "Title: La civic tech en France\n"
                 "Slug: la-civic-tech-en-france\nTemplate: timeline\nLang: fr\n\n"
                 "Quelques étapes de la civic tech, inventées pour le banc d'essai.\n")
    timeline = [{"year": 2010 + i, "month": 1 + i % 12, "title": hub.title(), "text": hub.text(sentences=2),
                 "actors": [hub.rng.choice(hub.actors)["slug"]]} for i in range(10)]
    writer.write("data/timeline.yaml", dump(timeline))

    stats.actors, stats.people = len(hub.actors), len(hub.people)
    stats.roundups, stats.posts, stats.pages = len(roundups), hub.n["posts"], 2
    stats.files = writer.files
    busiest = max(hub.people, key=lambda p: (hub.sessions_of.get(p["slug"], 0), p["slug"]))
    stats.person_to_edit = f"content/people/{busiest['slug']}.yaml"
    stats.roundup_to_edit = f"content/{roundups[len(roundups) // 2]}"
    stats.post_to_edit = f"content/{posts[len(posts) // 2]}"
    return stats


# -- plain Markdown blogs of the same size, for Pelican alone and for Hugo -----------------------

CORPUS_TAGS = [f"sujet-{number}" for number in range(20)]
CORPUS_CATEGORIES = ["Actualités", "Analyses", "Entretiens", "Agenda", "Lectures"]


def corpus_articles(count: int, seed: int = 1):
    """(slug, title, date, category, tags, body) of count articles, the same for Pelican and Hugo."""
    hub = Hub(0.05, seed)
    for index in range(count):
        title = f"{hub.title()} ({index + 1})"
        slug = f"article-{index + 1:05d}"
        day = date(2010, 1, 1) + timedelta(days=index % 5000)
        body = "\n\n".join(hub.text(sentences=4) for _ in range(5))
        yield (slug, title, day, hub.rng.choice(CORPUS_CATEGORIES), hub.rng.sample(CORPUS_TAGS, 2),
               f"## {title}\n\n{body}\n\n- {hub.rng.choice(SUBJECTS)}\n- {hub.rng.choice(SUBJECTS)}\n")


def corpus_size(pages: int) -> int:
    """Articles for a Pelican blog of about `pages` HTML pages (tags, categories, indexes added)."""
    return max(1, pages - len(CORPUS_TAGS) - len(CORPUS_CATEGORIES) - 5)


PELICAN_SETTINGS = """\
# A plain Pelican blog (default theme, no plugin), the baseline of `civichub bench`.
AUTHOR = "bench"
SITENAME = "Plain Pelican"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
CACHE_PATH = "cache"
"""


def generate_pelican_corpus(root: Path, articles: int, seed: int = 1) -> int:
    """A plain Pelican blog of `articles` Markdown articles in root; returns the count."""
    root = Path(root)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICAN_SETTINGS, encoding="utf-8")
    for slug, title, day, category, tags, body in corpus_articles(articles, seed):
        (root / "content" / f"{slug}.md").write_text(
            f"Title: {title}\nDate: {day.isoformat()}\nSlug: {slug}\nCategory: {category}\n"
            f"Tags: {', '.join(tags)}\nSummary: {title}\n\n{body}", encoding="utf-8")
    return articles


HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "fr"
title = "Plain Hugo"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  tag = "tags"
  category = "categories"
"""
HUGO_LAYOUTS = {
    "single.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main><article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
<p>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
</article></main></body></html>
""",
    "list.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul></main></body></html>
""",
}


def generate_hugo_site(root: Path, articles: int, seed: int = 1) -> int:
    """The same articles as generate_pelican_corpus, as a minimal Hugo site."""
    root = Path(root)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    for slug, title, day, category, tags, body in corpus_articles(articles, seed):
        front = dump({"title": title, "date": day.isoformat(), "slug": slug, "categories": [category],
                      "tags": tags})
        (root / "content" / "posts" / f"{slug}.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return articles
