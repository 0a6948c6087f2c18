"""civichub import: a c3voc / frab / pretalx schedule.json -> an event folder and people files.

Stages: read the JSON -> validate it against the bundled c3voc schema -> map it to content
records -> check the would-be content (a staged copy, with the real checker) -> write new files
only. Nothing is written when any stage reports an error, and no existing file is ever replaced.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from importlib import resources
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import yaml

from .check import DEFAULT_FORMATS
from .fields import SLUG_RE, known_timezones, slugify
from .problems import Pos, Problem, error, summary, warning
from .source import MAX_FILE_BYTES

SCHEMA_FILE = "c3voc-schedule.schema.json"
DEFAULT_TIMEZONE = "Europe/Paris"
MAX_JSON_BYTES = 50 * 1024 * 1024
MAX_SESSIONS_PER_FILE = 2000  # the loader's limit for one sessions.yaml
LANGUAGES = ("fr", "en", "de", "es", "it", "pt", "nl", "ca", "eu", "br", "oc", "ar")  # schema.LANGUAGE
FALLBACK_FORMAT = "presentation"

# Schedule event types (slugified) -> the hub's format vocabulary (check.DEFAULT_FORMATS).
# A type whose slug already is a format keeps it; any other type becomes FALLBACK_FORMAT.
TYPE_FORMATS = {
    "talk": "conference", "lecture": "conference", "vortrag": "conference", "long-talk": "conference",
    "short-talk": "presentation", "presentation": "presentation", "demo": "presentation",
    "workshop": "atelier", "hands-on": "atelier", "tutorial": "atelier", "self-organized-session": "atelier",
    "panel": "table-ronde", "panel-discussion": "table-ronde", "podium": "table-ronde",
    "podiumsdiskussion": "table-ronde", "roundtable": "table-ronde", "round-table": "table-ronde",
    "keynote": "keynote",
    "discussion": "debat", "debate": "debat", "diskussion": "debat",
    "lightning-talk": "pitch", "lightning-talks": "pitch", "lightning": "pitch",
    "opening": "ouverture", "welcome": "ouverture", "opening-ceremony": "ouverture",
    "break": "pause", "coffee-break": "pause", "lunch": "dejeuner", "lunch-break": "dejeuner",
    "party": "soiree", "social-event": "soiree", "evening-event": "soiree", "concert": "soiree",
}


class ImportFailed(Exception):
    """The schedule cannot be imported; the problems say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def run(schedule_path: Path, content_dir: Path, event: str | None) -> int:
    """The `civichub import` command; returns the exit code."""
    schedule_path, content_dir = Path(schedule_path), Path(content_dir)
    display = str(schedule_path)  # as the user typed it
    if event is not None and (not SLUG_RE.fullmatch(event) or len(event) > 100):
        suggestion = slugify(event)[:100].strip("-")
        hint = f"e.g. '{suggestion}'" if suggestion else "use lowercase letters, digits and hyphens"
        print(f"civichub import: error: --event: invalid event folder name '{event}' ({hint})", file=sys.stderr)
        return 1
    try:
        data, where = read_schedule(schedule_path, display)
        report_and_stop(validate(data, where))
        importer = Importer(data, where, content_dir, event)
        plan = importer.plan()
        report_and_stop(importer.problems)
        report_and_stop(check_staged(content_dir, plan.files))
    except ImportFailed as exc:
        for problem in sorted_problems(exc.problems):
            print(problem)
        print(f"civichub import: {summary(exc.problems)}; nothing was written", file=sys.stderr)
        return 1
    for problem in sorted_problems(importer.problems):
        print(problem)
    for line in plan.skipped:
        print(f"skipped {line}")
    try:
        written = write_files(content_dir, plan.files)
    except OSError as exc:
        print(f"civichub import: error: {exc}; files written so far were kept", file=sys.stderr)
        return 1
    for relative in written:
        print(f"created {display_path(content_dir / relative)}{plan.notes.get(relative, '')}")
    people = sum(1 for relative in written if relative.parts[0] == "people")
    print(f"civichub import: {plural(len(written) - people, 'event file')} and {plural(people, 'person file')} "
          f"created, {len(plan.skipped)} skipped, {summary(importer.problems)}", file=sys.stderr)
    return 0


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def report_and_stop(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise ImportFailed(problems)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.pos.file, p.pos.line, p.pos.col, p.field, p.message))


