"""The Triton kernels of ``kernels.empirical``: the empirical denoiser's online softmax on a GPU.

See ``kernels/empirical.py`` for the math, the two strategies (one fused kernel for small D, by
default up to D = 16 and possible up to 256; cuBLAS products with one fused softmax kernel between
them for larger D), the numerical care (base-2 logits, weights below 2^-120 of the largest flushed
to exactly 0) and the reference these kernels
must reproduce. The launchers here return the online-softmax state (m, l, acc) and leave
``kernels.empirical`` to merge and finish it. This module imports Triton; ``kernels.empirical``
imports it only when a Triton backend is picked (``kernels.dispatch``).
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
import triton
import triton.language as tl

from .dispatch import cdiv, next_power_of_2


# ----------------------------------------------------------------------------- D <= 256


@triton.jit
def _empirical_fused_kernel(
    y_ptr, x_ptr, inv_ptr, lw_ptr,            # inputs: (B, D), (N, D), (B,), (N,)
    m_ptr, l_ptr, acc_ptr,                    # outputs per split: (S, B), (S, B), (S, B, D)
    B, N, D, keys_per_split,
    stride_y, stride_x,
    HAS_LW: tl.constexpr,
    BLOCK_B: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr,
):
    pid_b = tl.program_id(0)
    split = tl.program_id(1)
    rows = pid_b * BLOCK_B + tl.arange(0, BLOCK_B)
    cols = tl.arange(0, BLOCK_D)  # the whole (padded) D in one tile
    row_ok = rows < B
    col_ok = cols < D

    y = tl.load(y_ptr + rows[:, None] * stride_y + cols[None, :],
                mask=row_ok[:, None] & col_ok[None, :], other=0.0).to(tl.float32)
    yy = tl.sum(y * y, axis=1)
    inv = tl.load(inv_ptr + rows, mask=row_ok, other=1.0)

    m = tl.full([BLOCK_B], float("-inf"), tl.float32)
    l = tl.zeros([BLOCK_B], tl.float32)
    acc = tl.zeros([BLOCK_B, BLOCK_D], tl.float32)

    k_lo = split * keys_per_split
    k_hi = tl.minimum(k_lo + keys_per_split, N)
    for start in range(k_lo, k_hi, BLOCK_N):
        keys = start + tl.arange(0, BLOCK_N)
        key_ok = keys < k_hi
        xt = tl.load(x_ptr + keys[:, None] * stride_x + cols[None, :],
                     mask=key_ok[:, None] & col_ok[None, :], other=0.0).to(tl.float32)
        xx = tl.sum(xt * xt, axis=1)
        # scores: one (BLOCK_B x BLOCK_D) @ (BLOCK_D x BLOCK_N) product in exact float32
        yx = tl.dot(y, tl.trans(xt), input_precision="ieee")
        d2 = tl.maximum(yy[:, None] - 2.0 * yx + xx[None, :], 0.0)
        logits = -d2 * inv[:, None]  # base 2: inv holds log2(e) / (2 sigma^2)
        if HAS_LW:
            logits += tl.load(lw_ptr + keys, mask=key_ok, other=0.0)[None, :]
        logits = tl.where(key_ok[None, :], logits, float("-inf"))
        # online softmax update; shifted logits <= -120 (EXP2_FLOOR_F32) give weight exactly 0
        m_new = tl.maximum(m, tl.max(logits, axis=1))
        m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
        t_old = m - m_safe
        alpha = tl.where(t_old > -120.0, tl.exp2(t_old), 0.0)
        t = logits - m_safe[:, None]
        p = tl.where(t > -120.0, tl.exp2(t), 0.0)
        l = l * alpha + tl.sum(p, axis=1)
        # the same key tile is the "value" tile: second product without re-reading memory
        acc = acc * alpha[:, None] + tl.dot(p, xt, input_precision="ieee")
        m = m_new

    tl.store(m_ptr + split * B + rows, m, mask=row_ok)
    tl.store(l_ptr + split * B + rows, l, mask=row_ok)
    acc_ptrs = acc_ptr + split * B * D + rows[:, None] * D + cols[None, :]
    tl.store(acc_ptrs, acc, mask=row_ok[:, None] & col_ok[None, :])


def _fused_blocks(D: int) -> Tuple[int, int, int]:
    block_d = max(16, next_power_of_2(D))  # tl.dot needs every dimension >= 16
    if block_d <= 64:
        return 64, 64, block_d
    return 32, 32, block_d


def fused(y, x, inv, lw, splits: Optional[int] = None):
    """The fused kernel over ``splits`` ranges of keys: each split's (m, l, acc), shapes (S, B), (S, B),
    (S, B, D), for ``kernels.empirical`` to merge. y, x float32 contiguous; inv, lw already in base 2."""
    B, D = y.shape
    N = x.shape[0]
    block_b, block_n, block_d = _fused_blocks(D)
    n_qblocks = cdiv(B, block_b)
    n_kblocks = cdiv(N, block_n)
    if splits is None:
        # enough programs to fill the GPU (about 2 per SM); 2 splits under the interpreter
        target = 2 * torch.cuda.get_device_properties(y.device).multi_processor_count if y.is_cuda else 2
        splits = max(1, min(n_kblocks, target // n_qblocks))
    splits = max(1, min(int(splits), n_kblocks))
    keys_per_split = cdiv(n_kblocks, splits) * block_n
    splits = cdiv(N, keys_per_split)  # every split gets at least one key
    m = torch.empty(splits, B, device=y.device, dtype=torch.float32)
    l = torch.empty_like(m)
    acc = torch.empty(splits, B, D, device=y.device, dtype=torch.float32)
    _empirical_fused_kernel[(n_qblocks, splits)](
        y, x, inv, lw if lw is not None else inv, m, l, acc,
        B, N, D, keys_per_split, y.stride(0), x.stride(0),
        HAS_LW=lw is not None, BLOCK_B=block_b, BLOCK_N=block_n, BLOCK_D=block_d,
        num_warps=4 if block_d <= 64 else 8,  # more threads to hold the BLOCK_B x D accumulator
    )
    return m, l, acc


# ----------------------------------------------------------------------------- large D


@triton.jit
def _softmax_update_kernel(
    s_ptr,                       # (B, C) in: y . x_i for one chunk of keys; out: the weights p
    yy_ptr, xx_ptr, inv_ptr, lw_ptr,
    m_ptr, l_ptr, alpha_ptr,     # (B,) running max and normaliser (updated), rescale factor (out)
    B, C, stride_s,
    HAS_LW: tl.constexpr, BLOCK_B: tl.constexpr, BLOCK_C: tl.constexpr,
):
    rows = tl.program_id(0) * BLOCK_B + tl.arange(0, BLOCK_B)
    row_ok = rows < B
    yy = tl.load(yy_ptr + rows, mask=row_ok, other=0.0)
    inv = tl.load(inv_ptr + rows, mask=row_ok, other=1.0)
    m_old = tl.load(m_ptr + rows, mask=row_ok, other=0.0)

    # pass 1 over the chunk: the new row maximum
    m_new = m_old
    for c0 in range(0, C, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        ok = row_ok[:, None] & (cols < C)[None, :]
        yx = tl.load(s_ptr + rows[:, None] * stride_s + cols[None, :], mask=ok, other=0.0)
        xx = tl.load(xx_ptr + cols, mask=cols < C, other=0.0)
        logits = -tl.maximum(yy[:, None] - 2.0 * yx + xx[None, :], 0.0) * inv[:, None]
        if HAS_LW:
            logits += tl.load(lw_ptr + cols, mask=cols < C, other=0.0)[None, :]
        logits = tl.where(ok, logits, float("-inf"))
        m_new = tl.maximum(m_new, tl.max(logits, axis=1))
    m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)

    # pass 2: weights p = exp(logit - m), written over the scores, and their row sums
    total = tl.zeros([BLOCK_B], tl.float32)
    for c0 in range(0, C, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        ok = row_ok[:, None] & (cols < C)[None, :]
        ptrs = s_ptr + rows[:, None] * stride_s + cols[None, :]
        yx = tl.load(ptrs, mask=ok, other=0.0)
        xx = tl.load(xx_ptr + cols, mask=cols < C, other=0.0)
        logits = -tl.maximum(yy[:, None] - 2.0 * yx + xx[None, :], 0.0) * inv[:, None]
        if HAS_LW:
            logits += tl.load(lw_ptr + cols, mask=cols < C, other=0.0)[None, :]
        t = tl.where(ok, logits, float("-inf")) - m_safe[:, None]
        p = tl.where(t > -120.0, tl.exp2(t), 0.0)  # base 2, flushed as in EXP2_FLOOR_F32
        tl.store(ptrs, p, mask=ok)
        total += tl.sum(p, axis=1)

    t_old = m_old - m_safe
    alpha = tl.where(t_old > -120.0, tl.exp2(t_old), 0.0)
    l_old = tl.load(l_ptr + rows, mask=row_ok, other=0.0)
    tl.store(m_ptr + rows, m_new, mask=row_ok)
    tl.store(l_ptr + rows, l_old * alpha + total, mask=row_ok)
    tl.store(alpha_ptr + rows, alpha, mask=row_ok)


def chunked(y, x, inv, lw, chunk: int):
    """cuBLAS products ``chunk`` keys at a time with the softmax kernel between them: the final
    (acc, m, l) of the online softmax. y, x float32 contiguous; inv, lw already in base 2."""
    B, D = y.shape
    N = x.shape[0]
    block_b, block_c = 16, 128
    yy = torch.linalg.vector_norm(y, dim=1).square_()
    m = torch.full((B,), -math.inf, device=y.device, dtype=torch.float32)
    l = torch.zeros(B, device=y.device, dtype=torch.float32)
    alpha = torch.empty(B, device=y.device, dtype=torch.float32)
    acc = torch.zeros(B, D, device=y.device, dtype=torch.float32)
    for start in range(0, N, chunk):
        xc = x[start:start + chunk]
        C = xc.shape[0]
        s = y @ xc.T  # cuBLAS on a GPU
        xx = torch.linalg.vector_norm(xc, dim=1).square_()
        lwc = None if lw is None else lw[start:start + chunk]
        _softmax_update_kernel[(cdiv(B, block_b),)](
            s, yy, xx, inv, lwc if lwc is not None else xx, m, l, alpha, B, C, s.stride(0),
            HAS_LW=lwc is not None, BLOCK_B=block_b, BLOCK_C=block_c,
        )
        acc.mul_(alpha[:, None]).addmm_(s, xc)
    return acc, m, l
