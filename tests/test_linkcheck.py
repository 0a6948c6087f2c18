"""civichub linkcheck against a local server on 127.0.0.1 only: statuses, cache, report."""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from civichub import linkcheck

SLOW = 1.5  # seconds /slow waits before answering
TIMEOUT = "0.5"  # the --timeout the tests give, well under SLOW


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, str, str]] = []  # (method, path, user agent)
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def answer(self, code: int, location: str = "", body: bool = True):
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(b"ok")

    def route(self):
        with self.lock:
            self.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
        path = self.path
        if path == "/ok":
            self.answer(200)
        elif path == "/moved":
            self.answer(301, "/ok")
        elif path == "/chain":
            self.answer(301, "/chain2")
        elif path == "/chain2":
            self.answer(308, f"http://127.0.0.1:{self.server.server_address[1]}/ok")
        elif path == "/temporary":
            self.answer(302, "/ok")
        elif path == "/loop":
            self.answer(302, "/loop")
        elif path == "/gone":
            self.answer(404)
        elif path == "/error":
            self.answer(503)
        elif path == "/forbidden":
            self.answer(403)
        elif path == "/nohead":
            self.answer(405 if self.command == "HEAD" else 200)
        elif path == "/slow":
            time.sleep(SLOW)
            try:
                self.answer(200)
            except OSError:
                pass
        else:
            self.answer(404)

    do_HEAD = do_GET = route


@pytest.fixture
def server():
    Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def civichub(hub, *args):
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "civichub.cli", *args], cwd=hub.root, env=env,
                          capture_output=True, text=True, timeout=60)


PATHS = ["ok", "moved", "chain", "gone", "slow", "forbidden", "nohead"]


def write_roundup(hub, base, paths=PATHS, number=27, status=""):
    lines = ["---", f"number: {number}", "date: 2016-11-20"] + ([f"status: {status}"] if status else [])
    lines.append("links:")
    for path in paths:
        lines += [f"  - title: Lien {path}", "    source: Test", f"    url: {base}/{path}"]
    lines += ["  - title: Sans adresse", "    source: Test", "---", "Intro.", ""]
    hub.write(f"roundups/2016-11-20-{number}.md", "\n".join(lines))


def test_statuses_cache_and_report(hub, server):
    write_roundup(hub, server)
    write_roundup(hub, server, ["error", "loop"], number=28, status="draft")  # drafts are not checked
    before = (hub.content / "roundups" / "2016-11-20-27.md").read_bytes()
    started = time.monotonic()
    result = civichub(hub, "linkcheck", "--timeout", TIMEOUT, "--report", "report.md")
    assert time.monotonic() - started < 15
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (hub.content / "roundups" / "2016-11-20-27.md").read_bytes() == before

    # what it printed: failures as errors, moves as warnings with the new address
    out = result.stdout
    assert f"content/roundups/2016-11-20-27.md:14:5: error: links[3].url: {server}/gone does not " \
           "answer: 404 Not Found (find the article's new address, or an archived copy)" in out
    assert f"links[4].url: {server}/slow does not answer: no answer in time (timeout)" in out
    assert f"warning: links[1].url: {server}/moved has moved (301 -> 200 OK) (use {server}/ok)" in out
    assert f"warning: links[2].url: {server}/chain has moved (301 -> 308 -> 200 OK) " \
           f"(use {server}/ok)" in out
    assert "forbidden" not in out and "nohead" not in out and "/ok does" not in out
    assert len(out.splitlines()) == 4

    # what it asked: the user agent, HEAD then GET for /nohead, nothing of the draft
    requests = list(Handler.requests)
    assert {agent for *_, agent in requests} == {"civichub-linkcheck"}
    assert ("HEAD", "/nohead", "civichub-linkcheck") in requests
    assert ("GET", "/nohead", "civichub-linkcheck") in requests
    assert not any(path in ("/error", "/loop") for _, path, _ in requests)

    # the summary table, on stderr
    for status, count in (("failed", 2), ("moved", 2), ("unverified", 1), ("ok", 2)):
        assert any(line.split()[:3] == ["│", status, "│"] and line.split()[3] == str(count)
                   for line in result.stderr.splitlines()), (status, result.stderr)
    assert "7 distinct addresses, 7 checked now, 0 from the cache" in result.stderr

    # the cache
    cache = json.loads((hub.root / ".civichub-linkcheck.json").read_text())
    results = cache["results"]
    statuses = {url.rsplit("/", 1)[1]: r["status"] for url, r in results.items()}
    assert statuses == {"ok": "ok", "moved": "moved", "chain": "moved", "gone": "failed",
                        "slow": "failed", "forbidden": "unverified", "nohead": "ok"}
    assert results[f"{server}/chain"]["chain"] == [[301, f"{server}/chain"], [308, f"{server}/chain2"]]
    assert results[f"{server}/chain"]["final_url"] == f"{server}/ok"
    assert all(r["checked"] for r in results.values())

    # the report
    report = (hub.root / "report.md").read_text().splitlines()
    assert "| roundup | link title | URL | status | detail |" in report
    rows = [line for line in report if line.startswith("| #")]
    assert len(rows) == 7
    assert rows[0].startswith("| #27 | Lien gone |") or rows[0].startswith("| #27 | Lien slow |")
    assert f"| #27 | Lien gone | {server}/gone | failed | 404 Not Found |" in report
    assert f"| #27 | Lien moved | {server}/moved | moved | 301 -> 200 OK; now {server}/ok |" in report
    assert any(row.startswith(f"| #27 | Lien forbidden | {server}/forbidden | unverified | 403")
               for row in rows)

    # a second run: everything is fresh in the cache, no request at all
    Handler.requests.clear()
    again = civichub(hub, "linkcheck", "--timeout", TIMEOUT)
    assert Handler.requests == []
    assert again.returncode == 1
    assert again.stdout == result.stdout
    assert "7 distinct addresses, 0 checked now, 7 from the cache" in again.stderr


