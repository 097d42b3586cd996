"""User-facing errors.

Anything a user can get wrong (a missing file, a malformed mixture, a bad sigma) raises
:class:`TinyscoreError` with a one-line message naming the problem. The command line prints
that line and exits with status 2; library users catch it like any other exception.
"""


class TinyscoreError(Exception):
    """A problem with the user's input, reported as one line, never a traceback."""
