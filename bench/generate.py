#!/usr/bin/env python3
"""Deterministic benchmark data in this project's shape, as N-Quads.

    python bench/generate.py --triples 1000000 --out bench/data/1m.nq

The same arguments always give a byte-identical file (fixed seed, no set or
hash ordering in the output, blank nodes numbered in order). What it holds,
in the project's named graphs under the base IRI (default
``https://kg.example.org/``):

* ``graph/ontology``: ``ontology/kg.ttl``, parsed against the base IRI;
* ``graph/reference``: the real reference data (``data/reference/*.ttl``:
  registry, countries, instruments, SDGs, themes, source documents) plus
  synthetic governments, departments with bureaus and offices, programmes,
  themes, partners, countries (ISO user-assigned codes ``XAA`` to ``XZZ``),
  SDG targets and one source document per synthetic source graph;
* ``graph/source/000`` ... ``004``: the real source documents' facts, as
  many as fit (``--real-sources auto``: smallest first, within a third of
  the size; at 10k that is 004 and 001, from about 30k all five);
* ``graph/source/005`` ...: synthetic sources. The first states the real US
  hierarchy (usg > usdol > ilab > ocft ..., usdos > drl ...) and which SDG
  target each theme serves, so every canned query's example has answers at
  every size; the following ones state the synthetic organisations' units,
  then projects and campaigns (country, themes, SDG links, instruments,
  programme, partners), kg:Funding facts (funder a department, bureau or
  office; amount as a schema:MonetaryAmount IRI), kg:Figure results,
  contributions, ratifications and ratification counts, each with its
  kg:Evidence quote (oa:hasSource, oa:hasSelector/oa:exact);
* ``graph/inferred``: exactly what ``ontology/rules/*.rq`` derive from all
  of the above (superclass types, ORG unit hierarchy, kg:fundedBy with its
  roll-up to parent organisations, kg:contributesTo via themes and broader
  SDG concepts, for initiatives of the SDG era only, rdfs:label), and
  nothing that is already asserted.

Not yet generated: the statement nodes of every asserted triple and the
derivations of every derived one (``kg.build.evidence``, ``kg.build.rules``), which the
real data has; queries that read them answer with fewer rows here.

Pools grow with the size (departments and programmes linearly, countries up
to the 676 user-assigned codes, themes with the square root), so the example
parameters of the canned queries (usdos, NPL, forced-labour, sdg:8.7, ...)
keep answers of a readable size while the graph grows.

Lines are streamed to the file: memory stays flat whatever the size (the
real data and the organisation pools are held in memory, a few MB at 10M).
The size is exact to within a few lines of ``--triples``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = "https://kg.example.org/"
DEFAULT_SEED = 87
GENERATOR_VERSION = "1"

# ---------------------------------------------------------------- vocabulary

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
OA = "http://www.w3.org/ns/oa#"
SDG = "http://metadata.un.org/sdg/"
SDGO = "http://metadata.un.org/sdg/ontology#"


def I(iri: str) -> str:  # noqa: E743 - short on purpose, used thousands of times
    return f"<{iri}>"


A = I(RDF + "type")
SUBCLASS = I(RDFS + "subClassOf")
RDFS_LABEL = I(RDFS + "label")
PREF = I(SKOS + "prefLabel")
ALT = I(SKOS + "altLabel")
NOTATION = I(SKOS + "notation")
IN_SCHEME = I(SKOS + "inScheme")
BROADER = I(SKOS + "broader")
DEFINITION = I(SKOS + "definition")
CONCEPT = I(SKOS + "Concept")
UNIT_OF = I(ORG + "unitOf")
SUB_ORG = I(ORG + "subOrganizationOf")
HAS_SUB_ORG = I(ORG + "hasSubOrganization")
HAS_UNIT = I(ORG + "hasUnit")
DERIVED = I(PROV + "wasDerivedFrom")
IS_PART_OF = I(DCT + "isPartOf")
TITLE = I(DCT + "title")
DESCRIPTION = I(DCT + "description")
PUBLISHER = I(DCT + "publisher")
ISSUED = I(DCT + "issued")
IDENTIFIER = I(DCT + "identifier")
FUNDER = I(SCHEMA + "funder")
FUNDED_ITEM = I(SCHEMA + "fundedItem")
AMOUNT = I(SCHEMA + "amount")
MONETARY_AMOUNT = I(SCHEMA + "MonetaryAmount")
VALUE = I(SCHEMA + "value")
MIN_VALUE = I(SCHEMA + "minValue")
MAX_VALUE = I(SCHEMA + "maxValue")
CURRENCY = I(SCHEMA + "currency")
START = I(SCHEMA + "startDate")
END = I(SCHEMA + "endDate")
UNIT_TEXT = I(SCHEMA + "unitText")
HAS_SOURCE = I(OA + "hasSource")
HAS_SELECTOR = I(OA + "hasSelector")
EXACT = I(OA + "exact")
QUOTE_SELECTOR = I(OA + "TextQuoteSelector")
SDG_TARGET = I(SDGO + "Target")
IS_TARGET_OF = I(SDGO + "isTargetOf")

XSD_INTEGER = XSD + "integer"
XSD_GYEAR = XSD + "gYear"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{body}"@{lang}'
    if datatype:
        return f'"{body}"^^<{datatype}>'
    return f'"{body}"'


def plain(literal: str) -> str:
    """The text of an N-Triples literal."""
    body = literal[1 : literal.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), body)


def en(text: str) -> str:
    return lit(text, lang="en")


def integer(n: int) -> str:
    return f'"{n}"^^<{XSD_INTEGER}>'


def year(y: int) -> str:
    return f'"{y}"^^<{XSD_GYEAR}>'


Triple = tuple[str, str, str]


# ---------------------------------------------------------------- sizes


def parse_size(text: str) -> int:
    """10k, 100k, 1m, 10M or a plain number of triples."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text.replace("_", "").replace(",", ""))
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use 10k, 1m or a number)")
    number = float(match.group(1))
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(number * factor)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------- the derivation rules


