"""Fused kernels for tinyscore, each beside its plain PyTorch reference.

Public API (``backend`` is "triton", "reference" or None for automatic, see ``dispatch``):

* ``empirical_denoise(y, x, sigma, log_weights=None, backend=None, chunk=None) -> (denoised, lse)``
  (the plain formula is ``empirical_denoise_reference``; the fast PyTorch path ``empirical_denoise_torch_fast``)
* ``projection_vectors(shape_BD, seed, index, kind, device, dtype) -> v``,
  ``project(x, seed, index, kind, backend) -> p``, ``expand(grad_p, seed, index, kind, D, backend) -> g``
* ``l2_cosine(a, b, y, backend=None) -> (l2, cos)`` (in ``kernels.divergence``; named apart from its
  module, so that ``kernels.divergence`` is the module)

This package imports nothing from ``tinyscore`` and works without Triton installed; ``import
kernels`` does not import Triton either (``kernels.dispatch``): the Triton kernels live in the
``triton_*`` modules, imported when a call first picks the Triton backend.
"""

from . import dispatch
from .dispatch import interpreter_active, pick_backend
from .empirical import (
    empirical_denoise,
    empirical_denoise_cdist,
    empirical_denoise_reference,
    empirical_denoise_torch_fast,
)
from .ssm import expand, project, projection_vectors
from .divergence import l2_cosine

__all__ = [
    "HAS_TRITON",
    "interpreter_active",
    "pick_backend",
    "empirical_denoise",
    "empirical_denoise_cdist",
    "empirical_denoise_reference",
    "empirical_denoise_torch_fast",
    "projection_vectors",
    "project",
    "expand",
    "l2_cosine",
]


def __getattr__(name):
    # HAS_TRITON is read from dispatch each time, not copied at import: a Triton whose first import
    # fails later turns it False there, and this name must follow
    if name == "HAS_TRITON":
        return dispatch.HAS_TRITON
    raise AttributeError(f"module 'kernels' has no attribute {name!r}")
