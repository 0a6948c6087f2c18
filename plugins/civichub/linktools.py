"""civichub links: links published twice, and tracking parameters left in URLs.

A link already published in an earlier roundup (by number, then date) is a warning at the later
link; the same address twice in one roundup is an error. Addresses are compared once normalised
(see normalise). With --since REV only the links the change since REV added are reported, which
is what CI runs on a pull request.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .filters import short_date
from .model import Link, Roundup
from .problems import Problem, error, sorted_problems, summary, warning

# Query parameters that only say where a reader came from. A trailing '*' matches a prefix.
TRACKING_PARAMETERS: tuple[str, ...] = (
    "utm_*", "at_*", "pk_*", "mtm_*",  # Google Analytics, AT Internet, Piwik, Matomo campaigns
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "mc_cid", "mc_eid", "igshid", "igsh", "ref", "ref_src", "ref_url", "xtor", "xtref",
    "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "cmpid",
    "ncid", "sr_share", "s_cid", "__twitter_impression",
)
DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def is_tracking(name: str) -> bool:
    name = name.lower()
    return any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in TRACKING_PARAMETERS)


def normalise(url: str) -> str:
    """The form under which two addresses of one article compare equal.

    http and https are the same, the host is lowercased without a leading 'www.', default ports,
    a trailing slash, the fragment and tracking parameters are dropped, the other query
    parameters are sorted. 'https://www.Example.org:443/a/?b=2&utm_source=x&a=1#top' ->
    'https://example.org/a?a=1&b=2'. Not a URL to visit: only to compare.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return url if scheme != "mailto" else "mailto:" + parts.path.strip().lower()
    host = (parts.hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:  # not a number: keep whatever was written
        port = None
        host = parts.netloc.lower()
    netloc = host if port in (None, *DEFAULT_PORTS.values()) else f"{host}:{port}"
    path = _PERCENT.sub(lambda m: m[0].upper(), parts.path).rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not is_tracking(k)), quote_via=quote)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""  # '#!/page' routes pages
    return urlunsplit(("https", netloc, path, query, fragment))


def without_tracking(url: str) -> tuple[str, list[str]]:
    """The URL as written minus its tracking parameters, and the names of those removed."""
    parts = urlsplit(url.strip())
    if not parts.query:
        return url, []
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    removed = [k for k, _ in pairs if is_tracking(k)]
    if not removed:
        return url, []
    kept = [(k, v) for k, v in pairs if not is_tracking(k)]
    return urlunsplit(parts._replace(query=urlencode(kept, quote_via=quote))), removed


# -- finding problems ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """A problem and the links it is about (the reported one first)."""

    problem: Problem
    links: tuple[tuple[str, str], ...]  # (roundup slug, link path)


def in_order(roundups: Iterable[Roundup]) -> list[Roundup]:
    return sorted(roundups, key=lambda r: (r.number, r.date, r.slug))


def describe(roundup: Roundup) -> str:
    return f"#{roundup.number} ({short_date(roundup.date)})"


def _duplicates(roundups: Iterable[Roundup]) -> Iterator[Finding]:
    seen: dict[str, tuple[Roundup, Link]] = {}
    for roundup in in_order(roundups):
        here: dict[str, Link] = {}
        for link in roundup.links:
            if not link.url:
                continue
            key = normalise(link.url)
            field = f"{link.path}.url"
            if key in here:
                first = here[key]
                yield Finding(error(link.pos, field, f"same address as {first.path} "
                                    f"'{first.title[:60]}' in this roundup", "keep only one of them"),
                              ((roundup.slug, link.path), (roundup.slug, first.path)))
                continue
            here[key] = link
            if key in seen:
                earlier, first = seen[key]
                verb = "already published in" if not earlier.is_draft else "already in the draft"
                yield Finding(warning(link.pos, field, f"{verb} {describe(earlier)} as "
                                      f"'{first.title[:60]}'", "remove it or say why it is back"),
                              ((roundup.slug, link.path), (earlier.slug, first.path)))
        for key, link in here.items():
            seen.setdefault(key, (roundup, link))


def _tracking(roundups: Iterable[Roundup]) -> Iterator[Finding]:
    for roundup in in_order(roundups):
        for link in roundup.links:
            if not link.url:
                continue
            cleaned, removed = without_tracking(link.url)
            if removed:
                names = ", ".join(dict.fromkeys(removed))
                s = "s" if len(set(removed)) > 1 else ""
                yield Finding(warning(link.pos, f"{link.path}.url", f"tracking parameter{s} {names} "
                                      "in the address", f"use {cleaned}"),
                              ((roundup.slug, link.path),))


