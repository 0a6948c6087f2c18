"""Jinja filters for the theme: dates, times and numbers in the interface language (French by
default, independent of the machine's locale), interface labels made in Python translated, and
French typography (non-breaking spaces before high punctuation and inside guillemets)."""
from __future__ import annotations

import html
import json
from functools import lru_cache
import re
from datetime import date, datetime, time, timezone

from markupsafe import Markup

from .i18n import French

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
LANGUAGE = "fr"  # the interface language, set from CIVICHUB_LANGUAGE when Pelican starts (__init__.py)
CATALOG = French()  # its translations, set with it (i18n.translations)


def use_language(language: str, catalog) -> None:
    global LANGUAGE, CATALOG
    LANGUAGE, CATALOG = language, catalog
    _number.cache_clear()


def _english() -> bool:
    return not LANGUAGE.startswith("fr")


def _(message: str) -> str:
    return CATALOG.gettext(message)


def translated(label) -> str:
    """An interface label made in Python (a format's name, a language's name) in the interface
    language: its translation when the catalog has one, else the label as it is."""
    return CATALOG.gettext(str(label)) if label else ""


def translated_values(mapping: dict) -> dict:
    """A mapping's values as interface labels (a programme's format and language names)."""
    return {key: translated(value) for key, value in mapping.items()}


def number(value) -> str:
    """A count as the interface language writes it: '1\u202f234' in French, '1,234' in English."""
    return _number(value) if isinstance(value, int) else str(value)


@lru_cache(maxsize=4096)  # the same few counts on page after page
def _number(value: int) -> str:
    from babel.numbers import format_decimal
    return format_decimal(value, locale=LANGUAGE)


def long_date(value: date | datetime | None) -> str:
    """'lundi 18 mars 2019' ('Monday, March 18, 2019' in another interface language)."""
    if value is None:
        return ""
    if _english():
        from babel.dates import format_date
        return format_date(value, format="full", locale=LANGUAGE)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{DAYS[value.weekday()]} {day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | datetime | None) -> str:
    """'18 mars 2019' ('March 18, 2019')."""
    if value is None:
        return ""
    if _english():
        from babel.dates import format_date
        return format_date(value, format="long", locale=LANGUAGE)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month_name(month: int | None) -> str:
    if month and _english():
        from babel.dates import get_month_names
        return get_month_names("wide", locale=LANGUAGE)[month]
    return MONTHS[month - 1] if month else ""


def hour(value: time | None) -> str:
    """'09:00' -> '9 h', '14:20' -> '14 h 20', the French typographic convention."""
    if value is None:
        return ""
    if _english():
        return value.strftime("%H:%M")
    return f"{value.hour}\u00a0h" + (f"\u00a0{value.minute:02d}" if value.minute else "")


def iso_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def date_range(start: date | None, end: date | None) -> str:
    if start is None:
        return _("date non communiquée")
    if end is None or end == start:
        return long_date(start)
    return _("du %(start)s au %(end)s") % {"start": long_date(start), "end": long_date(end)}


def utc_iso(value: datetime | None) -> str:
    """An aware datetime as UTC ISO 8601, for machines and scripts: '2019-03-18T08:00:00Z'."""
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(value: datetime | None) -> str:
    """An aware datetime with its offset, for <time datetime> and JSON-LD."""
    return value.isoformat() if value else ""


def json_script(value) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped so '</script>' cannot break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# -- French typography --------------------------------------------------------------------------
# The Imprimerie nationale convention: a narrow no-break space (U+202F) before ; ! ? and a
# no-break space (U+00A0) before : and inside « ». Only ordinary spaces are replaced, and a
# space is added where none was typed ("Bonjour!" -> "Bonjour !"); a space that is already
# non-breaking, of either kind, is left alone, so the functions are idempotent.
NBSP, NNBSP = "\u00a0", "\u202f"
_SPACES = r"[ \t\r\n]+"
# Never touched: URLs, e-mail addresses, times (10:30), ratios and the like.
_PROTECTED = re.compile(r"(?:\b(?:https?|ftp|mailto):|\bwww\.)[^\s<>\"«»]+|[\w.+-]+@[\w-]+\.[\w.-]+|\d+:\d+")
_RULES = (
    (re.compile(_SPACES + r"(?=[;!?])"), NNBSP),  # 'Quoi ?' -> 'Quoi\u202f?'
    (re.compile(r"(?<=[\w)\]»…])(?=[;!?]+(?:\s|$|[)\]»\"”.,]))"), NNBSP),  # 'Quoi?' -> 'Quoi\u202f?'
    (re.compile(_SPACES + r"(?=:)"), NBSP),  # 'Note :' -> 'Note\u00a0:'
    (re.compile(r"(?<=[^\W\d_)\]»…])(?=:(?:\s|$|[)\]»\"”.,]))"), NBSP),  # 'Note: x' -> 'Note\u00a0: x'
    (re.compile(r"«" + _SPACES), "«" + NBSP),
    (re.compile(r"«(?=[^\s\u00a0\u202f])"), "«" + NBSP),
    (re.compile(_SPACES + r"»"), NBSP + "»"),
    (re.compile(r"(?<=[^\s\u00a0\u202f«])»"), NBSP + "»"),
)


