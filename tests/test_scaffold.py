"""civichub new: the file it writes is named right, passes the checker, and is never overwritten."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from civichub.scaffold import coming_sunday


def new(hub, *args):
    return subprocess.run([sys.executable, "-m", "civichub.cli", "new", *args], cwd=hub.root,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)


@pytest.mark.parametrize("args, path", [
    (["person", "Léonore de Roquefeuil", "--affiliation", "cap-collectif", "--title", "présidente"],
     "people/leonore-de-roquefeuil.yaml"),
    (["actor", "Décider ensemble", "--kind", "think-tank", "--city", "Paris"], "actors/decider-ensemble.yaml"),
    (["event", "Journée de la civic tech", "--start", "2020-03-16"], "events/journee-de-la-civic-tech-2020/event.yaml"),
    (["session", "journee", "L’accessibilité des plateformes", "--format", "atelier", "--room", "salle-225",
      "--start", "14:30", "--end", "16:00"], "events/journee/sessions/l-accessibilite-des-plateformes.yaml"),
    (["roundup", "--date", "2016-11-27"], "roundups/2016-11-27-1.md"),
])
def test_new_file_round_trips_through_the_checker(hub, args, path):
    result = new(hub, *args)
    assert result.returncode == 0, result.stderr
    assert (hub.content / path).is_file()
    assert [p for p in hub.problems() if ": error:" in p] == []


def test_next_roundup_number_and_draft(hub):
    hub.write("roundups/2016-11-20-27.md", "---\nnumber: 27\ndate: 2016-11-20\nlinks: []\nstatus: draft\n---\n")
    assert new(hub, "roundup", "--date", "2016-11-27").returncode == 0
    text = (hub.content / "roundups" / "2016-11-27-28.md").read_text()
    assert "number: 28" in text and "status: draft" in text


def test_refuses_to_overwrite(hub):
    before = (hub.content / "people" / "loic-blondiaux.yaml").read_text()
    result = new(hub, "person", "Loïc Blondiaux")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert (hub.content / "people" / "loic-blondiaux.yaml").read_text() == before


def test_missing_value_without_a_terminal_names_the_option(hub):
    result = new(hub, "actor", "Voxe")
    assert result.returncode == 2
    assert result.stderr.strip() == ("civichub new: Kind (association, entreprise, startup, institution, "
                                     "collectivite, media, universite, collectif, think-tank, fondation, syndicat, "
                                     "autre) is needed: give --kind")


@pytest.mark.parametrize("today, sunday", [("2016-11-14", "2016-11-20"), ("2016-11-20", "2016-11-20"),
                                           ("2016-11-21", "2016-11-27")])
def test_coming_sunday(today, sunday):
    assert coming_sunday(date.fromisoformat(today)) == date.fromisoformat(sunday)
