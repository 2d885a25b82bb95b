"""A connection path (kg.linked_data.connections) as nodes and steps for the diagram and the sentences."""

from __future__ import annotations

from typing import Any

from kg.web.site import Site

BOX_HEIGHT = 40
GAP = 56
WIDTH = 640


def shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 2] + "…"


def path_view(site: Site, start: str, described: dict[str, Any]) -> dict[str, Any]:
    """The nodes from ``start`` along the path, each step with its direction, links and source."""
    node = start
    first = described["hops"][0]
    nodes = [
        {
            "iri": node,
            "label": first["subjectLabel"] if first["subject"] == node else first["objectLabel"],
            "href": site.link(node),
        }
    ]
    steps = []
    for hop in described["hops"]:
        forward = hop["subject"] == node
        node = hop["object"] if forward else hop["subject"]
        label = hop["objectLabel"] if forward else hop["subjectLabel"]
        nodes.append({"iri": node, "label": label, "href": site.link(node)})
        steps.append(
            {
                **hop,
                "forward": forward,
                "subjectHref": site.link(hop["subject"]),
                "objectHref": site.link(hop["object"]),
                "stated": site.graph_source(hop["graph"]),
                "statementHref": site.link(str(hop["statement"])) if hop.get("statement") else None,
            }
        )
    for i, n in enumerate(nodes):
        n["y"] = i * (BOX_HEIGHT + GAP)
        n["short"] = shorten(n["label"], 70)
    for i, s in enumerate(steps):
        s["y1"] = nodes[i]["y"] + BOX_HEIGHT
        s["y2"] = nodes[i + 1]["y"]
        s["short"] = shorten(s["predicateLabel"], 30)
        s["source_short"] = f"source {s['stated']['number']}" if s["stated"]["number"] else s["stated"]["title"]
    return {
        "nodes": nodes,
        "steps": steps,
        "length": described["length"],
        "sentence": described["sentence"],
        "box_h": BOX_HEIGHT,
        "width": WIDTH,
        "height": nodes[-1]["y"] + BOX_HEIGHT + 2,
    }
