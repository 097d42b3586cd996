"""User-facing errors, and the one way a message is made one line.

Anything a user can get wrong (a missing file, a malformed mixture, a bad sigma) raises
:class:`TinyscoreError` with a one-line message naming the problem. The command line prints
that line and exits with status 2; library users catch it like any other exception.

Whatever goes into such a line from outside -- a path the user typed, a value read from their
file, the message of a dependency's exception -- passes through :func:`one_line` (or its two
narrower forms :func:`shown` and :func:`brief`), so that no newline breaks the line and no
control character reaches the terminal.
"""


class TinyscoreError(Exception):
    """A problem with the user's input, reported as one line, never a traceback."""


def shown(text) -> str:
    """A path or a user's text for a one-line message: each character that does not print (a newline,
    a terminal escape) is written as its Python escape (``\\n``, ``\\x1b``); the rest is kept."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


def one_line(text, limit: int | None = 200) -> str:
    """Any text -- an exception, a message of a dependency, a string read from a file -- as one line of
    at most ``limit`` characters (None: no limit): runs of whitespace become one space, the other
    characters that do not print are escaped as in :func:`shown`, and a longer text is cut to end in
    '...'. An exception without a message is named by its type."""
    text_ = " ".join(str(text).split())
    if not text_ and isinstance(text, BaseException):
        text_ = type(text).__name__
    return _cut(shown(text_), limit)


def brief(value, limit: int = 60) -> str:
    """The repr of a value read from a user's file (a field of a JSON file, an HDF5 attribute), for a
    one-line message: escaped as in :func:`shown` and cut to ``limit`` characters."""
    return _cut(shown(repr(value)), limit)
