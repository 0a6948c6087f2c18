"""Which actors and people a roundup link or a post mentions.

Explicit mentions come from the content (a link's `actors:` / `people:`, indexed by hub.py; a
post's `Actors:` / `People:` lines). On top of them, names are DETECTED in link titles and
excerpts and in post titles and bodies. The rules (docs/content-model.md, "Mention detection"):

- what is looked for: every actor's `name` and `aliases` (unless the actor says `detect: false`)
  and every person's full `name` (two words or more);
- comparison is accent-insensitive ("Decider" = "Décider", "œ" = "oe"), typographic apostrophes
  equal straight ones, hyphens equal spaces ("Rueil Malmaison" = "Rueil-Malmaison"), and only
  whole words match: "Voxe" is found in "Voxe." or "Voxe.org" but not in "Voxel";
- names of several words are case-insensitive ("decider ensemble" finds "Décider ensemble");
- a one-word acronym (all capitals: "OGP", "CESE", "D21") is found only written in capitals;
- another one-word name needs at least 4 letters or digits and, when it starts with a capital,
  is found only with that capital ("Public", "Sceaux", "Engage": not "l'espace public");
- shorter names ("UE", "Ici") are never detected; neither is a form that two different actors
  (or two people) share;
- the longest name wins: "Fédération de Paris de la Ligue de l'enseignement" is not also read as
  "Ligue de l'enseignement".

A detection can be declined: `not_actors:` / `not_people:` on a link, `No_mentions:` on a post.
An explicit mention is never removed.

Matching is linear in the text: the text is cut into normalised tokens and walked through a trie
of the names' tokens (no per-actor regular expression, no actors x links scan)."""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .caches import digest, load_pickle, pickled_by_fields, read_cache, write_pickle

log = logging.getLogger("civichub")

FOLDED = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
# A regular expression, not str.translate, which looks every character of the text up in a
# table (0.12 s for the 15,000 texts of scale 10, against 0.01 s)
TO_FOLD = re.compile("[" + "".join(FOLDED) + "]")
# words, and each punctuation sign as a token of its own; spaces, hyphens and Markdown emphasis
# separate tokens
TOKEN = re.compile(r"[^\W_]+|[^\w\s\-‐‑‒–—*#~|]")
MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|<[^>]*>|https?://\S+|^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
MIN_WORD = 4  # letters and digits of a one-word name that is not an acronym
MIN_ACRONYM = 3  # characters of an acronym ('OGP', 'D21')


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", TO_FOLD.sub(folded_sign, text))
    if BEYOND_BMP.search(decomposed):  # (the pattern below lists the marks of the first plane)
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return combining_marks().sub("", decomposed)  # a C loop, where the line above is a Python one


def folded_sign(match: re.Match) -> str:
    return FOLDED[match.group()]


@lru_cache(maxsize=None)
def combining_marks() -> re.Pattern:
    """Every combining mark of Unicode's first plane, as a character class. Made on first use: a
    build that finds no new text (an edit of a bio) would spend 16 ms on it for nothing."""
    ranges, start, previous = [], None, None
    for code in range(0x300, 0x10000):
        if unicodedata.combining(chr(code)):
            if start is None or code != previous + 1:
                if start is not None:
                    ranges.append((start, previous))
                start = code
            previous = code
    ranges.append((start, previous))
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


BEYOND_BMP = re.compile("[\\U00010000-\\U0010ffff]")


