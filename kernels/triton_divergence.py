"""The Triton kernel of ``kernels.divergence``: L2 distance and cosine of two outputs in one read.

See ``kernels/divergence.py`` for the math and for the reference this kernel must reproduce. This
module imports Triton; ``kernels.divergence`` imports it only when a Triton backend is picked
(``kernels.dispatch``), so that ``import kernels`` stays free of Triton's start-up cost.
"""

from __future__ import annotations

from typing import Tuple

import torch
import triton
import triton.language as tl

from .dispatch import cdiv, next_power_of_2


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


def l2_cosine(a, b, y) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-row (l2, cos) of (B, D) inputs, by the kernel (float32 sums, float64 for float64 inputs)."""
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
