"""Atom (RFC 4287) and JSON Feed 1.1 for the link reviews, and a combined feed with the posts.

  liens/feed.atom, liens/feed.json   published roundups, newest first, full content
  feed.atom, feed.json               roundups and Pelican posts together, newest first

Both formats are written from one list of Entry records. The XML is built with xml.etree rather
than Pelican's feedgenerator: feedgenerator has no JSON Feed anyway, gives the feed the id of its
link (which changes with SITEURL), and leaves little say over entry ids, published/updated and
per-entry language; ElementTree escapes everything and its output is reproducible.

Ids never depend on SITEURL: tag: URIs (RFC 4151) on the site's uid_domain, minted from the
entry's own date and its permanent name ('tag:hub-civictech.example,2016-11-20:liens/27'). So
do not change the date or number of a published roundup (or the slug of a post): readers would
see it as a new entry.

A roundup's date is a day: it is published at 00:00 in the site's TIMEZONE (read from the posts'
settings, since exports receive none; Europe/Paris when there are no posts).

Languages: the feeds' own words (their titles, the summaries, the labels inside a roundup's
HTML) are in the interface language (CIVICHUB_LANGUAGE, i18n.py), which is also the feed's
xml:lang; each entry keeps the language of its content, and an interface label inside it is
marked with the interface language when the two differ.

Links: absolute when SITEURL is set (publishconf.py sets it). Without SITEURL (the development
build) they are relative to the feed file itself, so they still resolve when the feed is opened
from the built site; JSON Feed then omits home_page_url and feed_url, which must be absolute.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html import escape
from typing import Iterator
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .. import markup
from ..i18n import N_, French, for_settings

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED = "https://jsonfeed.org/version/1.1"
DEFAULT_TIMEZONE = "Europe/Paris"
ROUNDUP_TITLE = N_("Les liens CivicTech de la semaine #%(number)s")  # a roundup without a title


_FRENCH = French()  # the message ids as they are, French plurals


@dataclass(frozen=True)
class Words:
    """The interface language's words: gettext, ngettext and the language's code."""

    gettext: object = _FRENCH.gettext
    ngettext: object = _FRENCH.ngettext
    language: str = "fr"

    def label(self, text: str, around: str) -> str:
        """An interface label (escaped) inside content in the language `around`."""
        text = escape(self.gettext(text))
        return text if around == self.language else f'<span lang="{escape(self.language)}">{text}</span>'


@dataclass
class Entry:
    id: str
    title: str
    path: str  # the page's URL relative to the site root
    published: datetime  # aware
    updated: datetime  # aware
    content_html: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    language: str = "fr"


@dataclass
class Feed:
    path: str  # 'liens/feed.atom', relative to the site root
    title: str
    home: str  # the HTML page the feed stands for, relative to the site root
    entries: list[Entry]
    alternate: str = ""  # the same feed in the other format
    language: str = "fr"  # of its own words (title): the interface language


def files(hub, site, posts, settings) -> Iterator[tuple[str, bytes]]:
    urls = site.urls
    zone = ZoneInfo(settings.get("TIMEZONE") or "Europe/Paris")
    translations = for_settings(settings)
    words = Words(translations.gettext, translations.ngettext, settings.get("CIVICHUB_LANGUAGE") or "fr")
    _ = words.gettext
    limit = settings.get("FEED_MAX_ITEMS") or None  # Pelican's setting (100); None or 0: every entry
    # only the entries a feed carries are made, so that editing an older roundup or post does
    # not make the feeds again (hub.roundups is newest first)
    roundups = [roundup_entry(r, site, zone, words) for r in hub.published_roundups()[:limit]]
    newest = sorted([*((entry.published, entry.id, entry) for entry in roundups),
                     *((*post_key(post, site, zone), post) for post in posts)],
                    key=lambda item: item[:2], reverse=True)[:limit]
    everything = [item if isinstance(item, Entry) else post_entry(item, site, zone) for *_, item in newest]
    name = site.name or site.uid_domain
    feeds = [
        (_("Revues de liens — %(site)s") % {"site": name}, urls("roundups"), roundups, "roundups.atom", "roundups.json"),
        (name, urls("home"), everything, "feed.atom", "feed.json"),
    ]
    for title, home, entries, atom_kind, json_kind in feeds:
        atom_path, json_path = urls(atom_kind), urls(json_kind)
        yield atom_path, atom_feed(Feed(atom_path, title, home, entries, json_path, words.language), site)
        yield json_path, json_feed(Feed(json_path, title, home, entries, atom_path, words.language), site)


# -- entries -------------------------------------------------------------------------------

def tag_uri(site, day: date, name: str) -> str:
    return f"tag:{site.uid_domain},{day.isoformat()}:{name}"


def roundup_entry(roundup, site, zone: ZoneInfo, words: Words = Words()) -> Entry:
    when = datetime.combine(roundup.date, time(0, 0), zone)
    _ = words.gettext
    title = roundup.title or _(ROUNDUP_TITLE) % {"number": roundup.number}
    count = len(roundup.links)
    summary = words.ngettext("%(num)s lien", "%(num)s liens", count) % {"num": count}
    if roundup.period:
        summary += _(", couvre : %(period)s") % {"period": roundup.period}
    return Entry(id=tag_uri(site, roundup.date, f"liens/{roundup.number}"), title=title,
                 path=site.urls(roundup), published=when, updated=when,
                 content_html=roundup_html(roundup, words), summary=summary, tags=list(roundup.tags),
                 authors=[site.name] if site.name else [])


def roundup_html(roundup, words: Words = Words()) -> str:
    """The roundup as one HTML fragment: intro, then every link (section headings kept)."""
    parts = [str(markup.render(roundup.intro))] if roundup.intro else []
    if roundup.period:
        covers = words.label(N_("Couvre :"), "fr")
        parts.append(f"<p><em>{covers} {escape(roundup.period)}</em></p>")
    for section in roundup.sections:
        if section.title:
            parts.append(f"<h2>{escape(section.title)}</h2>")
        parts.append("<ul>" + "".join(link_html(link, words) for link in section.links) + "</ul>")
    return "\n".join(parts)


def link_html(link, words: Words = Words()) -> str:
    lang = f' lang="{escape(link.language)}"' if link.language and link.language != "fr" else ""
    title = escape(link.title)
    if link.url:
        title = f'<a href="{escape(link.url)}">{title}</a>'
    author = f"{escape(link.author)}, " if link.author else ""
    byline = f"{author}<cite>{escape(link.source)}</cite>"
    html = f"<li><p><strong{lang}>{title}</strong> — {byline}</p>"
    if link.excerpt:
        cite = f' cite="{escape(link.url)}"' if link.url else ""
        html += f"<blockquote{cite}><p>{escape(link.excerpt)}</p></blockquote>"
    if link.tags:
        tags = words.label(N_("Étiquettes :"), "fr")  # the entry's language
        html += f"<p>{tags} {escape(', '.join(link.tags))}</p>"
    return html + "</li>"


def post_key(post, site, zone: ZoneInfo) -> tuple[datetime, str]:
    """Where a post's entry stands in a feed (its date, then its id), known without its text."""
    published = aware(post.date, zone)
    return published, tag_uri(site, published.date(), f"blog/{post.slug}")


