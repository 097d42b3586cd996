r"""Projections for sliced score matching, with the random directions generated on the fly.

The math
--------
Sliced score matching (Song et al. 2019) replaces the trace of the Jacobian of the score
model s(y) in R^D by random projections: with M directions v_1..v_M per sample,

    J(theta) = E_y (1/M) sum_m [ v_m^T grad_y (v_m^T s(y)) + 1/2 (v_m^T s(y))^2 ].

Everything touching v is one of two linear maps, for a batch of B rows:

    project:  p_b      = sum_d v_{b,d} x_{b,d}        (R^{B x D} -> R^B)
    expand:   g_{b,d}  = q_b v_{b,d}                   (R^B -> R^{B x D})

and each is the other's adjoint, hence the other's gradient.  ``project`` is an autograd
Function whose backward is ``expand`` and vice versa, so grad of grad (create_graph=True,
needed because the loss itself contains grad_y (v^T s)) keeps working to any order.

Why generate v in the kernel (memory traffic)
---------------------------------------------
Storing the directions costs an M x B x D tensor (M=4, B=512, D=6400: 52 MB per step, written
once and read on every forward and backward use).  Counter-based generators need no state: v
number ``index`` is a pure function of (seed, offset) with

    offset = index * B * D + b * D + d,

so a kernel can regenerate any element in registers from its coordinates.  The only memory
traffic left is reading x (or q) and writing p (or g).
The kernels are in ``kernels/triton_ssm.py``, imported only when a Triton backend is picked.

The generator is Philox4x32-10, exactly as ``triton.language.randint4x`` computes it: the
counter is (offset_lo, offset_hi, 0, 0), the key is (seed_lo, seed_hi), ten rounds.  The
host versions below repeat that arithmetic -- in NumPy uint64 on CPU (``_philox_numpy_words``,
cache-sized blocks, no temporaries: ~1 ms for 512 x 100 directions, a few percent of an SSM
step), with int64 tensors on other devices (``philox_randint4x``) -- so the reference and the
kernel produce the same directions (pinned in the tests):

* ``rademacher``: v = +1 or -1 from the sign bit of the first Philox word -- bit-identical;
* ``gaussian``: tl.randn's Box-Muller of the first two words, v = sqrt(-2 log u1) cos(2 pi u2).
  The integer part is bit-identical; the float32 log/cos/sqrt may differ by a few ulp between
  the GPU's libraries and PyTorch's, so gaussian directions agree to ~1e-6, not bit for bit.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import torch

from .dispatch import pick_backend

KINDS = ("rademacher", "gaussian")

_MASK32 = 0xFFFFFFFF
_PHILOX_KEY_A = 0x9E3779B9
_PHILOX_KEY_B = 0xBB67AE85
_PHILOX_ROUND_A = 0xD2511F53
_PHILOX_ROUND_B = 0xCD9E8D57


# ----------------------------------------------------------------------------- Philox on the host


def _keys(seed: int, n_rounds: int):
    """The round keys (k0, k1) of Philox4x32 for ``seed``, as Python ints."""
    k0, k1 = int(seed) & _MASK32, (int(seed) >> 32) & _MASK32
    keys = []
    for _ in range(n_rounds):
        keys.append((k0, k1))
        k0 = (k0 + _PHILOX_KEY_A) & _MASK32
        k1 = (k1 + _PHILOX_KEY_B) & _MASK32
    return keys


def philox_randint4x(seed: int, offset: torch.Tensor, n_rounds: int = 10):
    """The four uint32 words (as int64 tensors) of tl.randint4x(seed, offset), on offset's device.

    Each round needs the high and low 32-bit words of two 32 x 32-bit products.  The product of
    two values below 2^32 fits in 64 bits, and int64 multiplication keeps exactly the low 64 bits
    (two's complement wrap-around, what the vector instructions do), so one multiply gives both
    words: low = p & mask, high = (p >> 32) & mask (the mask undoes the sign extension of the
    arithmetic shift).  Words stay unmasked where nothing but their low 32 bits is ever used.
    """
    offset = offset.to(torch.int64)
    c0 = offset & _MASK32
    c1 = offset >> 32
    c2 = torch.zeros_like(c0)
    c3 = torch.zeros_like(c0)
    for k0, k1 in _keys(seed, n_rounds):
        c0 &= _MASK32
        c2 &= _MASK32
        p_b = c2 * _PHILOX_ROUND_B
        p_a = c0 * _PHILOX_ROUND_A
        c0 = (p_b >> 32) ^ c1 ^ k0
        c2 = (p_a >> 32) ^ c3 ^ k1
        c1, c3 = p_b, p_a  # low words, masked below or before their next use
    return c0 & _MASK32, c1 & _MASK32, c2 & _MASK32, c3 & _MASK32


# CPU blocks: 2^14 offsets keep the six uint64 work arrays (768 KiB) in a core's L2 cache.
_NP_BLOCK = 2**14


def _philox_numpy_words(seed: int, first: int, n: int, n_words: int, n_rounds: int = 10):
    """Words 0..n_words-1 of Philox for the consecutive offsets first .. first + n - 1 (CPU).

    The same arithmetic as ``philox_randint4x`` in NumPy uint64: products of 32-bit values are
    exact, shifts are logical (no masks for the high words), every operation writes into one
    of six preallocated arrays, and the offsets are processed in cache-sized blocks.  About
    100 operations per offset: for B x D = 512 x 100 ~1 ms, where the earlier formulation (torch
    int64, products split into 16-bit halves, ~300 temporaries) took 8-20 ms on the same CPU.
    """
    u64 = np.uint64
    mask, shift = u64(_MASK32), u64(32)
    mul_a, mul_b = u64(_PHILOX_ROUND_A), u64(_PHILOX_ROUND_B)
    keys = [(u64(k0), u64(k1)) for k0, k1 in _keys(seed, n_rounds)]
    out = [np.empty(n, dtype=np.uint64) for _ in range(n_words)]
    work = np.empty((6, min(n, _NP_BLOCK)), dtype=np.uint64)
    for lo in range(0, n, _NP_BLOCK):
        hi = min(n, lo + _NP_BLOCK)
        c0, c1, c2, c3, p_a, p_b = (w[:hi - lo] for w in work)
        c0[:] = np.arange(first + lo, first + hi, dtype=np.uint64)
        np.right_shift(c0, shift, out=c1)
        c0 &= mask
        c2.fill(0)
        c3.fill(0)
        for r, (k0, k1) in enumerate(keys):
            np.multiply(c2, mul_b, out=p_b)
            np.multiply(c0, mul_a, out=p_a)
            np.right_shift(p_b, shift, out=c0)
            c0 ^= c1
            c0 ^= k0
            last = r == n_rounds - 1
            if not last or n_words > 2:
                np.right_shift(p_a, shift, out=c2)
                c2 ^= c3
                c2 ^= k1
            if not last or n_words > 1:
                np.bitwise_and(p_b, mask, out=c1)
            if not last or n_words > 3:
                np.bitwise_and(p_a, mask, out=c3)
        for w, word in zip(out, (c0, c1, c2, c3)):
            w[lo:hi] = word
    return out


def _uint_to_uniform(u: torch.Tensor) -> torch.Tensor:
    """tl.rand's map from a uint32 word (int64 tensor) to a float32 in [0, 1)."""
    x = u.to(torch.int32)  # the same 32 bits, reinterpreted as int32 (values >= 2^31 wrap)
    x ^= x >> 31  # ~x for negative x, i.e. -x - 1
    return x.to(torch.float32).mul_(torch.tensor(4.6566127342e-10, dtype=torch.float32))


# One SSM step asks for the same directions several times (the loss's projections and their
# backward and double-backward passes, or the tangent of forward mode); the last (B, D) block
# is kept: one block, never M of them.  The returned tensor is shared: do not modify it.
_last: dict = {}


def projection_vectors(
    shape_BD: Tuple[int, int],
    seed: int,
    index: int,
    kind: str = "rademacher",
    device=None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """The (B, D) directions of projection number ``index`` (plain PyTorch, matches the kernels)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    B, D = (int(s) for s in shape_BD)
    key = (B, D, int(seed), int(index), kind, str(torch.device(device or "cpu")), dtype)
    if _last.get("key") != key:
        _last.clear()
        _last.update(key=key, v=_philox_directions(B, D, seed, index, kind, device, dtype))
    return _last["v"]


def _philox_words(n: int, first: int, seed: int, n_words: int, device) -> list:
    """Words of Philox for offsets first .. first + n - 1, as int64 tensors on ``device``."""
    device = torch.device(device or "cpu")
    if device.type == "cpu":
        return [torch.from_numpy(w.view(np.int64)) for w in _philox_numpy_words(seed, first, n, n_words)]
    offset = first + torch.arange(n, device=device, dtype=torch.int64)
    return list(philox_randint4x(seed, offset))[:n_words]


def _philox_directions(B, D, seed, index, kind, device, dtype) -> torch.Tensor:
    first = int(index) * B * D  # offset = index * B * D + b * D + d, as in the kernels
    if kind == "rademacher":
        (w0,) = _philox_words(B * D, first, seed, 1, device)
        v = 1 - 2 * (w0 >> 31)  # the sign bit of the int32 word: -1 or +1
        return v.view(B, D).to(dtype)
    w0, w1 = _philox_words(B * D, first, seed, 2, device)
    u1 = _uint_to_uniform(w0).clamp_(min=1.0e-7)
    theta = _uint_to_uniform(w1).mul_(torch.tensor(6.283185307179586, dtype=torch.float32))
    v = torch.log(u1).mul_(-2.0).sqrt_().mul_(theta.cos_())  # sqrt(-2 log u1) cos(2 pi u2)
    return v.view(B, D).to(dtype)


# ----------------------------------------------------------------------------- references


def project_reference(x, seed, index, kind="rademacher"):
    v = projection_vectors(x.shape, seed, index, kind, device=x.device, dtype=x.dtype)
    return (v * x).sum(dim=1)


def expand_reference(q, D, seed, index, kind="rademacher"):
    v = projection_vectors((q.shape[0], D), seed, index, kind, device=q.device, dtype=q.dtype)
    return q[:, None] * v


def _project_any(x, seed, index, kind, backend):
    if pick_backend(x, backend) == "triton":
        from . import triton_ssm  # only this path imports Triton
        return triton_ssm.project(x, seed, index, kind)
    return project_reference(x, seed, index, kind)


def _expand_any(q, D, seed, index, kind, backend):
    if pick_backend(q, backend) == "triton":
        from . import triton_ssm
        return triton_ssm.expand(q, D, seed, index, kind)
    return expand_reference(q, D, seed, index, kind)


# ----------------------------------------------------------------------------- autograd


class _Project(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, seed, index, kind, backend):
        ctx.meta = (x.shape[1], seed, index, kind, backend)
        return _project_any(x, seed, index, kind, backend)

    @staticmethod
    def backward(ctx, grad_p):
        D, seed, index, kind, backend = ctx.meta
        return _Expand.apply(grad_p, D, seed, index, kind, backend), None, None, None, None


class _Expand(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, D, seed, index, kind, backend):
        ctx.meta = (seed, index, kind, backend)
        return _expand_any(q, D, seed, index, kind, backend)

    @staticmethod
    def backward(ctx, grad_g):
        seed, index, kind, backend = ctx.meta
        return _Project.apply(grad_g, seed, index, kind, backend), None, None, None, None, None


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def project(x: torch.Tensor, seed: int, index: int, kind: str = "rademacher",
            backend: Optional[str] = None) -> torch.Tensor:
    """p[b] = sum_d v[b, d] x[b, d] for the directions v of projection ``index``; differentiable."""
    _check_kind(kind)
    if x.dim() != 2:
        raise ValueError(f"project expects x of shape (B, D), got {tuple(x.shape)}")
    if pick_backend(x, backend) == "reference":
        # plain PyTorch ops differentiate to any order by themselves; skipping the custom
        # Functions here saves their Python overhead (the reference path runs on CPU)
        return project_reference(x, int(seed), int(index), kind)
    return _Project.apply(x, int(seed), int(index), kind, backend)


def expand(grad_p: torch.Tensor, seed: int, index: int, kind: str = "rademacher",
           D: Optional[int] = None, backend: Optional[str] = None) -> torch.Tensor:
    """g[b, d] = grad_p[b] v[b, d] (the adjoint of ``project``); differentiable.

    ``D`` (the row length of the projected tensor) is required: the directions depend on it.
    """
    _check_kind(kind)
    if D is None:
        raise ValueError("expand needs D, the length of the projected rows")
    if grad_p.dim() != 1:
        raise ValueError(f"expand expects grad_p of shape (B,), got {tuple(grad_p.shape)}")
    if pick_backend(grad_p, backend) == "reference":
        return expand_reference(grad_p, int(D), int(seed), int(index), kind)
    return _Expand.apply(grad_p, int(D), int(seed), int(index), kind, backend)
