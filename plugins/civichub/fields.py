"""A small type system for YAML content: validates composed YAML nodes, converts them to Python
values, records each value's position, and describes itself as JSON Schema for editors."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field as dc_field
from datetime import date, time
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import yaml

from .caches import pickled_by_fields
from .problems import Pos, Problem, did_you_mean, error
from .source import NULL_TAG, YamlDoc

INVALID = object()  # a value that failed validation; its problem is already recorded
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})


def slugify(text: str) -> str:
    """ASCII slug of a name: 'Loïc Blondiaux' -> 'loic-blondiaux', "l’échec" -> 'l-echec'.
    Accents are dropped; every other character outside a-z0-9 (apostrophes too) separates words."""
    letters = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    bare = "".join(ch for ch in letters if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from one record to another, resolved by the checker."""

    kind: str
    id: str
    field: str
    pos: Pos


@dataclass
class Ctx:
    """What validating one document accumulates."""

    doc: YamlDoc
    problems: list[Problem] = dc_field(default_factory=list)
    # each value's path -> the start of its node (a yaml Mark): packed into the record's
    # model.Positions once the file is read, a Pos made only when a message needs one
    marks: dict[str, yaml.Mark] = dc_field(default_factory=dict)
    seen: set[int] = dc_field(default_factory=set)

    def pos(self, node: yaml.Node) -> Pos:
        return self.doc.pos(node)

    def fail(self, node: yaml.Node, path: str, message: str, hint: str = "") -> object:
        self.problems.append(error(self.pos(node), path, message, hint))
        return INVALID


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{node.value}'" if len(node.value) < 40 else "a text"


class Type:
    label = "a value"

    def convert(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        if id(node) in ctx.seen:
            return ctx.fail(node, path, "YAML anchors and aliases are not supported",
                            "write the value out in full")
        ctx.seen.add(id(node))
        ctx.marks[path] = node.start_mark
        return self.check(node, path, ctx)

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError


class Scalar(Type):
    hint = ""

    def check(self, node, path, ctx):
        if not isinstance(node, yaml.ScalarNode):
            return ctx.fail(node, path, f"expected {self.label}, got {node_kind(node)}", self.hint)
        return self.parse(node.value.strip() if node.style is None else node.value, node, path, ctx)

    def parse(self, raw: str, node, path, ctx):
        return raw


# Characters that change how text displays without being seen: direction overrides and isolates
# (the "Trojan Source" trick), zero-width spaces and joiners outside emoji, and C0 controls.
INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u2060\ufeff"
                       "\u202a-\u202e\u2066-\u2069]")


class Text(Scalar):
    label = "a text"

    def __init__(self, markdown: bool = False, max_length: int = 20_000):
        self.markdown = markdown
        self.max_length = max_length

    def parse(self, raw, node, path, ctx):
        if len(raw) > self.max_length:
            return ctx.fail(node, path, f"text is {len(raw)} characters long, over {self.max_length}",
                            "shorten it")
        hidden = INVISIBLE.search(raw)
        if hidden:
            return ctx.fail(node, path, f"invisible character U+{ord(hidden[0]):04X} at position "
                            f"{hidden.start() + 1}", "delete it: it can disguise what the text says")
        return raw

    def json_schema(self):
        return {"type": "string", "maxLength": self.max_length}


class Int(Scalar):
    label = "a whole number"

    def __init__(self, minimum: int = 0, maximum: int = 999_999_999):
        self.minimum, self.maximum = minimum, maximum

    def parse(self, raw, node, path, ctx):
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            return ctx.fail(node, path, f"expected a whole number, got '{raw[:80]}'")
        if not self.minimum <= int(raw) <= self.maximum:
            return ctx.fail(node, path, f"{raw} is out of range",
                            f"use a number from {self.minimum} to {self.maximum}")
        return int(raw)

    def json_schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


class Bool(Scalar):
    label = "true or false"

    def parse(self, raw, node, path, ctx):
        if raw.lower() in ("true", "yes", "on"):
            return True
        if raw.lower() in ("false", "no", "off"):
            return False
        return ctx.fail(node, path, f"expected true or false, got '{raw}'")

    def json_schema(self):
        return {"type": "boolean"}


