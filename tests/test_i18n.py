"""Issue 7: the interface in French (default) or English, content in its own language."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from conftest import ROOT, page_at, plain

CATALOG = ROOT / "theme" / "translations" / "en" / "LC_MESSAGES" / "civichub.po"


def _built(hub, language=None):
    if language:
        with (hub.root / "pelicanconf.py").open("a", encoding="utf-8") as conf:
            conf.write(f'\nCIVICHUB_LANGUAGE = "{language}"\n')
    return hub.build()


def _session_url(site: Path) -> str:
    page = next(site.rglob("ouverture/index.html"))
    return str(page.parent.relative_to(site))


def test_english_interface(hub):
    site = _built(hub, "en")
    home = page_at(site, ".")
    assert home.html["lang"] == "en"
    nav = [a.get_text(strip=True) for a in home.select("header nav a")]
    assert "Events" in nav and "People" in nav and "Événements" not in nav
    assert home.select_one("a.skip").get_text() == "Skip to content"
    session = page_at(site, _session_url(site))
    assert session.html["lang"] == "en"
    h1 = session.h1
    assert h1.get_text() == "Ouvrir les institutions" and h1["lang"] == "fr"
    facts = plain(session.select_one("dl.facts").get_text(" ", strip=True))
    assert "Monday, March 18, 2019" in facts and "Language" in facts and "09:00" in facts


def test_english_events_index_and_404(hub, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")  # 2020-01-01: the 2019 event is past
    site = _built(hub, "en")
    events = page_at(site, "evenements")
    assert [h.get_text() for h in events.select("main h2")] == ["Upcoming", "Past editions"]
    assert "No event announced yet." in events.get_text()
    assert "2 sessions" in events.select_one("ul.cards").get_text()
    from bs4 import BeautifulSoup
    missing = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert missing.h1.get_text() == "Page not found"
    assert [a.get_text() for a in missing.select("main li a")] == [
        "home page", "events", "people", "organisations", "link reviews"]


def test_french_interface_is_the_default(hub):
    site = _built(hub)
    home = page_at(site, ".")
    assert home.html["lang"] == "fr"
    nav = [a.get_text(strip=True) for a in home.select("header nav a")]
    assert "Événements" in nav and "Personnes" in nav
    session = page_at(site, _session_url(site))
    assert not session.h1.has_attr("lang")
    assert "lundi 18 mars 2019" in plain(session.select_one("dl.facts").get_text(" ", strip=True))


def test_every_message_has_an_english_translation():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    missing = [m.id for m in catalog if m.id and not (m.string or "").strip()]
    assert not missing


def test_catalog_is_up_to_date_with_the_templates(tmp_path):
    pot = tmp_path / "civichub.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id}
    assert extracted == translated, (sorted(extracted - translated), sorted(translated - extracted))