@lru_cache(maxsize=None)  # a link's title and excerpt are shown on three or four pages
def _typo_text(text: str) -> str:
    if ":" not in text and "@" not in text and "www." not in text:
        return _typo_run(text)  # nothing _PROTECTED can match, whose search costs more than the rules
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_typo_run(text[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_typo_run(text[last:]))
    return "".join(out)


def _typo_run(text: str) -> str:
    if not _TRIGGER.search(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@lru_cache(maxsize=8192)  # the same labels and names come back on page after page
def _typo_node(text: str) -> str:
    """One HTML text node; left byte for byte as it was when nothing changes."""
    if not _TRIGGER.search(text):
        return text
    plain = html.unescape(text)
    fixed = _typo_text(plain)
    return text if fixed == plain else html.escape(fixed, quote=False)


_TRIGGER = re.compile("[;:!?«»]")
# An element whose text stays as typed: code and the like, or another language (any lang-like
# attribute of the tag, data-lang and xml:lang included, naming another language than French).
# They are searched for in the page in small letters, with expressions that start with a plain
# string, which the regular expression engine finds ten times faster than '\b' or re.I allow.
_CODE_NAMES = "code|pre|kbd|samp|script|style|textarea|var|math|svg"
_CODE_OPEN = re.compile(rf"<({_CODE_NAMES})\b[^>]*>")
_CODE_OPEN_ANY_CASE = re.compile(rf"<({_CODE_NAMES})\b[^>]*>", re.I)
_OTHER_LANG = re.compile(r"""lang\s*=\s*["']?(?!fr\b|fr-)[\w-]+""")  # at a word's start: see _skipped
_OTHER_LANG_ANY_CASE = re.compile(r"""\blang\s*=\s*["']?(?!fr\b|fr-)[\w-]+""", re.I)
_TAG_OPEN = re.compile(r"<([a-zA-Z][\w:-]*)\b[^>]*>")


def typo_html(markup, lang: str = "fr") -> Markup:
    """French typography applied to the text nodes of an HTML fragment: not inside tags or
    attributes, not in <code>/<pre>/<kbd>, not in elements marked with another language.
    A whole page goes through here (a tenth of a build's time, once): the page is searched for
    the characters that typography changes, which are few, and only the text nodes that hold
    one are looked at, then the elements skipped, if any such node is left."""
    source = str(markup)
    if not _TRIGGER.search(source):
        return Markup(source)
    if not lang.startswith("fr"):
        return Markup(_typo_french_elements(source))
    nodes = _trigger_nodes(source)
    if not nodes:
        return Markup(source)
    skipped = _skipped(source, nodes[-1][0])
    out: list[str] = []
    position = region = 0
    for start, end in nodes:
        while region < len(skipped) and skipped[region][1] <= start:
            region += 1
        if region < len(skipped) and skipped[region][0] <= start:
            continue  # inside an element skipped
        text = source[start:end]
        fixed = _typo_node(text)
        if fixed != text:
            out += (source[position:start], fixed)
            position = end
    if not out:
        return Markup(source)
    out.append(source[position:])
    return Markup("".join(out))


def _trigger_nodes(source: str) -> list[tuple[int, int]]:
    """(start, end) of each text node holding a ; : ! ? « or », in order. A text node runs from
    just after a '>' (or from the start) to the next '<'. One search finds them all (a page's
    triggers are mostly in its attributes' URLs and entities: a search per trigger took twice as
    long)."""
    first = source.find("<")
    first = len(source) if first < 0 else first
    nodes = [(0, first)] if _TRIGGER.search(source, 0, first) else []
    nodes += [found.span(1) for found in _NODE_WITH_TRIGGER.finditer(source, first)]
    return nodes


# After a '>', what comes before the first trigger, the trigger, then the rest of the node
# (possessive: nothing to try again when a node holds no trigger)
_NODE_WITH_TRIGGER = re.compile(r">([^<;:!?«»]*+[;:!?«»][^<]*+)")


def _skipped(source: str, before: int) -> list[tuple[int, int]]:
    """(start, end) of the elements whose text stays as typed, in order, for those opened before
    position `before`; one inside another counts as part of it."""
    small = source.lower()
    if len(small) == len(source):
        searched, code, lang = small, _CODE_OPEN, _OTHER_LANG
    else:  # a letter became two ('İ'): positions would not match
        searched, code, lang = source, _CODE_OPEN_ANY_CASE, _OTHER_LANG_ANY_CASE
    # start: (tag name, end of the opening tag)
    openings = {m.start(): (m.group(1).lower(), m.end()) for m in code.finditer(searched, 0, before)}
    for attribute in lang.finditer(searched, 0, before):
        before_name = source[attribute.start() - 1] if attribute.start() else " "
        if before_name.isalnum() or before_name == "_":
            continue  # not a word's start ('hreflang')
        tag = source.rfind("<", 0, attribute.start())
        if tag >= 0 and tag not in openings and source.find(">", tag, attribute.start()) < 0:
            opening = _TAG_OPEN.match(source, tag)
            if opening is not None and opening.end() > attribute.end():
                openings[tag] = opening.group(1).lower(), opening.end()
    regions: list[tuple[int, int]] = []
    position = 0
    for start in sorted(openings):
        name, opened = openings[start]
        if start < position or source.startswith("/>", opened - 2):
            continue  # inside an element already skipped, or an empty one
        end = _closing(source, name, opened)
        regions.append((start, end))
        position = end
    return regions


_FRENCH_OPEN = re.compile(r"""<([a-zA-Z][\w:-]*)\b[^>]*?(?<![\w-])lang\s*=\s*["']?fr\b[^>]*>""", re.I)


def _typo_french_elements(source: str) -> str:
    """A page in another language: French typography only inside the elements marked lang="fr"
    (content shown in an English interface), each processed as a French fragment."""
    out: list[str] = []
    position = 0
    for opening in _FRENCH_OPEN.finditer(source, position):
        if opening.start() < position or opening.group().endswith("/>"):
            continue
        end = _closing(source, opening.group(1).lower(), opening.end())
        out.append(source[position:opening.start()])
        out.append(typo_html(source[opening.start():end]))
        position = end
    out.append(source[position:])
    return "".join(out)


def _closing(source: str, tag: str, start: int) -> int:
    """Where the element opened just before start ends (after its closing tag)."""
    if tag in _VOID:
        return start
    depth = 1
    for match in _tag_pattern(tag).finditer(source, start):
        if match.group(1):
            depth -= 1
        elif not match.group().endswith("/>"):
            depth += 1
        if depth == 0:
            return match.end()
    return len(source)


@lru_cache(maxsize=64)
def _tag_pattern(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){re.escape(tag)}\b[^>]*>", re.I)


def typo(value, lang: str = "fr"):
    """The Jinja filter: {{ session.title|typo }}. Plain text stays plain text (autoescaped by
    Jinja afterwards); Markup is processed as HTML. Another language than French: unchanged."""
    if value is None:
        return ""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return typo_html(Markup(value.__html__()), lang or "fr")
    if lang and not str(lang).startswith("fr"):
        return value
    text = str(value)
    return _typo_text(text) if _TRIGGER.search(text) else text


def lang_attr(content_lang) -> Markup:
    """' lang="fr"' on content whose language is not the interface's, when the interface is not
    French (a French interface's <html lang> already follows the page's content language)."""
    return lang_mark(content_lang) if _english() else NO_MARK


def lang_mark(content_lang, around="fr") -> Markup:
    """' lang="xx"' on content whose language is not the one of the text around it: in a French
    interface, around (the page's language, French unless given); in another interface, the
    interface language (<html lang> is then always the interface's)."""
    enclosing = LANGUAGE if _english() else (around or "fr")
    if not content_lang or str(content_lang) == str(enclosing):
        return NO_MARK
    return _mark(str(content_lang))


NO_MARK = Markup("")


@lru_cache(maxsize=256)  # a few languages, on thousands of pages
def _mark(lang: str) -> Markup:
    return Markup(' lang="%s"') % lang


def jsonld_compact(value):
    """An event's JSON-LD with its sub-events' performers and places reduced to name, URL and
    type: each person's and organisation's full description is on their own page. Keeps the
    programme pages under the 50 KB budget (docs/accessibility.md, tests/test_budget.py)."""
    if isinstance(value, list):
        return [jsonld_compact(v) for v in value]
    if not isinstance(value, dict):
        return value
    data = {}
    for key, item in value.items():
        if key == "subEvent":
            item = [_compact_session(s) for s in item]
        data[key] = item
    return data


def _compact_session(session: dict) -> dict:
    data = dict(session)
    for key in ("performer", "organizer"):
        if key in data:
            data[key] = [{k: p[k] for k in ("@type", "name", "url") if k in p} for p in data[key]]
    location = data.get("location")
    if isinstance(location, dict) and isinstance(location.get("containedInPlace"), dict):
        parent = location["containedInPlace"]
        data["location"] = {**location, "containedInPlace": {k: parent[k] for k in ("@type", "name") if k in parent}}
    return data


FILTERS = {
    "jsonld_compact": jsonld_compact, "lang_attr": lang_attr, "lang_mark": lang_mark,
    "translated": translated, "translated_values": translated_values, "number": number,
    "typo": typo, "typo_html": typo_html,
    "utc_iso": utc_iso, "local_iso": local_iso, "json_script": json_script,
    "long_date": long_date, "short_date": short_date, "month_name": month_name, "hour": hour,
    "iso_time": iso_time, "date_range": date_range,
}
