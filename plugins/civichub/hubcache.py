"""The hub kept between builds (CIVICHUB_CACHE_PATH/hub.pickle): an incremental build whose edits
changed only free text takes the previous build's hub, with the new text put into its records,
instead of reading every file's records from the load cache, merging and checking them and
building the hub's lists and indexes again (at scale 10, after a bio edit: 0.21 to 0.30 s
against 0.36 to 0.45).

It holds for content/ as the build that kept it loaded it: the folders' listing (which alone
decides the files a load reads, in which order, and the problems its walk finds), each file's
stamp (size, modification time, inode) and what loading it gave. A build lists the folders and
stamps the files. It takes the kept hub when the listing is the same, at most MOST_CHANGED files
changed, and each changed file, loaded again, has the same structure (fingerprint.py: every field
but free text and positions). The hub is made from the structure alone: its lists, orders and
indexes read no free text (tests/test_hubcache.py checks it), but for the names mention
detection finds in texts, so each changed link or post must mention, by the names found in its
new text, whom the hub has it mention. The new records' values are then put into the kept ones
in place (update): the hub's lists and indexes point at those and show the new text.

The checker's verdict stands too: whether the check finds a problem depends on the structure
alone, so a check that found none finds none again. One that found some is run again, for
messages that quote a title or give a line. A changed file's own problems are those found
loading it again. Anything else (a file added, removed or renamed, a new affiliation or name,
civichub changed, another content folder) means the usual load, check and build, and the hub
kept anew."""
from __future__ import annotations

import dataclasses
import os
import pickle
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import check, mentions
from .caches import code_digest, digest, load_pickle, read_cache, write_bytes
from .hub import Hub
from .load import Loader, Walk, folder_listing
from .loadcache import Key, Loaded, LoadCache
from .model import Post, Roundup
from .problems import Problem, sorted_problems

FILE_NAME = "hub.pickle"
FOUND_FILE = "hub-names-found.pickle"  # beside the mentions cache: names_in
FORMAT = "civichub-hub-1"
MOST_CHANGED = 16  # files changed since the hub was kept: beyond, it is built (and kept) again
_writers: list[int] = []  # the processes keeping a hub (keep)


@dataclass
class KeptHub:
    validity: str  # civichub's code, the content folder, where messages name files from, the formats
    listing: list[tuple[str, tuple[tuple[str, str], ...]]]  # content/'s folders (load.folder_listing)
    walk_problems: list[Problem]  # those the walk found, which depend on the listing alone
    files: list[tuple[str, str, Key, str]]  # (file as messages name it, path, stamp, Loader method), in load order
    loaded: dict[str, Loaded]  # file -> what loading it gave: its records are the hub's
    found_by_check: list[Problem]
    hub: Hub
    names_key: str = ""  # the digest of the names mentions are found by (mentions.names_key)
    token: str = ""  # this kept hub's, among those kept one after the other


class OtherShape(Exception):
    """A kept record cannot take a new one's values: not the same shape."""


def validity(content_dir: Path, display_root: Path, formats: dict[str, str]) -> str:
    return digest(repr([FORMAT, code_digest(), str(content_dir.resolve()), str(display_root),
                        sorted(formats.items())]))


def read(path: Path | None, valid: str) -> KeptHub | None:
    if path is None:
        return None
    try:
        kept = read_cache(path, load_pickle)
    except Exception:  # noqa: BLE001 - no file, an old or damaged one: the hub is built
        return None
    return kept if isinstance(kept, KeptHub) and kept.validity == valid else None


