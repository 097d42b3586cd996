"""data (docstring to be written)."""
