"""The Pelican generator: reads the hub's content in generate_context, writes its pages and
exports in generate_output through the theme's templates."""
from __future__ import annotations

import logging
import os
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from . import markup, parallel
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
EXPORTS = (programme_files.event_files, programme_files.person_files, feeds.files, opendata_files.files)
PAGES_PER_JOB = 50  # small enough to even out the processes' loads, big enough to cost nothing


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
        self.context["site_nav"] = RenderedOnce(self.get_template("nav"), self.context)

    def generate_output(self, writer) -> None:
        """Every page and export file, shared out between the CPUs (CIVICHUB_JOBS, default all)."""
        pages = [page for module in PAGE_SETS for page in module.pages(self.hub, self.urls, self.settings)]
        for name in sorted({page.template for page in pages}):
            self.get_template(name)  # compiled once, here, before the work is shared out
        posts = self.context.get("articles", [])  # Pelican's posts, read before any output is written
        # the export modules are the longest jobs: first, so that the page chunks even out the end
        jobs = [partial(self.write_files, export, posts) for export in EXPORTS]
        jobs += [partial(self.write_pages, writer, pages[i:i + PAGES_PER_JOB])
                 for i in range(0, len(pages), PAGES_PER_JOB)]
        files = files_of(self.settings, Path(self.output_path))
        processes = self.settings.get("CIVICHUB_JOBS") or parallel.usable_cpus()
        for summary in parallel.share_out(jobs, processes, partial(written_by, writer, files)):
            merge_written(writer, files, summary)

    def write_pages(self, writer, pages: list[Page]) -> None:
        for page in pages:
            self.write_page(writer, page)

    def write_files(self, export, posts) -> None:
        for relative, data in export(self.hub, self.site, posts, self.settings):
            self.write_file(relative, data)

    def write_page(self, writer, page: Page) -> None:
        """Rendered and written here rather than through Pelican's writer, which copies the whole
        context and creates the page's folder again for every page (a system call per page)."""
        name = self.urls.file_of(page.url)
        source = next((v.src.file for v in page.values.values() if hasattr(v, "src")), "")
        values = {"output_file": name, "page_url": page.url, "site": self.site, "source_file": source,
                  "localsiteurl": None, **page.values}
        if self.settings.get("RELATIVE_URLS", False):
            values["SITEURL"] = values["localsiteurl"] = path_to_url(get_relative_path(name))
        html = self.get_template(page.template).render({**self.context, **values})
        path = sanitised_join(self.output_path, name)
        files_of(self.settings, Path(self.output_path)).write(path, html.encode("utf-8"))
        writer._written_files.add(path)  # so that a post written later to this file is refused

    def write_file(self, relative: str, data: bytes) -> None:
        files_of(self.settings, Path(self.output_path)).write(Path(self.output_path) / relative, data)


def written_by(writer, files) -> tuple[set[str], ...]:
    """What a worker process wrote: Pelican's record of written files and civichub's."""
    return writer._written_files, writer._overridden_files, files.unchanged, files.replaced


def merge_written(writer, files, summary: tuple[set[str], ...]) -> None:
    written, overridden, unchanged, replaced = summary
    writer._written_files |= written
    writer._overridden_files |= overridden
    files.unchanged |= unchanged
    files.replaced |= replaced


class RenderedOnce:
    """A fragment that is the same on every page (the main navigation), rendered once per
    SITEURL (relative URLs differ with a page's depth) instead of once per page."""

    def __init__(self, template, context: dict):
        self.template, self.context = template, context
        self.rendered: dict[str, Markup] = {}

    def __call__(self, site_url: str) -> Markup:
        if site_url not in self.rendered:
            self.rendered[site_url] = Markup(self.template.render({**self.context, "SITEURL": site_url}))
        return self.rendered[site_url]


class EditLinks:
    """'Edit this page': the web editor URL of the content file a page comes from
    (CIVICHUB_EDIT_URL, e.g. 'https://github.com/owner/hub/edit/main/{path}')."""

    def __init__(self, settings: dict):
        self.pattern = settings.get("CIVICHUB_EDIT_URL", "")
        # the repository: content/ sits at its top (content/ holds no symbolic link, load.py
        # refuses them, so paths need no resolving, which would cost system calls on every page)
        self.root = os.path.realpath(Path(settings["PATH"]).parent)

    def __call__(self, path: str) -> str:
        if not (self.pattern and path):
            return ""
        relative = os.path.relpath(os.path.join(os.getcwd(), path), self.root)
        if relative.startswith(os.pardir):
            return ""
        return self.pattern.format(path=relative.replace(os.sep, "/"))


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
