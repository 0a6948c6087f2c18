"""The hub kept between builds: an incremental build after an edit of free text takes the previous
build's hub with the new text put into it, and the site and the problems reported are those of a
build that loads everything again; any other edit builds the hub again."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from civichub import check, hubcache, mentions, model, pipeline
from civichub.build import build
from civichub.build import read_settings

from conftest import MINIMAL, HubDir, copy_of_sample
from test_incremental import FREE_TEXT_EDITS, differences, edit, tree


@pytest.fixture
def hub(tmp_path) -> Path:
    root = copy_of_sample(tmp_path / "hub")
    build(root / "pelicanconf.py", root / "output")
    return root


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Each build that loaded content/ again (rather than taking the kept hub) adds a line."""
    seen: list[str] = []
    load_and_check = pipeline.load_and_check

    def counted(*args, **kwargs):
        seen.append("loaded")
        return load_and_check(*args, **kwargs)
    monkeypatch.setattr(pipeline, "load_and_check", counted)
    return seen


def warnings_of(caplog) -> list[str]:
    return sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "civichub")


def same_as_a_full_build(root: Path) -> None:
    build(root / "pelicanconf.py", root / "full", full=True)
    assert differences(tree(root / "output"), tree(root / "full")) == []


def test_a_check_that_found_nothing_is_not_run_again(tmp_path, loads, monkeypatch):
    """Whether the check finds a problem depends on the structure alone."""
    hub = HubDir(tmp_path / "minimal")
    for relative, text in MINIMAL.items():
        hub.write(relative, text)
    hub.build()
    loads.clear()
    checks = []
    monkeypatch.setattr(check, "check", lambda *args: checks.append(args) or [])
    person = hub.content / "people" / "paula-forteza.yaml"
    person.write_text(person.read_text(encoding="utf-8") + "bio: Députée.\n", encoding="utf-8")
    site = hub.build()
    assert loads == [] and checks == []
    assert "Députée." in (site / "personnes" / "paula-forteza" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(FREE_TEXT_EDITS))
def test_a_free_text_edit_takes_the_kept_hub(hub, loads, name):
    relative, old, new, _ = FREE_TEXT_EDITS[name]
    edit(hub, relative, old, new)
    build(hub / "pelicanconf.py", hub / "output")
    assert loads == []
    same_as_a_full_build(hub)
    assert loads == ["loaded"]  # a full build loads everything


def test_edits_since_the_hub_was_kept_are_all_put_into_it(hub, loads):
    """The hub stays as the last build that made it kept it: each later build puts into it every
    file changed since, and a file changed back is taken as it is now."""
    person, old, new, _ = FREE_TEXT_EDITS["a person's bio"]
    link, old_link, new_link, _ = FREE_TEXT_EDITS["a roundup's link excerpt"]
    edit(hub, person, old, new)
    build(hub / "pelicanconf.py", hub / "output")
    edit(hub, link, old_link, new_link)
    build(hub / "pelicanconf.py", hub / "output")
    edit(hub, person, new, old)
    build(hub / "pelicanconf.py", hub / "output")
    assert loads == []
    same_as_a_full_build(hub)


def test_problems_are_those_a_load_finds(hub, loads, caplog):
    """A check that found problems is run again: messages quote a link's title and give lines,
    which an edit of free text moves."""
    caplog.set_level(logging.WARNING, logger="civichub")
    roundup = hub / "content" / "roundups" / "2016-11-20-27.md"
    text = roundup.read_text(encoding="utf-8")
    assert "  - title: Civic Tech\n" in text, "update the test: the link without URL it renames"
    roundup.write_text(text.replace("  - title: Civic Tech\n", "  - title: La Civic Tech\n")
                       .replace("\nlinks:\n", "\n# une ligne de plus\nlinks:\n", 1), encoding="utf-8")
    caplog.clear()
    build(hub / "pelicanconf.py", hub / "output")
    kept = warnings_of(caplog)
    assert loads == [] and any("link 'La Civic Tech' has no URL" in message for message in kept)
    caplog.clear()
    build(hub / "pelicanconf.py", hub / "full", full=True)
    assert kept == warnings_of(caplog)


def add_a_person(root: Path) -> None:
    (root / "content" / "people" / "zoe-nouvelle.yaml").write_text("name: Zoé Nouvelle\n", encoding="utf-8")


OTHER_EDITS = {
    # the actor's page lists one more member
    "a new affiliation": lambda root: edit(root, "people/alex-roy.yaml", "affiliations:\n",
                                           "affiliations:\n- cap-collectif\n"),
    # the actor's page lists one more mention
    "a name found in a text": lambda root: edit(root, "roundups/2016-07-18-24.md", "Portrait de jeunes start-up",
                                                "Portrait de Cap Collectif et de jeunes start-up"),
    # the actor's page lists the post
    "a name found in a post": lambda root: edit(root, "posts/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4.md",
                                                "\n\n", "\n\nAvec Accropolis.\n\n"),
    "a file added": add_a_person,
}


@pytest.mark.parametrize("name", sorted(OTHER_EDITS))
def test_any_other_edit_builds_the_hub_again(hub, loads, name):
    OTHER_EDITS[name](hub)
    build(hub / "pelicanconf.py", hub / "output")
    assert loads == ["loaded"]
    same_as_a_full_build(hub)


def test_a_damaged_kept_hub_is_built_again(hub, loads):
    (hub / ".cache" / hubcache.FILE_NAME).write_bytes(b"not a pickle")
    edit(hub, *FREE_TEXT_EDITS["a person's bio"][:3])
    build(hub / "pelicanconf.py", hub / "output")
    assert loads == ["loaded"]
    edit(hub, *FREE_TEXT_EDITS["an actor's description"][:3])
    build(hub / "pelicanconf.py", hub / "output")
    assert loads == ["loaded"]  # kept again by the build before
    same_as_a_full_build(hub)


def test_the_hub_is_built_from_the_structure_alone(hub, monkeypatch):
    """What the kept hub relies on: building it reads no free text but to find names in it."""
    settings = read_settings(hub / "pelicanconf.py")
    checked = pipeline.load_and_check(hub / "content", settings)
    detect = mentions.detect

    def unnoted(*args):
        with model.prose_unnoted():
            detect(*args)
    monkeypatch.setattr(mentions, "detect", unnoted)
    _, reads = model.reading(lambda: pipeline.build_hub(checked, settings))
    assert reads == frozenset()


@dataclass
class Record:
    text: str
    items: list
    frozen: tuple


def test_update_keeps_what_the_hub_points_at():
    inner = Record("a", [], ())
    old = Record("old", [inner, "x"], (1, "y"))
    new = Record("new", [Record("b", [], ()), "z"], (1, "w"))
    assert hubcache.update(old, new) is old
    assert old.text == "new" and old.items[0] is inner and inner.text == "b" and old.items[1] == "z"
    assert old.frozen == (1, "w")
    with pytest.raises(hubcache.OtherShape):
        hubcache.update(Record("a", [1], ()), Record("a", [1, 2], ()))
