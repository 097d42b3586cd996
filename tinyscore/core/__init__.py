"""core (docstring to be written)."""
