"""analyses (docstring to be written)."""