class Rules:
    """What ``ontology/rules/*.rq`` derive, as plain Python over term strings.

    Used in two ways: :func:`closure` runs them to a fixpoint over the
    in-memory part (real data, pools, structure sources); the bulk facts are
    fresh subjects, so their derived triples follow from these maps directly.
    """

    def __init__(self, triples: Iterable[Triple]) -> None:
        sub: dict[str, set[str]] = defaultdict(set)
        for s, p, o in triples:
            if p == SUBCLASS and o.startswith("<"):
                sub[s].add(o)
        self.superclasses: dict[str, list[str]] = {}
        for cls in sub:
            seen: set[str] = set()
            stack = list(sub[cls])
            while stack:
                c = stack.pop()
                if c not in seen:
                    seen.add(c)
                    stack.extend(sub.get(c, ()))
            self.superclasses[cls] = sorted(seen)

    def supers(self, cls: str) -> list[str]:
        return self.superclasses.get(cls, [])


def closure(asserted: set[Triple], rules: Rules, kg: str) -> set[Triple]:
    """The derived graph: every triple the rules give that is not asserted (fixpoint)."""
    funding_cls, fundedby = I(kg + "Funding"), I(kg + "fundedBy")
    theme_p, serves, contributes = I(kg + "theme"), I(kg + "servesTarget"), I(kg + "contributesTo")
    initiative_cls, figure_cls = I(kg + "Initiative"), I(kg + "Figure")
    as_of, about = I(kg + "asOf"), I(kg + "about")
    known = set(asserted)
    derived: set[Triple] = set()
    for _ in range(20):
        by_p: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, p, o in known:
            by_p[p].append((s, o))
        new: set[Triple] = set()
        for x, cls in by_p[A]:  # 10-subclass-types
            for sup in rules.supers(cls):
                new.add((x, A, sup))
        for unit, parent in by_p[UNIT_OF]:  # 20-unit-hierarchy
            new.update({(unit, SUB_ORG, parent), (parent, HAS_SUB_ORG, unit), (parent, HAS_UNIT, unit)})
        for unit, parent in by_p[SUB_ORG]:
            new.add((parent, HAS_SUB_ORG, unit))
        fundings = {f for f, cls in by_p[A] if cls == funding_cls}  # 30-funded-by
        funders, items = defaultdict(list), defaultdict(list)
        for f, o in by_p[FUNDER]:
            funders[f].append(o)
        for f, o in by_p[FUNDED_ITEM]:
            items[f].append(o)
        for f in fundings:
            for item in items[f]:
                for funder in funders[f]:
                    new.add((item, fundedby, funder))
        parents = defaultdict(list)  # 40-funding-rollup
        for unit, parent in by_p[SUB_ORG]:
            parents[unit].append(parent)
        for item, funder in by_p[fundedby]:
            for parent in parents[funder]:
                new.add((item, fundedby, parent))
        targets = defaultdict(list)  # 50-theme-sdg: initiatives only, none from before the SDGs
        for theme, target in by_p[serves]:
            targets[theme].append(target)
        initiatives = {x for x, cls in by_p[A] if cls == initiative_cls}
        ended = {x for x, end in by_p[END] if int(end.strip('"')[:4]) < 2015}
        years: dict[str, list[int]] = defaultdict(list)  # start, end and as-of years by subject
        for x, d in [*by_p[START], *by_p[END], *by_p[as_of]]:
            years[x].append(int(d.strip('"')[:4]))
        dated: dict[str, list[int]] = defaultdict(list)  # every date stated about an initiative
        for x, d in [*by_p[START], *by_p[END]]:
            dated[x].append(int(d.strip('"')[:4]))
        figures = {x for x, cls in by_p[A] if cls == figure_cls}
        for f, item in by_p[FUNDED_ITEM]:
            dated[item] += years[f]
        for fig, item in by_p[about]:
            if fig in figures:
                dated[item] += years[fig]
        ended |= {x for x, ys in dated.items() if ys and max(ys) < 2015}
        for initiative, theme in by_p[theme_p]:
            if initiative not in initiatives or initiative in ended:
                continue
            for target in targets[theme]:
                new.add((initiative, contributes, target))
        broader = defaultdict(list)  # 60-sdg-rollup
        for concept, b in by_p[BROADER]:
            broader[concept].append(b)
        for initiative, concept in by_p[contributes]:
            for b in broader[concept]:
                new.add((initiative, contributes, b))
        for x, label in by_p[PREF]:  # 70-labels
            new.add((x, RDFS_LABEL, label))
        new -= known
        if not new:
            return derived
        derived |= new
        known |= new
    raise RuntimeError("derivation rules did not reach a fixpoint")


# ---------------------------------------------------------------- reading the real files


class RealData:
    """Turtle files parsed with pyoxigraph, blank nodes renamed in order of appearance."""

    def __init__(self) -> None:
        self.bnodes = 0

    def parse(self, path: Path, base: str) -> list[Triple]:
        import pyoxigraph as ox

        names: dict[str, str] = {}
        out: list[Triple] = []
        seen: set[Triple] = set()

        def term(t: object) -> str:
            if isinstance(t, ox.BlankNode):
                if t.value not in names:
                    names[t.value] = f"_:r{self.bnodes}"
                    self.bnodes += 1
                return names[t.value]
            return str(t)

        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base))
        # kg:supports is curation shorthand the build expands and drops (src/kg/evidence.py): so here.
        supports = ox.NamedNode(base + "ontology#supports")
        patterns = {q.object for q in quads if q.predicate == supports and isinstance(q.object, ox.BlankNode)}
        for q in quads:
            if q.predicate == supports or q.subject in patterns:
                continue
            triple = (term(q.subject), term(q.predicate), term(q.object))
            if triple not in seen:
                seen.add(triple)
                out.append(triple)
        return out


