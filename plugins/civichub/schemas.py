"""JSON Schemas for editors, generated from schema.py (never written by hand): `civichub schemas`
writes them into schemas/, `--check` fails when the shipped files are out of date."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from . import schema
from .fields import Field, ListOf, Struct

BASE = "https://civichub.example/schemas/"


def session_list() -> ListOf:
    with_id = Struct({**schema.SESSION.fields, "id": Field(schema.SESSION.fields["id"].type, required=True,
                                                           help="unique in the event")},
                     title="civichub sessions (a list)")
    return ListOf(with_id, max_items=2000)


def documents() -> dict[str, dict]:
    """File name -> JSON Schema, one per kind of YAML file contributors edit."""
    kinds = {
        "actor": (schema.ACTOR, "An organisation: content/actors/<slug>.yaml"),
        "person": (schema.PERSON, "A person: content/people/<slug>.yaml"),
        "event": (schema.EVENT, "An event: content/events/<event>/event.yaml"),
        "session": (schema.SESSION, "One session: content/events/<event>/sessions/<id>.yaml"),
        "sessions": (session_list(), "Sessions: content/events/<event>/sessions.yaml"),
        "roundup": (schema.ROUNDUP, "A roundup's front matter: content/roundups/<date>-<number>.md"),
        "timeline": (schema.TIMELINE, "The timeline: content/data/timeline.yaml"),
    }
    return {f"{name}.schema.json": {"$schema": "http://json-schema.org/draft-07/schema#",
                                    "$id": f"{BASE}{name}.schema.json", "description": description,
                                    **spec.json_schema()}
            for name, (spec, description) in kinds.items()}


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def configure(parser) -> None:
    parser.add_argument("--output", type=Path, default=Path("schemas"), help="folder (default: schemas/)")
    parser.add_argument("--check", action="store_true", help="fail if the files are not up to date")


def run(args) -> int:
    stale = []
    for name, document in documents().items():
        target = args.output / name
        text = render(document)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(target))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("civichub schemas: out of date: " + ", ".join(stale) + " (run 'civichub schemas')",
              file=sys.stderr)
        return 1
    print(f"civichub schemas: {len(stale)} file(s) {'to update' if args.check else 'written'} in {args.output}",
          file=sys.stderr)
    return 0
