"""kg: a sourced knowledge graph of ILO development cooperation, with a SPARQL service."""

__version__ = "0.1.0"
