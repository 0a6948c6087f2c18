"""The JSON Schemas editors use: generated from the model, up to date, accepting every sample
file and rejecting the mistakes the checker catches."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
GLOBS = {pattern: schema for schema, pattern in
         json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"].items()}


class Yaml12Loader(yaml.SafeLoader):
    """What editors' YAML 1.2 sees: dates and '09:00' stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp",
                                                                   "tag:yaml.org,2002:int")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))


def validator(schema_path: str) -> Draft7Validator:
    return Draft7Validator(json.loads((ROOT / schema_path).read_text()))


def test_shipped_schemas_are_generated_and_up_to_date():
    result = subprocess.run([sys.executable, "-m", "civichub.cli", "schemas", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.json")), ids=lambda p: p.name)
def test_schemas_are_valid_draft7(path):
    Draft7Validator.check_schema(json.loads(path.read_text()))


def sample_files():
    for pattern, schema in GLOBS.items():
        for path in sorted(ROOT.glob(pattern)):
            yield pytest.param(path, schema, id=str(path.relative_to(ROOT)))


@pytest.mark.parametrize("path, schema", list(sample_files()))
def test_every_sample_file_is_accepted(path, schema):
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(document)]
    assert errors == []


def test_every_kind_of_file_has_sample_coverage():
    covered = {schema for _, schema in (p.values for p in sample_files())}
    assert covered == set(GLOBS.values()) - {"./schemas/session.schema.json"}


def test_roundup_front_matter_is_accepted():
    for path in sorted((ROOT / "content" / "roundups").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("---\n")[1]
        document = yaml.load(front, Loader=Yaml12Loader)
        assert list(validator("schemas/roundup.schema.json").iter_errors(document)) == []


@pytest.mark.parametrize("schema, document, fragment", [
    ("person", {"name": "X", "speakrs": []}, "Additional properties are not allowed ('speakrs'"),
    ("person", {"titles": ["x"]}, "'name' is a required property"),
    ("person", {"name": "X", "titles": "Citoyenne"}, "is not of type 'array'"),
    ("person", {"name": "X", "affiliations": ["Cap Collectif"]}, "is not valid under any of the given schemas"),
    ("actor", {"name": "X", "kind": "startupp"}, "is not one of"),
    ("actor", {"name": "X", "kind": "autre", "website": "javascript:alert(1)"}, "does not match"),
    ("session", {"title": "T", "format": "pitch", "start": "25:00"}, "does not match"),
    ("event", {"title": "T", "timezone": "Europe/Paris", "start": "18/03/2019"}, "does not match"),
    ("timeline", [{"year": 2016, "month": 13, "title": "T"}], "is greater than the maximum"),
])
def test_mistakes_are_rejected(schema, document, fragment):
    messages = [e.message for e in validator(f"schemas/{schema}.schema.json").iter_errors(document)]
    assert any(fragment in m for m in messages), messages
