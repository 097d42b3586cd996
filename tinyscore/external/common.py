"""What every kind of model made elsewhere shares: a foreign failure told in one line, and no more.

A model made elsewhere brings code and files tinyscore did not write: a dependency may warn or
print while it reads them, and a user's code may raise anything. These helpers turn each of those
into one :class:`tinyscore.errors.TinyscoreError` line (:func:`raised`, :func:`existing`), keep a
dependency's warnings and prints off an error path (:func:`quiet`), and bound the activations a
network holds by cutting batches (:func:`cut`).
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import warnings
from pathlib import Path

from tinyscore.errors import TinyscoreError, one_line, shown
from tinyscore.storage.paths import expand_path

log = logging.getLogger("tinyscore")

ACTIVATIONS = 256 << 20           # bytes of activations a network may hold at once: batches are cut to fit

#: ``FILE.py`` or ``FILE.py:CALLABLE``: a MODEL that is a user's Python file
PYFILE = re.compile(r"^(?P<file>.+\.py)(?::(?P<name>.*))?$", re.IGNORECASE)


def raised(e: BaseException) -> str:
    """'ValueError: message' for one line."""
    msg = one_line(str(e))
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__


@contextlib.contextmanager
def quiet():
    """While a dependency reads a user's files: its warnings are dropped and what it prints goes to
    stderr, so that stdout stays the command's and a refusal is the one ``error:`` line (torch, for
    one, warns about a pickle protocol other than 2 before it refuses the pickle)."""
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def model_path(spec: str, rest: str) -> Path:
    """The path a MODEL names after its prefix, ``~`` expanded (:func:`tinyscore.storage.paths.expand_path`)."""
    return expand_path(rest, f"MODEL {shown(spec)}: path")


def existing(path: Path, spec: str, what: str) -> os.stat_result:
    """``os.stat(path)``, or one line saying that it does not exist or cannot be read."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise TinyscoreError(f"MODEL {shown(spec)}: {what} {shown(path)} does not exist") from None
    except (OSError, ValueError) as e:
        raise TinyscoreError(f"MODEL {shown(spec)}: {what} {shown(path)} cannot be read "
                             f"({getattr(e, 'strerror', None) or one_line(e)})") from None


def image_shape(dataset, spec: str) -> tuple:
    """The shape (C, H, W) of the dataset's points, refused in one line when they are not images."""
    if len(dataset.shape) != 3:
        raise TinyscoreError(f"MODEL {shown(spec)} is an image model, but {dataset.name} has points of shape "
                             f"{tuple(dataset.shape)}: give --data images (celeba:FILE.h5, a folder, .npy/.npz)")
    return tuple(dataset.shape)


def cut(batch: int, per_item: int) -> int:
    """Items per chunk so that ``per_item`` bytes each stay within ACTIVATIONS (at least one)."""
    return max(1, min(batch, ACTIVATIONS // max(1, per_item)))
