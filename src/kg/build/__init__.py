"""Building the dataset: the graph from the files, its evidence, the rules' derivations, hedges, quotes, validation."""
