"""`civichub serve` on 127.0.0.1: serves the site, rebuilds on change, survives bad content."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from watchfiles import Change

from civichub import serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def error_status(url: str) -> int:
    try:
        fetch(url)
        return 200
    except urllib.error.HTTPError as exc:
        return exc.code


def error_body(url: str) -> str:
    try:
        return fetch(url)
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


def wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT
    output: str = ""  # what the server printed, once stopped


@contextmanager
def served(hub) -> Iterator[Served]:
    """`civichub serve` in hub.root on a free port, stopped by an interrupt at the end."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "civichub.cli", "serve", "--port", str(port)],
                               cwd=hub.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    server = Served(f"http://127.0.0.1:{port}")
    try:
        yield server
    finally:
        os.killpg(process.pid, signal.SIGINT)
        server.output, _ = process.communicate(timeout=30)


def test_serve_rebuilds_on_change_and_keeps_serving_after_an_error(hub):
    with served(hub) as server:
        base = server.base
        assert wait_for(lambda: "Loïc Blondiaux" in fetch(f"{base}/personnes/loic-blondiaux/"))
        hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Professeur]\n")
        assert wait_for(lambda: "Professeur" in fetch(f"{base}/personnes/loic-blondiaux/"))
        hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\naffiliations: [nobody]\n")
        assert wait_for(lambda: error_status(f"{base}/personnes/loic-blondiaux/") == 500)
        page = error_body(f"{base}/personnes/loic-blondiaux/")
        assert "unknown actor &#x27;nobody&#x27;" in page and "La construction a échoué" in page
        assert "Professeur" in (hub.root / "output/personnes/loic-blondiaux/index.html").read_text()
        hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Maître de conférences]\n")
        assert wait_for(lambda: "Maître de conférences" in fetch(f"{base}/personnes/loic-blondiaux/"))
    assert "unknown actor 'nobody'" in server.output
    assert "civichub serve: rebuilt in" in server.output
    assert "Traceback" not in server.output


def test_a_build_runs_in_a_child_whose_result_comes_back():
    assert serve.in_child(os.getpid) != os.getpid()
    assert serve.in_child(lambda: os.kill(os.getpid(), signal.SIGKILL)) is None  # died: no result


def test_a_result_sent_early_is_handed_over_while_the_child_goes_on(tmp_path):
    """The server reports a build (and reloads its readers' pages) once the site is live, while
    the build still saves its record; it returns once the build's process has ended."""
    go, after = tmp_path / "go", tmp_path / "after"
    seen = []

    def work(send):
        send("live")
        deadline = time.monotonic() + 20  # until the parent has the result (20 s: it never came)
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        after.write_text("saved")
        return "returned"

    result = serve.in_child(work, sent=lambda outcome: (seen.append((outcome, after.exists())), go.touch()))
    assert seen == [("live", False)] and result == "live" and after.exists()
    seen.clear()
    assert serve.in_child(lambda send: "returned", sent=seen.append) == "returned" and seen == ["returned"]
    assert serve.in_child(lambda send: os.kill(os.getpid(), signal.SIGKILL), sent=seen.append) is None
    assert seen == ["returned", None]


def test_only_a_change_to_the_code_restarts_the_server(tmp_path):
    root = tmp_path.resolve()
    assert serve.code_changed(root, {(Change.modified, str(root / "plugins" / "civichub" / "hub.py"))})
    assert not serve.code_changed(root, {(Change.modified, str(root / "content" / "people" / "x.yaml")),
                                         (Change.added, str(root / "plugins" / "README.md"))})
    assert serve.watched(root, Path(root / "pelicanconf.py")) == [root / "pelicanconf.py"]


def test_the_settings_file_is_still_watched_after_an_editor_renamed_a_new_one_over_it(tmp_path):
    root = tmp_path.resolve()
    (root / "content").mkdir()
    settings = root / "pelicanconf.py"
    settings.write_text("SITENAME = 'a'\n")

    def save_by_renaming():
        for name in ("b", "c"):
            time.sleep(0.5)
            (root / ".pelicanconf.py.new").write_text(f"SITENAME = '{name}'\n")
            os.replace(root / ".pelicanconf.py.new", settings)
        for number in range(40):  # changes the watcher does see: the test ends, seen or not
            time.sleep(0.5)
            (root / "content" / "x.md").write_text(str(number))

    threading.Thread(target=save_by_renaming, daemon=True).start()
    seen, deadline = 0, time.monotonic() + 15
    for changed in serve.changes(root, settings):
        seen += any(path == str(settings) for _, path in changed)
        if seen == 2 or time.monotonic() > deadline:
            break
    assert seen == 2


def test_an_interrupt_wakes_the_server_waiting_for_a_change(tmp_path):
    (tmp_path / "content").mkdir()
    settings = tmp_path / "pelicanconf.py"
    settings.write_text("SITENAME = 'a'\n")
    interrupt = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    interrupt.start()
    with pytest.raises(KeyboardInterrupt):
        next(serve.changes(tmp_path, settings))  # nothing changes: only the interrupt ends the wait
    assert time.monotonic() - started < 5


def events(url: str):
    """The data lines of a server-sent event stream, as they come (comments skipped)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        for raw in response:
            line = raw.decode().rstrip("\n")
            if line.startswith("data: "):
                yield line[len("data: "):]


def test_pages_served_reload_after_a_rebuild_and_the_files_stay_as_built(hub):
    with served(hub) as server:
        base = server.base
        assert wait_for(lambda: "Loïc Blondiaux" in fetch(f"{base}/personnes/loic-blondiaux/"))
        for url in ("/personnes/loic-blondiaux/", "/personnes/loic-blondiaux/index.html", "/"):
            page = fetch(base + url)
            assert page.count("/* civichub serve */") == 1
            assert page.index(serve.RELOAD_WORKER_URL) < page.rindex("</body>")
        on_disk = (hub.root / "output/personnes/loic-blondiaux/index.html").read_text(encoding="utf-8")
        assert serve.RELOAD_URL not in on_disk
        assert serve.RELOAD_URL not in fetch(f"{base}/theme/css/civichub.css")
        with urllib.request.urlopen(base + serve.RELOAD_WORKER_URL, timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/javascript")
            assert serve.RELOAD_URL in response.read().decode()  # the tabs' one shared stream
        stream = events(base + serve.RELOAD_URL)
        first = next(stream)
        hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Professeur]\n")
        assert next(stream) != first  # the build that ended names another site
        assert "Professeur" in fetch(f"{base}/personnes/loic-blondiaux/")
        hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\naffiliations: [nobody]\n")
        next(stream)  # a failed build too: the page shows its errors
        error = error_body(f"{base}/personnes/loic-blondiaux/")
        assert "La construction a échoué" in error and serve.RELOAD_URL in error
    assert "Traceback" not in server.output
