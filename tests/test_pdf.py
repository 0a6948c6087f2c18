"""programme.pdf: the programme grid page printed by WeasyPrint (optional dependency)."""
from __future__ import annotations

import os
import re
import sys
import zlib
from pathlib import Path

import pytest

from civichub.build import read_settings
from civichub.exports import pdf
from civichub.pipeline import build_hub, load_and_check
from civichub.urls import Urls

ROOT = Path(__file__).resolve().parent.parent
EVENT = "journee-civic-tech-2019"
A4 = (595.28, 841.89)  # points


@pytest.fixture(scope="module")
def hub_and_urls():
    settings = read_settings(ROOT / "pelicanconf.py")
    return build_hub(load_and_check(ROOT / "content", settings), settings), Urls.from_settings(settings)


def pdf_objects(data: bytes) -> bytes:
    """The file with its compressed streams (object streams included) inflated, for regexes."""
    plain = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            plain.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(plain)


def pdf_strings(objects: bytes, key: bytes) -> list[str]:
    """Values of /Key (literal) or /Key <FEFF...> (UTF-16 hex) strings."""
    values = [m.decode("latin-1") for m in re.findall(rb"/" + key + rb" ?\(((?:[^()\\]|\\.)*)\)", objects)]
    values += [bytes.fromhex(m.decode()).decode("utf-16") for m in re.findall(rb"/" + key + rb" ?<([0-9a-fA-F]+)>", objects)]
    return values


def test_programme_pdf(site, hub_and_urls, monkeypatch):
    pytest.importorskip("weasyprint")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    hub, urls = hub_and_urls
    written = pdf.write_programme_pdfs(site, hub, urls)
    with_grid = [e.slug for e in hub.events if (site / urls.programme(e) / "index.html").is_file()]
    assert written == [site / f"evenements/{slug}/programme.pdf" for slug in with_grid]
    assert with_grid == [EVENT]
    data = written[0].read_bytes()
    assert data.startswith(b"%PDF-")
    objects = pdf_objects(data)
    boxes = re.findall(rb"/MediaBox ?\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", objects)
    pages = len(re.findall(rb"/Type ?/Page\b", objects))
    assert pages >= 2 and len(boxes) >= 1
    assert all((round(float(w), 2), round(float(h), 2)) == A4 for w, h in boxes)  # @page { size: A4 }
    # the headings are the PDF's bookmarks: the grid, the list, and each session's title
    titles = [re.sub(r"[\u00a0\u202f]", " ", t) for t in pdf_strings(objects, b"Title")]  # typography
    assert "Programme" in titles and "Programme en liste" in titles
    assert "Ouvrir les institutions : retour sur le Grand débat national" in titles
    assert "/Lang (fr)" in objects.decode("latin-1")
    assert "D:20190318000000Z" in pdf_strings(objects, b"CreationDate")  # the latest content date
    assert b"/StructTreeRoot" in objects  # tagged PDF


def test_programme_pdf_is_reproducible(site, hub_and_urls, monkeypatch):
    pytest.importorskip("weasyprint")
    hub, urls = hub_and_urls
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1552896000")
    first = pdf.write_programme_pdfs(site, hub, urls)[0].read_bytes()
    again = pdf.write_programme_pdfs(site, hub, urls)[0].read_bytes()
    assert first == again
    assert "D:20190318080000Z" in pdf_strings(pdf_objects(first), b"ModDate")


def test_without_weasyprint_nothing_is_written(site, hub_and_urls, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    hub, urls = hub_and_urls
    assert pdf.write_programme_pdfs(site, hub, urls) == []
    assert not list(site.rglob("*.pdf"))
    assert not pdf.available()
    assert pdf.enabled({}) is False and pdf.enabled({"CIVICHUB_PDF": True}) is False


def test_setting():
    pytest.importorskip("weasyprint")
    assert pdf.enabled({}) is False  # off unless asked: importing WeasyPrint costs seconds
    assert pdf.enabled({"CIVICHUB_PDF": False}) is False
    assert pdf.enabled({"CIVICHUB_PDF": True}) is True


def test_hard_linked_pdf_is_replaced_not_written_into(site, hub_and_urls, tmp_path):
    pytest.importorskip("weasyprint")
    hub, urls = hub_and_urls
    target = site / f"evenements/{EVENT}/programme.pdf"
    live = tmp_path / "live.pdf"
    live.write_bytes(b"the live site's copy")
    os.link(live, target)
    pdf.write_programme_pdfs(site, hub, urls)
    assert live.read_bytes() == b"the live site's copy"
    assert target.read_bytes().startswith(b"%PDF-")
