"""civichub linkcheck: does every link of the published roundups still answer?

Each distinct address is asked once (HEAD, then GET when HEAD is refused), a few at a time,
following up to MAX_REDIRECTS redirects by hand so the chain can be reported. Results are kept
in a JSON cache at the hub's root; fresh ones are not asked again. Roundup files are never
modified: a moved link is reported with its new address as a hint.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .problems import Problem, error, sorted_problems, warning

USER_AGENT = "civichub-linkcheck"
CACHE_NAME = ".civichub-linkcheck.json"
CACHE_VERSION = 1
MAX_REDIRECTS = 5
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
HEAD_REFUSED = {405, 501}
BOT_HOSTILE = {401, 403, 429, 999}  # 999: LinkedIn's answer to robots

OK, MOVED, UNVERIFIED, FAILED, SKIPPED = "ok", "moved", "unverified", "failed", "skipped"
STATUSES = (FAILED, MOVED, UNVERIFIED, OK, SKIPPED)  # report order


@dataclass
class Result:
    url: str
    status: str
    code: int | None = None  # the last HTTP status, None when there was no answer
    detail: str = ""
    final_url: str = ""
    chain: list[list] = field(default_factory=list)  # [[code, url], ...] of each redirect
    checked: str = ""  # ISO 8601 UTC

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


# -- asking one address --------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back as an HTTPError, which check() follows itself


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(NoRedirect())


def ask(url: str, method: str, timeout: float) -> tuple[int, str, str]:
    """(status, reason, Location header) of one request, without following redirects."""
    request = urllib.request.Request(url, method=method, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        "Accept-Language": "fr,en;q=0.5"})
    try:
        with opener().open(request, timeout=timeout) as response:
            return response.status, response.reason, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, str(exc.reason), exc.headers.get("Location", "") if exc.headers else ""


def failure_text(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "no answer in time (timeout)"
    if isinstance(reason, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"certificate not valid ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionError):
        return "connection reset"
    if isinstance(reason, http.client.HTTPException):
        return f"invalid HTTP answer ({type(reason).__name__})"
    return str(reason) or type(reason).__name__


def check(url: str, timeout: float) -> Result:
    """Ask url, following redirects; never raises."""
    chain: list[list] = []
    current = url
    try:
        while True:
            code, reason, location = ask(current, "HEAD", timeout)
            if code in HEAD_REFUSED:
                code, reason, location = ask(current, "GET", timeout)
            if code in REDIRECTS and location:
                if len(chain) == MAX_REDIRECTS:
                    return Result(url, FAILED, code, f"more than {MAX_REDIRECTS} redirects",
                                  current, chain)
                chain.append([code, current])
                current = urljoin(current, location)
                if urlsplit(current).scheme not in ("http", "https"):
                    return Result(url, FAILED, code, f"redirects to {current[:100]}", current, chain)
                continue
            break
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        detail = failure_text(exc)
        if chain:
            detail += f" at {current} after {len(chain)} redirect{'s' * (len(chain) != 1)}"
        return Result(url, FAILED, None, detail, current, chain)
    answer = f"{code} {reason}".strip()
    if 200 <= code < 300:
        if any(c in PERMANENT for c, _ in chain):
            arrows = " -> ".join(str(c) for c, _ in chain)
            return Result(url, MOVED, code, f"{arrows} -> {answer}", current, chain)
        detail = answer + (f" after {len(chain)} temporary redirect{'s' * (len(chain) > 1)}"
                           if chain else "")
        return Result(url, OK, code, detail, current, chain)
    if code in BOT_HOSTILE:
        return Result(url, UNVERIFIED, code, f"{answer} (the site refuses robots: check by hand)",
                      current, chain)
    return Result(url, FAILED, code, answer, current, chain)


# -- the cache -----------------------------------------------------------------------------------

def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def read_cache(path: Path) -> dict[str, Result]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}
        return {url: Result.from_json(item) for url, item in data["results"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # missing or damaged: everything is checked again


def write_cache(path: Path, results: dict[str, Result]) -> None:
    data = {"version": CACHE_VERSION,
            "results": {url: asdict(r) for url, r in sorted(results.items())}}
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def is_fresh(result: Result, max_age: timedelta, at: datetime) -> bool:
    try:
        checked = datetime.fromisoformat(result.checked)
    except (TypeError, ValueError):
        return False
    return result.status != SKIPPED and timedelta(0) <= at - checked < max_age


# -- command ---------------------------------------------------------------------------------------

def configure(parser) -> None:
    parser.add_argument("--workers", type=positive_int, default=8,
                        help="requests at the same time (default: 8)")
    parser.add_argument("--timeout", type=positive_float, default=10.0,
                        help="seconds to wait for each answer (default: 10)")
    parser.add_argument("--max-age", type=non_negative_float, default=24.0, metavar="HOURS",
                        help="results younger than this are not checked again (default: 24; "
                             "0 checks everything)")
    parser.add_argument("--report", type=Path, nargs="?", const=Path("linkcheck-report.md"),
                        metavar="FILE", help="write a Markdown report (default name: "
                                             "linkcheck-report.md)")


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(text)
    return value


positive_int.__name__ = "whole number above 0"
positive_float.__name__ = "number above 0"
non_negative_float.__name__ = "number of hours"


def run(args) -> int:
    from .linktools import in_order, load_roundups
    settings, content_dir, roundups, errors = load_roundups(args.settings)
    for problem in errors:
        print(problem)
    roundups = [r for r in in_order(roundups) if not r.is_draft]
    items = [(roundup, link) for roundup in roundups for link in roundup.links if link.url]
    urls = list(dict.fromkeys(link.url.strip() for _, link in items))

    cache_path = Path(args.settings).resolve().parent / CACHE_NAME
    cache = read_cache(cache_path)
    started = now()
    max_age = timedelta(hours=args.max_age)
    results: dict[str, Result] = {}
    to_check = []
    for url in urls:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            results[url] = Result(url, SKIPPED, detail="not a web address", checked=started.isoformat())
        elif url in cache and is_fresh(cache[url], max_age, started):
            results[url] = cache[url]
        else:
            to_check.append(url)

    try:
        results.update(check_all(to_check, args.workers, args.timeout))
    finally:  # an interrupted run keeps what it learnt
        try:
            write_cache(cache_path, {u: r for u, r in results.items() if r.status != SKIPPED})
        except OSError as exc:
            print(f"civichub linkcheck: warning: cannot write {cache_path}: {exc}", file=sys.stderr)

    rows = [(roundup, link, results[link.url.strip()]) for roundup, link in items]
    problems = sorted_problems(p for p in (problem_of(link, result) for _, link, result in rows) if p)
    for problem in problems:
        print(problem)
    counts = {status: sum(1 for *_, r in rows if r.status == status) for status in STATUSES}
    print_summary(counts, len(urls), len(to_check))
    if args.report:
        try:
            write_report(args.report, rows, counts, started)
        except OSError as exc:
            print(f"civichub linkcheck: error: cannot write {args.report}: {exc.strerror or exc}",
                  file=sys.stderr)
            return 1
        print(f"civichub linkcheck: report written to {args.report}", file=sys.stderr)
    return 1 if errors or counts[FAILED] else 0


def check_all(urls: list[str], workers: int, timeout: float) -> dict[str, Result]:
    results: dict[str, Result] = {}
    if not urls:
        return results
    progress = make_progress()
    executor = ThreadPoolExecutor(max_workers=min(workers, len(urls)),
                                  thread_name_prefix="linkcheck")
    try:
        futures = {executor.submit(check, url, timeout): url for url in urls}
        if progress:
            progress.start()
            task = progress.add_task("liens", total=len(urls))
        for future in as_completed(futures):
            result = future.result()
            result.checked = now().isoformat()
            results[futures[future]] = result
            if progress:
                progress.advance(task)
    finally:
        if progress:
            progress.stop()
        executor.shutdown(wait=True, cancel_futures=True)
    return results


def make_progress():
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    return Progress(TextColumn("vérification des liens"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True)


def problem_of(link, result: Result) -> Problem | None:
    field = f"{link.path}.url"
    if result.status == FAILED:
        return error(link.pos, field, f"{link.url} does not answer: {result.detail}",
                     "find the article's new address, or an archived copy")
    if result.status == MOVED:
        return warning(link.pos, field, f"{link.url} has moved ({result.detail})",
                       f"use {result.final_url}")
    return None


def print_summary(counts: dict[str, int], distinct: int, checked: int) -> None:
    from rich.console import Console
    from rich.table import Table
    table = Table(title="civichub linkcheck", title_justify="left")
    table.add_column("status")
    table.add_column("links", justify="right")
    for status in STATUSES:
        if counts[status] or status != SKIPPED:
            table.add_row(status, str(counts[status]))
    console = Console(stderr=True, highlight=False)
    console.print(table)
    console.print(f"{distinct} distinct address{'es' * (distinct != 1)}, {checked} checked now, "
                  f"{distinct - checked} from the cache")


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|") or " "


def write_report(path: Path, rows, counts: dict[str, int], started: datetime) -> None:
    order = {status: i for i, status in enumerate(STATUSES)}
    rows = sorted(rows, key=lambda row: (order[row[2].status], row[0].number, row[1].path))
    lines = ["# Vérification des liens", "",
             f"{started.isoformat()} — " + ", ".join(f"{counts[s]} {s}" for s in STATUSES), "",
             "| roundup | link title | URL | status | detail |",
             "|---|---|---|---|---|"]
    for roundup, link, result in rows:
        detail = result.detail
        if result.status == MOVED:
            detail += f"; now {result.final_url}"
        lines.append(f"| #{roundup.number} | {cell(link.title)} | {cell(link.url)} | "
                     f"{result.status} | {cell(detail)} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
