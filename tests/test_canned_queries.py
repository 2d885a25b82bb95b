"""The canned relationship queries (queries/*.rq) over real HTTP: answers, errors, formats, listing.

Expected rows are read from the source documents in ../shared/seeds/ (the
quote that says each is given with the case).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from rdflib import Variable
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.catalog import CannedQuery, Catalog, bind_parameters
from kg.config import Settings
from kg.terms import SDG, prefixes

#: The canned queries as the service reads them from queries/*.rq: the tests take names, parameters,
#: examples and defaults from here, never retyped.
CATALOG = Catalog(Settings().queries_dir)
PREFIXES = prefixes(Settings())
NAMES = [q.name for q in CATALOG]
WITH_REQUIRED = [q.name for q in CATALOG if any(p.required for p in q.params)]
MATCHABLE = [(q.name, p.name) for q in CATALOG for p in q.params if p.type in ("iri", "string")]
Shorten = Callable[[Any], Any]


def examples(query: CannedQuery) -> dict[str, str]:
    """Values for the query's required parameters: each one's example (or default)."""
    return {p.name: p.example or p.default or "" for p in query.params if p.required}


@pytest.fixture(scope="module")
def shorten(settings: Settings) -> Shorten:
    """JSON values in short form: id slugs (``usdos``), ``sdg:8.7``, ``kg:Project``."""
    namespaces = [(settings.id_ns, ""), (str(SDG), "sdg:"), (settings.ontology_ns, "kg:")]

    def short(value: Any) -> Any:
        if isinstance(value, str):
            for ns, prefix in namespaces:
                if value.startswith(ns):
                    return prefix + value[len(ns) :]
        return value

    return short


def get_rows(http: httpx.Client, shorten: Shorten, name: str, params: dict[str, str]) -> list[dict[str, Any]]:
    response = http.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"] == name
    assert not body["truncated"]
    return [{k: shorten(v) for k, v in row.items()} for row in body["rows"]]


@dataclass(frozen=True)
class Case:
    query: str
    params: dict[str, str]
    columns: tuple[str, ...]
    expected: set[tuple[Any, ...]]
    exact: bool = False  # True: these are all the rows (projected on the columns)
    absent: set[tuple[Any, ...]] = field(default_factory=set)
    why: str = ""


CASES = [
    # ---- 1. who funds work on an SDG target
    Case(
        "funders-of-target",
        {},
        ("target", "initiative", "funder", "sdgLink"),
        {
            ("sdg:8.7", "equip-sri-lanka", "usdos", "derived"),
            ("sdg:8.7", "bridge-project", "usdol", "derived"),
            ("sdg:8.7", "myanmar-forced-labour", "usaid", "derived"),
            ("sdg:8.7", "alliance-8-7", "usdol", "stated"),
        },
        why="default target sdg:8.7; 002: Alliance 8.7 ... SDG Target 8.7. The USDOL is providing strategic "
        "and financial support; EQUIP counters trafficking in persons (000), an 8.7 theme",
    ),
    Case(
        "funders-of-target",
        {"target": "sdg:8.7"},
        ("initiative",),
        set(),
        absent={("mauritania-livelihoods",), ("jordan-refugees-labour-market",)},
        why="refugee livelihoods projects are not about an SDG 8.7 theme",
    ),
    Case(
        "funders-of-target",
        {"target": "sdg:1.3"},
        ("initiative", "funder", "sdgLink", "source"),
        {
            ("bangladesh-cash-transfer-project", "european-union", "derived", "source-003"),
            ("bangladesh-cash-transfer-project", "bmz", "derived", "source-003"),
        },
        why="003: 'EU and BMZ funded cash transfer project in Bangladesh', a social protection project; the "
        "UN text of target 1.3 names social protection. (The EUR 2 million 'EU project' is no funding: the "
        "text does not say who pays.)",
    ),
    # ---- 2. projects of a funder, its bureaus and offices included
    Case(
        "projects-of-funder",
        {"funder": "usdos"},
        ("initiative",),
        {
            ("equip-sri-lanka",),
            ("jordan-refugees-labour-market",),
            ("mauritania-livelihoods",),
            ("niger-ayorou-refugees",),
        },
        exact=True,
        why="000: EQUIP Sri Lanka, Jordan refugees, Mauritania livelihoods; 001: Niger Ayorou",
    ),
    Case(
        "projects-of-funder",
        {"funder": "usdos"},
        ("initiative", "countries", "source"),
        {("equip-sri-lanka", "LKA", "source-000"), ("niger-ayorou-refugees", "NER", "source-001")},
    ),
    Case(
        "projects-of-funder",
        {"funder": "usdol"},
        ("initiative", "minAmount", "currency", "source"),
        {("better-work", 29_000_000, "USD", "source-000"), ("better-work", 44_000_000, "USD", "source-001")},
        why="000: over US$ 29 million; 001: over US$ 44 million: both kept",
    ),
    Case(
        "projects-of-funder",
        {"funder": "usg"},
        ("fundedBy", "initiative"),
        {
            ("usdos", "equip-sri-lanka"),
            ("usaid", "myanmar-forced-labour"),
            ("usdol", "bridge-project"),
            ("usg", "honduras-coffee"),
            ("usg", "safety-health-for-all"),
        },
        why="the government's departments' projects roll up to it",
    ),
    Case(
        "projects-of-funder",
        {"funder": "usaid"},
        ("initiative",),
        {("myanmar-forced-labour",), ("venezuelan-migrants-ecuador-peru",)},
        exact=True,
        why="000: USAID and the ILO joined forces ... in Myanmar; 001: financed by ... (USAID)",
    ),
    # ---- 3. country profile
    Case(
        "country-profile",
        {"country": "NPL"},
        ("initiative", "role", "organisation"),
        {
            ("bridge-project", "funder", "usdol"),
            ("nepal-lfs-2017-2018-forced-labour-component", "funder", "usdol"),
            ("time-bound-programmes", "partner", "usdol"),
        },
        why="002: USDOL contributed to the forced labour component of the 2017/2018 NLFS (not the whole "
        "survey); the TBPs ran 'with the support of the USDOL and the ILO' (a partner, not a funder)",
    ),
    Case(
        "country-profile",
        {"country": "HND"},
        ("initiative", "role", "organisation", "source"),
        {
            ("honduras-coffee", "partner", "ihcafe", "source-000"),
            ("honduras-coffee", "partner", "cohep", "source-000"),
            ("honduras-coffee", "partner", "ihcafe", "source-001"),
            ("honduras-coffee", "funder", "usdol", "source-000"),
            ("honduras-coffee", "funder", "usg", "source-001"),
        },
        why="000: USDOL and ILO ... working closely with IHCAFE and COHEP; 001: US-supported, with IHCAFE",
    ),
    # ---- 4. projects by theme, target, instrument
    Case(
        "projects-by-theme",
        {"theme": "forced-labour"},
        ("initiative",),
        {
            ("bridge-project",),
            ("equip-sri-lanka",),
            ("myanmar-forced-labour",),
            ("nepal-bonded-labour-rehabilitation",),
        },
        absent={("mauritania-livelihoods",)},
    ),
    Case(
        "projects-by-target",
        {"target": "sdg:8.7"},
        ("initiative", "link", "via"),
        {
            ("bridge-project", "derived", "forced-labour"),
            ("equip-sri-lanka", "derived", "human-trafficking"),
            ("alliance-8-7", "stated", None),
        },
    ),
    Case(
        "projects-by-target",
        {"target": "sdg:C080701"},
        ("initiative", "link", "source"),
        {("global-estimates", "stated", "source-002")},
        exact=True,
        why="002: the ILO ... co-custodian of SDG indicator 8.7.1",
    ),
    Case(
        "projects-by-instrument",
        {"instrument": "P029"},
        ("initiative", "source"),
        {("bridge-project", "source-001"), ("equip-sri-lanka", "source-000"), ("fifty-for-freedom", "source-004")},
        why="001: raising awareness about 2014 ILO Protocol; 000: EQUIP; 004: 50 for Freedom",
    ),
    # ---- 5. contributions
    Case(
        "contributions",
        {"funder": "usg", "type": "assessed"},
        ("type", "start", "end", "amount", "source"),
        {
            ("assessed", "2018", "2018", 83_600_000, "source-000"),
            ("assessed", "2018", "2022", 424_600_000, "source-001"),
        },
        exact=True,
        why="000: In 2018, assessed contributions ... US$ 83.6 million; 001: ... totaled US$ 424.6 million",
    ),
    Case(
        "contributions",
        {},
        ("funder", "type", "start", "end", "amount", "minAmount", "currency"),
        {
            ("usg", "total", "2018", "2022", 616_600_000, None, "USD"),
            ("usg", "voluntary", "2018", "2022", 192_000_000, None, "USD"),
            ("usg", "voluntary", "2018", "2018", None, 23_000_000, "USD"),
        },
        why="001: a total of US$ 616.6 million; 192.0 million voluntary; 000: over US$ 23 million",
    ),
    Case("contributions", {"type": "total"}, ("type",), {("total",)}, exact=True),
    # ---- 6. ratifications and counts
    Case(
        "ratifications",
        {"country": "LKA"},
        ("instrument", "year", "source"),
        {("P029", "2019", "source-000")},
        exact=True,
        why="000: which ratified the 2014 Protocol ... at the beginning of 2019",
    ),
    Case("ratifications", {"country": "USA"}, ("instrument",), {("C105",), ("C144",), ("C182",)}, exact=True),
    Case(
        "ratifications",
        {"country": "USA", "instrument": "C182"},
        ("country", "instrument", "source"),
        {("USA", "C182", "source-000"), ("USA", "C182", "source-001")},
        exact=True,
    ),
    Case(
        "ratifications",
        {"instrument": "C182"},
        ("country", "year"),
        {("MEX", "2000"), ("USA", None)},
        exact=True,
        why="002: Mexico, one of the first countries to ratify Convention No. 182 (2000)",
    ),
    Case(
        "ratification-counts",
        {"instrument": "C182"},
        ("instrument", "counted", "count", "kind", "asOf", "source"),
        {("C182", "countries", 186, "total", None, "source-002")},
        exact=True,
        why="002: Convention (No. 182) was ratified by 186 countries (the text gives no date for the count)",
    ),
    Case(
        "ratification-counts",
        {"instrument": "USA"},
        ("counted", "count", "source"),
        {("instruments", 14, "source-000"), ("instruments", 14, "source-001")},
        exact=True,
        why="000/001: ratified fourteen ILO conventions",
    ),
    # ---- 7. programme profile
    Case(
        "programme-profile",
        {"programme": "better-work"},
        ("aspect", "value"),
        {("donor", d) for d in ("AUS", "DNK", "european-commission", "DEU", "NLD", "CHE", "GBR", "usg", "usdol")}
        | {("country", c) for c in ("BGD", "EGY", "ETH", "HTI", "IDN", "JOR", "KHM", "VNM")}
        | {("partner", "ifc"), ("sdg", "sdg:8.8")},
        why="003: pool of donors ...; partnership with the International Finance Corporation",
    ),
    Case(
        "programme-profile",
        {"programme": "better-work"},
        ("aspect", "value", "minAmount", "source"),
        {("donor", "usdol", 29_000_000, "source-000"), ("donor", "usdol", 44_000_000, "source-001")},
    ),
    Case(
        "programme-profile",
        {"programme": "social-protection-floors"},
        ("aspect", "value", "detail", "source"),
        {("sdg", "sdg:1.3", "stated", "source-003")},
        why="003: the flagship programme's contribution to the achievement of SDG 1.3",
    ),
    # ---- 8. evidence
    Case(
        "evidence",
        {"entity": "bridge-project"},
        ("node", "relation", "source"),
        {
            ("bridge-project", "self", "source-001"),
            ("bridge-project", "self", "source-002"),
            ("funding-usdol-bridge-project-001", "https://schema.org/fundedItem", "source-001"),
        },
    ),
    # ---- 10. search
    Case("search", {"text": "labor"}, ("entity",), {("usdol",), ("ilab",), ("otla",), ("drl",)}),
    Case("search", {"text": "LABOR"}, ("entity",), {("usdol",), ("ilab",), ("otla",), ("drl",)}),
    Case(
        "search",
        {"text": "DOLE"},
        ("entity", "matched", "type"),
        {("philippines-dole", "DOLE", "kg:GovernmentOrganization")},
    ),
]


def case_id(case: Case) -> str:
    return case.query + ("?" + "&".join(f"{k}={v}" for k, v in case.params.items()) if case.params else "")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_canned_query_answers(http: httpx.Client, shorten: Shorten, case: Case) -> None:
    rows = get_rows(http, shorten, case.query, case.params)
    got = {tuple(row.get(c) for c in case.columns) for row in rows}
    if case.exact:
        assert got == case.expected, case.why
    else:
        assert case.expected <= got, f"{case.why}; missing {sorted(case.expected - got, key=str)}"
    assert not got & case.absent


def test_every_row_carries_its_source(http: httpx.Client, shorten: Shorten) -> None:
    """Each relationship query names a source document (or a quote) on every row."""
    for name, params in [
        ("funders-of-target", {}),
        ("projects-of-funder", {"funder": "usg"}),
        ("country-profile", {"country": "NPL"}),
        ("projects-by-theme", {"theme": "child-labour"}),
        ("projects-by-target", {"target": "sdg:8"}),
        ("projects-by-instrument", {"instrument": "C182"}),
        ("contributions", {}),
        ("ratifications", {}),
        ("ratification-counts", {}),
        ("programme-profile", {"programme": "ipec-plus"}),
        ("evidence", {"entity": "usdol"}),
    ]:
        rows = get_rows(http, shorten, name, params)
        assert rows, name
        for row in rows:
            assert str(row.get("source", "")).startswith("source-") or row.get("quote"), (name, row)


def test_bridge_project_evidence_quotes_its_countries(http: httpx.Client, shorten: Shorten) -> None:
    rows = get_rows(http, shorten, "evidence", {"entity": "bridge-project"})
    quotes = {r["quote"] for r in rows if r["source"] == "source-001"}
    assert any("Malaysia, Mauritania, Nepal, Niger" in q for q in quotes)


def test_ratification_counts_read_as_a_series(http: httpx.Client, shorten: Shorten) -> None:
    """002 (reporting up to 2018): P029 ratified by 32 countries; 003 (up to 2020): 45 NEW ratifications since 2016.

    Neither count has a date of its own: each row shows its document's date, and the later one is
    a count of new ratifications, not a total, so it does not read as "32 then 45 in all".
    """
    rows = get_rows(http, shorten, "ratification-counts", {"instrument": "P029"})
    assert [(r["count"], r["kind"], r.get("since"), r.get("asOf"), r["sourceDate"], r["source"]) for r in rows] == [
        (32, "total", None, None, "2018", "source-002"),
        (45, "new since", "2016", None, "2020", "source-003"),
    ]


def test_search_puts_exact_matches_first(http: httpx.Client, shorten: Shorten) -> None:
    rows = get_rows(http, shorten, "search", {"text": "usdol"})
    assert (rows[0]["entity"], rows[0]["matched"]) == ("usdol", "USDOL")
    assert len(get_rows(http, shorten, "search", {"text": "a"})) == 50  # LIMIT 50


def test_default_parameter_is_bound(http: httpx.Client) -> None:
    body = http.get("/queries/funders-of-target").json()
    assert body["parameters"] == {"target": str(SDG) + "8.7", "links": "any"}
    assert {row["target"] for row in body["rows"]} == {str(SDG) + "8.7"}


def test_optional_parameters_may_be_left_out(http: httpx.Client, shorten: Shorten) -> None:
    everything = get_rows(http, shorten, "ratifications", {})
    assert {r["country"] for r in everything} >= {"USA", "LKA", "MEX", "UZB"}
    one = get_rows(http, shorten, "ratifications", {"country": "UZB"})
    assert [(r["instrument"], r["year"]) for r in one] == [("C087", "2017-12")]


# ---------------------------------------------------------------- parameter errors


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/queries/contributions", {"type": "donated"}, "type"),
        ("/queries/projects-of-funder", {"funder": "not an id!"}, "funder"),
        ("/queries/search", {"text": "x" * 501}, "text"),
        ("/queries/ratifications", {"year": "2019"}, "year"),
    ],
    ids=["enum value", "iri value", "too long", "unknown parameter"],
)
def test_wrong_parameter_is_422_naming_it(http: httpx.Client, path: str, params: dict[str, str], named: str) -> None:
    response = http.get(path, params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidParameter"
    assert named in body["message"]


@pytest.mark.parametrize("name", WITH_REQUIRED)
def test_missing_required_parameter_is_422(http: httpx.Client, name: str) -> None:
    query = CATALOG.get(name)
    required = [p.name for p in query.params if p.required]
    for left_out in required:
        given = {k: v for k, v in examples(query).items() if k != left_out}
        response = http.get(f"/queries/{name}", params=given)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["error"] == "InvalidParameter"
        assert f"parameter '{left_out}' is required" in body["message"]


def test_unknown_short_id_gives_no_rows(http: httpx.Client) -> None:
    """An id nothing is known about is a valid IRI: the answer is empty, not an error."""
    for path, params in [
        ("/queries/projects-of-funder", {"funder": "no-such-funder"}),
        ("/queries/country-profile", {"country": "XXX"}),
        ("/queries/country-profile", {"country": "usdol"}),
    ]:  # not a country: nothing either
        response = http.get(path, params=params)
        assert response.status_code == 200
        assert response.json()["rows"] == []


def test_unknown_query_is_404(http: httpx.Client) -> None:
    assert http.get("/queries/no-such-query").status_code == 404


# ---------------------------------------------------------------- formats


def test_csv_by_accept(http: httpx.Client, settings: Settings) -> None:
    response = http.get("/queries/projects-of-funder", params={"funder": "usdos"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["initiative"] for r in table} == {
        settings.id_ns + s
        for s in ("equip-sri-lanka", "jordan-refugees-labour-market", "mauritania-livelihoods", "niger-ayorou-refugees")
    }
    assert all(r["funder"] == settings.id_ns + "usdos" for r in table)


def test_sparql_json_by_accept(http: httpx.Client, settings: Settings) -> None:
    response = http.get(
        "/queries/contributions",
        params={"type": "total"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    assert {"funder", "type", "amount", "source", "quote"} <= set(body["head"]["vars"])
    (binding,) = body["results"]["bindings"]
    assert binding["funder"] == {"type": "uri", "value": settings.id_ns + "usg"}
    assert binding["amount"]["value"] == "616600000"
    assert binding["source"]["value"] == settings.id_ns + "source-001"


def test_format_parameter_overrides_accept(http: httpx.Client) -> None:
    response = http.get(
        "/queries/ratifications", params={"country": "LKA", "format": "csv"}, headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "P029" in response.text and "2019" in response.text


# ---------------------------------------------------------------- listing and OpenAPI


def test_the_listing_is_what_the_catalog_reads_from_the_files(http: httpx.Client) -> None:
    listed = http.get("/queries").json()["queries"]
    assert [q["name"] for q in listed] == sorted(p.stem for p in Settings().queries_dir.glob("*.rq"))
    assert listed == [q.describe() | {"url": f"/queries/{q.name}"} for q in CATALOG]


def query_variables(node: Any) -> set[str]:
    """The names of every variable in a parse tree (not in comments, not as part of a longer name)."""
    if isinstance(node, Variable):
        return {str(node)}
    if isinstance(node, CompValue):
        return set().union(*(query_variables(v) for v in node.values()))
    if isinstance(node, list | tuple) or hasattr(node, "asList"):
        return set().union(*(query_variables(v) for v in node))
    return set()


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_parameter_is_a_variable_of_the_query(name: str) -> None:
    query = CATALOG.get(name)
    variables = query_variables(parseQuery(query.text))
    assert {p.name for p in query.params} - variables == set()


@pytest.mark.parametrize("name", NAMES)
def test_every_example_binds_and_answers(http: httpx.Client, name: str) -> None:
    """Each example (and default) of each parameter, with the required ones: rows, and bound where they show."""
    query = CATALOG.get(name)
    tries = [examples(query)] + [
        examples(query) | {p.name: value} for p in query.params for value in (p.example, p.default) if value
    ]
    for given in tries:
        response = http.get(f"/queries/{name}", params=given)
        assert response.status_code == 200, (given, response.text)
        body = response.json()
        assert body["count"] > 0, (name, given)
        bound = bind_parameters(query, given, PREFIXES)
        assert body["parameters"] == {k: str(v) for k, v in bound.items()}
        for variable, value in bound.items():
            if variable in body["columns"]:  # a projected parameter: every row has the value bound
                assert {str(row.get(variable)) for row in body["rows"]} == {str(value)}, (name, variable)


@pytest.mark.parametrize(("name", "parameter"), MATCHABLE, ids=[f"{n}?{p}" for n, p in MATCHABLE])
def test_a_value_that_matches_nothing_gives_no_rows(http: httpx.Client, name: str, parameter: str) -> None:
    """The parameter constrains the whole answer: it is bound where the query's patterns use it."""
    given = examples(CATALOG.get(name)) | {parameter: "no-such-thing-zqx"}
    response = http.get(f"/queries/{name}", params=given)
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == []


