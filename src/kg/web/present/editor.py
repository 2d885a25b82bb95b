"""SPARQL text for the editor: a canned query with its prefixes and bound parameters, a class listing."""

from __future__ import annotations

import re
import textwrap

from rdflib import URIRef
from rdflib.term import Identifier

from kg.catalog import CannedQuery, bind_parameters
from kg.errors import KgError
from kg.rq import internal_query
from kg.store.binding import term_syntax
from kg.terms import short_name


def editor_text(query: CannedQuery, prefixes: dict[str, str]) -> str:
    """The query as the SPARQL editor should get it: PREFIX lines it needs, parameters bound by VALUES.

    The service predefines its prefixes, but an editor checks syntax on its
    own, so the text declares the ones it uses. Required parameters take their
    example and others their default, bound by a VALUES block at the top of
    the WHERE clause (so FILTERs and BINDs see them, as with the API's
    bindings); optional ones are left there as comments.
    """
    lines = query.text.rstrip().splitlines()
    head = 0
    while head < len(lines) and (lines[head].startswith("#") or not lines[head].strip()):
        head += 1
    body = "\n".join(lines[head:])
    about = [f"# {query.title}", *("# " + line for line in textwrap.wrap(query.description, 88))]
    used = {p for p in prefixes if re.search(rf"(?<![\w:<#]){re.escape(p)}:", body)}
    given = {p.name: p.example for p in query.params if p.required and p.example and not p.default}
    complete = all(p.example or p.default for p in query.params if p.required)
    bound = bind_parameters(query, given, prefixes) if complete else {}
    values = [f"VALUES ?{name} {{ {sparql_term(term, prefixes, used)} }}" for name, term in bound.items()]
    hints = []
    for p in query.params:
        if p.name not in bound and p.example and complete:
            try:
                example = bind_parameters(query, {**given, p.name: p.example}, prefixes)[p.name]
            except KgError:
                continue
            hints.append(f"# VALUES ?{p.name} {{ {sparql_term(example, prefixes, used)} }}  # optional")
    declarations = [f"PREFIX {p}: <{prefixes[p]}>" for p in sorted(used)]
    where = re.search(r"\bWHERE\s*\{[^\n]*\n?", body, flags=re.IGNORECASE)
    if (values or hints) and where:
        block = "".join(f"  {line}\n" for line in ["# Parameters, bound as the API binds them:", *values, *hints])
        body = body[: where.end()] + ("" if body[where.end() - 1] == "\n" else "\n") + block + body[where.end() :]
    parts = ["\n".join(about), "\n".join(declarations), body]
    return "\n\n".join(part for part in parts if part) + "\n"


def sparql_term(term: Identifier, prefixes: dict[str, str], used: set[str]) -> str:
    """A term in SPARQL syntax, as a prefixed name where one reads well (adding its prefix to ``used``)."""
    if isinstance(term, URIRef):
        name = short_name(str(term), prefixes)
        if name == str(term):
            return term_syntax(term)  # checked: an IRI that could leave its brackets is refused
        if ":" not in name:
            name = "id:" + name
        used.add(name.split(":", 1)[0])
        return name
    return term_syntax(term)


def class_listing(class_iri: str, prefixes: dict[str, str]) -> str:
    """The editor's query for every entity of a class (kg.rq ``class-listing``, the class written in)."""
    used: set[str] = set()
    term = sparql_term(URIRef(class_iri), prefixes, used)
    name = short_name(class_iri, prefixes)
    text = internal_query("class-listing").replace("$CLASS_NAME", name).replace("$CLASS", term)
    return text.rstrip()
