r"""Your own code as a model: ``python:MODULE:CALLABLE`` or ``FILE.py:CALLABLE``, called behind checks.

This *runs your code* with your permissions: name only code you trust.

The protocol
------------
CALLABLE (a function or class; dotted names such as ``Factory.build`` are followed) is called with
no arguments, or with ``device=`` (a ``torch.device``) when it takes a parameter of that name, and
returns an object with

``denoise(y, sigma) -> tensor``
    the denoised image D(y, sigma) ~ E[x | y] for y = x + sigma z, z ~ N(0, I). ``y`` is a float32
    torch tensor (B, *shape) on the device; ``sigma`` is a (B,) float32 tensor on the same device
    (tinyscore always passes a tensor). The output must be a torch tensor of y's shape, dtype
    and device, and finite.
``score(y, sigma) -> tensor`` (optional)
    the score s(y, sigma); without it tinyscore uses Tweedie's formula s = (D(y, sigma) - y) / sigma^2.
``shape`` (optional)
    the shape of one point, e.g. ``(2,)`` or ``(1, 40, 40)``; when given it must be the dataset's.

Points are in the units of the dataset: mixture coordinates, or grayscale images (1, H, W) in
[0, 1] whose noise sigma is in the same units. Anything else (an exception, a wrong shape, dtype
or device, a NaN) is refused with one line naming the method, e.g.
``python:mymodel:make: denoise(y, sigma) raised ValueError: ...``.

What your code cannot do to the command
---------------------------------------
Every call into your code (the import, CALLABLE, ``denoise``, ``score``) runs inside
:func:`user_code_runs`, so that the command runs once and its exit status tells the truth:

* ``sys.exit`` (``exit()``, ``raise SystemExit``) is refused in one line, ``... called sys.exit(0)``;
* ``os._exit`` called from Python in the command's process is refused the same way (while your
  code runs, ``os._exit`` raises instead of ending the process; in any other process it exits);
* a **fork** (``os.fork``, multiprocessing's fork start method) leaves the command in the parent
  only: a child that comes back into tinyscore ends there at once, with ``os._exit(2)`` (no
  buffer it shares with the parent is flushed twice, nothing is written). A child that never
  comes back (a worker that ends itself, an ``exec``) is untouched.

Not guarded: an exit from native code (``ctypes``, an extension calling ``exit()``), a signal your
code sends (it ends the command with that signal's status, never with success), and threads your
code leaves running.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import itertools
import os
import re
import sys
from pathlib import Path

import numpy as np
import torch

from tinyscore.core.models import as_sigma, bcast_sigma
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.external.common import PYFILE, raised
from tinyscore.storage.files import file_sha256
from tinyscore.storage.paths import expand_path
from tinyscore.storage.runs import regular_file

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_REAL_EXIT = os._exit               # bound when this module is imported, before any user code runs
#: the exit status of a child of a fork in user code, ended as it comes back into tinyscore
CHILD_STATUS = 2


class UserExit(BaseException):
    """``os._exit(status)`` called by user code in the command's process (refused in one line)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


@contextlib.contextmanager
def user_code_runs():
    """Around a call into user code: ``os._exit`` in this process raises :class:`UserExit`, and a
    child of a fork made inside ends at once with ``os._exit(CHILD_STATUS)`` when it comes back."""
    pid = os.getpid()
    modules = [m for m in (os, sys.modules.get("posix")) if m is not None and hasattr(m, "_exit")]
    before = [m._exit for m in modules]

    def refuse(status=0):
        if os.getpid() != pid:          # in a child of the user's fork: exit as asked
            _REAL_EXIT(status)
        raise UserExit(status)

    for m in modules:
        m._exit = refuse
    try:
        yield
    finally:
        if os.getpid() != pid:          # the child of a fork, back in tinyscore: the command is the parent's
            _REAL_EXIT(CHILD_STATUS)
        for m, f in zip(modules, before):
            m._exit = f


def failure(e: BaseException) -> str:
    """How user code failed, for one line: 'called sys.exit(0)', 'called os._exit(0)', 'raised E: ...'."""
    if isinstance(e, SystemExit):
        return f"called sys.exit({'' if e.code is None else brief(e.code)})"
    if isinstance(e, UserExit):
        return f"called os._exit({brief(e.status)})"
    return f"raised {raised(e)}"


