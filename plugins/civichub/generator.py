"""The Pelican generator: reads the hub's content in generate_context, writes its pages and
exports in generate_output through the theme's templates."""
from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from markupsafe import Markup
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from . import incremental, markup, parallel, precompile
from .exports import feeds, opendata as opendata_files, programme as programme_files
from .hub import Hub
from .caches import collector_paused
from .incremental import BuildRecord, Made
from .jsonld import JsonLd
from .model import note_prose_reads, reading
from .pages import Page, SettingError, directory, opendata, programme, roundups, search as search_pages, site
from .output import files_of
from .writer import PelicanPages
from .pipeline import BuildFailed, hub_for_build, processes_of
from .urls import Site, Urls

log = logging.getLogger("civichub")

# The areas of the site, each in its own module: pages (rendered through templates) and files.
# Each function of PAGE_SETS lists a set of pages, which a build lists again only when one of its
# pages is to be made again (incremental.Plan.kept_set).
PAGE_SETS = (site.pages, programme.pages, directory.people_pages, directory.actor_pages, roundups.pages,
             roundups.label_pages, opendata.pages, search_pages.pages)
# Export files made one by one (each its own unit), and exports whose files are made together;
# the open data's datapackage.json comes after them all: it describes the tables' files as written.
FILE_EXPORTS = (programme_files.event_files, programme_files.person_files, opendata_files.table_files)
WHOLE_EXPORTS = (feeds.files,)
WHOLE_PREFIX = "exports:"
# Export files and pages that each take tens of milliseconds (a table or an index of every person,
# an event's programme): made first, so that the last jobs are short ones and the processes finish
# together. (A tag's or a source's links are listed a few dozen to a page: pages/roundups.py.)
LONG_EXPORTS = (opendata_files.table_files,)
LONG_PAGES = frozenset({"people", "actors", "event", "programme"})
UNITS_PER_JOB = 50  # small enough to even out the processes' loads, big enough to cost nothing


class HubGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_globals: dict[str, dict] = {}  # (rendered)
        # Pelican reads its posts next, in this process only: the templates are compiled meanwhile
        precompile.start(self.env, processes_of(self.settings))

    def generate_context(self) -> None:
        # Every record made here, the hub and its indexes live to the end of the build: the
        # collector has nothing to find among them, and each of its passes over their million
        # objects costs 0.2 s at scale 10. Frozen, they are out of its way for good, and the
        # forked processes do not touch, and so copy, the memory they share. generate_output
        # lets go of them.
        with collector_paused():
            try:
                self.make_hub()
            except BaseException:
                precompile.stop()
                raise
            gc.freeze()

    def make_hub(self) -> None:
        self.hub = hub_for_build(Path(self.path), self.settings, report_problems,
                                 incremental=self.settings.get("CIVICHUB_PREVIOUS_BUILD") is not None)
        self.urls = Urls.from_settings(self.settings)
        self.site = site_info(self.settings, self.hub, self.urls)
        # build.py prints the programme PDFs after Pelican has copied the theme's CSS
        self.settings["CIVICHUB_HUB"] = (self.hub, self.urls)
        self.context.update(hub=self.hub, url_for=self.urls, markdown=markup.render,
                            jsonld=JsonLd(self.hub, self.site), today=build_date(),
                            edit_url=EditLinks(self.settings))
        self.context["site_nav"] = RenderedOnce(self.get_template("nav"), self.context)
        # Pelican's generators write before this one and all other inputs are read by now: what
        # is kept of the previous build is known before any page is written (PelicanPages)
        self.inputs = incremental.inputs_of(self.hub, self.settings, self.context)
        self.settings["CIVICHUB_INPUTS"] = self.inputs  # (exports.opendata.KeptRows)
        self.plan = incremental.Plan(self.settings.get("CIVICHUB_PREVIOUS_BUILD"), self.inputs,
                                     files_of(self.settings, Path(self.output_path)).inherited)
        self.settings["CIVICHUB_PELICAN_PAGES"] = PelicanPages(self.plan)

    def generate_output(self, writer) -> None:
        """Every page and export file whose inputs changed since the previous build (all of them
        on a first build: incremental.py), shared out between the CPUs (CIVICHUB_JOBS, default all)."""
        precompile.wait()
        try:
            self.make_what_changed(writer, files_of(self.settings, Path(self.output_path)))
        finally:
            gc.unfreeze()  # (a server builds again and again in one process)

    def make_what_changed(self, writer, files) -> None:
        units, plan = self.units(writer, self.context.get("articles", [])), self.plan
        kept = {unit.key: made for unit in units if (made := plan.kept(unit.key))}
        to_make = [unit for unit in units if unit.key not in kept]
        kept.update(self.unlisted)
        self.claim(writer, files, [name for made in kept.values() for name in made.outputs])
        kept.update(self.pelican_pages(writer, files))
        self.made: dict[str, Made] = {}
        for summary in parallel.share_out(self.jobs(to_make), processes_of(self.settings),
                                          partial(written_by, writer, files, self.made)):
            merge_written(writer, files, self.made, summary)
        self.write_file(*opendata_files.package_file(self.site, self.settings, self.read_file))
        log.debug("civichub: made %d of %d pages and export units (%s)", len(to_make), len(kept) + len(to_make),
                  "full build" if plan.full else f"free text changed in {len(plan.changed)} source(s)")
        record = BuildRecord(self.inputs, {**kept, **self.made}, self.sets)
        self.settings["CIVICHUB_BUILD_RECORD"] = incremental.with_names_shared(record) if plan.full else record

    def pelican_pages(self, writer, files) -> dict[str, Made]:
        """What Pelican's generators wrote, or kept: their units' entries of the build record."""
        pages = self.settings["CIVICHUB_PELICAN_PAGES"]
        self.claim(writer, files, [name for key in pages.kept for name in pages.made[key].outputs])
        return pages.made

    def jobs(self, units: list[Unit]) -> list[partial]:
        """The longest units (whole exports, LONG_EXPORTS, LONG_PAGES) first, one per job (but
        files of one name: a table's CSV and JSON, whose rows are made once for both), so that
        the chunks of pages and files even out the end; a few units, one job, whose templates
        are compiled as it needs them."""
        if len(units) <= UNITS_PER_JOB:  # a rebuild after an edit: one job, in this process (no fork)
            return [partial(self.make_units, units)] if units else []
        for name in sorted(self.templates):
            self.get_template(name)  # compiled, or read from the cache (precompile.py), once, before forking
        first: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.long:  # files of one name (a table's CSV and JSON) share what they are made from
                first.setdefault(os.path.splitext(unit.key)[0], []).append(unit)
        rest = [unit for unit in units if not unit.long]
        return [partial(self.make_units, together) for together in first.values()] + \
            [partial(self.make_units, rest[i:i + UNITS_PER_JOB]) for i in range(0, len(rest), UNITS_PER_JOB)]

    def units(self, writer, posts) -> list[Unit]:
        """The page and export units of every set (a page set, an export made file by file) but
        of those whose units all stay as the previous build made them (plan.kept_set): those are
        not even listed, and what they made is in self.unlisted. self.sets names each set's
        units, for the next build."""
        units, self.templates, self.sets, self.unlisted = [], set(), {}, {}
        listings = [(f"{pages.__module__}.{pages.__name__}", partial(self.page_units, writer, pages))
                    for pages in PAGE_SETS]
        listings += [(f"{export.__module__}.{export.__name__}", partial(self.file_units, export, posts))
                     for export in FILE_EXPORTS]
        for name, listing in listings:
            kept = self.plan.kept_set(name)
            if kept is not None:
                self.unlisted.update(kept)
                self.sets[name] = tuple(kept)
                continue
            found = listing()
            self.sets[name] = tuple(unit.key for unit in found)
            units += found
        units += [Unit(f"{WHOLE_PREFIX}{export.__module__}.{export.__name__}",
                       partial(self.write_files, export, posts), long=True) for export in WHOLE_EXPORTS]
        return units

    def page_units(self, writer, listed: Callable) -> list[Unit]:
        """A page set's pages. What it reads of free text while listing them counts for each."""
        try:
            pages, listing = reading(lambda: list(listed(self.hub, self.urls, self.settings)))
        except SettingError as exc:  # said once, as the build's reason to stop: nothing is written
            raise BuildFailed([], str(exc)) from exc
        self.templates |= {page.template for page in pages}
        return [Unit(os.path.normpath(self.urls.file_of(page.url)), partial(self.write_page, writer, page),
                     listing, page.template in LONG_PAGES) for page in pages]

    def file_units(self, export, posts) -> list[Unit]:
        found, listing = reading(lambda: list(export(self.hub, self.site, posts, self.settings)))
        return [Unit(relative, partial(self.write_file, relative, make), listing, export in LONG_EXPORTS)
                for relative, make in found]

    def make_units(self, units: list[Unit]) -> None:
        for unit in units:
            outputs, reads = reading(unit.make)
            self.made[unit.key] = Made(reads | unit.listing_reads, tuple(outputs))

    def claim(self, writer, files, outputs: list[str]) -> None:
        """A file kept from the previous build is this build's too: neither stale nor free."""
        files.unchanged.update(outputs)
        # (outputs are this build's own normalised names: no need for sanitised_join's checks)
        root = os.path.join(os.path.abspath(self.output_path), "")
        writer._written_files.update(root + name for name in outputs)

    def write_files(self, export, posts) -> list[str]:
        written = []
        for relative, data in export(self.hub, self.site, posts, self.settings):
            written += self.write_file(relative, data)
        return written

    def write_page(self, writer, page: Page) -> list[str]:
        """Rendered and written here rather than through Pelican's writer, which copies the whole
        context and creates the page's folder again for every page (a system call per page)."""
        name = self.urls.file_of(page.url)
        source = next((v.src.file for v in page.values.values() if hasattr(v, "src")), "")
        values = {"output_file": name, "page_url": page.url, "site": self.site, "source_file": source,
                  "localsiteurl": None, **page.values}
        if self.settings.get("RELATIVE_URLS", False):
            values["SITEURL"] = values["localsiteurl"] = path_to_url(get_relative_path(name))
        html = self.rendered(page.template, values)
        path = sanitised_join(self.output_path, name)
        files_of(self.settings, Path(self.output_path)).write(path, html.encode("utf-8"))
        writer._written_files.add(path)  # so that a post written later to this file is refused
        return [os.path.normpath(name)]

    def rendered(self, name: str, values: dict) -> str:
        """What Template.render gives for the build's context and values. Jinja would copy the
        template's globals, a ChainMap, into each page's context through ChainMap's item lookups
        (22 µs a page); here they are copied into a dict once per template (7 µs a page)."""
        template = self.get_template(name)
        if (globals_ := self.template_globals.get(name)) is None:
            globals_ = self.template_globals[name] = dict(template.globals)
        context = template.new_context({**globals_, **self.context, **values}, shared=True)
        try:
            return template.environment.concat(template.root_render_func(context))
        except Exception:  # noqa: BLE001 - Jinja's own handling: the traceback points at the template
            return template.environment.handle_exception()

    def read_file(self, relative: str) -> bytes:
        """A file of the new site, written by this build or kept from the previous one."""
        return files_of(self.settings, Path(self.output_path)).read(relative)

    def write_file(self, relative: str, data: bytes | Callable[[], bytes]) -> list[str]:
        content = data() if callable(data) else data
        files_of(self.settings, Path(self.output_path)).write(Path(self.output_path) / relative, content)
        return [os.path.normpath(relative)]