def display_path(path: Path) -> str:
    """A content path relative to the working folder (the hub's root), as `civichub check` shows it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


# -- reading ---------------------------------------------------------------------------------

JsonPath = tuple  # of str keys and int indexes


class Where:
    """JSON paths -> positions in the schedule file."""

    def __init__(self, display: str, text: str = ""):
        self.display = display
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.values: dict[JsonPath, int] = {}
        self.keys: dict[JsonPath, int] = {}
        if text:
            try:
                JsonScanner(text, self.values, self.keys).value(0, ())
            except (RecursionError, IndexError, ValueError):
                pass  # positions stay partial: errors fall back to an enclosing value

    def pos(self, path: JsonPath, key: bool = False) -> Pos:
        path = tuple(path)
        if key and path in self.keys:
            return self.at(self.keys[path])
        while path not in self.values and path:
            path = path[:-1]
        return self.at(self.values.get(path, 0))

    def at(self, offset: int) -> Pos:
        line = bisect_right(self.line_starts, offset)
        return Pos(self.display, line, offset - self.line_starts[line - 1] + 1)

    def error(self, path: JsonPath, message: str, hint: str = "", key: bool = False) -> Problem:
        return error(self.pos(path, key), json_path(path), message, hint)

    def warning(self, path: JsonPath, message: str, hint: str = "") -> Problem:
        return warning(self.pos(path), json_path(path), message, hint)


class JsonScanner:
    """Records where each value (and each object key) of an already valid JSON text starts."""

    SPACE = re.compile(r"[ \t\n\r]*")
    LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")

    def __init__(self, text: str, values: dict, keys: dict):
        self.text, self.values, self.keys = text, values, keys

    def skip(self, i: int) -> int:
        return self.SPACE.match(self.text, i).end()

    def value(self, i: int, path: JsonPath) -> int:
        text = self.text
        i = self.skip(i)
        self.values[path] = i
        ch = text[i]
        if ch == '"':
            return scanstring(text, i + 1)[1]
        if ch == "{":
            i = self.skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key_at = self.skip(i)
                key, i = scanstring(text, key_at + 1)
                self.keys[path + (key,)] = key_at
                i = self.value(self.skip(i) + 1, path + (key,))  # past ':'
                i = self.skip(i)
                if text[i] != ",":
                    return i + 1
                i += 1
        if ch == "[":
            i = self.skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = self.skip(self.value(i, path + (index,)))
                if text[i] != ",":
                    return i + 1
                i, index = i + 1, index + 1
        match = self.LITERAL.match(text, i)
        if not match:
            raise ValueError(f"unexpected {ch!r} at {i}")
        return match.end()


def read_schedule(path: Path, display: str) -> tuple[Any, Where]:
    def fail(message: str, hint: str = "", line: int = 1, col: int = 1):
        return ImportFailed([error(Pos(display, line, col), "", message, hint)])

    try:
        size = path.stat().st_size
        if not path.is_file():
            raise fail("not a file", "give the path of a schedule.json file")
        if size > MAX_JSON_BYTES:
            raise fail(f"file is {size // (1024 * 1024)} MiB, over the {MAX_JSON_BYTES // (1024 * 1024)} "
                       "MiB limit")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("file not found", "check the path of the schedule.json file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})", "export the schedule as UTF-8 JSON",
                   line, col) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON: {exc.msg}", "is this a schedule.json export?", exc.lineno, exc.colno) from None
    except RecursionError:
        raise fail("JSON is nested too deeply") from None
    return data, Where(display, text)


# -- validating against the c3voc schema -------------------------------------------------------

def load_schema() -> dict:
    return json.loads(resources.files("civichub").joinpath("data", SCHEMA_FILE).read_text("utf-8"))


def validate(data: Any, where: Where) -> list[Problem]:
    try:
        from jsonschema import Draft6Validator
    except ImportError:
        return [error(Pos(where.display), "", "civichub import needs the 'jsonschema' package",
                      "pip install jsonschema")]
    validator = Draft6Validator(load_schema())
    problems: list[Problem] = []
    for err in validator.iter_errors(data):
        problems += schema_problems(err, data, where)
    return problems


def schema_problems(err, data: Any, where: Where) -> list[Problem]:
    path = tuple(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        return [where.error(path + (key,), f"unexpected field '{key}'",
                            "the c3voc schedule format does not allow it here", key=True)
                for key in extra_keys(err.instance, err.schema)]
    if err.validator is None and err.schema is False:
        # jsonschema reports a property whose schema is `false` at its parent: find the key
        parent = lookup(data, path)
        key = next((k for k, v in parent.items() if v is err.instance), None) if isinstance(parent, dict) else None
        if key is None:
            return [where.error(path, "a value here is not allowed by the c3voc schedule format")]
        hint = "the list of rooms belongs in schedule.conference.rooms" if path == ("schedule",) and \
            key == "rooms" else "remove it"
        return [where.error(path + (key,), f"field '{key}' is not allowed here", hint, key=True)]
    if err.validator == "required":
        name = err.message.split("'")[1] if err.message.count("'") >= 2 else str(err.validator_value)
        return [where.error(path, f"missing required field '{name}'", "the c3voc schedule format requires it")]
    if err.validator in ("oneOf", "anyOf"):
        return [where.error(path, alternatives_message(err))]
    return [where.error(path, short_message(err))]


def extra_keys(instance: dict, schema: dict) -> list[str]:
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [key for key in instance if key not in properties and not any(re.search(p, key) for p in patterns)]


def lookup(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


def short_message(err) -> str:
    value = err.instance
    if err.validator == "type":
        expected = err.validator_value if isinstance(err.validator_value, str) else " or ".join(err.validator_value)
        return f"expected {expected}, got {json_type(value)} {short(value)}"
    if err.validator == "pattern":
        return f"{short(value)} does not match the pattern {err.validator_value}"
    if err.validator == "enum":
        return f"{short(value)} is not one of " + ", ".join(map(str, err.validator_value))
    return err.message if len(err.message) <= 200 else err.message[:197] + "..."


def alternatives_message(err) -> str:
    """'matches none of the allowed forms (FrabPerson: ...; PretalxPerson: ...)'."""
    by_branch: dict[int, list[str]] = {}
    for sub in err.context:
        branch = sub.relative_schema_path[0]
        sub_path = json_path(tuple(sub.relative_path))
        if sub.validator == "required":
            text = sub.message.replace(" is a required property", " is missing")
        else:
            text = short_message(sub)
        by_branch.setdefault(branch, []).append(f"{sub_path}: {text}" if sub.relative_path else text)
    parts = []
    for branch, texts in sorted(by_branch.items()):
        option = err.validator_value[branch]
        name = option.get("$ref", "").rsplit("/", 1)[-1] if isinstance(option, dict) else ""
        parts.append(f"{name or f'form {branch + 1}'}: " + ", ".join(texts))
    return "matches none of the allowed forms (" + "; ".join(parts) + ")"


def json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "the text", bool: "the boolean", type(None): "null",
            int: "the number", float: "the number"}.get(type(value), "a value")


def short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def json_path(path: JsonPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", part):
            out += ("." if out else "") + part
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


# -- mapping to content records -----------------------------------------------------------------

class Quoted(str):
    """A string written in double quotes ("09:00")."""


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


Dumper.add_representer(str, _str)
Dumper.add_representer(Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class Plan:
    files: dict[Path, str] = field(default_factory=dict)  # path relative to content/ -> text
    notes: dict[Path, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


@dataclass
class Item:
    """One schedule event and where it is in the JSON."""

    data: dict
    path: JsonPath
    day: date


class Importer:
    def __init__(self, data: dict, where: Where, content_dir: Path, event: str | None):
        self.schedule = data["schedule"]
        self.conference = self.schedule["conference"]
        self.where = where
        self.content_dir = content_dir
        self.event_name = event
        self.problems: list[Problem] = []
        self.conf_path: JsonPath = ("schedule", "conference")

    def error(self, path: JsonPath, message: str, hint: str = "") -> None:
        self.problems.append(self.where.error(path, message, hint))

    def warn(self, path: JsonPath, message: str, hint: str = "") -> None:
        self.problems.append(self.where.warning(path, message, hint))

    def plan(self) -> Plan:
        plan = Plan()
        if not self.content_dir.is_dir():
            self.problems.append(error(Pos(display_path(self.content_dir)), "", "content folder not found",
                                       "run from the hub's root folder"))
            return plan
        slug = self.event_slug()
        items = self.items()
        timezone = self.timezone()
        rooms = self.rooms(items)
        order = {room_id: index for index, room_id in enumerate(rooms.values())}
        items.sort(key=lambda i: (i.day, parse_hhmm(i.data.get("start")) or timedelta(0),
                                  order.get(rooms.get(text_of(i.data.get("room"))), len(order))))
        themes = self.themes(items)
        formats = self.formats(items)
        first, last = self.dates(items)
        people = self.people(items)
        sessions = [self.session(item, rooms, themes, formats, people, first != last) for item in items]
        self.assign_ids(sessions, items)
        self.check_offsets(items, timezone)
        if any(p.is_error for p in self.problems) or not slug:
            return plan
        event_dir = self.content_dir / "events" / slug
        if event_dir.exists():
            plan.skipped.append(f"{display_path(event_dir)}/ (the event folder already exists: nothing was "
                                "imported; use --event NAME to import under another name)")
            return plan
        event = {"title": fit(text_of(self.conference.get("title")), 300) or slug}
        if first:
            event["start"] = first
        if last and last != first:
            event["end"] = last
        event["timezone"] = timezone
        if rooms:
            event["rooms"] = [{"id": room_id, "name": name} for name, room_id in rooms.items()]
        if themes:
            event["themes"] = [{"id": theme_id, "name": name} for name, theme_id in themes.items()]
        if formats:
            event["formats"] = {fmt: "Sessions de type " + ", ".join(f"« {t} »" for t in types) +
                                " dans le programme importé." for fmt, types in group_types(formats).items()}
        website = self.conference.get("url")
        if isinstance(website, str) and re.match(r"https?://\S+$", website):
            event["website"] = website
        description = fit(plain_text(self.conference.get("description")), 20_000)
        if description:
            event["description"] = description
        base = Path("events") / slug
        plan.files[base / "event.yaml"] = dump(event)
        sessions_text = dump(sessions)
        if not sessions:
            pass
        elif len(sessions) <= MAX_SESSIONS_PER_FILE and len(sessions_text.encode()) < MAX_FILE_BYTES * 0.9:
            plan.files[base / "sessions.yaml"] = sessions_text
            plan.notes[base / "sessions.yaml"] = f" ({len(sessions)} session{'s' * (len(sessions) != 1)})"
        else:
            for session in sessions:
                plan.files[base / "sessions" / f"{session['id']}.yaml"] = dump(session)
        for person in people.values():
            if person.existing:
                plan.skipped.append(f"{display_path(self.person_file(person.slug))} (already exists with "
                                    "the same name: sessions refer to it)")
            elif person.slug:
                plan.files[Path("people") / f"{person.slug}.yaml"] = dump(person.record())
        # written in this order: people, then sessions, then event.yaml
        plan.files = dict(sorted(plan.files.items(), key=lambda f: (f[0].parts[0] != "people",
                                                                     f[0].name == "event.yaml")))
        return plan

    # -- the event ---------------------------------------------------------------------------

    def event_slug(self) -> str:
        if self.event_name is not None:
            return self.event_name  # checked by run()
        slug = slugify(text_of(self.conference.get("acronym")))[:100].strip("-")
        if not slug:
            self.error(self.conf_path + ("acronym",), "cannot make an event folder name from the acronym",
                       "give one with --event NAME")
        return slug

    def timezone(self) -> str:
        name = self.conference.get("time_zone_name")
        if not name:
            self.warn(self.conf_path, f"no time_zone_name: the event's time zone is set to {DEFAULT_TIMEZONE}",
                      "check 'timezone' in event.yaml")
            return DEFAULT_TIMEZONE
        if name not in known_timezones():
            self.error(self.conf_path + ("time_zone_name",), f"unknown time zone '{name}'",
                       "use an IANA name such as 'Europe/Paris'")
            return DEFAULT_TIMEZONE
        return name

    def items(self) -> list[Item]:
        items = []
        for d, day in enumerate(self.conference["days"]):
            day_path = self.conf_path + ("days", d)
            day_date = parse_date(day.get("date"))
            if day_date is None:
                self.error(day_path + ("date",), f"invalid date {short(day.get('date'))}", "write YYYY-MM-DD")
                continue
            for room, events in day["rooms"].items():
                for e, data in enumerate(events):
                    path = day_path + ("rooms", room, e)
                    if not text_of(data.get("room")):
                        data["room"] = room
                    items.append(Item(data, path, parse_date(data.get("date")) or day_date))
        return items

    def dates(self, items: list[Item]) -> tuple[date | None, date | None]:
        days = []
        for key in ("start", "end"):
            value = self.conference.get(key)
            parsed = parse_date(value)
            if parsed is None:
                self.error(self.conf_path + (key,), f"invalid date {short(value)}", "write YYYY-MM-DD")
            else:
                days.append(parsed)
        days += [item.day for item in items]
        return (min(days), max(days)) if days else (None, None)

    def rooms(self, items: list[Item]) -> dict[str, str]:
        """Room name -> id, in the schedule's order, then by first appearance."""
        names = [r.get("name") for r in self.conference.get("rooms") or [] if isinstance(r, dict)]
        names += [item.data["room"] for item in items]
        return unique_ids([text_of(n) for n in names if text_of(n)], fallback="salle")

    def themes(self, items: list[Item]) -> dict[str, str]:
        """Track name -> theme id."""
        tracks = [t for t in self.conference.get("tracks") or [] if isinstance(t, dict) and text_of(t.get("name"))]
        slugs = {text_of(t["name"]): text_of(t.get("slug")) for t in tracks}
        names = [text_of(t["name"]) for t in tracks] + [text_of(i.data.get("track")) for i in items]
        ids = unique_ids((n for n in names if n), fallback="theme",
                         slug_of=lambda n: slugify(slugs.get(n) or n))
        return ids

    def formats(self, items: list[Item]) -> dict[str, str]:
        """Schedule type -> format id; warns once for each type with no equivalent."""
        mapping: dict[str, str] = {}
        for item in items:
            kind = text_of(item.data.get("type")) or "talk"
            if kind in mapping:
                continue
            slug = slugify(kind)
            mapping[kind] = slug if slug in DEFAULT_FORMATS else TYPE_FORMATS.get(slug, "")
            if not mapping[kind]:
                mapping[kind] = FALLBACK_FORMAT
                self.warn(item.path + ("type",), f"session type '{kind}' has no equivalent among the hub's "
                          f"formats: imported as '{FALLBACK_FORMAT}'",
                          "edit 'format' in sessions.yaml, or add a format to CIVICHUB_FORMATS")
        return mapping

    def check_offsets(self, items: list[Item], timezone: str) -> None:
        """Times are taken as written in 'start'; say so when 'date' offsets contradict the zone."""
        zone = ZoneInfo(timezone)
        for item in items:
            moment = parse_datetime(item.data.get("date"))
            start = parse_hhmm(item.data.get("start"))
            if not moment or moment.utcoffset() is None or start is None:
                continue
            local = datetime.combine(item.day, datetime.min.time()) + start
            if local.replace(tzinfo=zone).utcoffset() != moment.utcoffset():
                self.warn(item.path + ("date",), f"the offset of {moment.isoformat()} does not match the time "
                          f"zone {timezone}: times were taken as written in 'start'",
                          "check the event's 'timezone' and the session times")
                return

    # -- people ------------------------------------------------------------------------------

    def person_file(self, slug: str) -> Path:
        folder = self.content_dir / "people"
        return next((folder / f"{slug}{s}" for s in (".yml",) if (folder / f"{slug}{s}").exists()),
                    folder / f"{slug}.yaml")

    def existing_name(self, slug: str) -> str | None:
        """The name in people/<slug>.yaml, '' when unreadable, None when there is no such file."""
        path = self.person_file(slug)
        if not path.exists():
            return None
        try:
            data = yaml.safe_load(path.read_text("utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return ""
        return str(data.get("name", "")).strip() if isinstance(data, dict) else ""

    def people(self, items: list[Item]) -> dict[Any, "NewPerson"]:
        """Each distinct schedule person -> its slug (an existing same-name file, or a new one)."""
        people: dict[Any, NewPerson] = {}
        claimed: set[str] = set()
        for item in items:
            for p, person in enumerate(item.data.get("persons") or []):
                key = person_key(person)
                if key is None or key in people:
                    continue
                name = fit(" ".join(text_of(person.get("name") or person.get("public_name")).split()), 200)
                path = item.path + ("persons", p)
                base = slugify(name)[:90].strip("-")
                if not base:
                    self.warn(path, "a person without a usable name was left out", "add them by hand")
                    people[key] = NewPerson("", name, "", False)
                    continue
                for n in range(1, 10_000):
                    slug = base if n == 1 else f"{base}-{n}"
                    if slug in claimed:
                        continue
                    existing = self.existing_name(slug)
                    if existing is None or existing == name:
                        break
                claimed.add(slug)
                bio = fit(plain_text(person.get("biography")), 20_000)
                people[key] = NewPerson(slug, name, bio, existing is not None)
        return people

    # -- sessions ----------------------------------------------------------------------------

    def session(self, item: Item, rooms: dict, themes: dict, formats: dict, people: dict,
                several_days: bool) -> dict:
        data, path = item.data, item.path
        session: dict[str, Any] = {"id": "", "title": fit(text_of(data.get("title")), 300) or "Sans titre"}
        session["format"] = formats[text_of(data.get("type")) or "talk"]
        room = text_of(data.get("room"))
        if room in rooms:
            session["room"] = rooms[room]
        if several_days:
            session["day"] = item.day
        start = parse_hhmm(data.get("start"))
        duration = parse_duration(data.get("duration"))
        if start is None:
            self.error(path + ("start",), f"invalid time {short(data.get('start'))}", 'expected "HH:MM"')
        else:
            session["start"] = Quoted(hhmm(start))
            if duration is None:
                self.warn(path + ("duration",), f"invalid duration {short(data.get('duration'))}: no end time",
                          'expected "HH:MM"')
            elif duration and start + duration < timedelta(days=1):
                session["end"] = Quoted(hhmm(start + duration))
            elif duration:
                self.warn(path + ("duration",), "the session ends after midnight: its end time was left out",
                          "a session cannot cross midnight; split it or set 'end' by hand")
        track = text_of(data.get("track"))
        if track in themes:
            session["themes"] = [themes[track]]
        language = text_of(data.get("language")).lower()
        if language in LANGUAGES:
            session["language"] = language
        description = fit(plain_text("\n\n".join(unique_texts(
            data.get(k) for k in ("subtitle", "abstract", "description")))), 20_000)
        if description:
            session["description"] = description
        speakers = []
        for person in data.get("persons") or []:
            known = people.get(person_key(person))
            if known and known.slug and known.slug not in speakers:
                speakers.append(known.slug)
        if speakers:
            session["speakers"] = speakers
        return session

    # ids are given once every session is known, in order
    def assign_ids(self, sessions: list[dict], items: list[Item]) -> None:
        taken: set[str] = set()
        for session, item in zip(sessions, items):
            base = (slugify(text_of(item.data.get("slug"))) or slugify(session["title"]) or "session")[:95]
            base = base.strip("-") or "session"
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            session["id"] = slug


@dataclass
class NewPerson:
    slug: str
    name: str
    bio: str
    existing: bool

    def record(self) -> dict:
        return {"name": self.name, **({"bio": self.bio} if self.bio else {})}


def person_key(person: Any) -> Any:
    if not isinstance(person, dict):
        return None
    for key in ("code", "guid", "id"):
        if person.get(key) not in (None, ""):
            return (key, str(person[key]))
    name = text_of(person.get("name") or person.get("public_name"))
    return ("name", name) if name else None


def group_types(formats: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for kind, fmt in formats.items():
        grouped.setdefault(fmt, []).append(kind)
    return grouped


def unique_ids(names: Iterable[str], fallback: str, slug_of=slugify) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        if name in ids:
            continue
        base = slug_of(name)[:95].strip("-") or fallback
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        ids[name] = slug
    return ids


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def unique_texts(values: Iterable[Any]) -> list[str]:
    texts: list[str] = []
    for value in values:
        text = text_of(value)
        if text and not any(text in other for other in texts):
            texts.append(text)
    return texts


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


TAG = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?|mailto):)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(value: Any) -> str:
    """Schedule text (plain, Markdown or HTML-ish) -> Markdown that shows it as text: line breaks
    and paragraphs are kept, any other tag is escaped so that it is displayed, never interpreted."""
    text = text_of(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</?p\s*>", "\n\n", text)
    text = TAG.sub("&lt;", CONTROL.sub("", text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def parse_hhmm(value: Any) -> timedelta | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return timedelta(hours=int(match[1]), minutes=int(match[2]))


def parse_duration(value: Any) -> timedelta | None:
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::\d{2})?", value.strip()) if isinstance(value, str) else None
    if not match or int(match[2]) > 59:
        return None
    return timedelta(hours=int(match[1]), minutes=int(match[2]))


def hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- checking and writing -----------------------------------------------------------------------

def check_staged(content_dir: Path, files: dict[Path, str]) -> list[Problem]:
    """Run the real checker on a copy of the content's YAML with the new files added; return the
    problems found in the new files, their positions pointing at where they would be written."""
    if not files:
        return []
    from .pipeline import load_and_check
    keep = (".yaml", ".yml")

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if not n.endswith(keep) and not os.path.isdir(os.path.join(folder, n))]

    with tempfile.TemporaryDirectory(prefix="civichub-import-") as tmp:
        staged = Path(tmp) / "content"
        staged.mkdir()
        for folder in ("actors", "people", "events"):
            if (content_dir / folder).is_dir():
                shutil.copytree(content_dir / folder, staged / folder, ignore=ignore, symlinks=True)
        for relative, text in files.items():
            (staged / relative).parent.mkdir(parents=True, exist_ok=True)
            (staged / relative).write_text(text, encoding="utf-8")
        checked = load_and_check(staged, {}, display_root=Path(tmp))
    new = {(Path("content") / relative).as_posix(): display_path(content_dir / relative) for relative in files}
    return [replace(p, pos=replace(p.pos, file=new[Path(p.pos.file).as_posix()]))
            for p in checked.problems if Path(p.pos.file).as_posix() in new]


def write_files(content_dir: Path, files: dict[Path, str]) -> list[Path]:
    """Create each file; never replaces one (exclusive creation). Returns what was written."""
    written = []
    for relative, text in files.items():
        path = content_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
        written.append(relative)
    return written
