"""The Pelican generator: reads the hub's content in generate_context, writes its pages and
exports in generate_output through the theme's templates."""
from __future__ import annotations

import logging
import os
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pelican.generators import Generator

from . import markup
from .exports import feeds, opendata as opendata_files, programme as programme_files
from .hub import Hub
from .jsonld import JsonLd
from .pages import Page, directory, opendata, programme, roundups, search as search_pages, site
from .output import files_of
from .pipeline import build_hub, load_and_check
from .urls import Site, Urls

log = logging.getLogger("civichub")

# The areas of the site, each in its own module: pages (rendered through templates) and files.
PAGE_SETS = (site, programme, directory, roundups, opendata, search_pages)
EXPORTS = (programme_files, feeds, opendata_files)


class HubGenerator(Generator):
    def generate_context(self) -> None:
        checked = load_and_check(Path(self.path), self.settings)
        for problem in checked.problems:
            (log.error if problem.is_error else log.warning)("%s", problem)
        self.hub = build_hub(checked, self.settings)
        self.urls = Urls.from_settings(self.settings)
        self.site = site_info(self.settings, self.hub, self.urls)
        # build.py prints the programme PDFs after Pelican has copied the theme's CSS
        self.settings["CIVICHUB_HUB"] = (self.hub, self.urls)
        self.context.update(hub=self.hub, url_for=self.urls, markdown=markup.render,
                            jsonld=JsonLd(self.hub, self.site), today=build_date(),
                            edit_url=EditLinks(self.settings))

    def generate_output(self, writer) -> None:
        for module in PAGE_SETS:
            for page in module.pages(self.hub, self.urls, self.settings):
                self.write_page(writer, page)
        posts = self.context.get("articles", [])  # Pelican's posts, read before any output is written
        for module in EXPORTS:
            for relative, data in module.files(self.hub, self.site, posts, self.settings):
                self.write_file(relative, data)

    def write_page(self, writer, page: Page) -> None:
        source = next((v.src.file for v in page.values.values() if hasattr(v, "src")), "")
        writer.write_file(self.urls.file_of(page.url), self.get_template(page.template), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False),
                          page_url=page.url, site=self.site, source_file=source, **page.values)

    def write_file(self, relative: str, data: bytes) -> None:
        files_of(self.settings, Path(self.output_path)).write(Path(self.output_path) / relative, data)


class EditLinks:
    """'Edit this page': the web editor URL of the content file a page comes from
    (CIVICHUB_EDIT_URL, e.g. 'https://github.com/owner/hub/edit/main/{path}')."""

    def __init__(self, settings: dict):
        self.pattern = settings.get("CIVICHUB_EDIT_URL", "")
        self.root = Path(settings["PATH"]).resolve().parent  # the repository: content/ sits at its top

    def __call__(self, path: str) -> str:
        if not (self.pattern and path):
            return ""
        absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
        try:
            relative = absolute.resolve().relative_to(self.root)
        except ValueError:
            return ""
        return self.pattern.format(path=relative.as_posix())


def site_info(settings: dict, hub: Hub, urls: Urls) -> Site:
    site_url = settings.get("SITEURL", "")
    domain = settings.get("CIVICHUB_UID_DOMAIN") or urlsplit(site_url).hostname or "civichub.invalid"
    return Site(url=site_url, name=settings.get("SITENAME", ""), urls=urls, uid_domain=domain,
                timestamp=build_timestamp(hub))


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds), when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else None


def build_date() -> date:
    """Today, for 'upcoming' versus 'past'; SOURCE_DATE_EPOCH pins it for reproducible builds."""
    pinned = source_date_epoch()
    return pinned.date() if pinned else date.today()


def build_timestamp(hub: Hub) -> datetime:
    """A reproducible 'now': SOURCE_DATE_EPOCH when set, else the latest date in the content."""
    pinned = source_date_epoch()
    if pinned:
        return pinned
    dates = [d for e in hub.events for d in (e.start, e.end) if d] + [r.date for r in hub.roundups]
    latest = max(dates, default=datetime(2000, 1, 1).date())
    return datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)
