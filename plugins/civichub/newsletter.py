"""civichub newsletter N: roundup number N as an email, newsletter-N.html and newsletter-N.txt.

The HTML is what email clients accept: one document, table layout, every style inline, no
stylesheet, no script, absolute links only, a hidden preheader (the line clients show after the
subject) and a link to the web version. The plain text edition is wrapped at 72 columns, each
link numbered with its address on a line of its own.
"""
from __future__ import annotations

import os
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup, escape

from .filters import short_date
from .markup import render
from .model import Link, Roundup
from .urls import Urls

WIDTH = 72
RULE = "-" * WIDTH
PREHEADER_LENGTH = 140

FONT = "font-family:Georgia,Times,serif;"  # no quotes: styles are attribute values
SANS = "font-family:Helvetica,Arial,sans-serif;"
COLOR = "color:#1a1a1a;"
ACCENT = "#0b5cad"
MUTED = "color:#5c5c5c;"

# Inline style of each element the intro's Markdown may produce.
STYLES = {
    "p": f"margin:0 0 16px;{FONT}font-size:17px;line-height:1.5;{COLOR}",
    "a": f"color:{ACCENT};text-decoration:underline;",
    "ul": f"margin:0 0 16px;padding-left:24px;{FONT}font-size:17px;line-height:1.5;{COLOR}",
    "ol": f"margin:0 0 16px;padding-left:24px;{FONT}font-size:17px;line-height:1.5;{COLOR}",
    "li": "margin:0 0 6px;",
    "blockquote": f"margin:0 0 16px;padding-left:12px;border-left:3px solid #cccccc;{MUTED}",
    "h1": f"margin:0 0 12px;{SANS}font-size:22px;{COLOR}",
    "h2": f"margin:0 0 12px;{SANS}font-size:20px;{COLOR}",
    "h3": f"margin:0 0 12px;{SANS}font-size:18px;{COLOR}",
    "h4": f"margin:0 0 12px;{SANS}font-size:17px;{COLOR}",
    "code": "font-family:Menlo,Consolas,monospace;font-size:15px;",
    "pre": "margin:0 0 16px;font-family:Menlo,Consolas,monospace;font-size:14px;white-space:pre-wrap;",
    "table": "border-collapse:collapse;margin:0 0 16px;",
    "td": "padding:4px 8px;border:1px solid #dddddd;",
    "th": "padding:4px 8px;border:1px solid #dddddd;text-align:left;",
    "hr": "border:0;border-top:1px solid #dddddd;margin:24px 0;",
}
DROPPED = {"script", "style", "iframe", "object", "embed", "form", "link", "meta", "base", "svg",
           "noscript", "template", "video", "audio"}
VOID = {"br", "hr", "img", "input", "wbr", "area", "col", "source", "track", "link", "meta", "base"}
URL_ATTRIBUTES = {"href", "src"}
BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "pre", "table", "tr", "h1", "h2", "h3", "h4",
          "h5", "h6", "hr", "dl", "dt", "dd"}


class NewsletterError(Exception):
    pass


# -- intro: rendered Markdown -> email HTML, -> text ---------------------------------------------