def keep(path: Path | None, valid: str, walk: Walk, found_by_check: list[Problem], hub: Hub) -> None:
    """Save the hub a build just made (before any page is made from it), with what its load saw.
    Pickling it takes 0.3 s at scale 10: a forked process does it, while this one goes on (a
    first build lists its pages meanwhile, on one core); wait() waits for it. A file that could
    not be stamped, or a hub that does not pickle, is not kept."""
    if path is None or not walk.files or any(key is None for _, _, key, _, _ in walk.files):
        return
    kept = KeptHub(valid, walk.listing, walk.problems,
                   [(display, file, key, method) for display, file, key, method, _ in walk.files],
                   {display: loaded for display, *_, loaded in walk.files}, found_by_check, hub)
    pid = os.fork()
    if pid:
        _writers.append(pid)
        return
    try:
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the build's lock, and any file it holds, stay its own
        kept.names_key, kept.token = mentions.names_key(hub), os.urandom(8).hex()
        write_bytes(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a value of a plugin's own kind: nothing is kept
        pass
    finally:
        os._exit(0)


def wait() -> None:
    """Until the hubs this process is keeping are written."""
    while _writers:
        try:
            os.waitpid(_writers.pop(), 0)
        except ChildProcessError:
            pass


def updated(kept: KeptHub, loader: Loader, mentions_cache: Path | None) -> tuple[list[Problem], Hub] | None:
    """The kept hub with the files changed since put into it, and the content's problems; None
    when it cannot be (what was read of the kept hub is then dropped: it may be half updated)."""
    changed = changed_files(kept, loader.content_dir)
    if changed is None:
        return None
    fresh = {display: loader.loaded(Path(path), getattr(loader, method)) for display, path, method in changed}
    for display, loaded in fresh.items():
        old = kept.loaded[display].fingerprint
        if loaded.fingerprint is None or old is None or loaded.fingerprint.structure != old.structure:
            return None
    if not same_mentions(kept, fresh, mentions_cache):
        return None
    try:
        for display, loaded in fresh.items():
            records = kept.loaded[display].records
            if len(records) != len(loaded.records):
                raise OtherShape(display)
            for old, new in zip(records, loaded.records):
                update(old, new)
            kept.loaded[display] = Loaded(records, loaded.problems, loaded.fingerprint)
            kept.hub.content.fingerprints[display] = loaded.fingerprint
    except OtherShape:
        return None
    found_by_check = check.check(kept.hub.content, kept.hub.formats) if kept.found_by_check else []
    problems = kept.walk_problems + [p for display, *_ in kept.files for p in kept.loaded[display].problems]
    return sorted_problems(problems + found_by_check), kept.hub


def changed_files(kept: KeptHub, content_dir: Path) -> list[tuple[str, str, str]] | None:
    """(file as messages name it, path, Loader method) of each file whose stamp changed since the
    hub was kept, or None when the folders do not list the same files (the walk would go
    otherwise) or too many changed."""
    try:
        if folder_listing(content_dir) != kept.listing:
            return None
    except OSError:
        return None
    changed = []
    for display, path, key, method in kept.files:
        if LoadCache.key(path, display) != key:
            changed.append((display, path, method))
            if len(changed) > MOST_CHANGED:
                return None
    return changed


def same_mentions(kept: KeptHub, fresh: dict[str, Loaded], cache: Path | None) -> bool:
    """Whether the changed files' links and posts mention, by the names found in their new texts,
    the actors and people the hub has them mention (its mentions are built from those names)."""
    changed = []  # (kept record, new one, its texts): links of published roundups, and posts, whose text changed
    for display, loaded in fresh.items():
        for old, new in zip(kept.loaded[display].records, loaded.records):
            if isinstance(old, Roundup) and not old.is_draft:
                changed += [(a, b, (b.title, b.excerpt)) for a, b in zip(old.links, new.links)
                            if (a.title, a.excerpt) != (b.title, b.excerpt)]
            elif isinstance(old, Post) and (text := mentions.post_text(new)) != mentions.post_text(old):
                changed.append((old, new, (text,)))
    if not changed:
        return True
    texts = [text for _, _, texts in changed for text in texts]
    found = dict(zip(texts, names_in(texts, kept, cache)))
    held = mentions_held(kept.hub, {id(old) for old, _, _ in changed})
    for old, new, texts in changed:
        names = frozenset().union(*(found[text] for text in texts))
        now = mentions.post_mentions(new, names) if isinstance(new, Post) else mentions.link_detections(new, names)
        if now != held[id(old)]:
            return False
    return True


def names_in(texts: list[str], kept: KeptHub, cache: Path | None) -> list[frozenset[tuple[str, str]]]:
    """The names mention detection finds in each text. Those of the texts changed since the hub
    was kept are noted in a file beside it (FOUND_FILE), so that the builds that follow, which
    find those files changed too, do not read the names' Matcher again (20 ms at scale 10)."""
    path = cache.with_name(FOUND_FILE) if cache else None
    try:
        token, known = read_cache(path, load_pickle)
        if token != kept.token:
            known = {}
    except Exception:  # noqa: BLE001 - none yet, or damaged
        known = {}
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        matcher = mentions.matcher_of(kept.names_key, lambda: mentions.names_of(kept.hub), cache)
        known = {**known, **{text: frozenset(matcher.find(text)) for text in missing}}
        if path is not None:
            write_bytes(path, pickle.dumps((kept.token, known), protocol=pickle.HIGHEST_PROTOCOL))
    return [known[text] for text in texts]


def mentions_held(hub: Hub, records: set[int]) -> dict[int, set[tuple[str, str]]]:
    """For the links and posts among records (by id): whom the hub has them mention, as detected
    (a link) or named and detected (a post)."""
    held: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for kind, index in (("actor", hub.actor_mentions), ("person", hub.person_mentions)):
        for slug, found in index.items():
            for mention in found:
                if mention.detected and id(mention.link) in records:
                    held[id(mention.link)].add((kind, slug))
    for kind, index in (("actor", hub.actor_posts), ("person", hub.person_posts)):
        for slug, posts in index.items():
            for post in posts:
                if id(post) in records:
                    held[id(post)].add((kind, slug))
    return held


def update(old, new) -> object:
    """new's values in old, in place wherever old can take them (a record, a list, a dict: the
    hub points at those); returns what stands for new in old's container: old itself, or new
    when old cannot change (a str, a date, a frozen record, which holds only structure and
    positions). Raises OtherShape when the two differ in shape."""
    kind = type(old)
    if kind is not type(new):
        raise OtherShape(kind.__name__)
    if kind is list:
        if len(old) != len(new):
            raise OtherShape("list")
        old[:] = [update(a, b) for a, b in zip(old, new)]
        return old
    if kind is dict:
        if old.keys() != new.keys():
            raise OtherShape("dict")
        for name, value in new.items():
            old[name] = update(old[name], value)
        return old
    if kind is tuple:
        if len(old) != len(new):
            raise OtherShape("tuple")
        items = [update(a, b) for a, b in zip(old, new)]
        return old if all(a is b for a, b in zip(items, old)) else tuple(items)
    if dataclasses.is_dataclass(kind) and not kind.__dataclass_params__.frozen:
        for field in dataclasses.fields(kind):
            setattr(old, field.name, update(getattr(old, field.name), getattr(new, field.name)))
        return old
    return new
