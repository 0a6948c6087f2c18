"""sitemap.xml listing every HTML page of the finished site."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

EXCLUDED = {"404.html"}


def page_urls(output: Path, site_url: str, files=None) -> list[str]:
    """Every page of the new site: those the build wrote or kept (files, an OutputFiles), else
    those on disk."""
    from ..output import html_pages
    urls = []
    for relative in files.pages() if files is not None else html_pages(output):
        if relative in EXCLUDED:
            continue
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        urls.append(f"{site_url.rstrip('/')}/{relative}")
    return urls


def write_sitemap(output: Path, site_url: str, files=None) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in page_urls(output, site_url, files)]
    lines.append("</urlset>")
    target = output / "sitemap.xml"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if files is not None:
        files.write(target, data)
    else:
        target.write_bytes(data)
    return target