class UserModel:
    """A user's model behind checks: every output must be a finite tensor of y's shape, dtype and device."""

    variant = "python"

    def __init__(self, obj, label: str, shape=None):
        self.obj, self.label, self.shape = obj, label, shape
        self.has_score = callable(getattr(obj, "score", None))

    def parameters(self):
        params = getattr(self.obj, "parameters", None)
        if callable(params):
            with contextlib.suppress(Exception, SystemExit, UserExit), user_code_runs():
                return iter(list(params()))
        return iter(())

    def eval(self):
        return self

    def _call(self, method: str, y: torch.Tensor, sigma):
        s = as_sigma(sigma, y)
        what = f"{self.label}: {method}(y, sigma)"
        try:
            with user_code_runs():
                out = getattr(self.obj, method)(y, s)
        except (KeyboardInterrupt, MemoryError):
            raise
        except BaseException as e:
            raise TinyscoreError(f"{what} {failure(e)}") from None
        if not isinstance(out, torch.Tensor):
            raise TinyscoreError(f"{what} returned {type(out).__name__}, not a torch tensor")
        if tuple(out.shape) != tuple(y.shape):
            raise TinyscoreError(f"{what} returned shape {tuple(out.shape)} for y of shape {tuple(y.shape)}")
        if out.dtype != y.dtype:
            raise TinyscoreError(f"{what} returned dtype {str(out.dtype).replace('torch.', '')}, not "
                                 f"{str(y.dtype).replace('torch.', '')} (the dtype of y)")
        if out.device != y.device:
            raise TinyscoreError(f"{what} returned a tensor on {out.device}, but y is on {y.device}")
        finite = torch.isfinite(out).reshape(out.shape[0], -1).all(dim=1)
        if not bool(finite.all()):
            i = int((~finite).nonzero()[0, 0])
            raise TinyscoreError(f"{what} returned NaN or infinite values (at sigma = {float(s[i]):.4g})")
        return out

    def denoise(self, y, sigma):
        """The user's D(y, sigma), checked."""
        return self._call("denoise", y, sigma)

    def score(self, y, sigma):
        """The user's s(y, sigma), checked; without one, (D(y, sigma) - y) / sigma^2 (Tweedie)."""
        if self.has_score:
            return self._call("score", y, sigma)
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


# ------------------------------------------------------------------------ importing the code
@contextlib.contextmanager
def _importing(extra_path=None):
    """While user code is imported: no __pycache__ written into the user's folders, and the current
    folder (or ``extra_path``) on sys.path."""
    before, added = sys.dont_write_bytecode, None
    sys.dont_write_bytecode = True
    entry = str(extra_path if extra_path is not None else os.getcwd())
    if entry not in sys.path:
        sys.path.insert(0, entry)
        added = entry
    try:
        yield
    finally:
        sys.dont_write_bytecode = before
        if added is not None:
            with contextlib.suppress(ValueError):
                sys.path.remove(added)


_COUNTER = itertools.count()


def _import_file(path: Path, spec: str):
    regular_file(path, f"MODEL {shown(spec)}: file")
    name = f"tinyscore_user_{re.sub(r'[^A-Za-z0-9_]', '_', path.stem)}_{next(_COUNTER)}"
    mspec = importlib.util.spec_from_file_location(name, path)
    if mspec is None or mspec.loader is None:
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(path)} cannot be imported as Python")
    module = importlib.util.module_from_spec(mspec)
    sys.modules[name] = module
    try:
        with _importing(path.resolve().parent), user_code_runs():
            mspec.loader.exec_module(module)
    except (KeyboardInterrupt, MemoryError):
        sys.modules.pop(name, None)
        raise
    except BaseException as e:      # SystemExit from a script's guard is refused like any other failure
        sys.modules.pop(name, None)
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(path)} {failure(e)}") from None
    return module


def _import_module(module: str, spec: str):
    if not _DOTTED.match(module):
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(module)!r} is not a module name (write python:MODULE:CALLABLE)")
    try:
        with _importing(), user_code_runs():
            return importlib.import_module(module)
    except (KeyboardInterrupt, MemoryError):
        raise
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            raise TinyscoreError(f"MODEL {shown(spec)}: no module named {shown(e.name)!r} (it must be importable: "
                                 "installed, on PYTHONPATH, or a .py file in the current folder)") from None
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(module)} raised {raised(e)}") from None
    except BaseException as e:
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(module)} {failure(e)}") from None