# ---------------------------------------------------------------- word lists

FIELDS = [
    "Labor",
    "State",
    "Commerce",
    "Agriculture",
    "Education",
    "Health",
    "Trade",
    "Justice",
    "Energy",
    "Interior",
    "Treasury",
    "Transportation",
    "Homeland Security",
    "Housing",
    "Veterans Affairs",
    "International Development",
    "Foreign Affairs",
    "Employment",
    "Social Affairs",
    "Industry",
]
BUREAU_WORDS = [
    "International Labor Affairs",
    "Democracy, Human Rights and Labor",
    "Population, Refugees and Migration",
    "Economic Growth",
    "Global Health",
    "Humanitarian Assistance",
    "Trade Policy",
    "Development Cooperation",
    "Regional Affairs",
    "Policy and Research",
    "Workforce Development",
    "Rural Livelihoods",
]
OFFICE_WORDS = [
    "Child Labor",
    "Forced Labor",
    "Trade and Labor Affairs",
    "International Relations",
    "Trafficking in Persons",
    "Worker Rights",
    "Occupational Safety",
    "Migration Policy",
    "Grants Management",
    "Monitoring and Evaluation",
    "Supply Chains",
    "Social Dialogue",
]
VERBS = [
    "Addressing",
    "Combating",
    "Reducing",
    "Preventing",
    "Promoting action against",
    "Strengthening work on",
    "Building capacity on",
    "Eliminating",
    "Supporting responses to",
    "Measuring",
]
THEME_WORDS = [
    "wage protection",
    "domestic work",
    "fair recruitment",
    "informal economy",
    "green jobs",
    "skills for youth",
    "cooperatives",
    "maternity protection",
    "disability inclusion",
    "rural employment",
    "labour statistics",
    "supply chain due diligence",
    "mine safety",
    "fisheries work",
    "platform work",
    "care economy",
    "minimum wages",
    "apprenticeships",
    "labour migration governance",
    "collective bargaining",
]
MEASURES = [
    ("workers reached by awareness-raising", "workers"),
    ("children withdrawn from child labour", "children"),
    ("labour inspectors trained", "inspectors"),
    ("factories assessed", "factories"),
    ("victims of forced labour assisted", "persons"),
    ("policies adopted", "policies"),
    ("enterprises improving compliance", "enterprises"),
    ("households with improved livelihoods", "households"),
    ("share of workers with written contracts", "percent"),
    ("funds mobilised", "USD"),
]
PARTNER_CLASSES = ["OtherOrganization", "Company", "WorkersOrganization", "EmployersOrganization"]
SYLLABLES = ["ka", "lo", "mi", "ra", "te", "vu", "son", "dar", "bel", "qui", "ny", "zo", "pa", "ren", "tal", "ori"]


