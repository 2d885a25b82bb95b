"""The dataset as linked data: entities, statements and their evidence, facts, connections."""