@dataclass(frozen=True)
class Unit:
    """A page, or export files made together: made again only when what it read changed."""
    key: str  # the page's output file, or WHOLE_PREFIX and the export's name
    make: Callable[[], list[str]]  # writes the unit's files, returns their names
    listing_reads: frozenset[str] = frozenset()  # free text read to list it among the others
    long: bool = False  # made in a job of its own, before the others (whole exports, LONG_EXPORTS, LONG_PAGES)


def report_problems(problems) -> None:
    for problem in problems:
        (log.error if problem.is_error else log.warning)("%s", problem)


def written_by(writer, files, made: dict[str, Made]) -> tuple:
    """What a worker process wrote: Pelican's record of written files and civichub's, and what
    each of its units read and wrote."""
    return writer._written_files, writer._overridden_files, files.unchanged, files.replaced, made


def merge_written(writer, files, made: dict[str, Made], summary: tuple) -> None:
    written, overridden, unchanged, replaced, made_there = summary
    writer._written_files |= written
    writer._overridden_files |= overridden
    files.unchanged |= unchanged
    files.replaced |= replaced
    made.update(made_there)


class RenderedOnce:
    """A fragment that is the same on every page (the main navigation), rendered once per
    SITEURL (relative URLs differ with a page's depth) instead of once per page."""

    def __init__(self, template, context: dict):
        self.template, self.context = template, context
        self.rendered: dict[str, tuple[Markup, frozenset[str]]] = {}

    def __call__(self, site_url: str) -> Markup:
        if site_url not in self.rendered:
            self.rendered[site_url] = reading(
                lambda: Markup(self.template.render({**self.context, "SITEURL": site_url})))
        html, reads = self.rendered[site_url]
        note_prose_reads(reads)  # every page that shows it depends on what it read
        return html


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
