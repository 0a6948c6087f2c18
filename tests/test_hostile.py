"""Hostile content: every case gives a clear checker message or safe output; never a crash, a
hang, a traceback or a file written outside output/."""
from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from civichub.pipeline import BuildFailed

PERSON = "people/loic-blondiaux.yaml"
ACTOR = "actors/cap-collectif.yaml"
SESSIONS = "events/journee/sessions/hostile.yaml"
ROUNDUP = "roundups/2016-11-20-27.md"


def roundup(front: str, body: str = "Intro.") -> str:
    return f"---\nnumber: 27\ndate: 2016-11-20\n{front}\n---\n{body}\n"


@contextmanager
def time_limit(seconds: int):
    def fail(*_):
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# (case id, {content path: text or bytes}, expected checker message fragment)
REJECTED = [
    ("url-javascript", {ACTOR: "name: C\nkind: autre\nwebsite: javascript:alert(1)\n"}, "is not an http(s) or mailto URL"),
    ("url-vbscript", {ACTOR: "name: C\nkind: autre\nwebsite: vbscript:msgbox(1)\n"}, "is not an http(s) or mailto URL"),
    ("url-data", {ACTOR: "name: C\nkind: autre\nwebsite: 'data:text/html,<script>alert(1)</script>'\n"}, "is not an http(s) or mailto URL"),
    ("url-scheme-relative", {ACTOR: "name: C\nkind: autre\nwebsite: //evil.example\n"}, "is not an http(s) or mailto URL"),
    ("url-spaces", {ACTOR: "name: C\nkind: autre\nwebsite: https://exa mple.org\n"}, "a URL cannot contain spaces"),
    ("link-url-javascript", {ROUNDUP: roundup("links:\n  - {title: T, source: S, url: 'javascript:x'}")}, "is not an http(s) or mailto URL"),
    ("registration-javascript", {SESSIONS: "title: T\nformat: pitch\nregistration: javascript:alert(1)\n"}, "is not an http(s) or mailto URL"),
    ("bidi-override-in-name", {PERSON: "name: \"Lo\\u202Eïc\"\n"}, "invisible character U+202E"),
    ("bidi-isolate-in-title", {SESSIONS: "title: \"A\\u2067B\"\nformat: pitch\n"}, "invisible character U+2067"),
    ("zero-width-space-in-name", {PERSON: "name: \"Lo\\u200Bïc\"\n"}, "invisible character U+200B"),
    ("control-character", {PERSON: "name: \"Lo\\u0007ïc\"\n"}, "invisible character U+0007"),
    ("nul-byte", {PERSON: b"name: Lo\x00ic\n"}, "file contains a NUL character"),
    ("latin-1", {PERSON: "name: Loïc\n".encode("latin-1")}, "file is not UTF-8"),
    ("utf-16", {PERSON: "name: Loïc\n".encode("utf-16")}, "file is not UTF-8"),
    ("huge-file", {PERSON: b"name: X\nbio: " + b"x" * (20 * 1024 * 1024) + b"\n"}, "over the 2048 KiB limit"),
    ("very-long-value", {PERSON: "name: " + "x" * 100_000 + "\n"}, "over 200"),
    ("deep-nesting", {PERSON: "name: " + "[" * 5000 + "]" * 5000 + "\n"}, "expected a text, got a list"),
    ("billion-laughs", {PERSON: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                "name: X\ntitles: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"}, "unknown field 'a'"),
    ("alias-as-value", {PERSON: "name: &n X\nsort_name: *n\n"}, "YAML anchors and aliases are not supported"),
    ("duplicate-keys", {PERSON: "name: A\nname: B\n"}, "duplicate key"),
    ("tabs", {PERSON: "name: X\ntitles:\n\t- Y\n"}, "indent with spaces, not tabs"),
    ("python-object-tag", {PERSON: "name: !!python/object/apply:os.system ['touch pwned']\n"}, "expected a text, got a list"),
    ("python-name-tag", {PERSON: "name: X\nbio: !!python/name:os.system\n"}, ""),  # read as plain text
    ("multiple-documents", {PERSON: "name: A\n---\nname: B\n"}, "YAML syntax error"),
    ("scalar-document", {PERSON: "just a sentence\n"}, "expected a mapping of fields"),
    ("empty-file", {PERSON: ""}, "file is empty"),
    ("path-traversal-id", {SESSIONS: "id: ../../etc/x\ntitle: T\nformat: pitch\n"}, "invalid identifier '../../etc/x'"),
    ("path-traversal-ref", {PERSON: "name: X\naffiliations: ['../../etc/passwd']\n"}, "invalid identifier '../../etc/passwd'"),
    ("homoglyph-file-name", {"people/c\u0430p-collectif.yaml": "name: X\n"}, "is not a valid identifier"),
    ("file-name-with-spaces", {"people/Loic B.yaml": "name: X\n"}, "rename it to 'loic-b.yaml'"),
    ("markup-in-room-id", {"events/journee/event.yaml": "title: J\nstart: 2019-03-18\ntimezone: Europe/Paris\n"
                                                        "rooms: [{id: '<script>', name: R}]\n"}, "invalid identifier '<script>'"),
    ("timezone-traversal", {"events/journee/event.yaml": "title: J\ntimezone: ../../../etc/passwd\n"}, "unknown time zone"),
    ("number-overflow", {ROUNDUP: roundup("number: 99999999999999999999\nlinks: []").replace("number: 27\n", "", 1)}, "expected a whole number"),
    ("impossible-date", {ROUNDUP: roundup("links: []").replace("2016-11-20", "2016-13-45", 1)}, "invalid date"),
    ("too-many-items", {PERSON: "name: X\ntitles: [" + ", ".join(["t"] * 6000) + "]\n"}, "list has 6000 items"),
    ("front-matter-not-closed", {ROUNDUP: "---\nnumber: 27\ndate: 2016-11-20\n"}, "front matter is not closed"),
    ("no-front-matter", {ROUNDUP: "Just a text.\n"}, "missing front matter"),
    ("post-without-title", {"posts/x.md": "Date: 2016-12-17\n\n<script>alert(1)</script>\n"}, "post has no title"),
]


