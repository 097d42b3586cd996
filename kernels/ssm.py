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

The generator is Philox4x32-10, exactly as ``triton.language.randint4x`` computes it: the
counter is (offset_lo, offset_hi, 0, 0), the key is (seed_lo, seed_hi), ten rounds.  The
plain PyTorch version below repeats that arithmetic with int64 tensors masked to 32 bits, so
the reference and the kernel produce the same directions:

* ``rademacher``: v = +1 or -1 from the sign bit of the first Philox word -- bit-identical;
* ``gaussian``: tl.randn's Box-Muller of the first two words, v = sqrt(-2 log u1) cos(2 pi u2).
  The integer part is bit-identical; the float32 log/cos/sqrt may differ by a few ulp between
  the GPU's libraries and PyTorch's, so gaussian directions agree to ~1e-6, not bit for bit.
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch

from .dispatch import cdiv, next_power_of_2, pick_backend, tl, triton

KINDS = ("rademacher", "gaussian")

_MASK32 = 0xFFFFFFFF
_PHILOX_KEY_A = 0x9E3779B9
_PHILOX_KEY_B = 0xBB67AE85
_PHILOX_ROUND_A = 0xD2511F53
_PHILOX_ROUND_B = 0xCD9E8D57


# ----------------------------------------------------------------------------- Philox in PyTorch


def _mul32(a: int, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(high, low) 32-bit words of the 64-bit product of a 32-bit constant and 32-bit values.

    int64 cannot hold the full product, so split both factors into 16-bit halves.
    """
    a_hi, a_lo = a >> 16, a & 0xFFFF
    x_hi, x_lo = x >> 16, x & 0xFFFF
    lo = a_lo * x_lo
    mid = a_hi * x_lo + a_lo * x_hi
    high = a_hi * x_hi + ((mid + (lo >> 16)) >> 16)
    low = ((mid << 16) + lo) & _MASK32
    return high & _MASK32, low


def philox_randint4x(seed: int, offset: torch.Tensor, n_rounds: int = 10):
    """The four uint32 words (as int64 tensors) of tl.randint4x(seed, offset)."""
    offset = offset.to(torch.int64)
    c0 = offset & _MASK32
    c1 = (offset >> 32) & _MASK32
    c2 = torch.zeros_like(c0)
    c3 = torch.zeros_like(c0)
    k0 = int(seed) & _MASK32
    k1 = (int(seed) >> 32) & _MASK32
    for _ in range(n_rounds):
        hi_b, lo_b = _mul32(_PHILOX_ROUND_B, c2)
        hi_a, lo_a = _mul32(_PHILOX_ROUND_A, c0)
        c0, c1, c2, c3 = hi_b ^ c1 ^ k0, lo_b, hi_a ^ c3 ^ k1, lo_a
        k0 = (k0 + _PHILOX_KEY_A) & _MASK32
        k1 = (k1 + _PHILOX_KEY_B) & _MASK32
    return c0, c1, c2, c3


def _uint_to_uniform(u: torch.Tensor) -> torch.Tensor:
    """tl.rand's map from a uint32 word to a float32 in [0, 1)."""
    x = torch.where(u >= 2**31, u - 2**32, u)  # reinterpret as int32
    x = torch.where(x < 0, -x - 1, x)  # ~x for negative x
    return x.to(torch.float32) * torch.tensor(4.6566127342e-10, dtype=torch.float32)


# One SSM step asks for the same directions five times (project, its backward, the second project,
# and both of their backwards in the double-backward pass). On the reference path each Philox
# evaluation is ~150 small integer ops, so the last (B, D) block is kept: one block, never M of them.
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


def _philox_directions(B, D, seed, index, kind, device, dtype) -> torch.Tensor:
    offset = int(index) * B * D + torch.arange(B * D, device=device, dtype=torch.int64).view(B, D)
    w0, w1, _, _ = philox_randint4x(seed, offset)
    if kind == "rademacher":
        v = torch.where(w0 >= 2**31, -1.0, 1.0)  # sign bit of the int32 word
        return v.to(dtype)
    u1 = torch.clamp(_uint_to_uniform(w0), min=1.0e-7)
    u2 = _uint_to_uniform(w1)
    theta = torch.tensor(6.283185307179586, dtype=torch.float32) * u2
    v = torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(theta)
    return v.to(dtype)


# ----------------------------------------------------------------------------- Triton kernels


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


def _project_triton(x: torch.Tensor, seed: int, index: int, kind: str) -> torch.Tensor:
    x = x.contiguous()
    B, D = x.shape
    p = torch.empty(B, device=x.device, dtype=x.dtype)
    block_d = min(256, max(16, next_power_of_2(D)))
    _project_kernel[(cdiv(B, 16),)](x, p, int(seed), _base_offset(index, B, D), B, D, x.stride(0),
                                    GAUSSIAN=kind == "gaussian", BLOCK_B=16, BLOCK_D=block_d)
    return p


def _expand_triton(q: torch.Tensor, D: int, seed: int, index: int, kind: str) -> torch.Tensor:
    q = q.contiguous()
    B = q.shape[0]
    g = torch.empty(B, D, device=q.device, dtype=q.dtype)
    block_d = min(256, max(16, next_power_of_2(D)))
    _expand_kernel[(cdiv(B, 16), cdiv(D, block_d))](q, g, int(seed), _base_offset(index, B, D), B, D,
                                                     GAUSSIAN=kind == "gaussian", BLOCK_B=16, BLOCK_D=block_d)
    return g


# ----------------------------------------------------------------------------- references


def project_reference(x, seed, index, kind="rademacher"):
    v = projection_vectors(x.shape, seed, index, kind, device=x.device, dtype=x.dtype)
    return (v * x).sum(dim=1)


def expand_reference(q, D, seed, index, kind="rademacher"):
    v = projection_vectors((q.shape[0], D), seed, index, kind, device=q.device, dtype=q.dtype)
    return q[:, None] * v


def _project_any(x, seed, index, kind, backend):
    if pick_backend(x, backend) == "triton":
        return _project_triton(x, seed, index, kind)
    return project_reference(x, seed, index, kind)


def _expand_any(q, D, seed, index, kind, backend):
    if pick_backend(q, backend) == "triton":
        return _expand_triton(q, D, seed, index, kind)
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
