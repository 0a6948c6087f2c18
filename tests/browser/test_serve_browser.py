"""`civichub serve` in a real browser: a page open in a tab shows an edit by itself, reloaded once
the rebuild ended, and shows the errors of a broken edit, then the fixed page; many tabs share
one connection to the server, so an eighth tab still loads."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from test_serve import fetch, free_port, wait_for


def test_an_open_page_reloads_itself_after_an_edit(hub, page):
    port = free_port()
    url = f"http://127.0.0.1:{port}/personnes/loic-blondiaux/"
    server = subprocess.Popen([sys.executable, "-m", "civichub.cli", "serve", "--port", str(port)],
                              cwd=hub.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        assert wait_for(lambda: "Loïc Blondiaux" in fetch(url))
        page.goto(url)  # (an edit saved before the page listens reloads it all the same)
        with page.expect_event("load", timeout=30_000):
            hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Professeur]\n")
        assert "Professeur" in page.locator("main").inner_text()
        with page.expect_event("load", timeout=30_000):
            hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\naffiliations: [nobody]\n")
        assert "La construction a échoué" in page.locator("h1").inner_text()
        with page.expect_event("load", timeout=30_000):
            hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Chercheur]\n")
        page.wait_for_function("document.querySelector('main') && document.querySelector('main').textContent.includes('Chercheur')",
                               timeout=30_000)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output


def test_eight_tabs_load_and_all_reload(hub, browser):
    """A browser opens at most six connections to a host: a stream per tab would leave the
    seventh waiting for ever. The tabs share one, through a SharedWorker."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/personnes/loic-blondiaux/"
    server = subprocess.Popen([sys.executable, "-m", "civichub.cli", "serve", "--port", str(port)],
                              cwd=hub.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    context = browser.new_context()
    try:
        assert wait_for(lambda: "Loïc Blondiaux" in fetch(url))
        tabs = [context.new_page() for _ in range(8)]
        for tab in tabs:
            tab.goto(url, timeout=10_000)
        with tabs[-1].expect_event("load", timeout=30_000):
            hub.write("people/loic-blondiaux.yaml", "name: Loïc Blondiaux\ntitles: [Professeur]\n")
        for tab in tabs:
            tab.wait_for_function("document.querySelector('main') && document.querySelector('main').textContent.includes('Professeur')",
                                  timeout=30_000)
    finally:
        context.close()
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output
