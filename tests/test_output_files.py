"""OutputFiles, where a build's files go: written only when their bytes change, never through a
hard link to the live site, straight into the folders the build itself made."""
from __future__ import annotations

import os

from civichub.output import OutputFiles


def test_a_new_folder_is_written_straight_into(tmp_path, monkeypatch):
    files = OutputFiles(tmp_path / "site")
    replaced = []
    monkeypatch.setattr(os, "replace", lambda *args: replaced.append(args))
    assert files.write(tmp_path / "site" / "personnes" / "a" / "index.html", b"<p>a</p>")
    assert files.write(str(tmp_path / "site" / "personnes" / "a" / "agenda.ics"), b"BEGIN")
    assert (tmp_path / "site/personnes/a/index.html").read_bytes() == b"<p>a</p>"
    assert files.replaced == {os.path.join("personnes", "a", "index.html"), os.path.join("personnes", "a", "agenda.ics")}
    assert replaced == []  # no temporary file renamed: nothing was there to keep


def test_a_folder_that_was_there_gets_new_inodes_and_keeps_unchanged_files(tmp_path):
    root = tmp_path / "site"
    (root / "acteurs" / "x").mkdir(parents=True)
    live = tmp_path / "live.html"
    live.write_bytes(b"old")
    os.link(live, root / "acteurs" / "x" / "index.html")  # as output.fill links the live site in
    (root / "acteurs" / "x" / "same.html").write_bytes(b"same")
    files = OutputFiles(root)
    assert files.write(root / "acteurs" / "x" / "index.html", b"new")
    assert not files.write(root / "acteurs" / "x" / "same.html", b"same")
    assert live.read_bytes() == b"old" and (root / "acteurs/x/index.html").read_bytes() == b"new"
    assert files.unchanged == {os.path.join("acteurs", "x", "same.html")}
    assert not [p for p in (root / "acteurs" / "x").iterdir() if ".tmp-" in p.name]


def test_names_are_relative_to_the_root_however_it_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = OutputFiles("site")
    files.write("site/./blog/../feed.atom", b"<feed/>")
    files.write(tmp_path / "site" / "robots.txt", b"User-agent: *")
    assert files.replaced == {"feed.atom", "robots.txt"}
    assert (tmp_path / "site" / "feed.atom").read_bytes() == b"<feed/>"
