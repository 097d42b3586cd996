"""The Triton kernels of ``kernels.ssm``: seeded projections generated in the pass that uses them.

See ``kernels/ssm.py`` for the generator (Philox4x32-10 as ``tl.randint4x`` computes it), the map
from words to directions, and the plain PyTorch reference these kernels must reproduce bit for bit
(rademacher) or to ~1e-6 (gaussian). Direction v[b, d] of projection ``index`` is drawn from the
offset index * B * D + b * D + d, so no direction is ever stored. This module imports Triton;
``kernels.ssm`` imports it only when a Triton backend is picked (``kernels.dispatch``).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from .dispatch import cdiv, next_power_of_2


@triton.jit
def _directions(seed, offs, GAUSSIAN: tl.constexpr):
    # the same arithmetic as projection_vectors: Philox words from (seed, offset)
    if GAUSSIAN:
        v = tl.randn(seed, offs)  # Box-Muller of the first two words
    else:
        w0 = tl.randint(seed, offs).to(tl.int32, bitcast=True)  # first word, as int32
        v = tl.where(w0 < 0, -1.0, 1.0)  # its sign bit
    return v


@triton.jit
def _project_kernel(x_ptr, p_ptr, seed, base, B, D, stride_x,
                    GAUSSIAN: tl.constexpr, BLOCK_B: tl.constexpr, BLOCK_D: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_B + tl.arange(0, BLOCK_B)
    row_ok = rows < B
    acc = tl.zeros([BLOCK_B], tl.float64 if x_ptr.dtype.element_ty == tl.float64 else tl.float32)
    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        ok = row_ok[:, None] & (cols < D)[None, :]
        x = tl.load(x_ptr + rows[:, None] * stride_x + cols[None, :], mask=ok, other=0.0)
        offs = base + rows[:, None].to(tl.int64) * D + cols[None, :]
        v = _directions(seed, offs, GAUSSIAN)
        acc += tl.sum(tl.where(ok, v.to(acc.dtype) * x.to(acc.dtype), 0.0), axis=1)
    tl.store(p_ptr + rows, acc, mask=row_ok)


@triton.jit
def _expand_kernel(q_ptr, g_ptr, seed, base, B, D,
                   GAUSSIAN: tl.constexpr, BLOCK_B: tl.constexpr, BLOCK_D: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_B + tl.arange(0, BLOCK_B)
    cols = tl.program_id(1) * BLOCK_D + tl.arange(0, BLOCK_D)
    ok = (rows < B)[:, None] & (cols < D)[None, :]
    q = tl.load(q_ptr + rows, mask=rows < B, other=0.0)
    offs = base + rows[:, None].to(tl.int64) * D + cols[None, :]
    v = _directions(seed, offs, GAUSSIAN)
    tl.store(g_ptr + rows[:, None] * D + cols[None, :], v.to(q.dtype) * q[:, None], mask=ok)


def _base_offset(index: int, B: int, D: int) -> int:
    return int(index) * B * D


def project(x: torch.Tensor, seed: int, index: int, kind: str) -> torch.Tensor:
    """p[b] = sum_d v[b, d] x[b, d], by the kernel (no autograd: ``kernels.ssm.project`` adds it)."""
    x = x.contiguous()
    B, D = x.shape
    p = torch.empty(B, device=x.device, dtype=x.dtype)
    block_d = min(256, max(16, next_power_of_2(D)))
    _project_kernel[(cdiv(B, 16),)](x, p, int(seed), _base_offset(index, B, D), B, D, x.stride(0),
                                    GAUSSIAN=kind == "gaussian", BLOCK_B=16, BLOCK_D=block_d)
    return p


def expand(q: torch.Tensor, D: int, seed: int, index: int, kind: str) -> torch.Tensor:
    """g[b, d] = q[b] v[b, d], by the kernel."""
    q = q.contiguous()
    B = q.shape[0]
    g = torch.empty(B, D, device=q.device, dtype=q.dtype)
    block_d = min(256, max(16, next_power_of_2(D)))
    _expand_kernel[(cdiv(B, 16), cdiv(D, block_d))](q, g, int(seed), _base_offset(index, B, D), B, D,
                                                     GAUSSIAN=kind == "gaussian", BLOCK_B=16, BLOCK_D=block_d)
    return g
