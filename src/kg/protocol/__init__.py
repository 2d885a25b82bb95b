"""The SPARQL protocol's side: checking a client's query, negotiating formats, serialising, running in workers."""
