"""Binding parameter values into a query as a leading VALUES block.

Values come in as RDF terms that the catalog has typed and validated; each is
written in SPARQL syntax by a function that refuses anything that could
leave its term (an IRI with a space, ``>``, quote or brace; literals are
escaped by rdflib). The block opens the query's WHERE group, so the values
are bound before the rest of the group is evaluated: engines use them to
choose indexes. (Oxigraph's own substitution mechanism filters after
evaluating instead: 50 times slower on a million triples.)

Updates cannot take a VALUES block (``DROP GRAPH <g>``, ``MOVE``, ``INSERT
DATA``): their templates (``src/kg/rq/*.rq``) have ``$name`` placeholders,
filled by :func:`fill_update` only, with IRIs checked by the same function.
"""

from __future__ import annotations

import re
from string import Template

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.errors import BadRequest, KgError

SAFE_IRI = re.compile(r"^[^\s<>\"{}|^`\\]+$")
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
#: The string escapes of SPARQL and N-Triples (ECHAR) for the characters that need one.
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: A backslash, then u or U and hex digits: text SPARQL would decode as a code point (SPARQL 1.1, 19.2).
_CODEPOINT_LOOKALIKE = re.compile(r"\\\\([uU][0-9A-Fa-f]*)")


def _as_code_points(match: re.Match[str]) -> str:
    """The escaped backslash, then the u and its hex digits each as a code point escape.

    Every one of them: rdflib reads ``\\uXXXX`` followed by four more hex digits as one
    eight-digit escape, so no hex digit may follow an escape written here.
    """
    return "\\\\" + "".join(f"\\u{ord(c):04X}" for c in match.group(1))


def iri_syntax(iri: str) -> str:
    if not SAFE_IRI.match(iri):
        raise BadRequest(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def literal_syntax(literal: Literal) -> str:
    """A literal as every SPARQL parser reads it back: one-line string, escapes, checked tag or datatype.

    rdflib's ``n3()`` is not enough: it leaves a tab raw (rdflib's own parser
    reads it as spaces) and switches to the long form for a line break, which
    a SPARQL TSV reader refuses. A backslash before ``u`` is written with the
    ``u`` as a code point escape, so no engine mistakes the text for one.
    """
    text = "".join(ESCAPES.get(c, c) for c in str(literal))
    text = _CODEPOINT_LOOKALIKE.sub(_as_code_points, text)
    if literal.language:
        if not LANGUAGE_TAG.match(literal.language):
            raise BadRequest(f"not a valid language tag: {literal.language!r}")
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None:
        return f'"{text}"^^{iri_syntax(str(literal.datatype))}'
    return f'"{text}"'


def term_syntax(term: Identifier) -> str:
    """A term in SPARQL syntax, refusing anything that could break out of it."""
    if isinstance(term, URIRef):
        return iri_syntax(str(term))
    if isinstance(term, Literal):
        return literal_syntax(term)
    raise BadRequest("only IRIs and literals can be bound")


def values_block(bindings: dict[str, Identifier]) -> str:
    names = list(bindings)
    for name in names:
        if not VARIABLE.match(name):
            raise BadRequest(f"bad variable name {name!r}")
    row = " ".join(term_syntax(bindings[n]) for n in names)
    return " VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + row + ") } "


_WHERE = re.compile(r"^(?![ \t]*#).*?\b(?:WHERE|ASK)\s*\{", re.I | re.M)


def bind_values(text: str, bindings: dict[str, Identifier]) -> str:
    """The query with a VALUES block opening its WHERE group, so values are bound before evaluation.

    A trailing VALUES would join after projection, which engines treat
    differently; at the start of the group it acts like a binding everywhere.
    """
    match = _WHERE.search(text)
    if match is None:
        raise BadRequest("cannot bind parameters: the query has no WHERE group")
    # Virtuoso fails to compile a variable bound by two VALUES blocks: a variable
    # the query already lists in a VALUES table is bound with a FILTER instead.
    in_values = {v for group in _VALUES_VARS.findall(text) for v in re.findall(r"\?(\w+)", " ".join(group))}
    by_values = {k: v for k, v in bindings.items() if k not in in_values}
    by_filter = {k: v for k, v in bindings.items() if k in in_values}
    block = values_block(by_values) if by_values else ""
    block += "".join(f" FILTER(?{k} = {term_syntax(v)}) " for k, v in by_filter.items() if VARIABLE.match(k))
    return text[: match.end()] + block + text[match.end() :]


_VALUES_VARS = re.compile(r"VALUES\s*(?:\(([^)]*)\)|(\?\w+))", re.I)


def bind_many(text: str, name: str, terms: list[Identifier]) -> str:
    """The query with ``VALUES ?name { t1 t2 ... }`` opening its WHERE group: one query for many entities.

    The service's own batch lookups (evidence of many statements, labels of
    many entities) use it; the terms go through the same checks as single bindings.
    """
    if not VARIABLE.match(name):
        raise BadRequest(f"bad variable name {name!r}")
    match = _WHERE.search(text)
    if match is None:
        raise BadRequest("cannot bind values: the query has no WHERE group")
    block = f" VALUES ?{name} {{ " + " ".join(term_syntax(t) for t in terms) + " } "
    return text[: match.end()] + block + text[match.end() :]


def fill_update(template: str, *, triples: str | None = None, **iris: str) -> str:
    """An update from its template: each ``$name`` placeholder filled with the IRI ``iris[name]``.

    The one place an IRI is written into the text of an update. Each goes
    through :func:`term_syntax`, so one that could leave its ``<...>`` is
    refused. ``$triples`` takes N-Triples lines, which only the loader
    passes: written by pyoxigraph from terms it parsed, never text from a
    request. Every placeholder must be filled, and nothing else given.
    """
    names = set(Template(template).get_identifiers())
    given = set(iris) | ({"triples"} if triples is not None else set())
    if names != given:
        raise KgError(f"the update template has the placeholders {sorted(names)}, not {sorted(given)}")
    values = {name: term_syntax(URIRef(iri)) for name, iri in iris.items()}
    if triples is not None:
        values["triples"] = triples
    return Template(template).substitute(values)
