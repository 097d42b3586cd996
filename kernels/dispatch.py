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

``import kernels`` works without Triton installed: the kernel modules only import Triton
through this file, and asking for the "triton" backend then raises a one-line error.
"""

from __future__ import annotations

import os
from typing import Optional

import torch

try:  # Triton is optional: the references need only PyTorch.
    import triton  # noqa: F401
    import triton.language as tl  # noqa: F401

    HAS_TRITON = True
except Exception:  # pragma: no cover - depends on the installation
    from types import SimpleNamespace

    # Stand-ins so that kernel modules can still be imported: ``@triton.jit`` leaves the
    # function as it is and ``tl.constexpr`` annotations resolve to a placeholder.
    triton = SimpleNamespace(jit=lambda fn=None, **kwargs: fn if fn is not None else (lambda f: f))
    tl = SimpleNamespace(constexpr=None)
    HAS_TRITON = False

BACKENDS = ("triton", "reference")
ENV_VAR = "TINYSCORE_KERNELS"


def triton_imported_for_interpreter() -> bool:
    """True when Triton was imported with ``TRITON_INTERPRET=1`` (its helpers are interpretable)."""
    if not HAS_TRITON:
        return False
    return type(tl.sum).__name__ == "InterpretedFunction"


def interpreter_active() -> bool:
    """True when Triton kernels can run on CPU tensors right now."""
    return os.environ.get("TRITON_INTERPRET") == "1" and triton_imported_for_interpreter()


def pick_backend(tensor: torch.Tensor, backend: Optional[str] = None) -> str:
    """Return "triton" or "reference" for a call on ``tensor`` (see the module docstring)."""
    choice = backend if backend is not None else os.environ.get(ENV_VAR, "auto")
    choice = choice.strip().lower()
    if choice == "auto":
        if HAS_TRITON and (tensor.is_cuda or os.environ.get("TRITON_INTERPRET") == "1"):
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
    if not HAS_TRITON:
        raise RuntimeError("kernel backend 'triton' requested but the triton package is not installed")
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