class EmailHtml(HTMLParser):
    """Rewrites rendered HTML for email: inline styles, absolute links, nothing active."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += tag not in VOID
            return
        if self.dropping:
            return
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            return  # an image without a text alternative says nothing to many readers
        kept = []
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in ("style", "class", "id"):
                continue
            if name in URL_ATTRIBUTES:
                value = absolute(value, self.base)
                if not value:
                    continue
            kept.append((name, value))
        if tag in STYLES:
            kept.append(("style", STYLES[tag]))
        if tag == "img":
            kept.append(("style", "max-width:100%;height:auto;border:0;"))
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in kept)
        self.out.append(f"<{tag}{attributes}>")

    def handle_startendtag(self, tag, attrs):
        if tag not in DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - (tag not in VOID))
            return
        if not self.dropping and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(str(escape(data)))


def absolute(url: str, base: str) -> str:
    """An absolute http(s)/mailto address, or '' for anything else (javascript:, data:...)."""
    url = url.strip()
    if url.startswith("#"):
        return ""
    full = urljoin(base, url) if base else url
    return full if urlsplit(full).scheme.lower() in ("http", "https", "mailto") else ""


def email_html(markdown_text: str, base: str) -> Markup:
    parser = EmailHtml(base)
    parser.feed(str(render(markdown_text)))
    parser.close()
    return Markup("".join(parser.out))


class PlainText(HTMLParser):
    """Rendered HTML -> paragraphs of text; a link becomes 'text (address)'."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.blocks: list[tuple[str, str]] = []  # (prefix of the first line, text)
        self.current: list[str] = []
        self.prefix = ""
        self.lists: list[list] = []  # ['ul'|'ol', counter]
        self.hrefs: list[str] = []
        self.dropping = 0
        self.pre = 0

    def flush(self):
        text = "".join(self.current)
        if not self.pre:
            text = " ".join(text.split())
        if text.strip():
            self.blocks.append((self.prefix, text))
        self.current = []
        self.prefix = ""

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += tag not in VOID
            return
        if tag in BLOCKS or tag == "br":
            if tag == "br" and self.pre:
                self.current.append("\n")
                return
            self.flush()
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            self.prefix = "  " * (len(self.lists) - 1) + ("- " if kind[0] == "ul" else f"{kind[1]}. ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "a":
            self.hrefs.append(absolute(dict(attrs).get("href") or "", self.base))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - (tag not in VOID))
            return
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href and not self.dropping:
                self.current.append(f" ({href.removeprefix('mailto:')})")
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        elif tag == "pre":
            self.flush()
            self.pre = max(0, self.pre - 1)
        elif tag in BLOCKS:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag not in DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if not self.dropping:
            self.current.append(data)

    def paragraphs(self) -> list[str]:
        self.flush()
        out = []
        for prefix, text in self.blocks:
            if "\n" in text:  # preformatted: kept as written
                out.append(text.rstrip("\n"))
            else:
                out.append(wrap(text, initial=prefix, indent=" " * len(prefix)))
        return out


def intro_text(markdown_text: str, base: str) -> list[str]:
    """The intro as wrapped paragraphs of plain text."""
    parser = PlainText(base)
    parser.feed(str(render(markdown_text)))
    parser.close()
    return parser.paragraphs()


