"""The version of tinyscore, in a module of its own.

Files tinyscore writes record it (trajectory files, study reports), so modules deep in the package
need it; reading it from here rather than from the package (``tinyscore/__init__``, which loads the
public API on first use) keeps the imports running one way. ``tinyscore.__version__`` is this value.
"""
__version__ = "0.1.0"