class Date(Scalar):
    label = "a date"
    hint = "write dates as YYYY-MM-DD"

    def parse(self, raw, node, path, ctx):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return ctx.fail(node, path, f"invalid date '{raw}'", self.hint)
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            return ctx.fail(node, path, f"invalid date '{raw}': {exc}", self.hint)

    def json_schema(self):
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


class Time(Scalar):
    label = "a time"
    hint = 'write times as "HH:MM", in quotes'

    def parse(self, raw, node, path, ctx):
        match = re.fullmatch(r"(\d{1,2})[:h](\d{2})", raw)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            return ctx.fail(node, path, f"invalid time '{raw}'", self.hint)
        return time(int(match[1]), int(match[2]))

    def json_schema(self):
        return {"type": "string", "pattern": r"^([01]?\d|2[0-3])[:h][0-5]\d$"}


class TimeZone(Scalar):
    label = "a time zone"

    def parse(self, raw, node, path, ctx):
        if raw not in known_timezones():
            hint = did_you_mean(raw, known_timezones()) or "use an IANA name such as 'Europe/Paris'"
            return ctx.fail(node, path, f"unknown time zone '{raw}'", hint)
        ZoneInfo(raw)
        return raw

    def json_schema(self):
        return {"type": "string", "examples": ["Europe/Paris"]}


_TIMEZONES: set[str] = set()


def known_timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


class Url(Scalar):
    label = "a URL"
    schemes = ("http", "https", "mailto")

    def parse(self, raw, node, path, ctx):
        parts = urlsplit(raw)
        if parts.scheme.lower() not in self.schemes or (parts.scheme != "mailto" and not parts.netloc):
            return ctx.fail(node, path, f"'{raw[:80]}' is not an http(s) or mailto URL",
                            "write the full address, starting with https://")
        if any(ch.isspace() for ch in raw):
            return ctx.fail(node, path, "a URL cannot contain spaces", "encode spaces as %20")
        return raw

    def json_schema(self):
        return {"type": "string", "format": "uri", "pattern": "^(https?://|mailto:)"}


class Slug(Scalar):
    label = "an identifier"

    def parse(self, raw, node, path, ctx):
        if not SLUG_RE.fullmatch(raw) or len(raw) > 100:
            suggestion = slugify(raw)[:100]
            hint = f"use lowercase letters, digits and hyphens, e.g. '{suggestion}'" if suggestion else \
                "use lowercase letters, digits and hyphens"
            return ctx.fail(node, path, f"invalid identifier '{raw[:80]}'", hint)
        return raw

    def json_schema(self):
        return {"type": "string", "pattern": SLUG_RE.pattern}


class RefTo(Slug):
    """An identifier naming another record; the checker resolves it."""

    def __init__(self, kind: str):
        self.kind = kind
        self.label = f"a {kind} identifier"

    def parse(self, raw, node, path, ctx):
        value = super().parse(raw, node, path, ctx)
        return value if value is INVALID else Ref(self.kind, value, path, ctx.pos(node))


class Choice(Scalar):
    def __init__(self, *values: str):
        self.values = values
        self.label = "one of " + ", ".join(values)

    def parse(self, raw, node, path, ctx):
        if raw not in self.values:
            hint = did_you_mean(raw, self.values) or "use one of: " + ", ".join(self.values)
            return ctx.fail(node, path, f"'{raw[:80]}' is not allowed here", hint)
        return raw

    def json_schema(self):
        return {"enum": list(self.values)}


class ListOf(Type):
    def __init__(self, item: Type, max_items: int = 5000):
        self.item = item
        self.max_items = max_items
        self.label = "a list"

    def check(self, node, path, ctx):
        if not isinstance(node, yaml.SequenceNode):
            return ctx.fail(node, path, f"expected a list, got {node_kind(node)}",
                            "write [a, b] or one '- item' per line")
        if len(node.value) > self.max_items:
            return ctx.fail(node, path, f"list has {len(node.value)} items, over {self.max_items}")
        items = (self.item.convert(child, f"{path}[{i}]", ctx) for i, child in enumerate(node.value))
        return [item for item in items if item is not INVALID]

    def json_schema(self):
        return {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}


