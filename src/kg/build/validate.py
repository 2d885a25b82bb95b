"""Validation: parse every file, run SHACL over the whole dataset, check every quote and every statement.

The result is a :class:`Report` that the CLI prints and the server refuses to
start without; each problem names what a person needs to fix it (file and line
for syntax; file, subject and predicate for a statement no quote supports;
focus node, path and message for shapes; fact and quote for quotes; the
number for a hedge). Two SPARQL checks (``src/kg/rq/check-*.rq``) prove over
the built dataset that every asserted statement has its evidence and every
derived one its justification; they run on Oxigraph (rdflib takes minutes
for them), and the tests run them against every store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH

from kg.build import graph as kg_graph
from kg.build.evidence import EvidenceProblem
from kg.build.hedges import HedgeProblem, check_hedges
from kg.build.quotes import QuoteProblem, SourceTexts, check_quotes
from kg.config import Settings
from kg.errors import DataError
from kg.terms import OA, prefixes

CHECKS_DIR = Path(__file__).parents[1] / "rq"
#: The SPARQL checks every built dataset (and every store holding it) must answer with no rows.
CHECKS = ("check-unsupported-statements", "check-unjustified-derivations")
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words."""

    focus: str
    path: str
    message: str
    severity: str
    constraint: str
    shape: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.message} [{self.constraint}]"


@dataclass
class Report:
    """What validation found; ``ok`` only if every check passed."""

    errors: list[str] = field(default_factory=list)
    evidence_problems: list[EvidenceProblem] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    quote_problems: list[QuoteProblem] = field(default_factory=list)
    hedge_problems: list[HedgeProblem] = field(default_factory=list)
    check_failures: list[str] = field(default_factory=list)
    quotes_checked: int = 0
    statements: int = 0
    derivations: int = 0
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (
            self.errors
            or self.evidence_problems
            or self.violations
            or self.quote_problems
            or self.hedge_problems
            or self.check_failures
        )

    def lines(self) -> list[str]:
        out = [f"error: {e}" for e in self.errors]
        out += [f"unsupported statement: {p}" for p in self.evidence_problems]
        out += [f"shape violation: {v}" for v in self.violations]
        out += [f"quote problem: {q}" for q in self.quote_problems]
        out += [f"hedge problem: {h}" for h in self.hedge_problems]
        out += [f"check failed: {c}" for c in self.check_failures]
        return out

    def summary(self) -> str:
        status = "valid" if self.ok else "INVALID"
        return (
            f"{status}: {self.triples} triples, {self.statements} statements "
            f"({len(self.evidence_problems)} without evidence), {self.derivations} derivations, "
            f"{len(self.violations)} shape violations, "
            f"{self.quotes_checked} quotes checked, {len(self.quote_problems)} quote problems, "
            f"{len(self.hedge_problems)} hedge problems, {len(self.check_failures)} failed checks, "
            f"{len(self.errors)} errors ({self.seconds:.2f} s)"
        )


def load_shapes(settings: Settings) -> Graph:
    return kg_graph.parse_file(settings.shapes_file, settings)


def _short(node: object, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return str(node)


def shacl_violations(data: Graph, shapes: Graph) -> list[Violation]:
    """Run pyshacl (no inference: the derived graph is already in ``data``)."""
    _conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=False
    )
    assert isinstance(results, Graph)
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        message = results.value(result, SH.resultMessage)
        violations.append(
            Violation(
                focus=_short(results.value(result, SH.focusNode), data),
                path=_short(results.value(result, SH.resultPath), data),
                message=str(message) if message is not None else "constraint not met",
                severity=_short(results.value(result, SH.resultSeverity), data),
                constraint=_short(results.value(result, SH.sourceConstraintComponent), data),
                shape=_short(results.value(result, SH.sourceShape), data),
            )
        )
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message))


def check_query(name: str) -> str:
    return (CHECKS_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run_checks(dataset: Dataset, settings: Settings) -> tuple[list[str], int, int]:
    """The SPARQL checks on an in-memory Oxigraph copy: failures in words, statement and derivation counts."""
    store = pyoxigraph.Store()
    store.bulk_load(kg_graph.to_nquads(dataset), pyoxigraph.RdfFormat.N_QUADS)
    ns = prefixes(settings)
    failures = []
    for name in CHECKS:
        rows = list(store.query(check_query(name), prefixes=ns))  # type: ignore[arg-type]
        for row in rows[:SHOWN_ROWS]:
            cells = " ".join(str(v) for v in row if v is not None)  # type: ignore[union-attr]
            failures.append(f"{name} ({len(rows)} rows): {cells}")
    row = next(iter(store.query(check_query("count-statements"), prefixes=ns)))  # type: ignore[arg-type]
    return failures, int(row[0].value), int(row[1].value)  # type: ignore[index,union-attr]


def validate_dataset(dataset: Dataset, settings: Settings, *, check_sources: bool = True) -> Report:
    """SHACL, quote, hedge and statement checks over an already built dataset."""
    started = time.perf_counter()
    report = Report()
    union = kg_graph.union_graph(dataset)
    report.triples = len(union)
    report.check_failures, report.statements, report.derivations = run_checks(dataset, settings)
    report.hedge_problems = check_hedges(union, settings)
    try:
        report.violations = shacl_violations(union, load_shapes(settings))
    except DataError as exc:
        report.errors.append(str(exc))
    if check_sources:
        try:
            texts = SourceTexts(settings.seeds_dir)
            file_name = URIRef(settings.ontology_ns + "fileName")
            report.quote_problems = check_quotes(union, texts, file_name)
            report.quotes_checked = sum(1 for _ in union.subject_objects(OA.exact))
        except DataError as exc:
            report.errors.append(str(exc))
    report.seconds = time.perf_counter() - started
    return report


def validate(settings: Settings) -> tuple[Report, Dataset | None]:
    """Build and validate; the dataset is returned only when it could be built."""
    started = time.perf_counter()
    try:
        dataset, evidence_problems = kg_graph.build_with_problems(settings)
    except DataError as exc:
        report = Report(errors=[str(exc)])
        report.seconds = time.perf_counter() - started
        return report, None
    report = validate_dataset(dataset, settings)
    report.evidence_problems = evidence_problems
    report.seconds = time.perf_counter() - started
    return report, dataset
