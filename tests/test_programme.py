"""The programme grid as a screen reader meets it: a real data table, every cell tied to its
time and room headers; spans where the data says so; times never in the builder's zone."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent

GRID = "evenements/journee-civic-tech-2019/programme/index.html"


def grid(site):
    soup = BeautifulSoup((site / GRID).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("table.grid")


def test_grid_has_caption_and_scoped_headers(sample_site):
    table = grid(sample_site)
    assert table.caption.get_text() == "Programme du lundi 18 mars 2019, par salle et par horaire"
    columns = [th.get_text() for th in table.select("thead th[scope=col]")]
    assert columns == ["Horaire", "Hémicycle", "Salle 225", "Salle 229", "Salle 245"]
    rows = table.select("tbody th[scope=row]")
    assert [" ".join(th.get_text().split()) for th in rows][:3] == ["9 h", "10 h 30", "12 h"]


def test_every_cell_names_existing_headers(sample_site):
    table = grid(sample_site)
    ids = {th["id"] for th in table.select("th[id]")}
    for td in table.select("tbody td"):
        headers = list(td["headers"])  # bs4 splits this multi-valued attribute
        assert headers and set(headers) <= ids, td
        assert any(h.startswith("salle-") for h in headers)


def test_table_is_rectangular(sample_site):
    """Counting row and column spans, every row covers exactly the room columns."""
    table = grid(sample_site)
    rows = table.select("tbody tr")
    occupied = [0] * len(rows)
    for r, tr in enumerate(rows):
        for td in tr.select("td"):
            span = int(td.get("rowspan", 1))
            for k in range(r, r + span):
                occupied[k] += int(td.get("colspan", 1))
    assert occupied == [4] * len(rows)


def test_breaks_and_plenaries_span_every_room(sample_site):
    table = grid(sample_site)
    by_session = {td["data-session"]: td for td in table.select("td.cell")}
    assert by_session["dejeuner"]["colspan"] == "4"
    assert by_session["experimentations-democratiques-cese"]["colspan"] == "4"
    assert "rowspan" not in by_session["centrifugeuse-inclusion-education-numerique"].attrs
    ecosystem = by_session["ecosystemes-civic-tech-france"]
    assert ecosystem["rowspan"] == "2"  # 14:20-14:30 and 14:30-16:00
    assert "soiree" not in " ".join(by_session), "the evening elsewhere is not in the room grid"


def test_each_grid_session_appears_once(sample_site):
    cells = [td["data-session"] for td in grid(sample_site).select("td.cell")]
    assert len(cells) == len(set(cells)) == 17


def test_output_does_not_depend_on_the_builders_time_zone(tmp_path):
    outputs = []
    for zone in ("UTC", "America/Los_Angeles"):
        out = tmp_path / zone.replace("/", "-")
        env = {**os.environ, "TZ": zone, "SOURCE_DATE_EPOCH": "1552896000"}
        subprocess.run([sys.executable, "-m", "civichub.cli", "build", "--output", str(out)], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*")
                        if p.is_file() and p.relative_to(out).parts[0] != "pagefind"})
    assert outputs[0] == outputs[1]
