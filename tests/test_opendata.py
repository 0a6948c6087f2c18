"""Open data: data/*.csv, data/*.json and data/datapackage.json, and the /donnees/ page.

datapackage.json is validated with jsonschema against the official Frictionless Data Package v1
profiles vendored in tests/data/frictionless/ (see the README there): the Tabular Data Package
profile for the whole descriptor, the Table Schema profile for each resource's schema. The CSVs
are then checked against their schemas here: header, types, required values, primary keys and
foreign keys."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import re
from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup

from civichub.build import build

from conftest import ROOT

PROFILES = Path(__file__).parent / "data" / "frictionless"
DATA = "data"
TABLES = ["events", "sessions", "participations", "people", "actors", "roundups", "links"]
CESE = "journee-civic-tech-2019"
LIST_FIELDS = {("events", "organisers"): "actors", ("events", "partners"): "actors",
               ("people", "affiliations"): "actors", ("links", "actors"): "actors"}


# -- helpers ------------------------------------------------------------------------------------

def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def package(site: Path) -> dict:
    return load_json(site / DATA / "datapackage.json")


def resource(pkg: dict, name: str) -> dict:
    return next(r for r in pkg["resources"] if r["name"] == name)


def read_csv(site: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = (site / DATA / f"{name}.csv").read_bytes()
    text = raw.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def rows(site: Path, name: str) -> list[dict[str, str]]:
    return read_csv(site, name)[1]


def errors(validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(instance)]


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def parse(value: str, field: dict):
    """A CSV cell read as its Table Schema type says (v1, format 'default'); raises if it is not one."""
    kind = field["type"]
    if kind == "string":
        return value
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", value), value
        return int(value)
    if kind == "boolean":
        assert value in ("true", "false"), value
        return value == "true"
    if kind == "date":
        assert ISO_DATE.match(value), value
        return date.fromisoformat(value)
    if kind == "datetime":
        assert ISO_DATETIME.match(value), value  # always with an offset
        return datetime.fromisoformat(value)
    raise AssertionError(f"unexpected type {kind}")


@pytest.fixture(scope="module")
def pkg(sample_site) -> dict:
    return package(sample_site)


@pytest.fixture(scope="module")
def data(sample_site) -> dict[str, list[dict[str, str]]]:
    return {name: rows(sample_site, name) for name in TABLES}


# -- the Data Package descriptor ----------------------------------------------------------------

def test_datapackage_is_a_valid_tabular_data_package(pkg):
    profile = load_json(PROFILES / "tabular-data-package.json")
    jsonschema.Draft4Validator.check_schema(profile)
    validator = jsonschema.Draft4Validator(profile, format_checker=jsonschema.FormatChecker())
    assert errors(validator, pkg) == []
    assert pkg["profile"] == "tabular-data-package"
    assert [r["name"] for r in pkg["resources"]] == TABLES


def test_each_resource_schema_is_a_valid_table_schema(pkg):
    profile = load_json(PROFILES / "tableschema.json")
    jsonschema.Draft7Validator.check_schema(profile)
    validator = jsonschema.Draft7Validator(profile)
    for res in pkg["resources"]:
        assert errors(validator, res["schema"]) == [], res["name"]
        names = [f["name"] for f in res["schema"]["fields"]]
        assert len(set(names)) == len(names)
        keys = res["schema"]["primaryKey"]
        assert set(keys) <= set(names)
        for fk in res["schema"].get("foreignKeys", []):
            assert set(fk["fields"]) <= set(names)
            target = resource(pkg, fk["reference"]["resource"])
            assert set(fk["reference"]["fields"]) <= {f["name"] for f in target["schema"]["fields"]}


def test_datapackage_metadata(pkg, sample_site):
    assert pkg["name"] == "hub-de-la-civic-tech"
    assert pkg["licenses"] == [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
                                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}]
    created = datetime.fromisoformat(pkg["created"])
    assert created.tzinfo is not None
    for res in pkg["resources"]:
        assert (res["format"], res["mediatype"], res["encoding"]) == ("csv", "text/csv", "utf-8")
        assert res["path"] == f"{res['name']}.csv"
        raw = (sample_site / DATA / res["path"]).read_bytes()
        assert res["bytes"] == len(raw) and res["hash"] == hashlib.md5(raw).hexdigest()
        for field in res["schema"]["fields"]:
            assert field["description"], (res["name"], field["name"])


def test_declared_foreign_keys(pkg):
    declared = {(r["name"], tuple(fk["fields"]), fk["reference"]["resource"], tuple(fk["reference"]["fields"]))
                for r in pkg["resources"] for fk in r["schema"].get("foreignKeys", [])}
    assert declared == {
        ("sessions", ("event",), "events", ("slug",)),
        ("participations", ("event", "session"), "sessions", ("event", "id")),
        ("participations", ("person",), "people", ("slug",)),
        ("participations", ("affiliation",), "actors", ("slug",)),
        ("links", ("roundup",), "roundups", ("number",)),
    }


# -- the CSV files against their schemas --------------------------------------------------------

def test_csv_headers_match_schema_fields(pkg, sample_site):
    for res in pkg["resources"]:
        header, _ = read_csv(sample_site, res["name"])
        assert header == [f["name"] for f in res["schema"]["fields"]], res["name"]


def test_csv_is_rfc4180_utf8(sample_site):
    for name in TABLES:
        raw = (sample_site / DATA / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
        assert raw.endswith(b"\r\n")
        first_line = raw.split(b"\r\n", 1)[0]
        assert b"\n" not in first_line and b"\r" not in first_line


def test_csv_values_have_their_schema_types(pkg, sample_site):
    for res in pkg["resources"]:
        schema = res["schema"]
        fields = {f["name"]: f for f in schema["fields"]}
        seen_keys = set()
        for row in rows(sample_site, res["name"]):
            for name, value in row.items():
                field = fields[name]
                if value in schema.get("missingValues", [""]):
                    assert not field.get("constraints", {}).get("required"), (res["name"], name, row)
                    continue
                parse(value, field)
            key = tuple(row[k] for k in schema["primaryKey"])
            assert all(key) and key not in seen_keys, (res["name"], key)
            seen_keys.add(key)


def test_foreign_keys_resolve(pkg, data):
    for res in pkg["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            target = {tuple(row[f] for f in fk["reference"]["fields"]) for row in data[fk["reference"]["resource"]]}
            for row in data[res["name"]]:
                value = tuple(row[f] for f in fk["fields"])
                if all(v == "" for v in value):
                    continue  # a missing value references nothing
                assert value in target, (res["name"], fk["fields"], value)


def test_list_values_resolve(data):
    for (table, column), target_table in LIST_FIELDS.items():
        slugs = {row["slug"] for row in data[target_table]}
        for row in data[table]:
            for slug in filter(None, row[column].split("|")):
                assert slug in slugs, (table, column, slug)


def test_session_times_carry_the_event_offset(data):
    ouverture = next(r for r in data["sessions"]
                     if r["event"] == CESE and r["id"] == "ouvrir-les-institutions-grand-debat")
    assert ouverture["start"] == "2019-03-18T09:00:00+01:00"
    assert ouverture["end"] == "2019-03-18T10:30:00+01:00"
    assert ouverture["rooms"] == "Hémicycle"
    assert ouverture["plenary"] == "false"


def test_row_counts(data, sample_site):
    assert sum(r["event"] == CESE for r in data["sessions"]) == 18
    assert len(data["sessions"]) == 26
    assert len(data["people"]) >= 95
    assert len(data["events"]) == len(list((ROOT / "content/events").glob("*/event.yaml")))
    assert len(data["actors"]) == len(list((ROOT / "content/actors").glob("*.yaml")))
    assert len(data["people"]) == len(list((ROOT / "content/people").glob("*.yaml")))
    for row in data["roundups"]:
        assert int(row["links"]) == sum(link["roundup"] == row["number"] for link in data["links"])
    speakers = {(r["event"], r["session"], r["person"]) for r in data["participations"]}
    assert (CESE, "ouvrir-les-institutions-grand-debat", "loic-blondiaux") in speakers


def test_rows_are_sorted(data):
    assert [r["slug"] for r in data["people"]] == sorted(r["slug"] for r in data["people"])
    assert [r["slug"] for r in data["actors"]] == sorted(r["slug"] for r in data["actors"])
    numbers = [int(r["number"]) for r in data["roundups"]]
    assert numbers == sorted(numbers)
    links = [(int(r["roundup"]), int(r["position"])) for r in data["links"]]
    assert links == sorted(links)


def test_people_show_only_what_their_pages_show(data):
    assert [*data["people"][0]] == ["slug", "name", "titles", "affiliations", "social", "bio", "url"]
    julien = next(r for r in data["people"] if r["slug"] == "julien-joxe")
    assert julien["url"] == "personnes/julien-joxe/"
    assert all(item.split(":", 1)[0] in {"x", "mastodon", "bluesky", "linkedin", "facebook", "instagram",
                                          "youtube", "github", "website"}
               for row in data["people"] for item in filter(None, row["social"].split("|")))


# -- JSON twins ---------------------------------------------------------------------------------

def test_json_files_hold_the_same_rows_as_the_csv(pkg, sample_site, data):
    for res in pkg["resources"]:
        fields = res["schema"]["fields"]
        records = load_json(sample_site / DATA / f"{res['name']}.json")
        assert isinstance(records, list) and len(records) == len(data[res["name"]]), res["name"]
        for record, row in zip(records, data[res["name"]]):
            assert list(record) == [f["name"] for f in fields]
            for field in fields:
                value, cell = record[field["name"]], row[field["name"]]
                if "séparées par « | »" in field["description"]:
                    assert isinstance(value, list) and value == [v for v in cell.split("|") if v]
                elif value is None:
                    assert cell == ""
                elif isinstance(value, bool):
                    assert cell == ("true" if value else "false")
                else:
                    assert str(value) == cell
                    if field["type"] == "integer":
                        assert isinstance(value, int)


# -- the page -----------------------------------------------------------------------------------

def test_page_links_every_file_and_the_links_work(sample_site, pkg, data):
    page = sample_site / "donnees/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    hrefs = [a["href"] for a in main.find_all("a", href=True)]
    files = set()
    for href in hrefs:
        if href.startswith(("#", "http")):
            continue
        target = posixpath.normpath(posixpath.join("donnees", href))
        assert (sample_site / target).is_file(), href
        files.add(target)
    expected = {f"data/{name}.{ext}" for name in TABLES for ext in ("csv", "json")} | {"data/datapackage.json"}
    assert expected <= files
    assert main.find("a", rel="license")["href"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    for name in TABLES:
        section = main.find("section", id=f"table-{name}")
        assert f"{len(data[name])} ligne" in section.get_text()
        listed = [th.get_text() for th in section.select("tbody th")]
        assert listed == [f["name"] for f in resource(pkg, name)["schema"]["fields"]]


def test_builds_are_identical(sample_site, tmp_path):
    again = build(ROOT / "pelicanconf.py", tmp_path / "output")
    for relative in sorted((sample_site / DATA).iterdir()):
        name = relative.name
        assert (again / DATA / name).read_bytes() == relative.read_bytes(), name
    assert sorted(p.name for p in (again / DATA).iterdir()) == sorted(p.name for p in (sample_site / DATA).iterdir())
    assert (again / "donnees/index.html").read_bytes() == (sample_site / "donnees/index.html").read_bytes()


# -- drafts and settings, on the minimal hub ----------------------------------------------------

DRAFT = """
---
number: 2
date: 2019-03-25
status: draft
links:
  - title: "Un lien pas encore publié"
    source: Brouillon
