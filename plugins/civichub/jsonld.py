"""schema.org descriptions (JSON-LD) of hub pages, as plain dicts for templates to embed."""
from __future__ import annotations

from dataclasses import dataclass

from .hub import Hub
from .model import Actor, Event, Person, Place, Session
from .urls import Site


@dataclass(frozen=True)
class JsonLd:
    hub: Hub
    site: Site

    def url(self, thing) -> str:
        return self.site.absolute(self.site.urls(thing))

    def place(self, place: Place | None) -> dict | None:
        if place is None:
            return None
        data = {"@type": "Place", "name": place.name}
        if place.address or place.city:
            data["address"] = {"@type": "PostalAddress", "streetAddress": place.address,
                               "addressLocality": place.city}
        return data

    def organization(self, actor: Actor) -> dict:
        data = {"@type": "Organization", "name": actor.name, "url": self.url(actor)}
        same_as = [actor.website] if actor.website else []
        same_as += [f"https://x.com/{h}" for n, h in sorted(actor.social.items()) if n == "x"]
        if same_as:
            data["sameAs"] = same_as
        return data

    def person(self, person: Person) -> dict:
        data = {"@type": "Person", "name": person.name, "url": self.url(person)}
        affiliations = self.hub.affiliations(person)
        if affiliations:
            data["affiliation"] = [self.organization(actor) for actor, _ in affiliations]
        if person.titles:
            data["jobTitle"] = person.titles[0]
        same_as = [f"https://x.com/{h}" for n, h in sorted(person.social.items()) if n == "x"]
        same_as += [h for n, h in sorted(person.social.items()) if h.startswith("https://")]
        if same_as:
            data["sameAs"] = same_as
        return data

    def session(self, session: Session, nested: bool = False) -> dict:
        hub = self.hub
        start, end = hub.span(session)
        data = {"@type": "Event", "name": session.title, "url": self.url(session),
                "inLanguage": hub.language_of(session)}
        if start:
            data["startDate"] = start.isoformat()
        elif hub.session_day(session):
            data["startDate"] = hub.session_day(session).isoformat()
        if end:
            data["endDate"] = end.isoformat()
        rooms = hub.rooms_of(session)
        place = hub.place_of(session)
        if place:
            data["location"] = self.place(place)
            if rooms:
                data["location"] = {"@type": "Place", "name": ", ".join(r.name for r in rooms),
                                    "containedInPlace": self.place(place)}
        performers = [self.person(p.person) for p in hub.participants(session)]
        if performers:
            data["performer"] = performers
        if not nested:
            data["@context"] = "https://schema.org"
            data["superEvent"] = {"@type": "Event", "name": hub.event(session.event).title,
                                  "url": self.url(hub.event(session.event))}
        return data

    def event(self, event: Event) -> dict:
        hub = self.hub
        data = {"@context": "https://schema.org", "@type": "Event", "name": event.title,
                "url": self.url(event), "inLanguage": event.language,
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode"}
        if event.start:
            data["startDate"] = event.start.isoformat()
            data["endDate"] = (event.end or event.start).isoformat()
        if event.venue:
            data["location"] = self.place(event.venue)
        organisers = [self.organization(hub.actor(ref.id)) for ref in event.organisers]
        if organisers:
            data["organizer"] = organisers
        data["subEvent"] = [self.session(s, nested=True) for s in hub.sessions[event.slug]
                            if not hub.is_break(s)]
        return data

    def person_page(self, person: Person) -> dict:
        return {"@context": "https://schema.org", **self.person(person)}

    def actor_page(self, actor: Actor) -> dict:
        return {"@context": "https://schema.org", **self.organization(actor)}
