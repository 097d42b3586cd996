"""Writing files atomically: never leave a half-written file under the real name.

Every output of tinyscore (trajectory files, prepared images, checkpoints, JSON, figures) is
written to a temporary name in the destination folder and renamed into place only when complete.
``os.replace`` within one folder is atomic, so a reader sees either the old file or the new one,
and a crash or an error leaves at most a hidden ``.NAME.XXXX.tmp`` that is removed on the way out.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import TinyscoreError


@contextlib.contextmanager
def atomic_path(path, make_parents: bool = False):
    """Yield a temporary path beside ``path``; rename it to ``path`` only if the block succeeds."""
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise TinyscoreError(f"folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0o22)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)                 # mkstemp makes it private; give it the usual mode
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text(path, text: str, make_parents: bool = False) -> None:
    """Write a text file atomically."""
    with atomic_path(path, make_parents) as tmp:
        tmp.write_text(text)
