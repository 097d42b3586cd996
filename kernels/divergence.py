r"""How far apart two denoisers land: L2 distance and cosine of directions, in one read.

The math
--------
Given two outputs a, b in R^D for the same input y (e.g. two models' denoised images, or a
model and the empirical denoiser), per row b:

    l2  = ||a - b||_2
    cos = <a - y, b - y> / (||a - y|| ||b - y||)

the cosine between the two denoising directions d = D(y) - y.  When a direction is the zero
vector the angle is undefined; we define cos = 1 when both directions are exactly zero (the
two denoisers agree perfectly: both leave y alone) and cos = 0 when only one is (no
agreement about where to go).

All four quantities are sums over D of products of the inputs,

    S_ab = sum (a - b)^2,  S_aa = sum (a - y)^2,  S_bb = sum (b - y)^2,  S_ab' = sum (a - y)(b - y),

so one streaming pass suffices.

Why fuse (memory traffic)
-------------------------
Written in PyTorch the same computation makes three difference tensors (a - b, a - y, b - y),
three or four products and four reductions: each intermediate is a B x D tensor written and
read back, so about ten B x D trips through memory for four numbers per row.  The kernel
reads a, b and y once, keeps the four running sums in registers (float32, or float64 for
float64 inputs) and writes 2 B numbers: the minimum traffic, 3 B x D reads.

Names: the function is ``l2_cosine`` (``kernels.l2_cosine``), so that ``kernels.divergence`` is
this module and nothing else; the kernel itself is in ``kernels/triton_divergence.py``.
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch

from .dispatch import pick_backend


def _finish_cos(dot, aa, bb):
    """Cosine from the three sums, with the zero-direction convention of the module docstring."""
    denom = torch.sqrt(aa * bb)
    cos = torch.where(denom > 0, dot / torch.where(denom > 0, denom, torch.ones_like(denom)), 0.0)
    cos = torch.where((aa == 0) & (bb == 0), 1.0, cos)
    return cos.clamp_(-1.0, 1.0)


def l2_cosine_reference(a, b, y) -> Tuple[torch.Tensor, torch.Tensor]:
    """Plain PyTorch: float32 accumulation (float64 for float64 inputs)."""
    dtype = torch.float64 if torch.float64 in (a.dtype, b.dtype, y.dtype) else torch.float32
    a, b, y = a.to(dtype), b.to(dtype), y.to(dtype)
    da, db = a - y, b - y
    l2 = torch.linalg.vector_norm(a - b, dim=1)
    return l2, _finish_cos((da * db).sum(1), (da * da).sum(1), (db * db).sum(1))


def l2_cosine_triton(a, b, y) -> Tuple[torch.Tensor, torch.Tensor]:
    """The Triton kernel (``kernels.triton_divergence``, imported here: only this path needs Triton)."""
    from . import triton_divergence
    return triton_divergence.l2_cosine(a, b, y)


def l2_cosine(a: torch.Tensor, b: torch.Tensor, y: torch.Tensor,
              backend: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-row L2 distance ||a - b|| and cosine of (a - y, b - y); inputs (B, D), outputs (B,)."""
    if a.dim() != 2 or a.shape != b.shape or a.shape != y.shape:
        raise ValueError(f"a, b, y must share one (B, D) shape, got {tuple(a.shape)}, "
                         f"{tuple(b.shape)}, {tuple(y.shape)}")
    if pick_backend(a, backend) == "triton":
        return l2_cosine_triton(a, b, y)
    return l2_cosine_reference(a, b, y)
