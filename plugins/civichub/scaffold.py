"""civichub new: writes a valid content file with the right name, asking only for what is missing,
and never overwrites a file."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

from .build import read_settings
from .fields import slugify
from .pipeline import load_and_check
from .schema import ACTOR_KINDS

KINDS = ("person", "actor", "event", "session", "roundup")


def configure(parser) -> None:
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("name", nargs="*", help="name or title (for a session: EVENT then TITLE)")
    parser.add_argument("--kind", dest="actor_kind", choices=ACTOR_KINDS, help="actor: its kind")
    parser.add_argument("--city", help="actor: its city")
    parser.add_argument("--website", help="actor or person: a URL")
    parser.add_argument("--affiliation", action="append", default=[], help="person: an actor slug (repeatable)")
    parser.add_argument("--title", dest="role_title", action="append", default=[], help="person: a role title")
    parser.add_argument("--start", help="event: first day YYYY-MM-DD; session: time HH:MM")
    parser.add_argument("--end", help="event: last day; session: time HH:MM")
    parser.add_argument("--timezone", default="Europe/Paris", help="event: IANA time zone")
    parser.add_argument("--format", dest="session_format", help="session: format (table-ronde, atelier...)")
    parser.add_argument("--room", help="session: room id")
    parser.add_argument("--number", type=int, help="roundup: number (default: the next one)")
    parser.add_argument("--date", help="roundup: date (default: the coming Sunday)")
    parser.add_argument("--slug", help="file name to use instead of the one made from the name")


class Missing(Exception):
    pass


def ask(value, label: str, option: str) -> str:
    """The value given, else an answer typed at a prompt, else an error naming the option."""
    if value:
        return value
    if sys.stdin.isatty():
        answer = input(f"{label}: ").strip()
        if answer:
            return answer
    raise Missing(f"{label} is needed: give {option}")


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def person(args, content: Path) -> tuple[Path, str]:
    name = ask(" ".join(args.name), "Name", "the person's name")
    data = {"name": name}
    if args.role_title:
        data["titles"] = args.role_title
    if args.affiliation:
        data["affiliations"] = args.affiliation
    if args.website:
        data["social"] = {"website": args.website}
    return content / "people" / f"{args.slug or slugify(name)}.yaml", dump(data)


def actor(args, content: Path) -> tuple[Path, str]:
    name = ask(" ".join(args.name), "Name", "the organisation's name")
    data = {"name": name, "kind": ask(args.actor_kind, "Kind (" + ", ".join(ACTOR_KINDS) + ")", "--kind")}
    if data["kind"] not in ACTOR_KINDS:
        raise Missing(f"kind '{data['kind']}' is not one of: {', '.join(ACTOR_KINDS)}")
    for key, value in (("city", args.city), ("website", args.website)):
        if value:
            data[key] = value
    return content / "actors" / f"{args.slug or slugify(name)}.yaml", dump(data)


def event(args, content: Path) -> tuple[Path, str]:
    title = ask(" ".join(args.name), "Title", "the event's title")
    start = ask(args.start, "First day (YYYY-MM-DD)", "--start")
    slug = args.slug or slugify(f"{title} {start[:4]}")
    data = {"title": title, "start": date.fromisoformat(start), "timezone": args.timezone}
    if args.end:
        data["end"] = date.fromisoformat(args.end)
    data["rooms"] = [{"id": "salle-1", "name": "Salle 1"}]
    return content / "events" / slug / "event.yaml", dump(data)


def session(args, content: Path) -> tuple[Path, str]:
    if len(args.name) < 2 and not sys.stdin.isatty():
        raise Missing("a session needs its event and its title: civichub new session EVENT 'Title'")
    event_slug = args.name[0] if args.name else ask("", "Event (folder name)", "EVENT")
    title = " ".join(args.name[1:]) or ask("", "Title", "TITLE")
    if not (content / "events" / event_slug / "event.yaml").is_file():
        raise Missing(f"no event '{event_slug}' (content/events/{event_slug}/event.yaml)")
    data = {"title": title, "format": ask(args.session_format, "Format (table-ronde, atelier...)", "--format")}
    for key, value in (("room", args.room), ("start", args.start), ("end", args.end)):
        if value:
            data[key] = value
    data["speakers"] = []
    return content / "events" / event_slug / "sessions" / f"{args.slug or slugify(title)}.yaml", dump(data)


def coming_sunday(today: date) -> date:
    return today + timedelta(days=(6 - today.weekday()) % 7)


def roundup(args, content: Path, settings: dict) -> tuple[Path, str]:
    checked = load_and_check(content, settings)
    number = args.number or max((r.number for r in checked.content.roundups), default=0) + 1
    day = date.fromisoformat(args.date) if args.date else coming_sunday(date.today())
    front = dump({"number": number, "date": day, "status": "draft", "links": []}).rstrip("\n")
    example = ("# Add links like this one:\n"
               "#  - title: \"Titre de l'article\"\n"
               "#    url: https://www.example.org/article\n"
               "#    source: Le Monde\n"
               "#    excerpt: En une phrase, dans vos mots.\n")
    body = "Quelques mots d'introduction pour cette revue.\n"
    return content / "roundups" / f"{day}-{number}.md", f"---\n{front}\n{example}---\n{body}"


def run(args) -> int:
    settings = read_settings(args.settings)
    content = Path(settings["PATH"])
    try:
        if args.kind == "roundup":
            path, text = roundup(args, content, settings)
        else:
            path, text = {"person": person, "actor": actor, "event": event, "session": session}[args.kind](args, content)
    except (Missing, ValueError) as exc:
        print(f"civichub new: {exc}", file=sys.stderr)
        return 2
    if not path.stem or path.exists():
        print(f"civichub new: {path} already exists; nothing written (choose another --slug)", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"civichub new: created {path}")
    return 0