@dataclass(frozen=True)
class Field:
    type: Type
    required: bool = False
    help: str = ""


class Struct(Type):
    """A mapping with known keys."""

    label = "a mapping"

    def __init__(self, fields: dict[str, Field], title: str = ""):
        self.fields = fields
        self.title = title

    def check(self, node, path, ctx):
        if not isinstance(node, yaml.MappingNode):
            return ctx.fail(node, path, f"expected a mapping of fields, got {node_kind(node)}",
                            "write 'field: value' lines")
        values: dict[str, Any] = {}
        seen_keys: set[str] = set()
        suggested: set[str] = set()  # a typo already reported need not be reported as missing too
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            where = f"{path}.{key}" if path else key
            if key in seen_keys:
                ctx.fail(key_node, where, "duplicate key", "keep only one of them")
                continue
            seen_keys.add(key)
            spec = self.fields.get(key)
            if spec is None:
                hint = did_you_mean(key, self.fields)
                suggested.add(hint.split("'")[1] if hint else "")
                ctx.fail(key_node, where, f"unknown field '{key}'",
                         hint or "known fields: " + ", ".join(self.fields))
                continue
            if id(value_node) in ctx.seen:  # an alias: point at its key, not at the anchor
                ctx.fail(key_node, where, "YAML anchors and aliases are not supported",
                         "write the value out in full")
                continue
            if is_null(value_node):
                ctx.marks[where] = value_node.start_mark
                if spec.required:
                    ctx.fail(value_node, where, f"required field '{key}' is empty", spec.help)
                continue
            value = spec.type.convert(value_node, where, ctx)
            if value is not INVALID:
                values[key] = value
        for name, spec in self.fields.items():
            if spec.required and name not in seen_keys and name not in suggested:
                where = f"{path}.{name}" if path else name
                ctx.fail(node, where, f"missing required field '{name}'", spec.help)
        return values

    def json_schema(self):
        schema = {
            "type": "object",
            "properties": {name: {**spec.type.json_schema(), **({"description": spec.help} if spec.help else {})}
                           for name, spec in self.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        if self.title:
            schema["title"] = self.title
        return schema


class Shorthand(Type):
    """A Struct that may be written as a single scalar standing for one of its fields."""

    def __init__(self, struct: Struct, key: str):
        self.struct = struct
        self.key = key
        self.label = struct.label

    def convert(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode):
            value = self.struct.fields[self.key].type.convert(node, path, ctx)
            return INVALID if value is INVALID else {self.key: value}
        return self.struct.convert(node, path, ctx)

    def json_schema(self):
        return {"oneOf": [self.struct.fields[self.key].type.json_schema(), self.struct.json_schema()]}


class MapOf(Type):
    """A mapping whose keys are identifiers chosen by the author."""

    label = "a mapping"

    def __init__(self, value: Type, key: Callable[[], Type] = Slug):
        self.value = value
        self.key = key()

    def check(self, node, path, ctx):
        if not isinstance(node, yaml.MappingNode):
            return ctx.fail(node, path, f"expected a mapping, got {node_kind(node)}",
                            "write 'key: value' lines")
        values: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.key.convert(key_node, f"{path}.{getattr(key_node, 'value', '?')}", ctx)
            if key is INVALID:
                continue
            where = f"{path}.{key}"
            if key in values:
                ctx.fail(key_node, where, "duplicate key", "keep only one of them")
                continue
            value = self.value.convert(value_node, where, ctx)
            if value is not INVALID:
                values[key] = value
        return values

    def json_schema(self):
        return {"type": "object", "additionalProperties": self.value.json_schema(),
                "propertyNames": self.key.json_schema()}


class OneOrMany(ListOf):
    """A list that may also be written as its single item."""

    def check(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode):
            value = self.item.check(node, path, ctx)  # convert() already registered this node
            return [] if value is INVALID else [value]
        return super().check(node, path, ctx)

    def json_schema(self):
        return {"oneOf": [self.item.json_schema(), super().json_schema()]}