@pytest.mark.parametrize("files, expected", [pytest.param(f, e, id=i) for i, f, e in REJECTED])
def test_rejected_with_a_clear_message(hub, files, expected):
    for path, text in files.items():
        hub.write(path, text)
    with time_limit(20):
        problems = hub.problems()
    if not expected:  # harmless once read as plain data
        assert problems == []
        return
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("content/") for p in problems)


def test_python_tags_never_run(hub, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hub.write(PERSON, "name: !!python/object/apply:os.system ['touch pwned']\n")
    hub.problems()
    assert not (tmp_path / "pwned").exists() and not (hub.root / "pwned").exists()


def test_symlink_outside_content_is_refused(hub, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: Secret\n")
    os.symlink(secret, hub.content / "people" / "secret.yaml")
    os.makedirs(hub.content / "images")
    os.symlink("/etc/passwd", hub.content / "images" / "passwd.png")
    os.symlink(tmp_path, hub.content / "events" / "elsewhere")
    problems = hub.problems()
    assert problems == [
        "content/events/elsewhere:1:1: error: symbolic links are not allowed in content/ "
        "(replace the link with the file itself)",
        "content/images/passwd.png:1:1: error: symbolic links are not allowed in content/ "
        "(replace the link with the file itself)",
        "content/people/secret.yaml:1:1: error: symbolic links are not allowed in content/ "
        "(replace the link with the file itself)"]
    with pytest.raises(BuildFailed):
        hub.build()


# (case id, {path: text}, page to read, forbidden fragments in that page's HTML)
RENDERED_SAFELY = [
    ("script-in-name", {ACTOR: 'name: "<script>alert(1)</script>"\nkind: autre\n'}, "acteurs/cap-collectif/", ["<script>alert"]),
    ("attribute-breakout", {ACTOR: "name: '\" onmouseover=\"alert(1)'\nkind: autre\n"}, "acteurs/cap-collectif/", ['" onmouseover="']),
    ("script-in-bio", {PERSON: "name: X\nbio: \"<script>alert(1)</script>Bio\"\n"}, "personnes/loic-blondiaux/", ["<script>alert", "alert(1)"]),
    ("onerror-in-description", {ACTOR: "name: C\nkind: autre\ndescription: '<img src=x onerror=alert(1)>'\n"}, "acteurs/cap-collectif/", ["onerror"]),
    ("javascript-markdown-link", {PERSON: "name: X\nbio: '[clic](javascript:alert(1))'\n"}, "personnes/loic-blondiaux/", ["javascript:"]),
    ("javascript-html-link", {PERSON: "name: X\nbio: '<a href=\"JaVaScRiPt:alert(1)\">x</a>'\n"}, "personnes/loic-blondiaux/", ["avascript"]),
    ("data-image", {PERSON: "name: X\nbio: '![x](data:image/svg+xml;base64,PHN2Zz4=)'\n"}, "personnes/loic-blondiaux/", ["data:image"]),
    ("style-injection", {PERSON: "name: X\nbio: '<div style=\"position:fixed\">x</div><style>body{display:none}</style>'\n"}, "personnes/loic-blondiaux/", ["position:fixed", "display:none"]),
    ("iframe", {PERSON: "name: X\nbio: '<iframe src=\"https://evil.example\"></iframe>'\n"}, "personnes/loic-blondiaux/", ["<iframe"]),
    ("script-in-jsonld", {SESSIONS: "title: \"</script><script>alert(1)</script>\"\nformat: pitch\nstart: '12:00'\nend: '12:05'\n"},
     "evenements/journee/hostile/", ["</script><script>"]),
    ("script-in-roundup-intro", {ROUNDUP: roundup("links:\n  - {title: T, source: S}", "<script>alert(1)</script>Intro")}, "liens/27/", ["<script>alert"]),
    ("script-in-link-excerpt", {ROUNDUP: roundup("links:\n  - {title: T, source: S, excerpt: '<script>alert(1)</script>'}")}, "liens/27/", ["<script>alert"]),
    ("script-in-post", {"posts/x.md": "Title: X\nDate: 2016-12-17\n\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n"}, "blog/x/", ["<script>alert", "onerror"]),
]


@pytest.mark.parametrize("files, url, forbidden", [pytest.param(f, u, x, id=i) for i, f, u, x in RENDERED_SAFELY])
def test_rendered_safely(hub, files, url, forbidden):
    for path, text in files.items():
        hub.write(path, text)
    before = tree(hub.root, exclude={"output", ".cache"})
    with time_limit(60):
        output = hub.build()
    page = (output / url / "index.html").read_text(encoding="utf-8")
    for fragment in forbidden:
        assert fragment not in page
    assert tree(hub.root, exclude={"output", ".cache"}) == before, "nothing written outside output/ (and the template cache)"
    BeautifulSoup(page, "html.parser")  # still parses


def tree(root: Path, exclude: set[str]) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.relative_to(root).parts[0] not in exclude and not p.name.startswith(".output")}


def test_corpus_size():
    assert len(REJECTED) + len(RENDERED_SAFELY) + 2 >= 40
