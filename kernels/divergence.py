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
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch

from .dispatch import cdiv, next_power_of_2, pick_backend, tl, triton


def _finish_cos(dot, aa, bb):
    """Cosine from the three sums, with the zero-direction convention of the module docstring."""
    denom = torch.sqrt(aa * bb)
    cos = torch.where(denom > 0, dot / torch.where(denom > 0, denom, torch.ones_like(denom)), 0.0)
    cos = torch.where((aa == 0) & (bb == 0), 1.0, cos)
    return cos.clamp_(-1.0, 1.0)


def divergence_reference(a, b, y) -> Tuple[torch.Tensor, torch.Tensor]:
    """Plain PyTorch: float32 accumulation (float64 for float64 inputs)."""
    dtype = torch.float64 if torch.float64 in (a.dtype, b.dtype, y.dtype) else torch.float32
    a, b, y = a.to(dtype), b.to(dtype), y.to(dtype)
    da, db = a - y, b - y
    l2 = torch.linalg.vector_norm(a - b, dim=1)
    return l2, _finish_cos((da * db).sum(1), (da * da).sum(1), (db * db).sum(1))


@triton.jit
def _divergence_kernel(a_ptr, b_ptr, y_ptr, l2_ptr, cos_ptr, B, D,
                       stride_a, stride_b, stride_y,
                       ACC_F64: tl.constexpr, BLOCK_B: tl.constexpr, BLOCK_D: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_B + tl.arange(0, BLOCK_B)
    row_ok = rows < B
    acc_t = tl.float64 if ACC_F64 else tl.float32
    s_ab = tl.zeros([BLOCK_B], acc_t)   # sum (a - b)^2
    s_aa = tl.zeros([BLOCK_B], acc_t)   # sum (a - y)^2
    s_bb = tl.zeros([BLOCK_B], acc_t)   # sum (b - y)^2
    s_dd = tl.zeros([BLOCK_B], acc_t)   # sum (a - y)(b - y)
    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        ok = row_ok[:, None] & (cols < D)[None, :]
        a = tl.load(a_ptr + rows[:, None] * stride_a + cols[None, :], mask=ok, other=0.0).to(acc_t)
        b = tl.load(b_ptr + rows[:, None] * stride_b + cols[None, :], mask=ok, other=0.0).to(acc_t)
        y = tl.load(y_ptr + rows[:, None] * stride_y + cols[None, :], mask=ok, other=0.0).to(acc_t)
        da = a - y
        db = b - y
        s_ab += tl.sum((a - b) * (a - b), axis=1)
        s_aa += tl.sum(da * da, axis=1)
        s_bb += tl.sum(db * db, axis=1)
        s_dd += tl.sum(da * db, axis=1)
    # cosine, with cos = 1 if both directions are zero and 0 if exactly one is
    denom = tl.sqrt(s_aa * s_bb)
    cos = tl.where(denom > 0, s_dd / tl.where(denom > 0, denom, 1.0), 0.0)
    cos = tl.where((s_aa == 0) & (s_bb == 0), 1.0, cos)
    cos = tl.minimum(tl.maximum(cos, -1.0), 1.0)
    tl.store(l2_ptr + rows, tl.sqrt(s_ab), mask=row_ok)
    tl.store(cos_ptr + rows, cos, mask=row_ok)


def divergence_triton(a, b, y) -> Tuple[torch.Tensor, torch.Tensor]:
    B, D = a.shape
    f64 = torch.float64 in (a.dtype, b.dtype, y.dtype)
    out_dtype = torch.float64 if f64 else torch.float32
    a, b, y = (t if t.stride(-1) == 1 else t.contiguous() for t in (a, b, y))
    l2 = torch.empty(B, device=a.device, dtype=out_dtype)
    cos = torch.empty(B, device=a.device, dtype=out_dtype)
    block_b = 8
    block_d = min(512, max(16, next_power_of_2(D)))
    _divergence_kernel[(cdiv(B, block_b),)](a, b, y, l2, cos, B, D, a.stride(0), b.stride(0), y.stride(0),
                                           ACC_F64=f64, BLOCK_B=block_b, BLOCK_D=block_d)
    return l2, cos


def divergence(a: torch.Tensor, b: torch.Tensor, y: torch.Tensor,
               backend: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-row L2 distance ||a - b|| and cosine of (a - y, b - y); inputs (B, D), outputs (B,)."""
    if a.dim() != 2 or a.shape != b.shape or a.shape != y.shape:
        raise ValueError(f"a, b, y must share one (B, D) shape, got {tuple(a.shape)}, "
                         f"{tuple(b.shape)}, {tuple(y.shape)}")
    if pick_backend(a, backend) == "triton":
        return divergence_triton(a, b, y)
    return divergence_reference(a, b, y)