def tokens(text: str) -> list[str]:
    """Accent-stripped tokens, case kept: 'l’Assemblée' -> ['l', "'", 'Assemblee']."""
    return TOKEN.findall(strip_accents(text))


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Form:
    """One name to look for, as folded tokens, with the case rule it obeys."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]  # accent-stripped tokens as written, for acronyms
    case: str  # 'any', 'initial' (first letter must be a capital), 'exact'


def form_of(name: str) -> Form | None:
    """The form a name is detected by, or None when it is too short or generic to detect."""
    written = tokens(name)
    if not written:
        return None
    alnum = "".join(t for t in written if t.isalnum())
    letters = [c for c in alnum if c.isalpha()]
    folded = tuple(t.casefold() for t in written)
    if len(name.split()) > 1:
        return Form(folded, tuple(written), "any") if len(alnum) >= MIN_WORD else None
    if letters and all(c.isupper() for c in letters):
        return Form(folded, tuple(written), "exact") if len(alnum) >= MIN_ACRONYM else None
    if len(alnum) < MIN_WORD:
        return None
    return Form(folded, tuple(written), "initial" if written[0][0].isupper() else "any")


FILE_NAME = "mentions.pickle"  # in CIVICHUB_CACHE_PATH: the names found in each text
MATCHER_FILE = "mentions-matcher.pickle"  # beside it: the Matcher of the same names


class Matcher:
    """Finds the owners ('actor' or 'person', slug) of the names a text contains.

    The names are stored in a trie of folded tokens: from each token of the text, the walk follows
    the trie as far as the text allows and keeps the longest name that matches, so the cost grows
    with the text, not with the number of names (many names starting with 'Ville de' included)."""

    END = ""  # trie key of the names ending at a node (no token is empty)

    def __init__(self, names: list[tuple[str, str, str]]):
        """names: (kind, slug, name) triples."""
        forms: dict[tuple[str, ...], set[Form]] = {}
        owners: dict[tuple[str, ...], dict[str, set[str]]] = {}
        for kind, slug, name in names:
            form = form_of(name)
            if form:
                forms.setdefault(form.folded, set()).add(form)
                owners.setdefault(form.folded, {}).setdefault(kind, set()).add(slug)
        self.trie: dict = {}
        for folded, by_kind in owners.items():
            unique = [(kind, next(iter(slugs))) for kind, slugs in sorted(by_kind.items()) if len(slugs) == 1]
            for kind, slugs in by_kind.items():
                if len(slugs) > 1:
                    log.debug("mention detection: '%s' is shared by %s %s, not detected",
                              " ".join(folded), kind, ", ".join(sorted(slugs)))
            if unique:
                node = self.trie
                for token in folded:
                    node = node.setdefault(token, {})
                node[self.END] = [(form, unique) for form in sorted(forms[folded], key=lambda f: f.case)]

    def find(self, text: str) -> set[tuple[str, str]]:
        written = tokens(text)
        folded = [t.casefold() for t in written]
        found: set[tuple[str, str]] = set()
        i = 0
        while i < len(folded):
            node, j, best = self.trie, i, None
            while j < len(folded) and folded[j] in node:
                node = node[folded[j]]
                j += 1
                for form, owners in node.get(self.END, ()):
                    if accepts(form, written[i:j]):
                        best = (j, owners)
                        break
            if best:
                found.update(best[1])
                i = best[0]
            else:
                i += 1
        return found


def accepts(form: Form, written: list[str]) -> bool:
    if form.case == "exact":
        return tuple(written) == form.exact
    if form.case == "initial":
        return written[0][:1].isupper()
    return True


def names_of(hub) -> list[tuple[str, str, str]]:
    names = [("actor", actor.slug, name) for actor in hub.actors if actor.detect
             for name in dict.fromkeys([actor.name, *actor.aliases])]
    names += [("person", person.slug, person.name) for person in hub.people if len(person.name.split()) > 1]
    return names


class Found:
    """A Matcher's find(), remembered per text between builds (a file in CIVICHUB_CACHE_PATH) for
    as long as the names are the same: an edit changes one text, rarely a name. The Matcher is
    needed only when a text is not in the file; it is kept in a file of its own for the same
    names (making it from 7,000 names takes a tenth of a second; reading it, a fifth of that)."""

    def __init__(self, names: list[tuple[str, str, str]], path: Path | None = None):
        self.names, self.path = names, path
        self.key = digest(repr(names))
        self.known = self.read() if path else {}
        self.seen: dict[str, frozenset[tuple[str, str]]] = {}
        self.matcher: Matcher | None = None

    def find(self, text: str) -> frozenset[tuple[str, str]]:
        found = self.seen.get(text)
        if found is None:
            found = self.known.get(text)
            if found is None:
                found = frozenset(self.made_matcher().find(text))
            self.seen[text] = found
        return found

    def made_matcher(self) -> Matcher:
        if self.matcher is None:
            self.matcher = matcher_of(self.key, lambda: self.names, self.path)
        return self.matcher

    def read(self) -> dict[str, frozenset[tuple[str, str]]]:
        try:
            key, known = read_cache(self.path, load_pickle)
        except Exception:  # noqa: BLE001 - no file, an old or damaged one: find everything again
            return {}
        return known if key == self.key and isinstance(known, dict) else {}

    def save(self) -> None:
        if self.path and self.seen != self.known:
            write_pickle(self.path, (self.key, self.seen))


def matcher_of(key: str, names: Callable[[], list[tuple[str, str, str]]], cache: Path | None) -> Matcher:
    """The Matcher of the names whose digest is key: the one an earlier build kept beside cache,
    or made of names() (and kept)."""
    path = cache.with_name(MATCHER_FILE) if cache else None
    if path is not None:
        try:
            kept_key, matcher = read_cache(path, load_pickle)
            if kept_key == key and isinstance(matcher, Matcher):
                return matcher
        except Exception:  # noqa: BLE001 - no file, an old or damaged one: made again
            pass
    matcher = Matcher(names())
    if path is not None:
        write_pickle(path, (key, matcher))
    return matcher


def names_key(hub) -> str:
    """The digest Found keeps its texts' names under, for the hub's names."""
    return digest(repr(names_of(hub)))


def link_detections(link, found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of the names found in a link's title and excerpt, those detect() adds to the link's
    mentions: not those the link names itself, nor those it declines."""
    if link.actors or link.people or link.not_actors or link.not_people:
        found = found - {("actor", r.id) for r in (*link.actors, *link.not_actors)}
        found = found - {("person", r.id) for r in (*link.people, *link.not_people)}
    return found


