"""The Pelican generator: reads the hub's content in generate_context, writes its pages in
generate_output through the theme's templates."""
from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from . import markup
from .pipeline import build_hub, load_and_check
from .urls import Urls

log = logging.getLogger("civichub")


class HubGenerator(Generator):
    def generate_context(self) -> None:
        checked = load_and_check(Path(self.path), self.settings)
        for problem in checked.problems:
            (log.error if problem.is_error else log.warning)("%s", problem)
        self.hub = build_hub(checked, self.settings)
        self.urls = Urls.from_settings(self.settings)
        self.context.update(hub=self.hub, url_for=self.urls, markdown=markup.render)

    def generate_output(self, writer) -> None:
        hub = self.hub
        if self.settings.get("CIVICHUB_HOME", True):
            self.page(writer, "home", "home")
        self.page(writer, "notfound", "404")
        self.page(writer, "events", "events")
        for event in hub.events:
            self.page(writer, event, "event", event=event, sessions=hub.sessions[event.slug])
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
        writer.write_file(self.urls.save_as(thing), self.get_template(template), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False),
                          page_url=self.urls(thing), **values)
