"""civichub newsletter N: an email-safe HTML edition and a plain text edition of a roundup."""
from __future__ import annotations

import subprocess
import sys

from bs4 import BeautifulSoup

from civichub.newsletter import intro_text, wrap

SITE = "https://hub.example.org"

ROUNDUP = """\
---
number: 27
date: 2016-11-20
period: les dernières semaines
links:
  - title: "Vidéo : Au Liberté Living Lab la Tech sert l’intérêt général"
    source: The Good Life
    url: https://www.thegoodlife.example/video-liberte-living-lab?id=3&x=<b>
    excerpt: >-
      Reportage vidéo au Liberté Living Lab, présenté comme le premier lieu de la civic tech
      en France : 2 000 m² au centre de Paris et 200 résidents qui mêlent social et business.
  - title: "La révolution numérique <script>alert(1)</script>"
    source: HuffPost
    author: Emmanuel Grégoire
    excerpt: Une tribune & un « Civic Hall ».
---
La revue de liens du dimanche a encore pris du retard et devrait **bientôt** devenir mensuelle,
pour gagner en régularité. Voir [les acteurs](/acteurs/) et [Le Monde](https://lemonde.example/a).

<script>alert("intro")</script>
"""

EXPECTED_TEXT = """\
Les liens CivicTech de la semaine #27
=====================================
20 novembre 2016 · couvre : les dernières semaines

La revue de liens du dimanche a encore pris du retard et devrait bientôt
devenir mensuelle, pour gagner en régularité. Voir les acteurs
(https://hub.example.org/acteurs/) et Le Monde
(https://lemonde.example/a).

------------------------------------------------------------------------

[1] Vidéo : Au Liberté Living Lab la Tech sert l’intérêt général — The
    Good Life
    Reportage vidéo au Liberté Living Lab, présenté comme le premier
    lieu de la civic tech en France : 2 000 m² au centre de Paris et 200
    résidents qui mêlent social et business.
    https://www.thegoodlife.example/video-liberte-living-lab?id=3&x=<b>

    La révolution numérique <script>alert(1)</script> — Emmanuel
    Grégoire, HuffPost
    Une tribune & un « Civic Hall ».

------------------------------------------------------------------------

Liens :
Version web : https://hub.example.org/liens/27/
Hub de la civic tech : https://hub.example.org/
"""


def civichub(hub, *args):
    return subprocess.run([sys.executable, "-m", "civichub.cli", *args], cwd=hub.root,
                          capture_output=True, text=True, timeout=120)


def write(hub, tmp_path):
    hub.write("roundups/2016-11-20-27.md", ROUNDUP)
    out = tmp_path / "mail"
    result = civichub(hub, "newsletter", "27", "--output", str(out), "--site-url", SITE)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_text_edition_layout(hub, tmp_path):
    out = write(hub, tmp_path)
    text = (out / "newsletter-27.txt").read_text(encoding="utf-8")
    assert text == EXPECTED_TEXT
    for line in text.splitlines():
        assert len(line) <= 72 or line.strip().startswith("http"), line


def test_html_edition_is_email_safe(hub, tmp_path):
    out = write(hub, tmp_path)
    html = (out / "newsletter-27.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "fr"
    assert soup.find("script") is None and "alert(\"intro\")" not in html
    assert soup.find("style") is None
    assert soup.find("link") is None
    assert not soup.select("[class]") and not soup.select("[onclick]")
    assert all(img.get("alt") for img in soup.find_all("img"))
    assert soup.find("table", attrs={"role": "presentation"})
    # styles are inline
    for tag in ("p", "a", "h1", "h3", "td"):
        assert soup.find_all(tag) and all(t.get("style") for t in soup.find_all(tag)), tag
    # every link is absolute
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs), hrefs
    assert "https://hub.example.org/acteurs/" in hrefs
    assert "https://www.thegoodlife.example/video-liberte-living-lab?id=3&x=<b>" in hrefs
    # the web version, the preheader and the title
    assert soup.find("a", string="Lire dans le navigateur")["href"] == f"{SITE}/liens/27/"
    preheader = soup.body.find("div")
    assert "display:none" in preheader["style"]
    assert preheader.get_text().startswith("La revue de liens du dimanche a encore pris du retard")
    assert soup.title.string == "Les liens CivicTech de la semaine #27"
    # text is escaped, not interpreted
    assert soup.find(string=lambda s: "La révolution numérique <script>alert(1)</script>" in s)
    assert "Une tribune &amp; un « Civic Hall »." in html
    assert soup.find("strong").get_text() == "bientôt"
    # a link without address is text, numbered links only
    assert soup.find(string=lambda s: s.strip() == "1.")
    assert not soup.find(string=lambda s: s.strip() == "2.")


def test_site_url_from_settings(hub, tmp_path):
    hub.write("roundups/2016-11-20-27.md", ROUNDUP)
    (hub.root / "publishconf.py").write_text(
        "from pelicanconf import *\nSITEURL = 'https://civic.example/hub'\n")
    result = civichub(hub, "-s", "publishconf.py", "newsletter", "27", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "newsletter-27.txt").read_text(encoding="utf-8")
    assert "Version web : https://civic.example/hub/liens/27/" in text
    # relative addresses resolve as on the web version: '/acteurs/' is at the host's root
    assert "(https://civic.example/acteurs/)" in text


def test_relative_site_url_is_refused(hub, tmp_path):
    hub.write("roundups/2016-11-20-27.md", ROUNDUP)
    result = civichub(hub, "newsletter", "27", "-o", str(tmp_path))  # SITEURL = "" in pelicanconf.py
    assert result.returncode == 1
    assert "email needs absolute links" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("newsletter-*"))


def test_unknown_number(hub, tmp_path):
    hub.write("roundups/2016-11-20-27.md", ROUNDUP)
    result = civichub(hub, "newsletter", "99", "-o", str(tmp_path), "--site-url", SITE)
    assert result.returncode == 1
    assert result.stderr.strip() == ("civichub newsletter: error: no roundup number 99 in "
                                     "content/roundups (known: 27)")
    result = civichub(hub, "newsletter", "vingt", "-o", str(tmp_path))
    assert result.returncode == 2
    assert "invalid int value: 'vingt'" in result.stderr and "Traceback" not in result.stderr


def test_wrap_never_cuts_addresses():
    long = "https://example.org/" + "a" * 100
    assert wrap(f"voir {long} ici") == f"voir\n{long}\nici"


def test_intro_text_lists_and_quotes():
    markdown = "Avant :\n\n- un\n- deux [lien](https://x.example)\n\n1. premier\n"
    text = intro_text(markdown, "https://h.example/")
    assert text == ["Avant :", "- un", "- deux lien (https://x.example)", "1. premier"]
