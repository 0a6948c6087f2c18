"""civichub links: normalised addresses, links published twice, tracking parameters, --since."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from civichub.linktools import (TRACKING_PARAMETERS, find_duplicates, find_tracking, is_tracking,
                                normalise, without_tracking)
from civichub.model import Link, Roundup, Section, Source
from civichub.problems import Pos


def civichub(hub, *args):
    return subprocess.run([sys.executable, "-m", "civichub.cli", *args], cwd=hub.root,
                          capture_output=True, text=True, timeout=120)


def roundup_text(number: int, day: str, *links: tuple[str, str], status: str = "") -> str:
    lines = ["---", f"number: {number}", f"date: {day}"]
    if status:
        lines.append(f"status: {status}")
    lines.append("links:")
    for title, url in links:
        lines += [f"  - title: {title}", "    source: Le Monde", f"    url: {url}"]
    return "\n".join(lines + ["---", "Intro.", ""])


# -- normalise -----------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("http://example.org/a", "https://example.org/a"),
    ("https://WWW.Example.ORG/a", "https://example.org/a"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a", "https://example.org/a"),
    ("https://example.org/a/", "https://example.org/a"),
    ("https://example.org/", "https://example.org"),
    ("https://example.org/a#comments", "https://example.org/a"),
    ("https://example.org/a?utm_source=twitter&utm_medium=social", "https://example.org/a"),
    ("https://example.org/a?fbclid=XYZ&xtor=RSS-1&at_medium=x", "https://example.org/a"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ("https://example.org/a?id=3&gclid=1", "https://example.org/a/?id=3"),
    ("  https://example.org/a  ", "https://example.org/a"),
    ("https://example.org/%c3%a9", "https://example.org/%C3%A9"),
])
def test_normalise_equal(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize("a, b", [
    ("https://example.org/a", "https://example.org/b"),
    ("https://example.org/a?id=1", "https://example.org/a?id=2"),
    ("https://example.org:8080/a", "https://example.org/a"),
    ("https://blog.example.org/a", "https://example.org/a"),
    ("https://example.org/A", "https://example.org/a"),  # paths are case-sensitive
    ("https://example.org/#!/one", "https://example.org/#!/two"),  # hash-bang routes are pages
])
def test_normalise_different(a, b):
    assert normalise(a) != normalise(b)


def test_normalise_form():
    assert normalise("https://www.Example.org:443/a/?b=2&utm_source=x&a=1#top") == \
        "https://example.org/a?a=1&b=2"


def test_tracking_parameters_are_one_list():
    assert "utm_*" in TRACKING_PARAMETERS and "fbclid" in TRACKING_PARAMETERS
    for name in ("utm_source", "UTM_Campaign", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref",
                 "xtor", "at_medium", "at_campaign"):
        assert is_tracking(name), name
    for name in ("id", "page", "q", "reference", "article"):
        assert not is_tracking(name), name


def test_without_tracking_keeps_the_rest_as_written():
    assert without_tracking("https://Example.org/a/?id=3&utm_source=tw&fbclid=1#frag") == \
        ("https://Example.org/a/?id=3#frag", ["utm_source", "fbclid"])
    assert without_tracking("https://example.org/a?id=3") == ("https://example.org/a?id=3", [])


# -- find_duplicates on records ------------------------------------------------------------------

def make(number: int, day: date, *urls: str, status: str = "published") -> Roundup:
    file = f"content/roundups/{day.isoformat()}-{number}.md"
    links = [Link(title=f"T{number}.{i}", source="S", pos=Pos(file, 5 + 3 * i, 5), path=f"links[{i}]",
                  url=url) for i, url in enumerate(urls)]
    return Roundup(slug=f"{day.isoformat()}-{number}", number=number, date=day, src=Source(file),
                   status=status, sections=[Section("", links)])


def test_find_duplicates_reports_the_later_link_with_the_earlier_roundup():
    later = make(27, date(2016, 11, 20), "https://a.example/x", "http://www.b.example/y/")
    earlier = make(25, date(2016, 8, 25), "https://b.example/y?utm_source=z")
    problems = find_duplicates([later, earlier])  # order of the list does not matter
    assert [str(p) for p in problems] == [
        "content/roundups/2016-11-20-27.md:8:5: warning: links[1].url: already published in #25 "
        "(25 août 2016) as 'T25.0' (remove it or say why it is back)"]


def test_same_roundup_twice_is_an_error():
    roundup = make(27, date(2016, 11, 20), "https://a.example/x", "https://b.example", "http://a.example/x/")
    problems = find_duplicates([roundup])
    assert len(problems) == 1 and problems[0].is_error
    assert str(problems[0]).startswith("content/roundups/2016-11-20-27.md:11:5: error: links[2].url: "
                                       "same address as links[0] 'T27.0' in this roundup")


def test_earliest_roundup_is_named_and_drafts_are_not_published():
    first = make(24, date(2016, 7, 18), "https://a.example")
    second = make(25, date(2016, 8, 25), "https://a.example")
    draft = make(26, date(2016, 10, 24), "https://c.example", status="draft")
    later = make(28, date(2016, 12, 1), "https://c.example")
    messages = [p.message for p in find_duplicates([later, second, draft, first])]
    assert messages == ["already published in #24 (18 juillet 2016) as 'T24.0'",
                        "already in the draft #26 (24 octobre 2016) as 'T26.0'"]


def test_find_tracking_gives_the_cleaned_address():
    roundup = make(27, date(2016, 11, 20), "https://a.example/x?id=1&utm_source=tw&utm_medium=s")
    [problem] = find_tracking([roundup])
    assert str(problem) == ("content/roundups/2016-11-20-27.md:5:5: warning: links[0].url: tracking "
                            "parameters utm_source, utm_medium in the address "
                            "(use https://a.example/x?id=1)")


# -- the command -----------------------------------------------------------------------------------

def test_links_command_reports_and_exits(hub):
    hub.write("roundups/2016-08-25-25.md", roundup_text(25, "2016-08-25", ("Premier", "https://a.example/x")))
    hub.write("roundups/2016-11-20-27.md", roundup_text(
        27, "2016-11-20", ("Autre", "https://b.example"), ("Encore", "http://www.a.example/x/?fbclid=1")))
    result = civichub(hub, "links")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "content/roundups/2016-11-20-27.md:8:5: warning: links[1].url: already published in #25 "
        "(25 août 2016) as 'Premier' (remove it or say why it is back)",
        "content/roundups/2016-11-20-27.md:8:5: warning: links[1].url: tracking parameter fbclid in "
        "the address (use http://www.a.example/x/)",
    ]
    assert "0 errors, 2 warnings" in result.stderr
    assert civichub(hub, "links", "--strict").returncode == 1


def test_duplicate_within_a_roundup_fails(hub):
    hub.write("roundups/2016-11-20-27.md", roundup_text(
        27, "2016-11-20", ("Un", "https://a.example/x"), ("Deux", "https://a.example/x#suite")))
    result = civichub(hub, "links")
    assert result.returncode == 1
    assert result.stdout == ("content/roundups/2016-11-20-27.md:8:5: error: links[1].url: same address "
                             "as links[0] 'Un' in this roundup (keep only one of them)\n")
    assert "Traceback" not in result.stderr


def test_clean_hub(hub):
    result = civichub(hub, "links", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def git(hub, *args):
    subprocess.run(["git", *args], cwd=hub.root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "HOME": str(hub.root), "PATH": "/usr/bin:/bin"})


def test_since_reports_only_links_the_change_added(hub):
    old = roundup_text(25, "2016-08-25", ("Premier", "https://a.example/x"), ("Deux", "https://b.example"))
    hub.write("roundups/2016-08-25-25.md", old)
    hub.write("roundups/2016-10-24-26.md", roundup_text(
        26, "2016-10-24", ("Déjà là", "https://a.example/x?utm_source=old")))
    git(hub, "init", "-q", "-b", "main")
    git(hub, "add", ".")
    git(hub, "commit", "-q", "-m", "base")
    # the change: a new roundup repeating an old link, and one more link in #26
    hub.write("roundups/2016-11-20-27.md", roundup_text(
        27, "2016-11-20", ("Nouveau", "https://c.example"), ("Repris", "https://b.example/")))
    hub.write("roundups/2016-10-24-26.md", roundup_text(
        26, "2016-10-24", ("Déjà là", "https://a.example/x?utm_source=old"),
        ("Ajouté", "https://a.example/x?ref=home")))
    everything = civichub(hub, "links").stdout.splitlines()
    assert len(everything) == 5
    result = civichub(hub, "links", "--since", "HEAD")
    assert result.returncode == 1  # the same address twice in #26
    assert result.stdout.splitlines() == [
        "content/roundups/2016-10-24-26.md:8:5: error: links[1].url: same address as links[0] "
        "'Déjà là' in this roundup (keep only one of them)",
        "content/roundups/2016-10-24-26.md:8:5: warning: links[1].url: tracking parameter ref in the "
        "address (use https://a.example/x)",
        "content/roundups/2016-11-20-27.md:8:5: warning: links[1].url: already published in #25 "
        "(25 août 2016) as 'Deux' (remove it or say why it is back)",
    ]
    assert "3 links added since HEAD" in result.stderr  # the old link's utm_source is not this change's


def test_since_an_unknown_revision_is_a_clear_error(hub):
    git(hub, "init", "-q", "-b", "main")
    result = civichub(hub, "links", "--since", "no-such-branch")
    assert result.returncode == 1
    assert "civichub links: error: --since no-such-branch" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_settings_no_traceback(hub):
    result = civichub(hub, "-s", "nope.py", "links")
    assert result.returncode == 1
    assert "settings file nope.py not found" in result.stderr
    assert "Traceback" not in result.stderr
