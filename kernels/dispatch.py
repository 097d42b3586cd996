"""Choosing between a Triton kernel and its plain PyTorch reference.

Every kernel in this package exists twice: a Triton kernel (fast on a CUDA GPU) and a
reference written with ordinary PyTorch operations (runs anywhere, and is the definition
the kernel is tested against).  ``pick_backend`` decides which one a call uses:

1. an explicit ``backend=`` argument ("triton" or "reference") always wins;
2. otherwise the environment variable ``TINYSCORE_KERNELS`` ("triton", "reference" or
   "auto") decides;
3. "auto" means Triton when the tensor lives on a CUDA device and Triton is importable,
   or when Triton's interpreter is switched on (``TRITON_INTERPRET=1``), which executes
   kernels on CPU tensors with NumPy -- slowly, but faithfully enough to test the kernel
   code on a machine without a GPU.  Everything else gets the reference.

The interpreter has one trap worth knowing: Triton decides at *import* time whether its
own helper functions (``tl.sum``, ``tl.randint``, ...) are compiled or interpreted, so
``TRITON_INTERPRET=1`` must be set before ``triton`` is first imported, and must still be
set while the kernel runs.  ``interpreter_active`` checks both.

Triton is imported lazily. Importing it costs about half a second, which a command that never
runs a kernel (``cli.py --help``, training on CPU) should not pay, so ``import kernels`` does not
import it: ``HAS_TRITON`` only asks whether it is installed (``importlib.util.find_spec``), and
Triton is imported the first time a Triton backend is actually picked -- a CUDA tensor, or
``TRITON_INTERPRET=1`` -- by :func:`load_triton`. The Triton kernels themselves live in their own
modules (``triton_empirical``, ``triton_ssm``, ``triton_divergence``), which import Triton at the
top and which the kernel modules import only on that path.

``import kernels`` works without Triton installed, and asking for the "triton" backend then
raises a one-line error. A Triton that is installed but fails to import counts as not installed
from the first attempt on (``HAS_TRITON`` becomes False and "auto" picks the reference).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Optional

import torch

#: Triton is installed (found on the path); it is imported only when a kernel needs it
HAS_TRITON = importlib.util.find_spec("triton") is not None
BACKENDS = ("triton", "reference")
ENV_VAR = "TINYSCORE_KERNELS"
_triton = None                        # the module, once imported
_import_error: Optional[str] = None   # why importing it failed, if it did


def load_triton():
    """Import Triton (once) and return the module; None when it is missing or fails to import."""
    global HAS_TRITON, _triton, _import_error
    if _triton is None and HAS_TRITON:
        try:
            _triton = importlib.import_module("triton")
        except Exception as e:  # pragma: no cover - depends on the installation
            HAS_TRITON, _import_error = False, f"{type(e).__name__}: {e}"
    return _triton if HAS_TRITON else None


def triton_imported_for_interpreter() -> bool:
    """True when Triton has been imported with ``TRITON_INTERPRET=1`` (its helpers are interpretable).

    Imports nothing: before Triton's first import the answer is False."""
    language = sys.modules.get("triton.language")
    return language is not None and type(language.sum).__name__ == "InterpretedFunction"


def interpreter_active() -> bool:
    """True when Triton kernels can run on CPU tensors right now.

    With ``TRITON_INTERPRET=1`` set this imports Triton if nothing has yet, so that it is imported
    in interpreter mode."""
    if os.environ.get("TRITON_INTERPRET") != "1":
        return False
    load_triton()
    return triton_imported_for_interpreter()


def pick_backend(tensor: torch.Tensor, backend: Optional[str] = None) -> str:
    """Return "triton" or "reference" for a call on ``tensor`` (see the module docstring)."""
    choice = backend if backend is not None else os.environ.get(ENV_VAR, "auto")
    choice = choice.strip().lower()
    if choice == "auto":
        wanted = tensor.is_cuda or os.environ.get("TRITON_INTERPRET") == "1"
        if wanted and HAS_TRITON and load_triton() is not None:
            return "triton"
        return "reference"
    if choice == "reference":
        return "reference"
    if choice == "triton":
        require_triton(tensor)
        return "triton"
    raise ValueError(f"unknown kernel backend {choice!r}; expected 'triton', 'reference' or 'auto'")


def require_triton(tensor: torch.Tensor) -> None:
    """Raise a clear RuntimeError if a Triton kernel cannot run on ``tensor``."""
    if load_triton() is None:
        why = f"failed to import ({_import_error})" if _import_error else "is not installed"
        raise RuntimeError(f"kernel backend 'triton' requested but the triton package {why}")
    if not tensor.is_cuda and not interpreter_active():
        raise RuntimeError(
            "kernel backend 'triton' needs a CUDA tensor, or TRITON_INTERPRET=1 set before triton is "
            "imported (to interpret kernels on CPU)"
        )


def next_power_of_2(n: int) -> int:
    """Smallest power of two >= n (Triton block shapes must be powers of two)."""
    return 1 if n <= 1 else 1 << (int(n) - 1).bit_length()


def cdiv(a: int, b: int) -> int:
    return (a + b - 1) // b
