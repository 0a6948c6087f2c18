"""`civichub serve` in a real browser: a page open in a tab shows an edit by itself, reloaded once
the rebuild ended, and shows the errors of a broken edit, then the fixed page; many tabs share
one connection to the server, so an eighth tab still loads."""
from __future__ import annotations

from test_serve import fetch, served, wait_for


def test_an_open_page_reloads_itself_after_an_edit(hub, page):
    with served(hub) as server:
        url = f"{server.base}/personnes/loic-blondiaux/"
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
    assert "Traceback" not in server.output


def test_eight_tabs_load_and_all_reload(hub, browser):
    """A browser opens at most six connections to a host: a stream per tab would leave the
    seventh waiting for ever. The tabs share one, through a SharedWorker."""
    context = browser.new_context()
    try:
        with served(hub) as server:
            url = f"{server.base}/personnes/loic-blondiaux/"
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
    assert "Traceback" not in server.output