def find_duplicates(roundups: Iterable[Roundup]) -> list[Problem]:
    """Links published in an earlier roundup (warnings) or twice in one roundup (errors)."""
    return sorted_problems(f.problem for f in _duplicates(roundups))


def find_tracking(roundups: Iterable[Roundup]) -> list[Problem]:
    """Links whose address carries tracking parameters (warnings, with the cleaned address)."""
    return sorted_problems(f.problem for f in _tracking(roundups))


def findings(roundups: list[Roundup]) -> list[Finding]:
    return [*_duplicates(roundups), *_tracking(roundups)]


# -- --since: what a change added ----------------------------------------------------------------

class GitError(Exception):
    pass


def git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"'git {' '.join(args)}' took too long") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else
                       f"'git {' '.join(args)}' failed")
    return done.stdout


def urls_in_front_matter(text: str) -> Counter[str]:
    """Normalised link URLs of a roundup file's text, counted (an old version: no checking)."""
    import yaml
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---") or "\n---" not in text:
        return Counter()
    try:
        data = yaml.safe_load(text.split("\n---", 2)[0][3:])
    except yaml.YAMLError:
        return Counter()
    if not isinstance(data, dict):
        return Counter()
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    lists = [data.get("links")] + [s.get("links") for s in sections if isinstance(s, dict)]
    return Counter(normalise(item["url"]) for items in lists if isinstance(items, list)
                   for item in items if isinstance(item, dict) and isinstance(item.get("url"), str))


def added_links(roundups: list[Roundup], roundup_dir: Path, rev: str) -> set[tuple[str, str]]:
    """(roundup slug, link path) of every link whose address was not in its file at rev (an
    address that was there once but is now there twice: its second occurrence)."""
    top = Path(git(roundup_dir, "rev-parse", "--show-toplevel").strip())
    git(roundup_dir, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    added = set()
    for roundup in roundups:
        path = (roundup_dir / f"{roundup.slug}.md").resolve()
        try:
            relative = path.relative_to(top.resolve()).as_posix()
        except ValueError:
            relative = ""
        try:
            before = urls_in_front_matter(git(top, "show", f"{rev}:{relative}")) if relative else Counter()
        except GitError:  # a file the change created (or renamed)
            before = Counter()
        # Counted, so that a second copy of an address already in the file is 'added' too.
        for link in roundup.links:
            if link.url:
                key = normalise(link.url)
                if before[key] > 0:
                    before[key] -= 1
                else:
                    added.add((roundup.slug, link.path))
    return added


# -- command ---------------------------------------------------------------------------------------

def load_roundups(settings_path: Path):
    """(settings, content folder, roundups, errors found in roundup files); SystemExit when the
    settings cannot be read."""
    from .cli import settings_or_exit
    from .pipeline import load_and_check
    settings = settings_or_exit(settings_path)
    content_dir = Path(settings["PATH"])
    checked = load_and_check(content_dir, settings)
    roundup_dir = content_dir / "roundups"
    # Only errors that may hide or change links matter here; the rest is 'civichub check''s job.
    folders = {os.path.relpath(content_dir), os.path.relpath(roundup_dir)}
    errors = [p for p in checked.problems if p.is_error and
              (p.pos.file in folders or os.path.dirname(p.pos.file) == os.path.relpath(roundup_dir))]
    return settings, content_dir, checked.content.roundups, errors


def configure(parser) -> None:
    parser.add_argument("--since", metavar="REV",
                        help="report only links added since this git revision (e.g. origin/main)")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")


def run(args) -> int:
    settings, content_dir, roundups, errors = load_roundups(args.settings)
    for problem in errors:
        print(problem)
    found = findings(roundups)
    count = sum(1 for r in roundups for link in r.links if link.url)
    if args.since:
        try:
            added = added_links(roundups, content_dir / "roundups", args.since)
        except GitError as exc:
            print(f"civichub links: error: --since {args.since}: {exc} (give a revision of this "
                  "repository, e.g. origin/main)", file=sys.stderr)
            return 1
        found = [f for f in found if added.intersection(f.links)]
        count = len(added)
    problems = sorted_problems(f.problem for f in found)
    for problem in problems:
        print(problem)
    scope = f"added since {args.since}" if args.since else f"in {len(roundups)} roundups"
    print(f"civichub links: {count} link{'s' * (count != 1)} {scope}, "
          f"{summary(errors + problems)}", file=sys.stderr)
    failed = bool(errors) or any(p.is_error for p in problems) or (args.strict and bool(problems))
    return 1 if failed else 0
