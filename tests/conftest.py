"""Shared fixtures: a minimal hub on disk, and the sample hub built once per session."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import signal
import textwrap
import threading
from pathlib import Path
from typing import Iterator

import pytest

from civichub.build import build
from civichub.pipeline import load_and_check

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"CIVICHUB_FORMATS": {}}

# Tests interrupt what they start (a server, a build) with SIGINT, and one interrupts itself. A
# suite run in the background of a script starts with SIGINT ignored, which the processes it
# starts would keep (exec resets a handled signal, not an ignored one), deaf to the interrupt:
# the suite handles it, as Python does by default.
signal.signal(signal.SIGINT, signal.default_int_handler)


def plain(text: str) -> str:
    """Text with French typography's no-break spaces (U+00A0, U+202F) read as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def page_at(site: Path, url: str):
    """A built page, parsed: page_at(site, 'personnes/x') reads personnes/x/index.html."""
    from bs4 import BeautifulSoup
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def main_hrefs(soup) -> set[str]:
    """Every link target inside <main>."""
    return {a["href"] for a in soup.select("main a[href]")}


class HubDir:
    """A throwaway hub: write files into content/, check or build it."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.content.mkdir(parents=True)
        shutil.copy(ROOT / "pelicanconf.py", root / "pelicanconf.py")
        shutil.copytree(ROOT / "theme", root / "theme")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def problems(self) -> list[str]:
        return [str(p) for p in load_and_check(self.content, SETTINGS, display_root=self.root).problems]

    def build(self, output: Path | None = None) -> Path:
        return build(self.root / "pelicanconf.py", output or self.root / "output")


MINIMAL = {
    "actors/cap-collectif.yaml": """
        name: Cap Collectif
        kind: entreprise
        """,
    "people/loic-blondiaux.yaml": """
        name: Loïc Blondiaux
        affiliations: [cap-collectif]
        """,
    "people/paula-forteza.yaml": """
        name: Paula Forteza
        titles: ["députée des Français de l'étranger"]
        """,
    "events/journee/event.yaml": """
        title: Journée
        start: 2019-03-18
        timezone: Europe/Paris
        rooms:
          - {id: hemicycle, name: Hémicycle}
          - {id: salle-225, name: Salle 225}
        themes:
          - {id: grand-debat, name: Grand débat national}
        """,
    "events/journee/sessions.yaml": """
        - id: ouverture
          title: Ouvrir les institutions
          format: table-ronde
          room: hemicycle
          start: "09:00"
          end: "10:30"
          speakers: [loic-blondiaux]
        - id: atelier
          title: Un atelier
          format: atelier
          room: salle-225
          start: "10:30"
          end: "12:00"
          speakers: [paula-forteza]
        """,
}


@pytest.fixture
def hub(tmp_path) -> HubDir:
    hub = HubDir(tmp_path / "hub")
    for relative, text in MINIMAL.items():
        hub.write(relative, text)
    return hub


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample hub of this repository, built once into a temporary output folder."""
    output = tmp_path_factory.mktemp("sample") / "output"
    return build(ROOT / "pelicanconf.py", output)


@pytest.fixture
def site(sample_site, tmp_path) -> Path:
    """A copy of the built sample site, to change."""
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    return copy


def copy_of_sample(root: Path) -> Path:
    """The sample hub's content, theme and settings (search off) in root, to edit and build."""
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, root / name)
    settings = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (root / "pelicanconf.py").write_text(settings + "\nCIVICHUB_SEARCH = False\n", encoding="utf-8")
    return root


def build_english_sample(root: Path, settings: str = "") -> Path:
    """The sample hub (content/) built with CIVICHUB_LANGUAGE = "en" under root, and settings (lines
    of Python) if given. A build sets the filters' language for the whole process, so French is
    put back for the tests that follow."""
    from civichub import filters
    from civichub.i18n import French
    conf = root / "pelicanconf.py"
    conf.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8")
                    + f'\nPATH = {str(ROOT / "content")!r}\nTHEME = {str(ROOT / "theme")!r}\n'
                    'CIVICHUB_LANGUAGE = "en"\n' + settings, encoding="utf-8")
    site = build(conf, root / "output")
    filters.use_language("fr", French())
    return site


# -- browser tests: the built sample site served on 127.0.0.1, in Debian's headless Chromium --

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """folder served on 127.0.0.1 while the block runs; yields its address, http://127.0.0.1:PORT."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(sample_site):
    with served(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run should have installed it")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                  timezone_id="America/New_York", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], "JavaScript errors on the page"
