"""Quote checking: every evidence quote must occur verbatim in its source text.

"Verbatim" is defined by ../shared/seeds/README.md: both the quote and the
source are normalised the same way (markdown links to their text, backslash
escapes before punctuation dropped, bold marks dropped, white space runs to
one space) and the quote must then be a substring of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from kg.errors import DataError
from kg.terms import OA

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BOLD = re.compile(r"\*\*|</?b>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Normalise text as the seeds README defines, for substring comparison."""
    text = _LINK.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _BOLD.sub("", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class QuoteProblem:
    """A quote that could not be confirmed, and why."""

    fact: str
    source: str
    quote: str
    reason: str

    def __str__(self) -> str:
        return f'{self.fact}: {self.reason} (source {self.source}): "{self.quote[:120]}"'


class SourceTexts:
    """The normalised plain texts of the source documents, read once."""

    def __init__(self, seeds_dir: Path) -> None:
        if not seeds_dir.is_dir():
            raise DataError(
                f"The source documents folder {seeds_dir} is missing: quotes cannot be "
                "checked. Put ../shared/seeds beside the project or set KG_SEEDS_DIR."
            )
        self.seeds_dir = seeds_dir
        self._texts: dict[str, str] = {}

    def text(self, file_name: str) -> str:
        if file_name not in self._texts:
            path = self.seeds_dir / file_name
            if not path.is_file():
                raise DataError(f"Source text {path} is missing.")
            self._texts[file_name] = normalise(path.read_text(encoding="utf-8"))
        return self._texts[file_name]


def check_quotes(graph: Graph, texts: SourceTexts, file_name_predicate: URIRef) -> list[QuoteProblem]:
    """Every oa:exact reachable from a kg:Evidence, checked against its source's text.

    ``graph`` is the union of all graphs (the sources' descriptions live in the
    reference graph, the evidence in the source graphs). A source document is
    checked against its plain-text copy (``kg:fileName``); an SDG target quoted
    for its official wording, against its ``skos:definition`` (the UN text).
    """
    problems: list[QuoteProblem] = []
    seen: set[object] = set()
    for fact, evidence in graph.subject_objects(PROV.wasDerivedFrom):
        if evidence in seen or (fact, RDF.type, RDF.Statement) in graph:
            continue  # statement nodes point at the same quotes as their facts (or at a reference list)
        seen.add(evidence)
        source = graph.value(evidence, OA.hasSource)
        selectors = list(graph.objects(evidence, OA.hasSelector))
        if source is None or not selectors:
            problems.append(QuoteProblem(str(fact), str(source), "", "evidence without oa:hasSource or oa:hasSelector"))
            continue
        file_name = graph.value(source, file_name_predicate)
        definition = graph.value(source, SKOS.definition)
        for selector in selectors:
            for exact in graph.objects(selector, OA.exact):
                quote = str(exact)
                if file_name is not None:
                    text = texts.text(str(file_name))
                elif definition is not None:
                    text = normalise(str(definition))
                else:
                    problems.append(
                        QuoteProblem(str(fact), str(source), quote, "source has no kg:fileName (nor a skos:definition)")
                    )
                    continue
                if len(normalise(quote)) < 12:
                    problems.append(QuoteProblem(str(fact), str(source), quote, "quote too short to prove anything"))
                elif normalise(quote) not in text:
                    problems.append(QuoteProblem(str(fact), str(source), quote, "quote not found in source text"))
    return problems
