"""Content negotiation: which format answers a request, from Accept and the ``format`` parameter.

Chosen before a query runs, so that a request for a format that cannot be
given costs nothing (406, or 400 for an unknown format name).
"""

from __future__ import annotations

from kg.errors import NotAcceptable
from kg.protocol.formats import RDF_FORMATS, RESULT_FORMATS, Format, canonical_format_name


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (stable for equal q)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media_type.startswith(media_range[:-1])
    return media_range == media_type


def negotiate(accept: str | None, offered: list[Format]) -> Format:
    """The first offered format the Accept header takes, by q-value; 406 if none."""
    ranges = parse_accept(accept)
    for media_range, q in ranges:
        if q <= 0:
            continue
        for fmt in offered:
            if _matches(media_range, fmt.media_type) and not any(r == fmt.media_type and rq <= 0 for r, rq in ranges):
                return fmt
    names = ", ".join(f.media_type for f in offered)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced; available: {names}")


#: Extra media types clients send for the same formats.
_EXTRA_TYPES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", "xml"),
    "text/xml": ("xml", "xml"),
    "text/plain": ("tsv", "ntriples"),
    "application/x-turtle": (None, "turtle"),
}


def offered_formats(is_graph: bool) -> list[Format]:
    table = RDF_FORMATS if is_graph else RESULT_FORMATS
    formats = [f for f in table.values() if not f.quads]
    extra: list[Format] = []
    for media_type, (table_name, graph_name) in _EXTRA_TYPES.items():
        name = graph_name if is_graph else table_name
        if name is not None:
            base = table[name]
            extra.append(Format(base.name, media_type, base.extension, base.rdflib_name))
    return formats + extra


def choose_format(is_graph: bool, accept: str | None, format_param: str | None) -> Format:
    """A ``format`` parameter wins over Accept; SPARQLWrapper's ``output``/``results`` also count."""
    table = RDF_FORMATS if is_graph else RESULT_FORMATS
    if format_param:
        name = canonical_format_name(format_param)
        if "/" in name:
            return negotiate(name, offered_formats(is_graph))
        if name in table and not table[name].quads:
            return table[name]
        if not is_graph and name in ("turtle", "ntriples", "jsonld"):
            # SPARQLWrapper sends one format name for every query form
            return RESULT_FORMATS["json"]
        if is_graph and name in ("csv", "tsv"):
            raise NotAcceptable(f"a graph result cannot be given as {name}")
        if is_graph and name == "json":
            return RDF_FORMATS["jsonld"]
        raise NotAcceptable(
            f"unknown format {format_param!r}; use one of {', '.join(n for n, f in table.items() if not f.quads)}"
        )
    return negotiate(accept, offered_formats(is_graph))