def test_max_age_zero_checks_again_and_only_what_is_stale(hub, server):
    write_roundup(hub, server, ["ok", "forbidden"])
    assert civichub(hub, "linkcheck", "--timeout", TIMEOUT).returncode == 0  # unverified is no failure
    assert len(Handler.requests) == 2
    Handler.requests.clear()
    assert civichub(hub, "linkcheck", "--max-age", "0", "--timeout", TIMEOUT).returncode == 0
    assert len(Handler.requests) == 2
    # an old entry in the cache is checked again, a fresh one is not
    path = hub.root / ".civichub-linkcheck.json"
    cache = json.loads(path.read_text())
    cache["results"][f"{server}/ok"]["checked"] = "2000-01-01T00:00:00+00:00"
    path.write_text(json.dumps(cache))
    Handler.requests.clear()
    assert civichub(hub, "linkcheck", "--timeout", TIMEOUT).returncode == 0
    assert [path for _, path, _ in Handler.requests] == ["/ok"]


def test_damaged_cache_is_ignored(hub, server):
    write_roundup(hub, server, ["ok"])
    (hub.root / ".civichub-linkcheck.json").write_text("{not json")
    result = civichub(hub, "linkcheck", "--timeout", TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert len(Handler.requests) == 1
    assert json.loads((hub.root / ".civichub-linkcheck.json").read_text())["version"] == 1


def test_check_function(server):
    assert linkcheck.check(f"{server}/temporary", 2).status == "ok"
    assert linkcheck.check(f"{server}/temporary", 2).chain == [[302, f"{server}/temporary"]]
    loop = linkcheck.check(f"{server}/loop", 2)
    assert (loop.status, loop.detail) == ("failed", "more than 5 redirects")
    assert linkcheck.check(f"{server}/error", 2).status == "failed"
    assert linkcheck.check(f"{server}/error", 2).detail == "503 Service Unavailable"
    refused = linkcheck.check("http://127.0.0.1:9/", 1)  # the discard port: nothing listens
    assert refused.status == "failed" and refused.code is None


def test_bad_arguments_no_traceback(hub):
    result = civichub(hub, "linkcheck", "--workers", "0")
    assert result.returncode == 2
    assert "--workers" in result.stderr and "Traceback" not in result.stderr


def test_no_links(hub):
    result = civichub(hub, "linkcheck")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "0 distinct addresses" in result.stderr