def test_openapi_has_one_operation_per_query(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for query in CATALOG:
        operation = paths[f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.title
        declared = {p["name"]: p for p in operation["parameters"]}
        assert list(declared) == [p.name for p in query.params] + ["format"], query.name
        for p in query.params:
            assert declared[p.name]["in"] == "query"
            assert declared[p.name]["required"] is p.required, (query.name, p.name)
            if p.type == "enum":
                assert declared[p.name]["schema"]["enum"] == list(p.values)
            if p.default is not None:
                assert declared[p.name]["schema"]["default"] == p.default


# ---------------------------------------------------------------- derivations, periods, hedges


def test_a_derived_sdg_link_names_its_rule_and_what_it_rests_on(http: httpx.Client, shorten: Shorten) -> None:
    """USAID's Myanmar forced labour project serves SDG 8.7 through its theme, which the UN text names."""
    rows = get_rows(http, shorten, "funders-of-target", {"target": "sdg:8.7"})
    [row] = [r for r in rows if r["initiative"] == "myanmar-forced-labour" and r["funder"] == "usaid"]
    assert row["sdgLink"] == "derived"
    assert row["sdgVia"] == "theme serves target, via theme Forced labour"
    assert row["sdgStatement"].startswith("https://kg.example.org/statement/")
    # ... and the statement explains itself with its premises, down to the quotes
    explained = http.get(f"/statement/{row['sdgStatement'].rsplit('/', 1)[-1]}").json()["statements"][0]
    assert explained["justifications"][0]["ruleLabel"] == "theme serves target"
    assert "Forced labour — serves SDG target → Target 8.7" in explained["explanation"]
    assert "source 000" in explained["explanation"]


def test_stated_links_only(http: httpx.Client, shorten: Shorten) -> None:
    stated = get_rows(http, shorten, "funders-of-target", {"target": "sdg:8.7", "links": "stated"})
    assert stated and {r["sdgLink"] for r in stated} == {"stated"}
    assert "alliance-8-7" in {r["initiative"] for r in stated}  # 002/004 say Alliance 8.7 works for target 8.7
    assert "myanmar-forced-labour" not in {r["initiative"] for r in stated}
    derived = get_rows(http, shorten, "projects-by-target", {"target": "sdg:8.7", "links": "derived"})
    assert derived and {r["link"] for r in derived} == {"derived"}
    assert all(r["ruleLabel"] and r["via"] for r in derived)


def test_initiatives_from_before_the_sdgs_do_not_silently_serve_them(http: httpx.Client, shorten: Shorten) -> None:
    """The SDGs date from 2015: the CSEC project (2002-2007), the 1997 conferences and the 1995 pilot projects
    work on child labour, but no source says they serve SDG 8.7, and no rule makes them."""
    pre_sdg = {"mexico-csec-project", "oslo-conference-1997", "amsterdam-conference-1997",
               "usdol-ilo-pilot-projects-1995"}  # fmt: skip
    serving = {r["initiative"] for r in get_rows(http, shorten, "projects-by-target", {"target": "sdg:8.7"})}
    assert not pre_sdg & serving
    assert {"bridge-project", "honduras-coffee", "alliance-8-7"} <= serving
    on_theme = get_rows(http, shorten, "projects-by-theme", {"theme": "child-labour"})
    csec = [r for r in on_theme if r["initiative"] == "mexico-csec-project"]
    assert csec and (csec[0]["start"], csec[0]["end"]) == ("2002", "2007")  # still on its theme, with its period
    funders = get_rows(http, shorten, "funders-of-target", {"target": "sdg:8.7"})
    assert not pre_sdg & {r["initiative"] for r in funders}


def test_rows_show_the_periods_and_dates_their_sources_give(http: httpx.Client, shorten: Shorten) -> None:
    rows = get_rows(http, shorten, "funders-of-target", {"target": "sdg:8.7"})
    honduras = [r for r in rows if r["initiative"] == "honduras-coffee"]
    assert {r.get("initiativeStart") for r in honduras} == {"2019-02"}  # "officially launched in February 2019"
    assert {(r["source"], r["sourceDate"]) for r in honduras} >= {("source-000", "2019-02"), ("source-001", "2022")}
    funded = get_rows(http, shorten, "projects-of-funder", {"funder": "usdol"})
    better_work = {(r["source"], r.get("minAmount"), r.get("hedge"), r.get("startDate"), r.get("asOf"), r["sourceDate"])
                   for r in funded if r["initiative"] == "better-work" and r.get("minAmount")}  # fmt: skip
    # "Since 2009, USDOL has allocated over US$ 29 million" (000) / "over US$ 44 million" (001): no as-of date in
    # either text, so each answer shows its document's date: the 44 million is the later figure.
    assert better_work == {
        ("source-000", 29_000_000, "at-least", "2009", None, "2019-02"),
        ("source-001", 44_000_000, "at-least", "2009", None, "2022"),
    }


def test_amounts_keep_their_hedge(http: httpx.Client, shorten: Shorten) -> None:
    rows = get_rows(http, shorten, "contributions", {"funder": "usg", "type": "voluntary"})
    in_2018 = [r for r in rows if r.get("start") == "2018" and r.get("end") == "2018"]
    # 000: "contributions to ILO's voluntarily funded development cooperation projects totalled over US$ 23 million"
    assert [(r.get("amount"), r.get("minAmount"), r["hedge"]) for r in in_2018] == [(None, 23_000_000, "at-least")]
