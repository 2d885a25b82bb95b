"""The pages in a real browser: autocomplete, a canned-query form, the SPARQL editor, an entity page, connections."""

from __future__ import annotations

import re

import pytest
from browsing import Watched
from playwright.sync_api import expect

# One server (the default Oxigraph store) is enough for the pages; the API tests cover every store.
pytestmark = pytest.mark.parametrize("server", ["oxigraph"], indirect=True)


def pick(web: Watched, selector: str, text: str, option: str) -> None:
    """Type into an autocomplete field and choose the suggestion containing ``option`` with the keyboard."""
    field = web.page.locator(selector)
    field.fill("")
    field.press_sequentially(text, delay=20)
    listbox = web.page.locator(f"#{field.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option", name=re.compile(re.escape(option))).first).to_be_visible()
    options = listbox.get_by_role("option").all_inner_texts()
    index = next(i for i, o in enumerate(options) if option in o)
    for _ in range(index + 1):
        field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", re.compile(rf"-{index}$"))
    field.press("Enter")


def test_home_search_with_autocomplete(web: Watched) -> None:
    web.goto("/")
    page = web.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("knowledge graph")
    expect(page.locator(".counts")).to_contain_text("Project")
    # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    field = page.locator("#q")
    field.press_sequentially("usai", delay=20)
    expect(page.get_by_role("option").first).to_contain_text("United States Agency for International Development")
    expect(field).to_have_attribute("aria-expanded", "true")
    web.screenshot("home-autocomplete", full_page=False)
    field.press("ArrowDown")
    with page.expect_navigation():
        field.press("Enter")
    assert page.url.endswith("/id/usaid")
    expect(page.get_by_role("heading", level=1)).to_have_text("United States Agency for International Development")
    web.goto("/")
    web.screenshot("home")


def test_search_page_without_choosing(web: Watched) -> None:
    web.goto("/")
    web.page.locator("#q").fill("forced labour")
    web.page.locator("#q").press("Escape")
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Search").click()
    assert "/search?q=forced+labour" in web.page.url
    expect(web.page.locator(".hits")).to_contain_text("Forced Labour Convention")


def test_canned_query_form_and_table(web: Watched) -> None:
    web.goto("/queries/projects-of-funder/form")
    page = web.page
    pick(web, "#param-funder", "Department of St", "United States Department of State")
    expect(page.locator("#param-funder")).to_have_value("usdos")
    with page.expect_navigation():
        page.get_by_role("button", name="Run the query").click()
    assert "funder=usdos" in page.url
    table = page.locator("table.results")
    expect(table).to_contain_text("EQUIP")
    assert table.locator("tbody tr").count() >= 4
    expect(page.get_by_role("link", name="CSV")).to_have_attribute("href", re.compile(r"funder=usdos.*format=csv"))
    expect(page.locator("#share")).to_have_value(re.compile(r"/queries/projects-of-funder/form\?funder=usdos"))
    web.screenshot("form-projects-of-funder")


def test_form_with_an_enum_and_a_bar_chart(web: Watched) -> None:
    web.goto("/queries/contributions/form")
    page = web.page
    page.locator("#param-type").select_option("voluntary")
    with page.expect_navigation():
        page.get_by_role("button", name="Run the query").click()
    assert "type=voluntary" in page.url
    expect(page.locator("figure.chart svg rect.bar").first).to_be_visible()
    expect(page.locator("table.results tbody tr").first).to_contain_text("voluntary")
    web.screenshot("form-contributions-chart")


def test_sparql_editor_runs_a_canned_query(web: Watched) -> None:
    web.goto("/sparql-editor")
    page = web.page
    expect(page.locator(".yasqe .CodeMirror").first).to_be_visible()
    page.locator("[data-example=projects-of-funder]").click()
    expect(page.locator(".tabPanel.active .CodeMirror").first).to_contain_text("# Projects of a funder")
    text = page.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
    assert "VALUES ?funder { id:usdos }" in text
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    results = page.locator(".tabPanel.active .yasr table tbody tr")
    expect(results.first).to_be_visible()
    expect(page.locator(".tabPanel.active .yasr")).to_contain_text("EQUIP")
    assert results.count() >= 4
    expect(page.locator(".tabPanel.active .yasr_downloadIcon")).to_be_visible()
    web.screenshot("sparql-editor")
    # Nothing from the internet: no Linked Open Vocabularies lookups, no prefix.cc.
    config = page.evaluate(
        "(() => { const c = window.kgYasgui.getTab().getYasqe().config;"
        " return {auto: c.autocompleters, prefixCc: c.prefixCcApi}; })()"
    )
    assert "class" not in config["auto"] and "property" not in config["auto"] and not config["prefixCc"]
    page.evaluate("window.kgYasgui.getTab().getYasqe().setValue('SELECT * WHERE {\\n  ?s a \\n}')")
    page.evaluate("window.kgYasgui.getTab().getYasqe().setCursor({line: 1, ch: 7})")
    page.locator(".tabPanel.active .CodeMirror textarea").press_sequentially("foaf:Pers", delay=30)
    page.wait_for_timeout(300)  # the foreign-request check runs when the test ends


def test_entity_page(web: Watched) -> None:
    web.goto("/id/bridge-project")
    page = web.page
    title = "From Protocol to Practice: A Bridge to Global Action on Forced Labour"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name=re.compile("^Places"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Funding statements"))).to_be_visible()
    expect(page.locator("blockquote").first).to_be_visible()
    web.screenshot("entity-bridge-project")


def test_narrow_screen(web: Watched) -> None:
    web.page.set_viewport_size({"width": 360, "height": 740})
    for path, name in (("/id/better-work", "entity-narrow"), ("/explore?from=usaid&to=forced-labour&hops=2", None)):
        web.goto(path)
        overflow = web.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a 360px screen"
        if name:
            web.screenshot(name, full_page=False)


def test_connection_explorer(web: Watched) -> None:
    web.goto("/explore")
    page = web.page
    pick(web, "#from", "USAI", "United States Agency for International Development")
    pick(web, "#to", "forced lab", "Forced labour")
    expect(page.locator("#to")).to_have_value("forced-labour")
    page.locator("#hops").select_option("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Find paths").click()
    expect(page.locator("svg.path-diagram").first).to_be_visible()
    expect(page.locator(".steps")).not_to_have_count(0)
    expect(page.locator(".steps li", has_text="stated in").first).to_be_visible()
    expect(page.locator(".paths h2")).to_contain_text("Forced labour")
    web.screenshot("connections")