---
"""
PUBLISHED = """
---
number: 1
date: 2019-03-18
links:
  - title: "Un lien publié"
    source: Le Monde
    url: https://example.org/article
    actors: [cap-collectif]
---
"""


def test_draft_roundups_are_not_exported(hub):
    hub.write("roundups/2019-03-18-1.md", PUBLISHED)
    hub.write("roundups/2019-03-25-2.md", DRAFT)
    output = hub.build()
    assert [r["number"] for r in rows(output, "roundups")] == ["1"]
    assert [r["title"] for r in rows(output, "links")] == ["Un lien publié"]
    assert [r["number"] for r in load_json(output / DATA / "roundups.json")] == [1]
    everything = b"".join(p.read_bytes() for p in (output / DATA).iterdir())
    assert "Un lien pas encore publié".encode() not in everything
    assert "Brouillon".encode() not in everything
    assert rows(output, "links")[0]["actors"] == "cap-collectif"


def test_licence_comes_from_the_settings(hub):
    licence = {"name": "ODbL-1.0", "title": "Open Database License",
               "path": "https://opendatacommons.org/licenses/odbl/1-0/"}
    output = build(hub.root / "pelicanconf.py", hub.root / "output", {"CIVICHUB_DATA_LICENSE": licence})
    assert package(output)["licenses"] == [licence]
    soup = BeautifulSoup((output / "donnees/index.html").read_text(encoding="utf-8"), "html.parser")
    link = soup.find("a", rel="license")
    assert link["href"] == licence["path"] and link.get_text() == "Open Database License"


def test_a_build_makes_each_table_rows_once_for_its_two_files(tmp_path, monkeypatch):
    """A table's CSV and JSON files are made in one job, so in one process: its rows are made
    once (model.MadeOnce holds them for the second file), whichever process takes the job."""
    from civichub.exports import opendata
    from conftest import copy_of_sample
    made = tmp_path / "made.txt"
    table_of = opendata.table_of

    def noted(spec, *args, **kwargs):
        with open(made, "a", encoding="utf-8") as handle:  # from every process of the build
            handle.write(spec.name + "\n")
        return table_of(spec, *args, **kwargs)

    monkeypatch.setattr(opendata, "table_of", noted)
    root = copy_of_sample(tmp_path / "hub")
    build(root / "pelicanconf.py", tmp_path / "output", {"CIVICHUB_JOBS": 2})
    assert sorted(made.read_text(encoding="utf-8").split()) == sorted(spec.name for spec in opendata.TABLES)