def name_from(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


# ---------------------------------------------------------------- the generator


class Generator:
    def __init__(self, triples: int, seed: int, base: str, project: Path, real_sources: str) -> None:
        self.target = triples
        self.rng = random.Random(seed)
        self.base = base
        self.project = project
        self.kg = base + "ontology#"
        self.id = base + "id/"
        self.graph = base + "graph/"
        self.g_ontology = I(self.graph + "ontology")
        self.g_reference = I(self.graph + "reference")
        self.g_inferred = I(self.graph + "inferred")
        self.real_sources = real_sources
        self.written = 0
        self.per_graph: dict[str, int] = defaultdict(int)
        self.bnodes = 0
        self.source_no = 0
        self.real_items: list[str] = []
        self.core_fundedby: set[tuple[str, str]] = set()
        self.ratified: set[tuple[str, str]] = set()

    # -- names
    def K(self, term: str) -> str:
        return f"<{self.kg}{term}>"

    def ID(self, slug: str) -> str:
        return f"<{self.id}{slug}>"

    def slug(self, iri: str) -> str:
        return iri[len(self.id) + 1 : -1]

    def source_graph(self, no: int) -> str:
        return f"<{self.graph}source/{no:03d}>"

    def source_doc(self, no: int) -> str:
        return self.ID(f"source-{no:03d}")

    def bnode(self, prefix: str) -> str:
        self.bnodes += 1
        return f"_:{prefix}{self.bnodes}"

    # -- output
    def emit(self, out, lines: list[str]) -> None:
        out.write("".join(lines))
        self.written += len(lines)

    @staticmethod
    def quad(lines: list[str], s: str, p: str, o: str, g: str) -> None:
        lines.append(f"{s} {p} {o} {g} .\n")

    # ------------------------------------------------------------ the in-memory core

    def build_core(self) -> list[tuple[str, list[Triple]]]:
        """Ontology, reference data, real sources (if they fit), pools and structure sources."""
        base = self.base
        reader = RealData()
        graphs: dict[str, list[Triple]] = {}
        graphs[self.g_ontology] = reader.parse(self.project / "ontology" / "kg.ttl", base)
        reference: list[Triple] = []
        for path in sorted((self.project / "data" / "reference").glob("*.ttl")):
            reference.extend(reader.parse(path, base))
        graphs[self.g_reference] = reference
        source_files = sorted((self.project / "data" / "sources").glob("*.ttl"))
        real_source_triples = {p.stem: reader.parse(p, base) for p in source_files}
        for triples in real_source_triples.values():
            ratifications = {s for s, p, o in triples if p == A and o == self.K("Ratification")}
            country = {s: o for s, p, o in triples if p == self.K("country") and s in ratifications}
            for s, p, o in triples:
                if p == self.K("instrument") and s in country:
                    self.ratified.add((country[s], o))
        # auto: the real sources, smallest first, while they (with ~40% more for their
        # derived triples) stay within a third of the target
        included: list[str] = []
        budget = self.target / 3
        for stem in sorted(real_source_triples, key=lambda k: (len(real_source_triples[k]), k)):
            size = len(real_source_triples[stem]) * 1.4
            if self.real_sources == "yes" or (self.real_sources == "auto" and size <= budget):
                included.append(stem)
                budget -= size
        self.included_real = sorted(included)
        for stem in self.included_real:
            graphs[f"<{self.graph}source/{stem}>"] = real_source_triples[stem]
        numbers = [int(p.stem) for p in source_files if p.stem.isdigit()]
        self.source_no = max(numbers, default=-1) + 1
        self.rules = Rules(graphs[self.g_ontology])

        rng = self.rng
        ref = graphs[self.g_reference]
        existing = {s for s, _, _ in ref}
        self.countries = sorted({s for s, p, o in ref if p == A and o == self.K("Country")})
        self.iso = {s: s[len(self.id) + 1 : -1] for s in self.countries}
        self.country_label = {s: plain(o) for s, p, o in ref if p == PREF and s in self.iso}
        self.instruments = sorted({s for s, p, o in ref if p == A and o in (self.K("Convention"), self.K("Protocol"))})
        sdg_targets = sorted({s for s, p, o in ref if p == A and o == SDG_TARGET})
        indicators = sorted({s for s, p, o in ref if p == A and o == I(SDGO + "Indicator")})
        goals = sorted(
            {s for s, p, o in ref if p == A and o == I(SDGO + "Goal")}, key=lambda g: int(g[len(SDG) + 1 : -1])
        )
        themes = sorted({s for s, p, o in ref if p == A and o == self.K("Theme")})
        self.real_items = sorted(
            {
                s
                for s, p, o in ref
                if p == A and o in (self.K("Project"), self.K("Campaign"), self.K("FlagshipProgramme"))
            }
        )
        flagships = sorted({s for s, p, o in ref if p == A and o == self.K("FlagshipProgramme")})
        self.ilo = self.ID("ilo")
        usg = self.ID("usg")
        n = self.target

        # ---- pools, declared in the reference graph
        add = ref.append
        # countries with ISO user-assigned codes XAA..XZZ
        for k in range(min(676, n // 5_000)):
            code = "X" + chr(65 + k // 26) + chr(65 + k % 26)
            c = self.ID(code)
            label = f"{name_from(rng)} ({code}, synthetic)"
            for t in (
                (c, A, self.K("Country")),
                (c, A, CONCEPT),
                (c, IN_SCHEME, self.ID("countries")),
                (c, PREF, en(label)),
                (c, NOTATION, lit(code)),
            ):
                add(t)
            self.countries.append(c)
            self.iso[c] = code
            self.country_label[c] = label
        # SDG targets under the goals the reference data has (UN IRIs, synthetic labels)
        taken = {t[len(SDG) + 1 : -1] for t in sdg_targets}
        all_targets = list(sdg_targets)
        for goal in goals:
            g_no = goal[len(SDG) + 1 : -1]
            for k in range(1, 9):
                code = f"{g_no}.{k}"
                if code in taken:
                    continue
                t = I(SDG + code)
                for tr in (
                    (t, A, SDG_TARGET),
                    (t, A, CONCEPT),
                    (t, IN_SCHEME, I(SDG[:-1])),
                    (t, NOTATION, lit(code)),
                    (t, PREF, en(f"Target {code} (synthetic benchmark label)")),
                    (t, BROADER, goal),
                    (t, IS_TARGET_OF, goal),
                ):
                    add(tr)
                all_targets.append(t)
        self.sdg_concepts = all_targets + indicators + goals
        # themes: the real ones plus sqrt(n)/10 synthetic ones
        self.themes = list(themes)
        theme_set = set(themes)
        self.theme_label = {s: plain(o) for s, p, o in ref if p == PREF and s in theme_set}
        for k in range(int(n**0.5 / 10)):
            word = THEME_WORDS[k % len(THEME_WORDS)]
            label = f"{word.capitalize()} {k // len(THEME_WORDS) + 1}" if k >= len(THEME_WORDS) else word.capitalize()
            t = self.ID(f"theme-{k:04d}")
            for tr in (
                (t, A, self.K("Theme")),
                (t, A, CONCEPT),
                (t, IN_SCHEME, self.ID("themes")),
                (t, PREF, en(label)),
                (t, DEFINITION, en(f"Work on {word} (synthetic theme).")),
            ):
                add(tr)
            self.themes.append(t)
            self.theme_label[t] = label
        # governments, departments, bureaus, offices
        departments = max(2, round(n / 25_000))
        governments = [usg] + [self.ID(f"gov-{k:03d}") for k in range(max(0, departments // 8))]
        for k, gov in enumerate(governments[1:]):
            country = self.countries[-1 - k % max(1, len(self.countries))]
            add((gov, A, self.K("GovernmentOrganization")))
            add((gov, PREF, en(f"Government of {name_from(rng)} (synthetic {k})")))
            add((gov, I(self.kg + "country"), country))
        self.governments = governments
        # Real US departments and units (their unitOf links are stated in the structure source).
        real_units = {
            "usdol": {"ilab": ["ocft", "otla", "oir"]},
            "usdos": {"drl": [], "prm": [], "sca": [], "jtip": []},
            "usaid": {"usaid-e3": []},
        }
        self.departments: list[dict] = []  # {"id", "parent", "bureaus": [(bureau, [offices])]}
        for dept, bureaus in real_units.items():
            self.departments.append(
                {
                    "id": self.ID(dept),
                    "parent": usg,
                    "bureaus": [(self.ID(b), [self.ID(o) for o in offs]) for b, offs in bureaus.items()],
                    "real": True,
                }
            )
        for k in range(departments):
            d = self.ID(f"dept-{k:04d}")
            parent = usg if k % 2 == 0 or len(governments) == 1 else governments[1 + k % (len(governments) - 1)]
            field_name = FIELDS[k % len(FIELDS)]
            add((d, A, self.K("GovernmentOrganization")))
            add((d, PREF, en(f"Department of {field_name} {k} (synthetic)")))
            add((d, ALT, en(f"D{k:04d}")))
            bureaus = []
            for j in range(rng.randint(2, 4)):
                b = self.ID(f"dept-{k:04d}-b{j}")
                add((b, A, self.K("Bureau")))
                add((b, PREF, en(f"Bureau of {rng.choice(BUREAU_WORDS)} of D{k:04d}")))
                add((b, ALT, en(f"B{k:04d}{j}")))
                offices = []
                for m in range(rng.randint(0, 3)):
                    o = self.ID(f"dept-{k:04d}-b{j}-o{m}")
                    add((o, A, self.K("Office")))
                    add((o, PREF, en(f"Office of {rng.choice(OFFICE_WORDS)} of B{k:04d}{j}")))
                    offices.append(o)
                bureaus.append((b, offices))
            self.departments.append({"id": d, "parent": parent, "bureaus": bureaus, "real": False})
        # programmes (projects that other projects are part of) and partners
        self.programmes = list(flagships)
        for k in range(max(3, n // 20_000)):
            p = self.ID(f"programme-{k:04d}")
            add((p, A, self.K("Project")))
            add((p, PREF, en(f"{name_from(rng, 2)} Programme on {rng.choice(THEME_WORDS)} (synthetic {k})")))
            self.programmes.append(p)
            self.real_items.append(p)
        partner_classes = {self.K(c) for c in (*PARTNER_CLASSES, "InternationalOrganization")}
        self.partners = sorted({s for s, p, o in ref if p == A and o in partner_classes} - {self.ilo})
        for k in range(max(5, n // 10_000)):
            p = self.ID(f"partner-{k:05d}")
            cls = PARTNER_CLASSES[k % len(PARTNER_CLASSES)]
            add((p, A, self.K(cls)))
            add((p, PREF, en(f"{name_from(rng)} {cls.replace('Organization', ' organisation')} {k}")))
            self.partners.append(p)
        self.other_funders = [*governments, self.ID("european-union"), self.ID("world-bank")]
        self.other_funders = [f for f in self.other_funders if f in existing or f in governments]

        # ---- structure sources: who is a unit of whom, which theme serves which SDG target
        self.structure_graphs: list[str] = []
        per_source = 40
        for start in range(0, len(self.departments), per_source):
            no = self.next_source(graphs, "structure")
            g = self.source_graph(no)
            triples = graphs[g]
            doc = self.source_doc(no)
            for dept in self.departments[start : start + per_source]:
                d = self.slug(dept["id"])
                self.fact(
                    triples,
                    dept["id"],
                    [(SUB_ORG, dept["parent"])],
                    doc,
                    f"{d} is a department of {self.slug(dept['parent'])}.",
                )
                for b, offices in dept["bureaus"]:
                    self.fact(triples, b, [(UNIT_OF, dept["id"])], doc, f"The bureau {self.slug(b)} sits within {d}.")
                    for o in offices:
                        self.fact(
                            triples, o, [(UNIT_OF, b)], doc, f"The office {self.slug(o)} is part of {self.slug(b)}."
                        )
            if start == 0:
                served = {
                    "forced-labour": [SDG + "8.7"],
                    "child-labour": [SDG + "8.7"],
                    "human-trafficking": [SDG + "8.7"],
                    "occupational-safety-and-health": [SDG + "8.8"],
                    "social-protection": [SDG + "1.3"],
                }
                for theme in self.themes:
                    slug = theme[len(self.id) + 1 : -1]
                    if slug in served:
                        goals_for = [I(t) for t in served[slug]]
                    elif slug.startswith("theme-"):
                        goals_for = [rng.choice(all_targets)]
                    else:
                        continue
                    self.fact(
                        triples,
                        theme,
                        [(self.K("servesTarget"), t) for t in goals_for],
                        doc,
                        f"Work on {slug.replace('-', ' ')} serves SDG target "
                        f"{', '.join(t[len(SDG) + 1 : -1] for t in goals_for)}.",
                    )
            self.structure_graphs.append(g)

        # ---- derived triples of the core
        asserted = {t for triples in graphs.values() for t in triples}
        inferred = sorted(closure(asserted, self.rules, self.kg))
        graphs[self.g_inferred] = inferred
        fundedby = self.K("fundedBy")
        self.core_fundedby = {(s, o) for s, p, o in inferred if p == fundedby}
        # maps the bulk facts use
        union = asserted | set(inferred)
        parents = defaultdict(set)
        for s, p, o in union:
            if p == SUB_ORG:
                parents[s].add(o)
        self.ancestors: dict[str, list[str]] = {}

        def ancestors(org: str) -> list[str]:
            if org not in self.ancestors:
                seen: set[str] = set()
                stack = list(parents.get(org, ()))
                while stack:
                    x = stack.pop()
                    if x not in seen:
                        seen.add(x)
                        stack.extend(parents.get(x, ()))
                self.ancestors[org] = sorted(seen)
            return self.ancestors[org]

        self.ancestors_of = ancestors
        self.serves: dict[str, list[str]] = defaultdict(list)
        broader: dict[str, set[str]] = defaultdict(set)
        for s, p, o in union:
            if p == self.K("servesTarget"):
                self.serves[s].append(o)
            elif p == BROADER:
                broader[s].add(o)
        for v in self.serves.values():
            v.sort()
        self.broader_closure: dict[str, list[str]] = {}
        for concept in self.sdg_concepts:
            seen, stack = set(), list(broader.get(concept, ()))
            while stack:
                x = stack.pop()
                if x not in seen:
                    seen.add(x)
                    stack.extend(broader.get(x, ()))
            self.broader_closure[concept] = sorted(seen)
        order = [self.g_ontology, self.g_reference]
        order += sorted(g for g in graphs if g not in (self.g_ontology, self.g_reference, self.g_inferred))
        return [(g, graphs[g]) for g in order] + [(self.g_inferred, graphs[self.g_inferred])]

    def next_source(self, graphs: dict[str, list[Triple]], kind: str) -> int:
        no = self.source_no
        self.source_no += 1
        graphs[self.source_graph(no)] = []
        graphs[self.g_reference].extend(self.source_doc_triples(no, kind))
        return no

    def source_doc_triples(self, no: int, kind: str) -> list[Triple]:
        doc = self.source_doc(no)
        title = f"Synthetic {kind} report {no:03d}"
        return [
            (doc, A, self.K("SourceDocument")),
            (doc, PREF, en(f"{title} (benchmark data)")),
            (doc, TITLE, en(title)),
            (doc, DESCRIPTION, en(f"Generated by bench/generate.py: {kind} facts for the benchmarks.")),
            (doc, PUBLISHER, self.ilo),
            (doc, ISSUED, year(2000 + no % 25)),
            (doc, IDENTIFIER, lit(f"{no:03d}")),
            (doc, self.K("fileName"), lit(f"synthetic_{no:03d}.txt")),
        ]

    def fact(self, triples: list[Triple], subject: str, props: list[tuple[str, str]], doc: str, quote: str) -> None:
        """A statement with its evidence (in-memory part)."""
        for p, o in props:
            triples.append((subject, p, o))
        ev, sel = self.bnode("e"), self.bnode("s")
        triples += [
            (subject, DERIVED, ev),
            (ev, A, self.K("Evidence")),
            (ev, HAS_SOURCE, doc),
            (ev, HAS_SELECTOR, sel),
            (sel, A, QUOTE_SELECTOR),
            (sel, EXACT, lit(quote)),
        ]

    # ------------------------------------------------------------ streamed bulk facts

    def evidence(self, lines: list[str], subject: str, g: str, doc: str, quote: str) -> None:
        ev, sel = self.bnode("e"), self.bnode("s")
        q = self.quad
        q(lines, subject, DERIVED, ev, g)
        q(lines, ev, A, self.c_evidence, g)
        q(lines, ev, HAS_SOURCE, doc, g)
        q(lines, ev, HAS_SELECTOR, sel, g)
        q(lines, sel, A, QUOTE_SELECTOR, g)
        q(lines, sel, EXACT, lit(quote), g)
        for sup in self.evidence_supers:
            q(lines, ev, A, sup, self.g_inferred)

    def typed(self, lines: list[str], subject: str, cls: str, g: str) -> None:
        self.quad(lines, subject, A, cls, g)
        for sup in self.rules.supers(cls):
            self.quad(lines, subject, A, sup, self.g_inferred)

    def pick_funder(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return rng.choice(self.other_funders)
        dept = rng.choice(self.departments)
        level = rng.random()
        if level < 0.4 or not dept["bureaus"]:
            return dept["id"]
        bureau, offices = rng.choice(dept["bureaus"])
        if level < 0.75 or not offices:
            return bureau
        return rng.choice(offices)

    def source_header(self, no: int) -> list[str]:
        """The source document (reference graph) and the source's one-off facts."""
        lines: list[str] = []
        rng, q = self.rng, self.quad
        g, doc = self.source_graph(no), self.source_doc(no)
        for s, p, o in self.source_doc_triples(no, "cooperation"):
            if p == A:
                self.typed(lines, s, o, self.g_reference)
            else:
                q(lines, s, p, o, self.g_reference)
                if p == PREF:
                    q(lines, s, RDFS_LABEL, o, self.g_inferred)
        # contributions to the ILO
        for k in range(rng.choice((0, 1, 1, 2))):
            funder = rng.choice(self.governments[:1] * 3 + self.governments + [d["id"] for d in self.departments[:3]])
            y = rng.randint(2008, 2024)
            kind = rng.choice(("assessed", "voluntary", "total"))
            c = self.ID(f"contribution-{funder[len(self.id) + 1 : -1]}-{y}-{kind}-{no:03d}-{k}")
            money = self.ID(f"contribution-{funder[len(self.id) + 1 : -1]}-{y}-{kind}-{no:03d}-{k}-amount")
            self.typed(lines, c, self.K("Contribution"), g)
            q(lines, c, FUNDER, funder, g)
            q(lines, c, FUNDED_ITEM, self.ilo, g)
            q(lines, c, self.K("contributionType"), self.ID(kind), g)
            q(lines, c, AMOUNT, money, g)
            q(lines, money, A, MONETARY_AMOUNT, g)
            amount = rng.randint(1, 900) * 100_000
            q(lines, money, VALUE if rng.random() < 0.7 else MIN_VALUE, integer(amount), g)
            q(lines, money, CURRENCY, lit("USD"), g)
            q(lines, c, START, year(y), g)
            q(lines, c, END, year(y), g)
            self.evidence(lines, c, g, doc, f"In {y}, {kind} contributions amounted to US$ {amount / 1e6:.1f} million")
        # a ratification (each country-instrument pair once in the whole file)
        if rng.random() < 0.6:
            country, instrument = rng.choice(self.countries), rng.choice(self.instruments)
            if (country, instrument) not in self.ratified:
                self.ratified.add((country, instrument))
                iso, code = self.iso[country], instrument[len(self.id) + 1 : -1]
                r = self.ID(f"ratification-{iso}-{code}")
                self.typed(lines, r, self.K("Ratification"), g)
                q(lines, r, self.K("country"), country, g)
                q(lines, r, self.K("instrument"), instrument, g)
                y = rng.randint(1995, 2024)
                q(lines, r, START, year(y), g)
                self.evidence(lines, r, g, doc, f"{iso} ratified {code} in {y}.")
        # a ratification count
        if rng.random() < 0.5:
            about = rng.choice(self.instruments)
            code = about[len(self.id) + 1 : -1]
            rc = self.ID(f"ratcount-{code}-{no:03d}")
            self.typed(lines, rc, self.K("RatificationCount"), g)
            q(lines, rc, self.K("instrument"), about, g)
            count = rng.randint(5, 187)
            q(lines, rc, self.K("count"), integer(count), g)
            y = rng.randint(2010, 2024)
            q(lines, rc, self.K("asOf"), year(y), g)
            self.evidence(lines, rc, g, doc, f"By {y}, {count} countries had ratified {code}.")
        return lines

    def initiative(self, no: int, n: int) -> tuple[list[str], tuple[str, str | None]]:
        """One project or campaign with its fundings, figures and derived triples."""
        rng, q = self.rng, self.quad
        g, doc = self.source_graph(no), self.source_doc(no)
        lines: list[str] = []
        campaign = rng.random() < 0.2
        slug = f"{'campaign' if campaign else 'project'}-{n:07d}"
        p = self.ID(slug)
        cls = self.K("Campaign" if campaign else "Project")
        countries = rng.sample(self.countries, 1 if rng.random() < 0.8 else rng.randint(2, 3))
        themes = rng.sample(self.themes, 1 if rng.random() < 0.6 else 2)
        country_names = ", ".join(self.country_label[c] for c in countries)
        theme_name = self.theme_label[themes[0]].lower()
        label = f"{rng.choice(VERBS)} {theme_name} in {country_names} ({slug})"
        self.typed(lines, p, cls, g)
        q(lines, p, PREF, en(label), g)
        q(lines, p, RDFS_LABEL, en(label), self.g_inferred)
        if rng.random() < 0.4:
            acronym = "".join(w[0] for w in label.split()[:4]).upper() + str(n)
            q(lines, p, ALT, en(acronym), g)
        for c in countries:
            q(lines, p, self.c_country, c, g)
        for t in themes:
            q(lines, p, self.c_theme, t, g)
        stated: list[str] = []
        if rng.random() < 0.25:
            stated = [rng.choice(self.sdg_concepts)]
            q(lines, p, self.c_contributes, stated[0], g)
        through_themes = [t for th in themes for t in self.serves.get(th, ())]
        if rng.random() < 0.2:
            q(lines, p, self.K("concernsInstrument"), rng.choice(self.instruments), g)
        if rng.random() < 0.9:
            q(lines, p, self.K("implementedBy"), self.ilo, g)
        if rng.random() < 0.3:
            q(lines, p, self.K("hasPartner"), rng.choice(self.partners), g)
        if not campaign and rng.random() < 0.5:
            q(lines, p, IS_PART_OF, rng.choice(self.programmes), g)
        start = rng.randint(2000, 2024)
        q(lines, p, START, year(start), g)
        end = start + rng.randint(1, 6) if rng.random() < 0.5 else None
        if end is not None:
            q(lines, p, END, year(end), g)
        dates = [start, *([end] if end is not None else [])]  # every date stated about p (rule 50)
        self.evidence(
            lines,
            p,
            g,
            doc,
            f"{label.split(' (')[0]} is an ILO {'campaign' if campaign else 'project'} launched in {start}.",
        )
        if rng.random() < 0.3:
            self.evidence(lines, p, g, doc, f"The work covers {country_names}.")

        # fundings (mostly of this initiative; now and then of a programme or a real project)
        count = (1 + (rng.random() < 0.35) + (rng.random() < 0.1)) if not campaign else int(rng.random() < 0.3)
        funders: list[str] = []
        fundedby_done: set[str] = set()
        for k in range(count):
            funder = self.pick_funder()
            if funder in funders:
                continue
            funders.append(funder)
            item, item_slug = p, slug
            if rng.random() < 0.02:
                item = rng.choice(self.real_items)
                item_slug = item[len(self.id) + 1 : -1]
            f_slug = f"funding-{funder[len(self.id) + 1 : -1]}-{item_slug}-{no:03d}-{n}-{k}"
            f = self.ID(f_slug)
            self.typed(lines, f, self.c_funding, g)
            q(lines, f, FUNDER, funder, g)
            q(lines, f, FUNDED_ITEM, item, g)
            amount = None
            if rng.random() < 0.75:
                money = self.ID(f_slug + "-amount")
                amount = rng.randint(1, 500) * 100_000
                q(lines, f, AMOUNT, money, g)
                q(lines, money, A, MONETARY_AMOUNT, g)
                q(lines, money, VALUE if rng.random() < 0.6 else MIN_VALUE, integer(amount), g)
                q(lines, money, CURRENCY, lit("USD" if rng.random() < 0.9 else "EUR"), g)
            # a funding of a real item stays undated: a date would change which SDG links rule 50 derives for it
            if rng.random() < 0.6 and item == p:
                q(lines, f, START, year(start), g)
            if rng.random() < 0.5 and item == p:
                as_of = start + rng.randint(0, 5)
                dates.append(as_of)
                q(lines, f, self.K("asOf"), year(as_of), g)
            money_text = f" with US$ {amount / 1e6:.1f} million" if amount else ""
            self.evidence(lines, f, g, doc, f"{funder[len(self.id) + 1 : -1]} funds {item_slug}{money_text}.")
            for org in [funder, *self.ancestors_of(funder)]:
                if item == p:
                    if org in fundedby_done:
                        continue
                    fundedby_done.add(org)
                elif (item, org) in self.core_fundedby:
                    continue
                else:
                    self.core_fundedby.add((item, org))
                q(lines, item, self.c_fundedby, org, self.g_inferred)

        # figures
        figures = rng.choice((0, 1, 1, 2, 2, 2, 3, 4))
        for k in range(figures):
            lines += self.figure(no, n, k, p, countries[0], start, dates)
        # 50-theme-sdg: no SDG link through themes for an initiative that ended before 2015, or
        # whose every date is before 2015
        pre_sdg = (end is not None and end < 2015) or max(dates) < 2015
        derived: list[str] = []
        seen = set(stated)
        for concept in [*stated, *([] if pre_sdg else through_themes)]:
            for c in [concept, *self.broader_closure.get(concept, ())]:
                if c not in seen:
                    seen.add(c)
                    derived.append(c)
        for c in derived:
            q(lines, p, self.c_contributes, c, self.g_inferred)
        return lines, (p, countries[0])

    def figure(
        self, no: int, n: int, k: int, about: str, country: str | None, start: int, dates: list[int] | None = None
    ) -> list[str]:
        """A figure about an initiative; dated (kg:asOf) only when ``dates`` collects its initiative's dates."""
        rng, q = self.rng, self.quad
        g, doc = self.source_graph(no), self.source_doc(no)
        lines: list[str] = []
        fig = self.ID(f"figure-{no:03d}-{n}-{k}")
        measure, unit = rng.choice(MEASURES)
        self.typed(lines, fig, self.c_figure, g)
        q(lines, fig, self.K("measure"), lit(measure), g)
        value = rng.randint(1, 100) if unit == "percent" else rng.randint(10, 200_000)
        q(lines, fig, rng.choice((VALUE, VALUE, MIN_VALUE, MAX_VALUE)), integer(value), g)
        q(lines, fig, UNIT_TEXT, lit(unit), g)
        q(lines, fig, self.K("about"), about, g)
        if country is not None and rng.random() < 0.7:
            q(lines, fig, self.c_country, country, g)
        kind = rng.choice(("result", "result", "target", "statistic"))
        q(lines, fig, self.K("figureKind"), self.ID(kind), g)
        when = start + rng.randint(0, 6)
        if rng.random() < 0.7 and dates is not None:
            dates.append(when)
            q(lines, fig, self.K("asOf"), year(when), g)
        self.evidence(lines, fig, g, doc, f"As of {when}, {value:,} {measure} ({kind}).")
        return lines

    # ------------------------------------------------------------ driver

    def write(self, out_path: Path) -> dict:
        core = self.build_core()
        self.c_evidence = self.K("Evidence")
        self.evidence_supers = self.rules.supers(self.c_evidence)
        self.c_funding, self.c_figure = self.K("Funding"), self.K("Figure")
        self.c_country, self.c_theme = self.K("country"), self.K("theme")
        self.c_contributes, self.c_fundedby = self.K("contributesTo"), self.K("fundedBy")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(out_path.name + ".partial")
        core_size = sum(len(t) for _, t in core)
        if core_size > self.target * 1.02:
            raise SystemExit(f"generate: {self.target} triples is too small: the fixed part alone has {core_size}")
        with tmp.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            for g, triples in core:
                self.emit(out, [f"{s} {p} {o} {g} .\n" for s, p, o in triples])
                self.per_graph[g] += len(triples)
            n = 0
            max_bundle = 600
            recent: list[tuple[str, str | None]] = []
            no = None
            while self.target - self.written > max_bundle:
                if no is None or n % 25 == 0:
                    no = self.source_no
                    self.source_no += 1
                    self.emit(out, self.source_header(no))
                lines, made = self.initiative(no, n)
                self.emit(out, lines)
                recent = [*recent[-99:], made]
                n += 1
            # fill up to the target with small facts (figures about recent initiatives)
            k = 0
            while no is not None and self.target - self.written >= 25:
                about, country = recent[k % len(recent)]
                self.emit(out, self.figure(no, n, k, about, country, 2020))
                k += 1
        tmp.replace(out_path)
        return {
            "generator": "bench/generate.py",
            "generator_version": GENERATOR_VERSION,
            "target_triples": self.target,
            "triples": self.written,
            "real_sources_included": self.included_real,
            "source_graphs": self.source_no,
            "base_iri": self.base,
        }


def file_fingerprint() -> str:
    """Changes whenever this generator or the project's data it reads changes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in [ROOT / "ontology" / "kg.ttl", *sorted((ROOT / "data").rglob("*.ttl"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generate(
    triples: int,
    out: Path,
    *,
    seed: int = DEFAULT_SEED,
    base: str = DEFAULT_BASE,
    project: Path = ROOT,
    real_sources: str = "auto",
) -> dict:
    gen = Generator(triples, seed, base, project, real_sources)
    meta = gen.write(out)
    meta.update({"seed": seed, "fingerprint": file_fingerprint()})
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=parse_size, required=True, help="how many quads: 10k, 100k, 1m, 10m or a number")
    ap.add_argument("--out", type=Path, help="N-Quads file to write (default bench/data/<size>.nq)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--base-iri", default=DEFAULT_BASE)
    ap.add_argument(
        "--real-sources",
        choices=["auto", "yes", "no"],
        default="auto",
        help="include data/sources/*.ttl (auto: smallest first, within a third of the size)",
    )
    args = ap.parse_args(argv)
    out = args.out or ROOT / "bench" / "data" / f"{size_label(args.triples)}.nq"
    started = time.perf_counter()
    meta = generate(args.triples, out, seed=args.seed, base=args.base_iri, real_sources=args.real_sources)
    seconds = time.perf_counter() - started
    meta_path = out.with_name(out.name + ".json")
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    off = (meta["triples"] - args.triples) / args.triples * 100
    print(
        f"wrote {meta['triples']:,} quads ({off:+.2f}% of {args.triples:,}) in {meta['source_graphs']} source "
        f"graphs to {out} in {seconds:.1f} s ({meta['triples'] / seconds:,.0f} quads/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
