"""Paths a user types, expanded one way: ``~`` becomes a home folder, or one line says why it cannot.

``~`` alone or before a ``/`` is the current user's home folder: ``$HOME`` when it is set and not
empty, otherwise the home folder of the current user's entry in the password database. ``~NAME``
is the home folder of user NAME. Where no home folder can be found (a container or a batch job
whose user id has no entry and no ``HOME``), the path is refused in one
:class:`tinyscore.errors.TinyscoreError` line that names it, rather than guessed (Python's own
``Path.expanduser`` raises a ``RuntimeError`` there, and ``os.path.expanduser`` leaves the ``~`` in
place, to be read as a folder named ``~``). Every ``~`` tinyscore expands goes through
:func:`expand_path`.
"""
from __future__ import annotations

import os
from pathlib import Path

from tinyscore.errors import TinyscoreError, shown


def expand_path(path, what: str = "path") -> Path:
    """``path`` as a :class:`~pathlib.Path`, a leading ``~`` or ``~NAME`` replaced by that home folder.

    ``what`` names the path in the message of a refusal, e.g. ``--data`` or ``MODEL kadkhodaie:~/m.pt``."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text.startswith("~"):
        return Path(text)
    end = text.find("/")
    end = len(text) if end < 0 else end
    home = _home(text[1:end], text, what).rstrip("/")
    return Path((home + text[end:]) or "/")


def _home(user: str, text: str, what: str) -> str:
    """The home folder of ``user`` ('' for the current user), or one line naming ``text``."""
    try:
        import pwd
    except ImportError:                         # no password database on this system
        pwd = None
    if not user:
        home = os.environ.get("HOME")
        if home:
            return home
        entry = _entry(pwd and (lambda: pwd.getpwuid(os.getuid())))
        if entry:
            return entry
        uid = os.getuid() if hasattr(os, "getuid") else "?"
        raise TinyscoreError(f"{what} {shown(text)}: '~' cannot be expanded: HOME is not set and user id {uid} has "
                             "no home folder in the password database; write the path without '~'")
    entry = _entry(pwd and (lambda: pwd.getpwnam(user)))
    if entry:
        return entry
    raise TinyscoreError(f"{what} {shown(text)}: '~{shown(user)}' cannot be expanded: there is no user "
                         f"{shown(user)!r} with a home folder in the password database")


def _entry(lookup) -> str:
    """The home folder of a password-database look-up, '' when there is no entry (or no database)."""
    if lookup is None:
        return ""
    try:
        return lookup().pw_dir or ""
    except (KeyError, OSError, ValueError):     # no entry; the database unreadable; a name with a NUL
        return ""
