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
from .exports import ics, schedule
from .grid import event_grids
from .jsonld import JsonLd
from .hub import Hub
from .pipeline import build_hub, load_and_check
from .urls import Site, Urls

log = logging.getLogger("civichub")


class HubGenerator(Generator):
    def generate_context(self) -> None:
        checked = load_and_check(Path(self.path), self.settings)
        for problem in checked.problems:
            (log.error if problem.is_error else log.warning)("%s", problem)
        self.hub = build_hub(checked, self.settings)
        self.urls = Urls.from_settings(self.settings)
        self.site = site_info(self.settings, self.hub, self.urls)
        self.context.update(hub=self.hub, url_for=self.urls, markdown=markup.render,
                            jsonld=JsonLd(self.hub, self.site), today=build_date())

    def generate_output(self, writer) -> None:
        self.write_pages(writer)
        self.write_exports()

    def write_pages(self, writer) -> None:
        hub = self.hub
        if self.settings.get("CIVICHUB_HOME", True):
            self.page(writer, "home", "home")
        self.page(writer, "notfound", "404")
        self.page(writer, "events", "events")
        for event in hub.events:
            self.page(writer, event, "event", event=event, sessions=hub.sessions[event.slug])
            grids = event_grids(hub, event)
            if grids:
                self.write(writer, self.urls.programme(event), "programme", event=event, grids=grids,
                           sessions=hub.sessions[event.slug])
            for room in event.rooms:
                self.write(writer, self.urls.room(event, room), "room", event=event, room=room,
                           sessions=[s for s in hub.sessions[event.slug]
                                     if room.id in {r.id for r in s.rooms}])
            for session in hub.sessions[event.slug]:
                self.page(writer, session, "session", event=event, session=session)
        self.page(writer, "people", "people")
        for person in hub.people:
            self.page(writer, person, "person", person=person)
        self.page(writer, "actors", "actors")
        for actor in hub.actors:
            self.page(writer, actor, "actor", actor=actor)
        self.page(writer, "roundups", "roundups")
        published = hub.published_roundups()
        for index, roundup in enumerate(published):
            newer = published[index - 1] if index > 0 else None
            older = published[index + 1] if index + 1 < len(published) else None
            self.page(writer, roundup, "roundup", roundup=roundup, newer=newer, older=older)

    def page(self, writer, thing, template: str, **values) -> None:
        self.write(writer, self.urls(thing), template, **values)

    def write(self, writer, url: str, template: str, **values) -> None:
        writer.write_file(self.urls.file_of(url), self.get_template(template), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False),
                          page_url=url, site=self.site, **values)

    def write_exports(self) -> None:
        hub, site, urls = self.hub, self.site, self.urls
        for event in hub.events:
            if not hub.timed_sessions(event):
                continue
            self.write_file(urls.export("event.ics", event), ics.event_calendar(hub, event, site))
            self.write_file(urls.export("event.json", event), schedule.schedule_json(hub, event, site))
            self.write_file(urls.export("event.xml", event), schedule.schedule_xml(hub, event, site))
            for room in event.rooms:
                self.write_file(urls.export("room.ics", event, room), ics.room_calendar(hub, event, room, site))
            for session in hub.timed_sessions(event):
                self.write_file(urls.export("session.ics", session), ics.session_calendar(hub, session, site))
        for person in hub.people:
            if any(p.session.start for p in hub.by_person[person.slug]):
                self.write_file(urls.export("person.ics", person), ics.person_calendar(hub, person, site))

    def write_file(self, relative: str, data: bytes) -> None:
        path = Path(self.output_path) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def site_info(settings: dict, hub: Hub, urls: Urls) -> Site:
    site_url = settings.get("SITEURL", "")
    domain = settings.get("CIVICHUB_UID_DOMAIN") or urlsplit(site_url).hostname or "civichub.invalid"
    return Site(url=site_url, name=settings.get("SITENAME", ""), urls=urls, uid_domain=domain,
                timestamp=build_timestamp(hub))


def build_date() -> date:
    """Today, for 'upcoming' versus 'past'; SOURCE_DATE_EPOCH pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch.isdigit() else date.today()


def build_timestamp(hub: Hub) -> datetime:
    """A reproducible 'now': SOURCE_DATE_EPOCH when set, else the latest date in the content."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    dates = [d for e in hub.events for d in (e.start, e.end) if d] + [r.date for r in hub.roundups]
    latest = max(dates, default=datetime(2000, 1, 1).date())
    return datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)
