"""Everything that checks, reads and writes files, so the science above it never has to.

``files`` -- atomic writes (a temporary name, then a rename), locks, ``--force`` and the ownership
rules (never replace what the program did not create, never write over an input); ``limits`` and
``malloc`` -- memory checks before large allocations; ``h5safe`` -- reading HDF5 files defensively,
before h5py trusts them; ``store`` -- the trajectory HDF5 format (docs/design.md, section 6);
``runs`` -- run directories and checkpoints, loaded without unpickling; ``mixture_files`` -- the
mixture JSON format and its field checks.

Every reader here validates what it reads before trusting it, and every error is a one-line
:class:`tinyscore.errors.TinyscoreError`. Nothing here imports :mod:`tinyscore.core` at module
level except to build a model from a checked checkpoint.
"""