def post_entry(post, site, zone: ZoneInfo) -> Entry:
    published, entry_id = post_key(post, site, zone)
    updated = aware(getattr(post, "modified", None) or published, zone)
    content = post.get_content(site.url) if hasattr(post, "get_content") else post.content
    author = getattr(post, "author", None)
    return Entry(id=entry_id, title=Markup(post.title).striptags(), path=post.url, published=published,
                 updated=max(updated, published), content_html=str(content),
                 summary=Markup(getattr(post, "summary", "") or "").striptags(),
                 tags=[str(tag) for tag in getattr(post, "tags", []) or []],
                 authors=[str(author)] if author else [],
                 language=getattr(post, "lang", None) or "fr")


def aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


# -- links ---------------------------------------------------------------------------------

def href(site, feed_path: str, target: str) -> str:
    """Absolute with SITEURL; else relative to the feed file, so it resolves from the feed."""
    if site.url:
        return site.absolute(target)
    start = posixpath.dirname(feed_path) or "."
    relative = posixpath.relpath(target or ".", start)
    return relative + "/" if (target.endswith("/") or not target) and not relative.endswith("/") else relative


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def updated_of(feed: Feed, site) -> datetime:
    return max((e.updated for e in feed.entries), default=site.timestamp)


# -- Atom ------------------------------------------------------------------------------------

def atom_feed(feed: Feed, site) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: feed.language})
    sub(root, "id", f"https://{site.uid_domain}/{feed.path}")
    sub(root, "title", feed.title)
    sub(root, "updated", rfc3339(updated_of(feed, site)))
    author = sub(root, "author")
    sub(author, "name", site.name or site.uid_domain)
    sub(root, "link", rel="self", type="application/atom+xml", href=href(site, feed.path, feed.path))
    sub(root, "link", rel="alternate", type="text/html", href=href(site, feed.path, feed.home))
    if feed.alternate:
        sub(root, "link", rel="alternate", type="application/feed+json",
            href=href(site, feed.path, feed.alternate))
    sub(root, "generator", "civichub")
    for entry in feed.entries:
        item = sub(root, "entry", {XML_LANG: entry.language} if entry.language != feed.language else {})
        sub(item, "id", entry.id)
        sub(item, "title", entry.title)
        sub(item, "link", rel="alternate", type="text/html", href=href(site, feed.path, entry.path))
        sub(item, "published", rfc3339(entry.published))
        sub(item, "updated", rfc3339(entry.updated))
        for name in entry.authors:
            sub(sub(item, "author"), "name", name)
        for tag in entry.tags:
            sub(item, "category", term=tag)
        if entry.summary:
            sub(item, "summary", entry.summary)
        sub(item, "content", entry.content_html, type="html")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sub(parent, tag: str, text: str | dict | None = None, **attributes) -> ET.Element:
    if isinstance(text, dict):
        attributes, text = {**text, **attributes}, None
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = str(text)
    return element


# -- JSON Feed -------------------------------------------------------------------------------

def json_feed(feed: Feed, site) -> bytes:
    data: dict = {"version": JSON_FEED, "title": feed.title}
    if site.url:
        data["home_page_url"] = site.absolute(feed.home)
        data["feed_url"] = site.absolute(feed.path)
    data["language"] = feed.language
    data["authors"] = [{"name": site.name or site.uid_domain}]
    data["items"] = [json_item(entry, feed, site) for entry in feed.entries]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.encode("utf-8") + b"\n"


def json_item(entry: Entry, feed: Feed, site) -> dict:
    item = {"id": entry.id, "url": href(site, feed.path, entry.path), "title": entry.title,
            "content_html": entry.content_html}
    if entry.summary:
        item["summary"] = entry.summary
    item["date_published"] = rfc3339(entry.published)
    item["date_modified"] = rfc3339(entry.updated)
    if entry.authors:
        item["authors"] = [{"name": name} for name in entry.authors]
    if entry.tags:
        item["tags"] = entry.tags
    item["language"] = entry.language
    return item
