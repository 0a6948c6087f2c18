"""The programme in a real browser: filters, favourites and their .ics, narrow list, now/next."""
from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

EVENT = "/evenements/journee-civic-tech-2019/"
GRID = EVENT + "programme/"


def visible_sessions(page) -> int:
    return page.locator("ol.programme > li.session:visible").count()


def test_filter_by_format_is_kept_in_the_url(page, base_url):
    page.goto(base_url + EVENT)
    total = visible_sessions(page)
    page.select_option("select[name=format]", "atelier")
    assert visible_sessions(page) == 3
    assert page.url.endswith("?format=atelier")
    assert page.locator(".filter-status").inner_text() == "3 sessions affichées"
    page.goto(page.url)
    assert page.locator("select[name=format]").input_value() == "atelier"
    assert visible_sessions(page) == 3
    page.select_option("select[name=format]", "")
    assert visible_sessions(page) == total


def test_filter_by_room_keeps_sessions_for_every_room(page, base_url):
    page.goto(base_url + EVENT + "?room=salle-245")
    titles = page.locator("ol.programme > li.session:visible").all_inner_texts()
    assert any("Start-ups d'engagement citoyen" in t for t in titles)
    assert any("Déjeuner" in t for t in titles), "a break spans every room"
    assert not any("Démocratie locale" in t for t in titles)


def test_grid_filters_dim_cells(page, base_url):
    page.goto(base_url + GRID + "?lang=en")
    dimmed = page.locator("td.cell.is-filtered-out").count()
    kept = page.locator("td.cell:not(.is-filtered-out)")
    assert kept.count() == 1 and "Civic tech ecosystems" in kept.inner_text()
    assert dimmed > 10


def test_favourites_persist_and_download_as_ics(page, base_url, tmp_path):
    page.goto(base_url + EVENT)
    first = page.locator("#s-ouvrir-les-institutions-grand-debat button.fav")
    first.click()
    page.locator("#s-atelier-travail-en-presence-et-civic-tech button.fav").click()
    assert first.get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.locator("#s-ouvrir-les-institutions-grand-debat button.fav").get_attribute("aria-pressed") == "true"
    page.check("input[name=favoris]")
    assert visible_sessions(page) == 2
    with page.expect_download() as info:
        page.click("button.download-ics")
    path = Path(tmp_path / "favoris.ics")
    info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Ouvrir les institutions : retour sur le Grand débat national",
        "Engagement citoyen, co-responsabilité, passage à l'échelle : articuler le travail en présence et civic tech"]
    assert events[0].decoded("DTSTART").isoformat() == "2019-03-18T08:00:00+00:00"
    assert str(events[0]["UID"]).startswith("journee-civic-tech-2019-ouvrir-les-institutions-grand-debat@")
    assert str(events[0]["URL"]).endswith(EVENT + "ouvrir-les-institutions-grand-debat/")


def test_narrow_screen_shows_the_list_instead_of_the_grid(page, base_url):
    page.goto(base_url + GRID)
    assert page.locator("table.grid").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert not page.locator("table.grid").is_visible()
    assert page.locator(".list-view ol.programme > li").first.is_visible()
    assert visible_sessions(page) == 18


def test_now_and_next_during_the_event_only(page, base_url):
    page.goto(base_url + EVENT + "?now=2019-03-18T09:45:00Z")  # 10:45 in Paris
    box = page.locator(".now-next")
    assert box.is_visible()
    now_items = box.locator("h3:text('En ce moment') + ul > li")
    assert now_items.count() == 4
    assert "Capsule" not in box.inner_text()
    assert "Retour des citoyens tirés au sort" in box.locator("h3:text('À suivre') + ul").inner_text()
    page.goto(base_url + EVENT + "?now=2021-06-01T10:00:00Z")
    assert not box.is_visible()


def test_without_javascript_everything_is_readable(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + GRID)
    assert page.locator("table.grid td.cell").count() >= 17
    assert not page.locator(".filters").is_visible()
    assert page.locator("button.fav").count() == 0
    context.close()
