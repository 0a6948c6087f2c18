"""The people index and the actors directory in a real browser: instant filters kept in the URL,
counts that follow them, and the pages without JavaScript."""
from __future__ import annotations

import re

PEOPLE = "/personnes/"
ACTORS = "/acteurs/"


def visible(page) -> int:
    return page.locator("li[data-item]:visible").count()


def option_count(page, select: str, value: str) -> int:
    text = page.locator(f"select[name={select}] option[value='{value}']").inner_text()
    return int(re.search(r"\((\d+)\)$", text)[1])


def test_people_filter_by_role_is_kept_in_the_url(page, base_url):
    page.goto(base_url + PEOPLE)
    assert page.locator("form.directory-filters").is_visible()
    assert visible(page) == 95
    moderators = page.locator('li[data-item][data-roles~="moderator"]').count()
    assert 0 < moderators < 95
    page.select_option("select[name=role]", "moderator")
    assert visible(page) == moderators
    assert page.url.endswith("?role=moderator")
    assert page.locator(".filter-status").inner_text() == f"{moderators} personnes affichées sur 95"
    assert option_count(page, "role", "moderator") == moderators
    # letters without a moderator are hidden, and so marked in the letter navigation
    for section in page.locator("section.letter").all():
        shown = section.locator("li[data-item]:visible").count()
        assert section.is_visible() == (shown > 0)
    disabled = page.locator('.letters a[aria-disabled="true"]').count()
    assert disabled == page.locator("section.letter[hidden]").count() > 0
    page.goto(page.url)
    assert page.locator("select[name=role]").input_value() == "moderator"
    assert visible(page) == moderators
    page.click("button[type=reset]")
    assert visible(page) == 95
    assert page.url == base_url + PEOPLE


def test_people_filters_combine_and_counts_follow(page, base_url):
    event = "journee-metropole-intelligences"
    page.goto(base_url + PEOPLE + f"?event={event}&role=moderator")
    expected = page.locator(f'li[data-item][data-pairs~="moderator/{event}"]').count()
    assert expected > 0
    assert visible(page) == expected
    # the count of each event is the number of moderators AT that event
    other = "journee-civic-tech-2019"
    moderators_there = page.locator(f'li[data-item][data-pairs~="moderator/{other}"]').count()
    assert option_count(page, "event", other) == moderators_there
    assert option_count(page, "event", event) == expected
    actor = page.locator("li[data-item]:visible").first.get_attribute("data-actors").split()[0]
    assert page.locator("select[name=affiliation] option[value=voxe]").is_disabled(), "no moderator there"
    page.select_option("select[name=affiliation]", actor)
    assert 1 <= visible(page) <= expected
    assert f"affiliation={actor}" in page.url and f"event={event}" in page.url
    assert "role=moderator" in page.url


def test_people_filter_ignores_unknown_values(page, base_url):
    page.goto(base_url + PEOPLE + "?role=astronaut")
    assert page.locator("select[name=role]").input_value() == ""
    assert visible(page) == 95


def test_actors_filter_by_kind_and_category(page, base_url):
    page.goto(base_url + ACTORS)
    assert visible(page) == 157
    page.select_option("select[name=type]", "collectivite")
    assert visible(page) == 22
    assert page.url.endswith("?type=collectivite")
    assert page.locator(".filter-status").inner_text() == "22 acteurs affichés sur 157"
    selector = 'li[data-item][data-kind="collectivite"][data-categories~="territoires"]'
    territoires = page.locator(selector).count()
    assert option_count(page, "categorie", "territoires") == territoires
    # the facet lists show the same counts as the menus
    count = page.locator('.facet-list .count[data-attr="categories"][data-value="territoires"]').inner_text()
    assert count == f"({territoires})"
    page.select_option("select[name=categorie]", "territoires")
    assert visible(page) == territoires
    assert "type=collectivite" in page.url and "categorie=territoires" in page.url
    page.goto(page.url)
    assert page.locator("select[name=categorie]").input_value() == "territoires"
    assert visible(page) == territoires


def test_actors_facet_links_filter_instantly(page, base_url):
    page.goto(base_url + ACTORS)
    page.click('.facet-list a[data-attr="categories"][data-value="open-data"]')
    assert page.url.startswith(base_url + ACTORS + "?categorie=open-data")
    expected = page.locator('li[data-item][data-categories~="open-data"]').count()
    assert visible(page) == expected > 0
    assert page.locator('.facet-list a[data-value="open-data"]').get_attribute("aria-current") == "true"
    page.click('.facet-list a[data-attr="categories"][data-value="open-data"]')  # a second click clears it
    assert visible(page) == 157


def test_pages_work_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + PEOPLE + "?role=moderator")
        assert not page.locator("form.directory-filters").is_visible()
        assert visible(page) == 95, "without JavaScript every person is listed"
        page.click(".letters a >> text=P")
        assert page.url.endswith("#lettre-p")
        page.goto(base_url + ACTORS)
        assert visible(page) == 157
        page.click('.facet-list a[data-value="collectivite"]')
        assert page.url == base_url + ACTORS + "type/collectivite/"
        assert page.locator("ul.facet-actors > li").count() == 22
    finally:
        context.close()