def wrap(text: str, initial: str = "", indent: str = "") -> str:
    """Wrapped at WIDTH columns; words longer than a line (addresses) are never cut."""
    return textwrap.fill(" ".join(text.split()), width=WIDTH, initial_indent=initial,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


# -- the two editions --------------------------------------------------------------------------

def title_of(roundup: Roundup) -> str:
    return roundup.title or f"Les liens CivicTech de la semaine #{roundup.number}"


def when(roundup: Roundup) -> str:
    return short_date(roundup.date) + (f" · couvre : {roundup.period}" if roundup.period else "")


def byline(link: Link) -> str:
    return f"{link.author}, {link.source}" if link.author else link.source


def numbers(roundup: Roundup) -> dict[int, int]:
    """id(link) -> its number; only links with an address are numbered."""
    linked = [link for link in roundup.links if link.url]
    return {id(link): i for i, link in enumerate(linked, start=1)}


def preheader(roundup: Roundup, base: str) -> str:
    text = " ".join(" ".join(intro_text(roundup.intro, base)).split())
    if not text:
        text = " ; ".join(link.title for link in roundup.links)
    if len(text) > PREHEADER_LENGTH:
        text = text[:PREHEADER_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def plain_text(roundup: Roundup, web_url: str, site_name: str, site_url: str) -> str:
    title = title_of(roundup)
    lines = [title, "=" * min(len(title), WIDTH), when(roundup), ""]
    for paragraph in intro_text(roundup.intro, web_url):
        lines += [paragraph, ""]
    numbered = numbers(roundup)
    width = len(f"[{len(numbered)}] ") if numbered else 4
    for section in roundup.sections:
        lines += [RULE, ""]
        if section.title:
            lines += [wrap(section.title), ""]
        for link in section.links:
            number = numbered.get(id(link))
            prefix = f"[{number}] ".ljust(width) if number else " " * width
            indent = " " * width
            lines.append(wrap(f"{link.title} — {byline(link)}", initial=prefix, indent=indent))
            if link.language and link.language != "fr":
                lines.append(f"{indent}(en {language_name(link.language)})")
            if link.excerpt:
                lines.append(wrap(link.excerpt, initial=indent, indent=indent))
            if link.url:
                lines.append(indent + link.url.strip())
            lines.append("")
    lines += [RULE, "", "Liens :", f"Version web : {web_url}", f"{site_name} : {site_url}", ""]
    return "\n".join(line.rstrip() for line in lines)


LANGUAGES = {"en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien", "nl": "néerlandais",
             "pt": "portugais"}


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def html_email(roundup: Roundup, web_url: str, site_name: str, site_url: str) -> str:
    title = title_of(roundup)
    numbered = numbers(roundup)
    cell = "padding:0 32px;"
    rows: list[Markup] = []
    rows.append(Markup(
        '<tr><td style="padding:16px 32px 8px;{sans}font-size:13px;{muted}text-align:right;">'
        '<a href="{web}" style="{a}">Lire dans le navigateur</a></td></tr>'
    ).format(sans=SANS, muted=MUTED, web=web_url, a=STYLES["a"]))
    rows.append(Markup(
        '<tr><td style="padding:8px 32px 16px;">'
        '<p style="margin:0 0 8px;{sans}font-size:14px;letter-spacing:1px;text-transform:uppercase;'
        '{muted}"><a href="{site}" style="color:#5c5c5c;text-decoration:none;">{name}</a></p>'
        '<h1 style="margin:0 0 8px;{sans}font-size:26px;line-height:1.25;{color}">{title}</h1>'
        '<p style="margin:0;{sans}font-size:14px;{muted}">{when}</p></td></tr>'
    ).format(sans=SANS, muted=MUTED, color=COLOR, site=site_url, name=site_name, title=title,
             when=when(roundup)))
    intro = email_html(roundup.intro, web_url)
    if intro:
        rows.append(Markup('<tr><td style="{cell}">{intro}</td></tr>').format(cell=cell, intro=intro))
    for section in roundup.sections:
        if section.title:
            rows.append(Markup(
                '<tr><td style="padding:16px 32px 0;"><h2 style="margin:0 0 8px;{sans}font-size:20px;'
                '{color}border-bottom:1px solid #dddddd;padding-bottom:6px;">{title}</h2></td></tr>'
            ).format(sans=SANS, color=COLOR, title=section.title))
        for link in section.links:
            rows.append(link_row(link, numbered.get(id(link))))
    rows.append(Markup(
        '<tr><td style="padding:24px 32px 32px;border-top:1px solid #dddddd;{sans}font-size:13px;'
        'line-height:1.5;{muted}">Vous recevez cette revue de liens de {name}. '
        '<a href="{web}" style="{a}">Version web</a> · '
        '<a href="{site}" style="{a}">{site_label}</a></td></tr>'
    ).format(sans=SANS, muted=MUTED, name=site_name, web=web_url, a=STYLES["a"], site=site_url,
             site_label=urlsplit(site_url).netloc or site_url))
    body = Markup("\n").join(rows)
    document = Markup(
        '<!DOCTYPE html>\n'
        '<html lang="fr" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="x-apple-disable-message-reformatting">\n'
        '<meta name="color-scheme" content="light">\n'
        '<title>{title}</title>\n</head>\n'
        '<body style="margin:0;padding:0;background-color:#f2f2f2;">\n'
        '<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;'
        'overflow:hidden;mso-hide:all;">{preheader}</div>\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background-color:#f2f2f2;">\n<tr><td align="center" style="padding:24px 8px;">\n'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
        'style="width:100%;max-width:600px;background-color:#ffffff;border-collapse:collapse;">\n'
        '{body}\n</table>\n</td></tr>\n</table>\n</body>\n</html>\n'
    ).format(title=title, preheader=preheader(roundup, web_url), body=body)
    return str(document)


def link_row(link: Link, number: int | None) -> Markup:
    if link.url:
        heading = Markup('<span style="{muted}">{n}.</span> <a href="{url}" style="color:{accent};'
                         'text-decoration:none;">{title}</a>').format(
            muted=MUTED, n=number, url=link.url.strip(), accent=ACCENT, title=link.title)
    else:
        heading = escape(link.title)
    lang = (Markup(' lang="{}"').format(link.language)
            if link.language and link.language != "fr" else Markup(""))
    excerpt = (Markup('<p style="margin:6px 0 0;{font}font-size:16px;line-height:1.5;{color}">'
                      '{text}</p>').format(font=FONT, color=COLOR, text=link.excerpt)
               if link.excerpt else Markup(""))
    return Markup(
        '<tr><td style="padding:12px 32px;"{lang}>'
        '<h3 style="margin:0;{sans}font-size:18px;line-height:1.3;{color}">{heading}</h3>'
        '<p style="margin:4px 0 0;{sans}font-size:14px;{muted}">{byline}</p>{excerpt}</td></tr>'
    ).format(lang=lang, sans=SANS, color=COLOR, heading=heading, muted=MUTED, byline=byline(link),
             excerpt=excerpt)


# -- command ---------------------------------------------------------------------------------------

def configure(parser) -> None:
    parser.add_argument("number", type=int, help="the roundup's number")
    parser.add_argument("-o", "--output", type=Path, default=Path("."),
                        help="folder to write newsletter-N.html and .txt into (default: here)")
    parser.add_argument("--site-url", help="the site's address, for links (default: SITEURL; "
                                           "or run with -s publishconf.py)")


def run(args) -> int:
    from .linktools import load_roundups
    settings, content_dir, roundups, errors = load_roundups(args.settings)
    for problem in errors:
        print(problem)
    found = [r for r in roundups if r.number == args.number]
    if not found:
        known = ", ".join(str(r.number) for r in sorted(roundups, key=lambda r: r.number)) or "none"
        hint = "fix the errors above, then try again" if errors else f"known: {known}"
        print(f"civichub newsletter: error: no roundup number {args.number} in "
              f"{os.path.relpath(content_dir / 'roundups')} ({hint})", file=sys.stderr)
        return 1
    roundup = found[0]
    if any(p.pos.file.endswith(f"{roundup.slug}.md") for p in errors):
        print(f"civichub newsletter: error: roundup #{args.number} has errors (fix them first)",
              file=sys.stderr)
        return 1
    site_url = (args.site_url or settings.get("SITEURL") or "").strip()
    if urlsplit(site_url).scheme not in ("http", "https") or not urlsplit(site_url).netloc:
        where = f"'{site_url}' " if site_url else ""
        print(f"civichub newsletter: error: the site's address {where}is not an absolute http(s) "
              "URL, and an email needs absolute links (run 'civichub -s publishconf.py newsletter "
              f"{args.number}', or pass --site-url https://...)", file=sys.stderr)
        return 1
    site_url = site_url.rstrip("/") + "/"
    web_url = urljoin(site_url, Urls.from_settings(settings)(roundup))
    if roundup.is_draft:
        print(f"civichub newsletter: warning: roundup #{roundup.number} is a draft: {web_url} "
              "is not published yet", file=sys.stderr)
    site_name = settings.get("SITENAME") or urlsplit(site_url).netloc
    html = html_email(roundup, web_url, site_name, site_url)
    text = plain_text(roundup, web_url, site_name, site_url)
    try:
        args.output.mkdir(parents=True, exist_ok=True)
        written = []
        for suffix, data in (("html", html), ("txt", text)):
            path = args.output / f"newsletter-{roundup.number}.{suffix}"
            path.write_text(data, encoding="utf-8")
            written.append(str(path))
    except OSError as exc:
        print(f"civichub newsletter: error: cannot write into {args.output}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"civichub newsletter: wrote {' and '.join(written)}", file=sys.stderr)
    return 1 if errors else 0