def post_mentions(post, found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The actors and people a post mentions: those it names, and those found in its text that
    it does not decline."""
    explicit = {("actor", slug) for slug in post.actors} | {("person", slug) for slug in post.people}
    declined = set(post.no_mentions)
    return explicit | {(kind, slug) for kind, slug in found if slug not in declined}


def post_text(post) -> str:
    """A post's title and Markdown body, without link targets, URLs and HTML tags."""
    return post.title + "\n" + MARKDOWN_NOISE.sub(" ", post.text)


def detect(hub, cache: Path | None = None) -> None:
    """Add detected mentions to hub.actor_mentions / hub.person_mentions, and index posts
    (explicit and detected mentions) in hub.actor_posts / hub.person_posts. With a cache file,
    the names found in a text are kept for the next build, as long as the names are the same."""
    from .hub import Mention

    matcher = Found(names_of(hub), cache)
    indexes = {"actor": hub.actor_mentions, "person": hub.person_mentions}
    order: dict[int, int] = {}
    for roundup in hub.published_roundups():
        for link in roundup.links:
            order[id(link)] = len(order)
            found = link_detections(link, matcher.find(link.title) | matcher.find(link.excerpt))
            for kind, slug in sorted(found):
                indexes[kind][slug].append(Mention(link, roundup, detected=True))
    for index in indexes.values():
        for mentions in index.values():
            mentions.sort(key=lambda m: order.get(id(m.link), len(order)))

    posts = {"actor": hub.actor_posts, "person": hub.person_posts}
    for post in hub.content.posts:  # (the checker has verified the slugs they name)
        for kind, slug in sorted(post_mentions(post, matcher.find(post_text(post)))):
            posts[kind][slug].append(post)
    for index in posts.values():
        for items in index.values():
            items.sort(key=lambda p: (p.date is not None, p.date, p.title), reverse=True)
    matcher.save()
