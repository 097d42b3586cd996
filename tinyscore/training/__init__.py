"""training (docstring to be written)."""
