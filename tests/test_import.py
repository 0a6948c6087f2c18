"""`civichub import schedule.json`: a c3voc/pretalx schedule becomes content that passes the checker."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from civichub.fields import slugify

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs" / "c3voc-schedule"
DEMOCON = SPECS / "pretalx-democon.json"
INVALID = SPECS / "invalid-example.json"
needs_specs = pytest.mark.skipif(not DEMOCON.is_file() or not INVALID.is_file(),
                                 reason=f"the c3voc schedule specs are not at {SPECS} "
                                        "(shared/ beside the repository)")


def civichub(hub, *args):
    return subprocess.run([sys.executable, "-m", "civichub.cli", *args], cwd=hub.root,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def errors(hub) -> list[str]:
    return [p for p in hub.problems() if ": error: " in p]


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def schedule_events(data: dict) -> list[dict]:
    return [event for day in data["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for event in events]


def write_json(hub, name: str, data) -> Path:
    path = hub.root / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# -- a small schedule built here, so that these tests need no fixture file ------------------------

def talk(n: int, title: str, start: str, duration: str, room: str, persons: list[dict], **extra) -> dict:
    hours, minutes = map(int, start.split(":"))
    moment = datetime(2021, 6, 1, hours, minutes)
    return {
        "id": n, "guid": f"00000000-0000-4000-8000-{n:012d}", "logo": "",
        "date": moment.isoformat() + "+02:00", "start": start, "duration": duration, "room": room,
        "slug": f"fest-{n}-{slugify(title)}", "url": f"https://example.org/talk/{n}/",
        "title": title, "subtitle": "", "track": "Démocratie locale", "type": "Talk", "language": "fr",
        "abstract": "", "description": "", "recording_license": "", "do_not_record": False,
        "persons": persons, "links": [], "attachments": [], **extra,
    }


def person(code: str, name: str, bio: str = "") -> dict:
    return {"code": code, "name": name, "biography": bio}


def small_schedule() -> dict:
    events = [
        talk(1, "Budgets participatifs", "09:00", "00:45", "Grande salle",
             [person("AAA1", "Loïc Blondiaux"), person("BBB2", "Nouvelle Personne", "Chercheuse.")]),
        talk(2, "Atelier pétitions", "10:00", "01:30", "Salle 2", [person("BBB2", "Nouvelle Personne")],
             type="Game", language="xx",
             description="Premier paragraphe.<br /><br />* un<br />* deux<br /><script>alert(1)</script>"),
        talk(3, "Soirée", "23:30", "01:00", "Grande salle", [], type="Party"),
    ]
    return {"schedule": {"version": "1", "conference": {
        "acronym": "fest2021", "title": "Fête de la démocratie", "start": "2021-06-01", "end": "2021-06-01",
        "daysCount": 1, "timeslot_duration": "00:15",
        "rooms": [{"name": "Grande salle", "guid": "00000000-0000-4000-8000-00000000aaaa"},
                  {"name": "Salle 2", "guid": "00000000-0000-4000-8000-00000000bbbb"}],
        "days": [{"index": 1, "date": "2021-06-01", "day_start": "2021-06-01T08:00:00+02:00",
                  "day_end": "2021-06-02T02:00:00+02:00",
                  "rooms": {"Grande salle": [events[0], events[2]], "Salle 2": [events[1]]}}],
    }}}


# -- the real pretalx export -------------------------------------------------------------------

@needs_specs
def test_pretalx_export_imports_and_passes_the_checker(hub):
    data = json.loads(DEMOCON.read_text(encoding="utf-8"))
    events = schedule_events(data)
    result = civichub(hub, "import", str(DEMOCON))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr

    folder = hub.content / "events" / "democon"
    event = load(folder / "event.yaml")
    assert event["title"] == "DemoCon"
    assert (event["start"], event["end"]) == (date(2020, 12, 14), date(2020, 12, 16))
    assert event["timezone"] == "UTC"
    assert event["rooms"] == [{"id": "gray-room", "name": "Gray Room"}, {"id": "tan-room", "name": "Tan Room"}]
    assert {t["id"] for t in event["themes"]} == {"phased", "horizontal"}
    assert list(event["formats"]) == ["conference", "atelier"]  # Talk, Workshop

    sessions = load(folder / "sessions.yaml")
    assert len(sessions) == len(events) == 36
    assert len({s["id"] for s in sessions}) == len(sessions)
    # one known session, field by field against the JSON
    source = next(e for e in events if e["slug"] == "democon-14-managed-stable-function")
    session = next(s for s in sessions if s["id"] == "democon-14-managed-stable-function")
    assert source["start"] == "09:00" and source["duration"] == "01:30" and source["room"] == "Tan Room"
    assert (session["day"], session["start"], session["end"]) == (date(2020, 12, 14), "09:00", "10:30")
    assert session["room"] == "tan-room"
    assert session["format"] == "atelier"
    assert session["title"] == source["title"]
    assert session["language"] == "en"
    assert session["description"].startswith(source["abstract"])
    # times are written quoted, as the content model asks
    assert 'start: "09:00"' in (folder / "sessions.yaml").read_text(encoding="utf-8")

    people = {p["code"]: p for e in events for p in e["persons"]}
    for code, person_data in people.items():
        slug = next(s for s in (hub.content / "people").glob("*.yaml")
                    if load(s)["name"] == person_data["public_name"]).stem
        assert any(slug in s.get("speakers", []) for s in sessions), code
    assert (hub.content / "people" / "brian-robinson.yaml").is_file()
    assert "created content/events/democon/sessions.yaml (36 sessions)" in result.stdout
    assert not errors(hub), errors(hub)
    assert civichub(hub, "check").returncode == 0


@needs_specs
def test_second_import_overwrites_nothing(hub):
    assert civichub(hub, "import", str(DEMOCON)).returncode == 0
    before = snapshot(hub.content)
    result = civichub(hub, "import", str(DEMOCON))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped content/events/democon/" in result.stdout
    assert "created" not in result.stdout
    assert snapshot(hub.content) == before

    # under another name: a second event, people reused rather than duplicated
    result = civichub(hub, "import", str(DEMOCON), "--event", "democon-bis")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped content/people/brian-robinson.yaml" in result.stdout
    assert not list((hub.content / "people").glob("brian-robinson-*.yaml"))
    assert all(snapshot(hub.content)[name] == data for name, data in before.items())
    assert not errors(hub), errors(hub)


@needs_specs
def test_invalid_example_is_rejected_and_nothing_written(hub):
    before = snapshot(hub.content)
    result = civichub(hub, "import", str(INVALID))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any(": error: schedule.conference.days[0].rooms.Winterchaos[0].id: expected integer, got the "
               "text '2814'" in line for line in lines), lines
    assert any("schedule.rooms: field 'rooms' is not allowed here" in line for line in lines), lines
    assert any(".answers: unexpected field 'answers'" in line for line in lines), lines
    # each line starts with the file's position, like `civichub check`
    assert all(line.startswith(f"{INVALID}:") and ": error: " in line for line in lines), lines
    assert "nothing was written" in result.stderr
    assert snapshot(hub.content) == before


# -- error handling and mapping, on schedules built here --------------------------------------------

def test_broken_json_names_line_and_column(hub):
    path = hub.root / "broken.json"
    path.write_text('{"schedule": {\n  "version": "1",,\n}}', encoding="utf-8")
    before = snapshot(hub.content)
    result = civichub(hub, "import", "broken.json")
    assert result.returncode == 1
    assert result.stdout.startswith("broken.json:2:18: error: invalid JSON: Expecting property name"), result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(hub.content) == before


def test_missing_file_and_bad_event_name(hub):
    result = civichub(hub, "import", "nowhere.json")
    assert result.returncode == 1
    assert "nowhere.json:1:1: error: file not found" in result.stdout
    write_json(hub, "s.json", small_schedule())
    result = civichub(hub, "import", "s.json", "--event", "Fête 2021")
    assert result.returncode == 1
    assert "invalid event folder name 'Fête 2021'" in result.stderr and "fete-2021" in result.stderr
    assert not (hub.content / "events" / "fete-2021").exists()


def test_schema_error_points_at_the_value(hub):
    data = small_schedule()
    data["schedule"]["conference"]["days"][0]["rooms"]["Salle 2"][0]["duration"] = "90 min"
    path = write_json(hub, "s.json", data)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"90 min"' in text)
    result = civichub(hub, "import", "s.json")
    assert result.returncode == 1
    assert f's.json:{line}:' in result.stdout
    assert "schedule.conference.days[0].rooms[\"Salle 2\"][0].duration: '90 min' does not match" in result.stdout


def test_mapping_of_a_small_schedule(hub):
    # an existing file with the slug of a new person but another name: the new person gets a suffix
    hub.write("people/nouvelle-personne.yaml", "name: Nouvelle Personne (autre)\n")
    before = snapshot(hub.content)
    write_json(hub, "s.json", small_schedule())
    result = civichub(hub, "import", "s.json")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "no time_zone_name: the event's time zone is set to Europe/Paris" in out
    assert "session type 'Game' has no equivalent" in out
    assert "ends after midnight" in out
    assert "skipped content/people/loic-blondiaux.yaml" in out  # same name: reused

    folder = hub.content / "events" / "fest2021"
    event = load(folder / "event.yaml")
    assert event["timezone"] == "Europe/Paris"
    assert "end" not in event  # one day
    assert [r["id"] for r in event["rooms"]] == ["grande-salle", "salle-2"]
    assert event["themes"] == [{"id": "democratie-locale", "name": "Démocratie locale"}]
    assert set(event["formats"]) == {"conference", "presentation", "soiree"}

    sessions = {s["id"]: s for s in load(folder / "sessions.yaml")}
    first = sessions["fest-1-budgets-participatifs"]
    assert "day" not in first
    assert (first["start"], first["end"], first["room"]) == ("09:00", "09:45", "grande-salle")
    assert first["speakers"] == ["loic-blondiaux", "nouvelle-personne-2"]
    assert first["themes"] == ["democratie-locale"]
    second = sessions["fest-2-atelier-petitions"]
    assert second["format"] == "presentation" and "language" not in second
    assert second["speakers"] == ["nouvelle-personne-2"]
    assert second["description"] == "Premier paragraphe.\n\n* un\n* deux\n&lt;script>alert(1)&lt;/script>"
    late = sessions["fest-3-soiree"]
    assert late["format"] == "soiree" and late["start"] == "23:30" and "end" not in late

    assert load(hub.content / "people" / "nouvelle-personne-2.yaml") == {"name": "Nouvelle Personne",
                                                                         "bio": "Chercheuse."}
    assert snapshot(hub.content)["people/nouvelle-personne.yaml"] == before["people/nouvelle-personne.yaml"]
    assert snapshot(hub.content)["people/loic-blondiaux.yaml"] == before["people/loic-blondiaux.yaml"]
    assert not errors(hub), errors(hub)


def test_content_that_would_fail_the_checker_is_not_written(hub):
    data = small_schedule()
    clash = copy.deepcopy(data["schedule"]["conference"]["days"][0]["rooms"]["Grande salle"][0])
    clash.update(id=9, slug="fest-9-doublon", title="Doublon", start="09:15", date="2021-06-01T09:15:00+02:00",
                 guid="00000000-0000-4000-8000-000000000009")
    data["schedule"]["conference"]["days"][0]["rooms"]["Grande salle"].append(clash)
    write_json(hub, "s.json", data)
    before = snapshot(hub.content)
    result = civichub(hub, "import", "s.json")
    assert result.returncode == 1
    assert "content/events/fest2021/sessions.yaml:" in result.stdout
    assert "overlaps 'fest-1-budgets-participatifs' in room 'grande-salle'" in result.stdout
    assert "nothing was written" in result.stderr
    assert snapshot(hub.content) == before


def test_multi_day_schedule_sets_days_and_event_end(hub):
    data = small_schedule()
    conference = data["schedule"]["conference"]
    conference.update(end="2021-06-02", daysCount=2, time_zone_name="Europe/Paris")
    day2 = copy.deepcopy(conference["days"][0])
    day2.update(index=2, date="2021-06-02", rooms={"Salle 3": [
        talk(4, "Clôture", "17:00", "00:30", "Salle 3", [], date="2021-06-02T17:00:00+02:00", type="Keynote")]})
    conference["days"].append(day2)
    write_json(hub, "s.json", data)
    result = civichub(hub, "import", "s.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "time_zone_name" not in result.stdout and "offset" not in result.stdout
    event = load(hub.content / "events" / "fest2021" / "event.yaml")
    assert (event["start"], event["end"]) == (date(2021, 6, 1), date(2021, 6, 2))
    assert [r["id"] for r in event["rooms"]] == ["grande-salle", "salle-2", "salle-3"]  # then first appearance
    sessions = load(hub.content / "events" / "fest2021" / "sessions.yaml")
    assert [s["day"] for s in sessions] == [date(2021, 6, 1)] * 3 + [date(2021, 6, 2)]
    assert sessions[-1]["format"] == "keynote" and sessions[-1]["room"] == "salle-3"
    assert not errors(hub), errors(hub)
