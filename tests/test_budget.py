"""The weight budget of the built sample site, page by page.

- every HTML page under 50 KB uncompressed;
- every page with what it loads (stylesheets, scripts, images, icons) under 100 KB;
- no render-blocking script: external scripts are defer/async (or at the end of <body>);
- no web fonts, no CDN, no third-party request: every src/href a page loads is local.
Failures name the page, so the one to slim down is obvious."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

HTML_BUDGET = 50 * 1024
PAGE_BUDGET = 100 * 1024


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def loaded_resources(soup: BeautifulSoup) -> list[str]:
    """What the browser fetches when the page loads (before any interaction): stylesheets,
    scripts, images, icons, preloads, media posters, url() in inline styles are not used."""
    urls = []
    for link in soup.find_all("link", href=True):
        rel = {r.lower() for r in link.get("rel", [])}
        if rel & {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon"}:
            urls.append(link["href"])
    for tag in soup.find_all(["script", "img", "iframe", "source", "audio", "video", "embed"], src=True):
        urls.append(tag["src"])
    for tag in soup.find_all(["img", "source"], srcset=True):
        urls += [part.strip().split()[0] for part in tag["srcset"].split(",") if part.strip()]
    return urls


def local_file(site: Path, page: Path, url: str) -> Path | None:
    """The output file a relative or root-relative URL points to, or None if it is external."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    base = "/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(base, url)).path).lstrip("/")
    target = site / path
    return target / "index.html" if target.is_dir() else target


@pytest.fixture(scope="module")
def parsed(sample_site):
    return {page: BeautifulSoup(page.read_bytes(), "lxml") for page in html_pages(sample_site)}


def test_the_sample_site_has_pages(parsed):
    assert len(parsed) > 50


def test_every_html_page_is_under_50_kb(sample_site, parsed):
    heavy = {str(p.relative_to(sample_site)): p.stat().st_size for p in parsed if p.stat().st_size > HTML_BUDGET}
    assert heavy == {}, f"HTML pages over {HTML_BUDGET} bytes: {heavy}"


def test_every_page_with_what_it_loads_is_under_100_kb(sample_site, parsed):
    over, missing = {}, []
    for page, soup in parsed.items():
        total = page.stat().st_size
        for url in set(loaded_resources(soup)):
            target = local_file(sample_site, page, url)
            if target is None:
                continue  # reported by test_no_third_party_requests
            if not target.is_file():
                missing.append(f"{page.relative_to(sample_site)} -> {url}")
                continue
            total += target.stat().st_size
        if total > PAGE_BUDGET:
            over[str(page.relative_to(sample_site))] = total
    assert missing == [], f"pages loading files that are not in the output: {missing[:10]}"
    assert over == {}, f"pages over {PAGE_BUDGET} bytes with their CSS, JS and images: {over}"


def test_no_third_party_requests(sample_site, parsed):
    external = []
    for page, soup in parsed.items():
        for url in loaded_resources(soup):
            if local_file(sample_site, page, url) is None:
                external.append(f"{page.relative_to(sample_site)}: {url}")
        for style in soup.find_all("style"):
            if "@import" in style.get_text() or "@font-face" in style.get_text():
                external.append(f"{page.relative_to(sample_site)}: <style> with @import/@font-face")
    assert external == [], external[:10]


def test_no_web_fonts_and_no_remote_urls_in_css(sample_site):
    for css in (sample_site / "theme").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text and "@import" not in text, css.name
        assert "url(http" not in text.replace(" ", "") and "url(//" not in text.replace(" ", ""), css.name


def test_no_render_blocking_scripts(sample_site, parsed):
    blocking = []
    for page, soup in parsed.items():
        for script in soup.find_all("script", src=True):
            if script.has_attr("defer") or script.has_attr("async") or script.get("type") == "module":
                continue
            # a classic script is only acceptable after the content: nothing but scripts after it
            after = [t for t in script.find_all_next() if t.name not in ("script", "footer") and not t.find_parent("footer")]
            if after:
                blocking.append(f"{page.relative_to(sample_site)}: {script['src']}")
    assert blocking == [], blocking[:10]

