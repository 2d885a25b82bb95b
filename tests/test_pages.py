"""The HTML pages over real HTTP, without JavaScript: home, search, forms, editor, entity pages, connections."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
#: What a browser sends when a person opens a page (as opposed to a script's fetch).
NAVIGATION = {**HTML, "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}

# The pages read the same store as the API; one store is enough here (the API tests cover each).
one_store = pytest.mark.parametrize("server", ["oxigraph"], indirect=True)


class Page(HTMLParser):
    """The bits of a page the tests look at: forms and their fields, labels, links, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "form":
            self.forms.append(a)
        elif tag in ("input", "select", "textarea"):
            self.fields.append({"tag": tag, **a})
        elif tag == "label" and "for" in a:
            self.labels.add(a["for"])
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "script" and "src" in a:
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])


def get_page(http: httpx.Client, path: str, status: int = 200, headers: dict[str, str] | None = None) -> Page:
    r = http.get(path, headers=headers or HTML)
    assert r.status_code == status, (path, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
    page = Page(r.text)
    page.text = r.text  # type: ignore[attr-defined]
    return page


def assert_accessible_basics(page: Page) -> None:
    text = page.text  # type: ignore[attr-defined]
    assert '<html lang="en"' in text
    assert 'class="skip-link" href="#main"' in text and 'id="main"' in text
    for f in page.fields:
        if f.get("type") in ("hidden", "submit"):
            continue
        assert f.get("id") in page.labels, f"a {f['tag']} without a label: {f}"
    # Only this server's own scripts and styles: no CDN.
    for src in page.scripts + page.styles:
        assert src.startswith("/"), src


def test_pages_render_on_every_store(http: httpx.Client) -> None:
    for path in ("/", "/queries/projects-of-funder/form?funder=usdos", "/id/usdol", "/search?q=labor"):
        get_page(http, path)


@one_store
def test_home_says_what_the_graph_holds(http: httpx.Client) -> None:
    page = get_page(http, "/")
    text = page.text  # type: ignore[attr-defined]
    assert_accessible_basics(page)
    assert re.search(r'<span class="n">\d+</span> <span class="what">Project</span>', text)
    assert "The United States ILO Cooperation" in text  # a source document's title
    assert "/id/source-000" in page.links
    for link in ("/sparql-editor", "/explore", "/queries/projects-of-funder/form", "/dumps/dataset.turtle"):
        assert link in page.links, link
    search = next(f for f in page.forms if f.get("action") == "/search")
    assert search.get("method") == "get"
    assert any(f.get("name") == "q" and f.get("data-autocomplete") == "navigate" for f in page.fields)
    assert "/static/kg.js" in page.scripts


@one_store
def test_class_counts_open_in_the_editor(http: httpx.Client) -> None:
    page = get_page(http, "/")
    link = next(h for h in page.links if h.startswith("/sparql-editor?query="))
    query = parse_qs(urlsplit(link).query)["query"][0]
    r = http.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["results"]["bindings"]


@one_store
def test_search_page_works_without_javascript(http: httpx.Client) -> None:
    page = get_page(http, "/search?q=usaid")
    assert "/id/usaid" in page.links
    page = get_page(http, "/search?q=forced%20labour")
    assert "/id/forced-labour" in page.links and "/id/C029" in page.links
    assert "0 matches" in get_page(http, "/search?q=zzzzqqq").text  # type: ignore[attr-defined]
    get_page(http, "/search")


@one_store
def test_queries_html_for_browsers_json_for_everyone_else(http: httpx.Client) -> None:
    page = get_page(http, "/queries")
    assert "/queries/projects-of-funder/form" in page.links
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        r = http.get("/queries", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        assert {q["name"] for q in r.json()["queries"]} >= {"projects-of-funder", "search"}
    r = http.get("/queries?format=json", headers=HTML)
    assert r.headers["content-type"].startswith("application/json")


@one_store
def test_form_is_a_plain_get_form_from_the_parameter_header(http: httpx.Client) -> None:
    page = get_page(http, "/queries/projects-of-funder/form")
    assert_accessible_basics(page)
    form = next(f for f in page.forms if f.get("action") == "/queries/projects-of-funder/form")
    assert form["method"] == "get"
    funder = next(f for f in page.fields if f.get("name") == "funder")
    assert funder.get("data-autocomplete") == "fill" and "required" in funder
    assert "http://www.w3.org/ns/org#Organization" not in funder.get("data-types", "")  # asserted classes only
    assert "GovernmentOrganization" in funder.get("data-types", "")
    assert 'class="results"' not in page.text  # type: ignore[attr-defined]  # nothing run yet


@one_store
def test_form_runs_the_query_and_links_csv_json_and_itself(http: httpx.Client) -> None:
    page = get_page(http, "/queries/projects-of-funder/form?funder=usdos")
    text = page.text  # type: ignore[attr-defined]
    assert '<table class="results">' in text and "EQUIP" in text and "4 rows" in text
    assert 'value="http://' in text and "/queries/projects-of-funder/form?funder=usdos" in text  # shareable URL
    csv_link = next(h for h in page.links if "format=csv" in h)
    json_link = next(h for h in page.links if "format=json" in h)
    r = http.get(csv_link)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(r.text.strip().splitlines()) == 5
    r = http.get(json_link)
    assert r.status_code == 200 and r.json()["count"] == 4
    assert "/id/equip-sri-lanka" in page.links  # IRIs are links to entity pages


@one_store
def test_form_with_enum_select_and_bar_chart(http: httpx.Client) -> None:
    page = get_page(http, "/queries/contributions/form?type=voluntary")
    select = next(f for f in page.fields if f.get("name") == "type")
    assert select["tag"] == "select"
    text = page.text  # type: ignore[attr-defined]
    assert '<option value="voluntary" selected>' in text and '<option value="">(any)</option>' in text
    assert '<svg width="100%"' in text and 'class="bar"' in text and "192,000,000" in text


@one_store
def test_bar_chart_numbers_keep_their_hedge(http: httpx.Client) -> None:
    """A bar for "up to 17%" says up to, and one for "over US$ 29 million" says over: no bound becomes exact."""
    text = get_page(http, "/queries/programme-profile/form?programme=better-work").text  # type: ignore[attr-defined]
    values = re.findall(r'class="bar-value">([^<]*)<', text)
    assert "up to 17" in values and "over 29,000,000" in values
    assert "17" in values  # another source's exact 17 stays exact


@one_store
def test_queries_without_required_parameters_run_at_once(http: httpx.Client) -> None:
    text = get_page(http, "/queries/stats-classes/form").text  # type: ignore[attr-defined]
    assert '<table class="results">' in text and "Initiative" in text


@one_store
def test_every_canned_query_has_a_working_form(http: httpx.Client) -> None:
    for q in http.get("/queries").json()["queries"]:
        params = {p["name"]: p["example"] for p in q["parameters"] if p.get("required") and p.get("example")}
        r = http.get(f"/queries/{q['name']}/form", params=params, headers=HTML)
        assert r.status_code == 200, (q["name"], r.text[:300])
        assert 'class="results"' in r.text, q["name"]


@one_store
def test_form_errors_are_pages(http: httpx.Client) -> None:
    r = http.get("/queries/projects-of-funder/form?funder=not%20an%20id", headers=HTML)
    assert r.status_code == 422 and "is not an IRI" in r.text and "<form" in r.text
    r = http.get("/queries/no-such-query/form", headers=HTML)
    assert r.status_code == 404 and "no canned query named" in r.text and "<h1>Not found" in r.text


@one_store
def test_editor_page_serves_yasgui_itself(http: httpx.Client) -> None:
    page = get_page(http, "/sparql-editor")
    assert_accessible_basics(page)
    assert "/vendor/yasgui/yasgui.min.js" in page.scripts and "/vendor/yasgui/yasgui.min.css" in page.styles
    assert "/static/editor.js" in page.scripts
    assert 'data-endpoint="/sparql"' in page.text  # type: ignore[attr-defined]
    for name, media in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        r = http.get(f"/vendor/yasgui/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media) and len(r.content) > 10_000
    assert http.get("/vendor/yasgui/package.json").status_code == 404
    assert http.get("/vendor/yasgui/..%2F..%2Fpackage.json").status_code == 404


@one_store
def test_canned_query_texts_for_the_editor_give_the_api_answers(http: httpx.Client) -> None:
    """The editor's version of each query (PREFIX lines, parameters as VALUES) returns what the API does."""
    queries = http.get("/api/queries").json()["queries"]
    assert queries and all(q["editorText"] and q["text"] for q in queries)
    for q in queries:
        params = {p["name"]: p["example"] for p in q["parameters"] if p.get("required") and p.get("example")}
        api = http.get(f"/queries/{q['name']}", params=params).json()
        r = http.post("/sparql", data={"query": q["editorText"]}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (q["name"], r.text[:300])
        assert len(r.json()["results"]["bindings"]) == api["count"], q["name"]
    one = http.get("/api/queries/projects-of-funder").json()
    assert "VALUES ?funder { id:usdos }" in one["editorText"] and "PREFIX id: <" in one["editorText"]
    assert http.get("/api/queries/nope").status_code == 404


@one_store
def test_entity_page_is_grouped_and_needs_no_javascript(http: httpx.Client) -> None:
    page = get_page(http, "/id/bridge-project", headers=NAVIGATION)
    text = page.text  # type: ignore[attr-defined]
    assert_accessible_basics(page)
    for heading in ("Places", "Themes", "SDGs", "Funding statements", "Figures and results", "Sources and quotes"):
        assert re.search(rf"<h[23][^>]*>{heading}", text), heading
    assert "What links here" in text
    assert "/id/NPL" in page.links and "/id/forced-labour" in page.links
    assert "Since 2015, USDOL and the ILO have been working" in text  # a funding statement's quote
    assert "Malaysia, Mauritania, Nepal, Niger" in text  # a quote on the project itself
    assert "Better Factories Cambodia produces" not in text  # no quotes about other entities
    assert "/id/source-001" in page.links


@one_store
def test_entity_page_shows_each_quote_beside_the_statement_it_supports(http: httpx.Client) -> None:
    text = get_page(http, "/id/bridge-project").text  # type: ignore[attr-defined]
    items = re.findall(r"<li>(.*?)</li>", text, flags=re.S)
    nepal = next(i for i in items if '<a href="/id/NPL">Nepal</a>' in i)
    # the statement "country Nepal" with the two quotes that support it, each with its source
    assert nepal.count('class="stmt-quote"') == 2
    assert "Malaysia, Mauritania, Nepal, Niger" in nepal and "— source 001" in nepal
    assert "making Nepal one of the first countries" in nepal and "— source 002" in nepal
    assert re.search(r'href="/statement/[0-9a-f]{16}"', nepal)
    peru = next(i for i in items if '<a href="/id/PER">Peru</a>' in i)
    assert peru.count('class="stmt-quote"') == 1  # source 002's Nepal story supports Nepal, not Peru
    sdg = next(i for i in items if "Target 8.7" in i and "contributes to SDG" in i)
    assert "derived by rule" in sdg and 'href="/rule/theme-sdg"' in sdg and "theme serves target" in sdg
    # the statement nodes that point at the entity are evidence, not things that "link here"
    assert not re.search(r">[0-9a-f]{16}<", text) and "Linked by “Subject”" not in text


@one_store
def test_fact_nodes_are_labelled_by_what_they_say(http: httpx.Client) -> None:
    text = get_page(http, "/id/better-work").text  # type: ignore[attr-defined]
    assert "United States Department of Labor funds Better Work" not in text  # the acronym, as the sources say
    assert "USDOL funds Better Work, over US$ 29 million, since 2009" in text
    assert "USDOL funds Better Work, over US$ 44 million, since 2009" in text
    fact = get_page(http, "/id/funding-usdol-better-work-000").text  # type: ignore[attr-defined]
    assert "<h1>USDOL funds Better Work, over US$ 29 million, since 2009</h1>" in fact
    count = get_page(http, "/id/ratcount-P029-003").text  # type: ignore[attr-defined]
    assert "<h1>45 new ratifications of P029, since 2016</h1>" in count


@one_store
def test_entity_pages_for_other_kinds(http: httpx.Client) -> None:
    text = get_page(http, "/id/usdos").text  # type: ignore[attr-defined]
    assert "Bureau of Population, Refugees and Migration" in text and "Funding statements" in text
    text = get_page(http, "/id/NPL").text  # type: ignore[attr-defined]
    assert "Initiatives, organisations and facts in this country" in text


@one_store
def test_html_error_pages_for_browsers_json_for_clients(http: httpx.Client) -> None:
    r = http.get("/id/no-such-thing", headers=NAVIGATION)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "no entity" in r.text and 'class="skip-link"' in r.text
    r = http.get("/no/such/page", headers=NAVIGATION)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    # Scripts and API clients keep the JSON errors.
    r = http.get("/id/no-such-thing", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "no entity" in r.json()["message"]
    r = http.get("/queries/projects-of-funder")
    assert r.status_code == 422 and r.json()["error"] == "InvalidParameter"


@one_store
def test_connection_explorer_without_javascript(http: httpx.Client) -> None:
    page = get_page(http, "/explore")
    assert_accessible_basics(page)
    assert next(f for f in page.forms if f.get("action") == "/explore")["method"] == "get"
    page = get_page(http, "/explore?from=usaid&to=forced-labour&hops=2")
    text = page.text  # type: ignore[attr-defined]
    assert 'class="path-diagram"' in text and "<svg" in text
    assert "funded by" in text and "stated in" in text
    assert "/id/myanmar-forced-labour" in page.links
    assert "/connections?from=usaid&amp;to=forced-labour&amp;hops=2" in text
    # Names work too: the explorer looks them up.
    assert 'class="path-diagram"' in get_page(http, "/explore?from=USAID&to=Forced%20labour&hops=2").text  # type: ignore[attr-defined]
    r = http.get("/explore?from=usaid&to=no-such-entity-at-all", headers=HTML)
    assert r.status_code == 404 and "no entity called" in r.text
    # The JSON API is unchanged.
    r = http.get("/connections", params={"from": "usaid", "to": "forced-labour", "hops": 2})
    assert r.status_code == 200 and r.json()["paths"]


def page_json(http: httpx.Client, path: str, status: int = 200) -> dict:  # type: ignore[type-arg]
    r = http.get(path, headers={"Accept": "application/json"})
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()  # type: ignore[no-any-return]


@one_store
def test_a_page_and_its_json_come_from_the_same_data(http: httpx.Client) -> None:
    """The view computes the data once: the JSON a script gets is what the HTML shows."""
    found = page_json(http, "/search?q=forced%20labour")
    assert {r["href"] for r in found["results"]} >= {"/id/forced-labour", "/id/C029"}
    html = get_page(http, "/search?q=forced%20labour")
    hrefs = [r["href"] for r in found["results"]]
    assert hrefs == [h for h in html.links if h in set(hrefs)]  # the same entities, in the same order
    home = page_json(http, "/")
    project = next(c for c in home["counts"] if c["label"] == "Project")
    shown = f'<span class="n">{project["count"]:,}</span> <span class="what">Project</span>'
    assert shown in get_page(http, "/").text  # type: ignore[attr-defined]
    paths = page_json(http, "/explore?from=usaid&to=forced-labour&hops=2")["paths"]
    drawn = get_page(http, "/explore?from=usaid&to=forced-labour&hops=2").text  # type: ignore[attr-defined]
    assert paths and drawn.count('class="path-diagram"') == len(paths)
    form = page_json(http, "/queries/projects-of-funder/form?funder=usdos")
    assert form["ran"] and form["table"]["count"] > 0
    table = get_page(http, "/queries/projects-of-funder/form?funder=usdos").text  # type: ignore[attr-defined]
    assert table.count("<tr") == form["table"]["shown"] + 1  # a header row, then one per row shown


@one_store
def test_a_pages_errors_follow_what_the_client_asked_for(http: httpx.Client) -> None:
    # A page's own error is an HTML page for people, even without Sec-Fetch-Dest ...
    r = http.get("/explore?from=usaid&to=forced-labour&hops=99", headers=HTML)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "hops" in r.text and "<h1>Invalid value" in r.text
    # ... and JSON for a client that asks for JSON.
    body = page_json(http, "/queries/no-such-query/form", status=404)
    assert body["error"] == "NotFound" and "no canned query named" in body["message"]
    r = http.get("/search?q=x&format=xml", headers=HTML)
    assert r.status_code == 406 and "html or json" in r.text


@one_store
def test_templates_get_data_not_python(http: httpx.Client) -> None:
    """No view function is injected into the templates: what a page shows is computed before rendering."""
    from jinja2 import Environment

    assert http.get("/id/usdol", headers=HTML).status_code == 200  # the app is built and a page rendered
    from kg.web.templating import environment

    assert set(environment.globals) <= set(Environment().globals)