def _parse_python(spec: str, rest: str):
    """(module file or None, module name or None, callable name) of a python: or FILE.py: spec."""
    m = PYFILE.match(rest)
    if m and not spec.startswith("python:"):
        name = m["name"]
        if not name:
            raise TinyscoreError(f"MODEL {shown(spec)} names no callable: write FILE.py:CALLABLE")
        return expand_path(m["file"], f"MODEL {shown(spec)}: file"), None, name
    parts = rest.rsplit(":", 1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise TinyscoreError(f"MODEL {shown(spec)}: write python:MODULE:CALLABLE (or FILE.py:CALLABLE)")
    if parts[0].lower().endswith(".py"):
        return expand_path(parts[0], f"MODEL {shown(spec)}: file"), None, parts[1]
    return None, parts[0], parts[1]


def _check_point_shape(shape, where: str):
    if shape is None:
        return None
    try:
        dims = tuple(shape)
    except TypeError:
        raise TinyscoreError(f"{where}: its shape {brief(shape)} is not a tuple of sizes") from None
    if not dims or not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 1 for d in dims):
        raise TinyscoreError(f"{where}: its shape {brief(shape)} is not a tuple of positive integers")
    return tuple(int(d) for d in dims)


def _sha_or_empty(path: Path) -> str:
    try:
        return file_sha256(path) if path.is_file() else ""
    except OSError:
        return ""


# ----------------------------------------------------------------------------- the opener
def _find_callable(spec: str, rest: str):
    """(CALLABLE, its name, label, SHA-256 of its file) of a spec, its module imported."""
    file, module_name, attr = _parse_python(spec, rest)
    if not _DOTTED.match(attr):
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(attr)!r} is not a Python name")
    if file is not None:
        module = _import_file(file, spec)
        sha, label = _sha_or_empty(file), f"{file.name}:{attr}"
    else:
        module = _import_module(module_name, spec)
        src = getattr(module, "__file__", None)
        sha = _sha_or_empty(Path(src)) if isinstance(src, str) else ""
        label = f"python:{module_name}:{attr}"
    target = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise TinyscoreError(f"MODEL {shown(spec)}: {shown(label.rsplit(':', 1)[0])} has no attribute {attr!r}")
        target = getattr(target, part)
    if not callable(target):
        raise TinyscoreError(f"MODEL {shown(spec)}: {attr} is {type(target).__name__}, not a callable that returns "
                             "a model")
    return target, attr, label, sha


def _build(target, attr: str, label: str, spec: str, device) -> UserModel:
    """Call CALLABLE (with ``device=`` when it takes one) and check what it returns."""
    kwargs = {}
    with contextlib.suppress(TypeError, ValueError):
        if "device" in inspect.signature(target).parameters:
            kwargs["device"] = device
    try:
        with user_code_runs():
            obj = target(**kwargs)
    except (KeyboardInterrupt, MemoryError):
        raise
    except BaseException as e:
        raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() {failure(e)}") from None
    if not callable(getattr(obj, "denoise", None)):
        raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() returned {type(obj).__name__}, which has no "
                             "denoise(y, sigma) method")
    if getattr(obj, "score", None) is not None and not callable(obj.score):
        raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() returned an object whose score is not a method")
    shape = _check_point_shape(getattr(obj, "shape", None), f"MODEL {shown(spec)}")
    return UserModel(obj, shown(label), shape)


def open_python(spec: str, rest: str, device):
    """(model, info) of ``python:MODULE:CALLABLE`` or ``FILE.py:CALLABLE``: the code imported now;
    CALLABLE called now when ``device`` is given, else once by ``info["fit"]``, which checks its shape
    against the dataset's."""
    target, attr, label, sha = _find_callable(spec, rest)

    def fit(dataset, dev):
        model = _build(target, attr, label, spec, dev)
        if model.shape is not None and model.shape != tuple(dataset.shape):
            raise TinyscoreError(f"MODEL {shown(spec)}: its shape {model.shape} is not the shape "
                                 f"{tuple(dataset.shape)} of the points of {dataset.name} (--data)")
        model.shape = tuple(dataset.shape)
        return model

    model = _build(target, attr, label, spec, device) if device is not None else None
    return model, {"fit": fit, "sha256": sha, "checkpoint_sha256": "",
                   "attrs": {"model_callable": shown(label)}}
