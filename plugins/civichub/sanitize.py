"""HTML from Markdown, cut down to an allow-list: no scripts, no event handlers, no style, no
javascript:/vbscript:/data: URLs. Everything rendered from a contributor's Markdown goes through here."""
from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "lang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "*": {"lang", "id"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}


# One Cleaner for every text: nh3.clean() builds its allow-list again on each call, which is four
# fifths of what cleaning a short text costs (31 µs against 7 µs; 15,000 texts at scale 10).
CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      clean_content_tags=DROPPED_WITH_CONTENT, link_rel=None, strip_comments=True)


def clean(html: str) -> str:
    return CLEANER.clean(html)
