r"""The empirical (training-set) denoiser: the formula, its plain reference, a fast PyTorch path, Triton kernels.

The module reads like a Triton tutorial: the formula and its plain reference, why fusing saves
memory traffic, the kernels, the fast PyTorch path, how they are tested and how they are timed.

1. The formula (``empirical_denoise_reference``)
------------------------------------------------
For a training set x_1..x_N in R^D, the noisy density p_sigma is a mixture of N Gaussians
N(x_i, sigma^2 I), and its exact denoiser (Tweedie's formula, E[x | y]) is a softmax-weighted
average of the training points (docs/design.md, section 7, kernel 1):

    logit_i(y)   = log w_i - ||y - x_i||^2 / (2 sigma^2)
    D_emp(y)     = sum_i softmax_i(logit(y)) x_i
    lse(y)       = logsumexp_i logit_i(y)          (log p_sigma(y) up to a constant)

with optional per-point log weights log w_i (0 for a uniform training set). The reference is these
three lines in PyTorch, on the B x N x D tensor of differences y_b - x_i: the definition that every
other path is tested against, and the benchmarks' slowest baseline.

2. Why fuse: memory traffic
---------------------------
The reference's B x N x D tensor is 16 GiB for B=64, N=10^4, D=6400. Writing

    ||y - x_i||^2 = ||y||^2 - 2 y . x_i + ||x_i||^2

turns the logits of a batch of B queries into one matrix product Y X^T plus a per-query and a
per-key bias -- exactly the structure of attention, with the keys and the values both equal to X.
The cdist version (``empirical_denoise_cdist``, a benchmark baseline) uses that, but still writes
the B x N distance matrix, reads it back for the softmax, writes the B x N weights and reads them
again for the final product: four trips of B x N floats through memory, which for small D cost
more than the arithmetic. The online softmax (Milakov & Gimelshein 2018; flash attention) never
keeps more than one block of keys: for each block it computes the logits, updates a running
maximum m, a running normaliser l and a rescaled accumulator

    m'   = max(m, max_i logit_i)
    l'   = l * exp(m - m') + sum_i exp(logit_i - m')
    acc' = acc * exp(m - m') + sum_i exp(logit_i - m') x_i

and at the end D_emp = acc / l and lse = m + log l. Subtracting the running maximum keeps every
exponent <= 0, so nothing overflows even for sigma = 0.01 or queries far from all data; there the
softmax becomes one-hot and the answer is the nearest training point.

3. The Triton kernels (``empirical_denoise_triton``; the kernels are in ``kernels/triton_empirical.py``,
which only a Triton call imports)
------------------------------------------------------------------------------------------------
* Small D (by default D <= 16; it can run up to D = 256): one fused kernel. Each program owns
  BLOCK_B queries and a range of keys; it loads each key tile once, uses it for both matrix
  products (scores and accumulation), and keeps the accumulator (BLOCK_B x D) in registers.
  Because B is often small (a few hundred queries is only a handful of query blocks), the keys are
  also split across programs ("flash decoding"); each split writes its partial (m, l, acc) and a
  cheap combine step merges them with the same rescaling rule.
* Larger D (by default D > 16; images, D = 6400): the accumulator no longer fits in registers, and
  the work is dominated by the two matrix products (4 B N D flops against B N elementwise work), so
  cuBLAS does the products chunk by chunk and one Triton kernel fuses everything between them --
  bias, clamp, scale, log-weights, row maximum, exponentials, row sums and the rescaling factors --
  reading the B x chunk score block once and overwriting it with the weights in place. A single
  fused kernel would have to recompute the scores once per tile of D or spill the accumulator to
  global memory; both lose to cuBLAS at this size. On an H200 the fused kernel lost to cuBLAS
  already at D = 100 (0.38x), hence the default switch at D = 16 (``FUSED_DEFAULT_MAX_D``).

4. The fast PyTorch path (``empirical_denoise_torch_fast``)
-----------------------------------------------------------
The CPU path, and the float64 path everywhere (``empirical_denoise`` dispatches here for the
"reference" backend of ``kernels.dispatch``, which means "plain PyTorch, no Triton"): the online
softmax between chunks of keys. Peak extra memory is B x chunk + chunk x (D + 2) + 2 B x (D + 2),
independent of N (``torch_fast_peak_bytes``); float64 inputs are computed in float64.

On a CPU the two products cost about 2.4 ns per (query, key) pair each at D = 100, so every
extra pass over the B x chunk block shows: the first version, with separate bias, clamp,
scale, exp and row-sum passes over blocks too large for the cache, ran at 0.02-0.2 of the
two-GEMM floor. What it does now, per chunk:

* one product gives the logits, scaled: q_b = 2 a_b y_b against the keys (a_b = log2(e) /
  2 sigma_b^2), plus -a_b ||x_i||^2, one broadcast row when all queries share sigma. The term
  -a_b ||y_b||^2 is the same for every key of a row, so the softmax never sees it: it is left
  out of the block and added to lse at the end. For small D (``use_augmented``) the bias rides
  inside the product too: with q_b = [2 a_b y_b, -a_b, -a_b ||y_b||^2] and k_i = [x_i, ||x_i||^2, 1],
  q_b . k_i = -a_b ||y_b - x_i||^2, and the same k in the second product gives the row sums of the
  weights in its last column; the price is a copy of each chunk of keys into k, which only pays
  where D is small;
* logits are kept in base 2 and exponentiated with ``exp2``: PyTorch's float32 ``exp`` costs
  about three times ``exp2`` on CPU, and ~55 times more again on inputs below -87 (its result
  is then a denormal), which a near-one-hot softmax -- queries close to their training points,
  where attractor iterations live -- produces on nearly every entry;
* "Numerical care": shifted logits below EXP2_FLOOR (-120 in float32, -1000 in float64) are
  replaced by -inf before ``exp2`` (one ``threshold_`` pass), so their weight is exactly 0:
  no exp ever sees a denormal or slow input, a zero-weight key (log weight -inf) stays exactly 0,
  and the weights dropped are each below 2^-120 of the largest (relative error <= N * 7.5e-37);
  the Triton kernels apply the same rule;
* chunks are sized for the cache (``cache_chunk``): the B x chunk block about the size of L2,
  the chunk of keys within L3, so the passes between the products never go to main memory.

Precision: the expansion ||y||^2 - 2 y.x + ||x||^2 cancels when y is close to x and the norms
are large; the Triton kernels therefore run their dot products in IEEE float32 (never TF32),
and distances are clamped at 0 (the cuBLAS products of the large-D path follow PyTorch's
float32 matmul setting, IEEE unless someone enabled TF32). The augmented product of the fast
path has the same cancellation (the three terms are summed inside one GEMM instead of after
it) and so the same accuracy, but no clamp: a logit can be a rounding error above 0, which the
running-max shift absorbs. For sigma much smaller than ~1e-3 of the data norm prefer float64
inputs, which the fast PyTorch path computes in float64.

5. Tests
--------
``tests/test_kernels_reference.py`` checks the fast PyTorch path against the reference on fresh
random ragged inputs (odd sizes, chunks that do not divide N, per-query sigmas, log weights with
zeros), in float64 to round-off and in float32 to its precision, plus the edge cases (far queries,
tiny sigma, zero-weight keys, no denormal reaching exp2). ``tests/test_kernels_triton.py`` checks
the Triton kernels against the reference, under ``TRITON_INTERPRET=1`` on a CPU and compiled on a GPU.

6. Benchmark
------------
``kernels/bench.py`` (``cli.py bench``) times ``empirical_denoise`` against its one- and two-GEMM
floors, cdist + softmax + matmul, and the plain reference where its B x N x D tensor fits.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple, Union

import torch

from .dispatch import pick_backend

SigmaLike = Union[float, torch.Tensor]

# Largest D handled by the single fused kernel (accumulator of BLOCK_B x D in registers).
FUSED_MAX_D = 256
# Largest D for which the fused kernel is the default. On an NVIDIA H200 (2026-11-28, against the
# PyTorch path): 1.5x and 1.9x faster at D = 2 (N = 10^4, 10^5), but 0.38x at D = 100 (N = 10^5), where
# its tl.dot tiles are too narrow for the tensor cores and cuBLAS's GEMMs win. Interpolating the two
# puts the break-even near D = 20; above this the chunked path (cuBLAS GEMMs + fused softmax, 1.1x at
# D = 6400) runs. Not measured between 2 and 100: a GPU check should place it.
FUSED_DEFAULT_MAX_D = 16
# Default budget for one B x chunk block of logits (GPU).
CHUNK_BUDGET_BYTES = 64 * 2**20
# CPU chunks: the B x chunk block within ~L2, the chunk of keys within the shared L3.
CACHE_BLOCK_BYTES = 2 * 2**20
# The fast PyTorch path folds the norms into its products up to this D (see ``use_augmented``).
AUGMENT_MAX_D = 16
CACHE_KEYS_BYTES = 8 * 2**20
# Logits are kept in base 2 (log2(e) folded into 1 / (2 sigma^2)); a shifted logit t <= floor
# gives weight exactly 0 instead of 2^t.  2^-120 is still a normal float32 (the smallest is
# 2^-126), so no exp ever produces a denormal or takes a slow path; the weights dropped are
# below 2^-120 ~ 7.5e-37 of the largest, a relative error of at most N * 7.5e-37.
EXP2_FLOOR_F32 = -120.0
EXP2_FLOOR_F64 = -1000.0
LOG2E = 1.4426950408889634
LN2 = 0.6931471805599453


# ----------------------------------------------------------------------------- helpers


def _work_dtype(*tensors: torch.Tensor) -> torch.dtype:
    return torch.float64 if any(t.dtype == torch.float64 for t in tensors) else torch.float32


def inv_two_sigma_sq(sigma: SigmaLike, batch: int, device, dtype) -> torch.Tensor:
    """1 / (2 sigma^2) as a (B,) tensor, from a python float or a scalar / (B,) tensor."""
    s = torch.as_tensor(sigma, device=device, dtype=dtype)
    if s.dim() == 0:
        s = s.expand(batch)
    if s.shape != (batch,):
        raise ValueError(f"sigma must be a float or have shape ({batch},), got {tuple(s.shape)}")
    if not bool((s > 0).all()):
        raise ValueError("sigma must be > 0")
    return 0.5 / (s * s)


def default_chunk(batch: int, dim: int, itemsize: int = 4) -> int:
    """Keys per chunk so that a B x chunk (or chunk x D) block stays within ~64 MiB."""
    return max(128, CHUNK_BUDGET_BYTES // (itemsize * max(batch, dim, 1)))


def _check(y: torch.Tensor, x: torch.Tensor, log_weights: Optional[torch.Tensor]) -> None:
    if y.dim() != 2 or x.dim() != 2 or y.shape[1] != x.shape[1]:
        raise ValueError(f"expected y (B, D) and x (N, D), got {tuple(y.shape)} and {tuple(x.shape)}")
    if x.shape[0] == 0:
        raise ValueError("the training set x is empty")
    if log_weights is not None and log_weights.shape != (x.shape[0],):
        raise ValueError(f"log_weights must have shape ({x.shape[0]},), got {tuple(log_weights.shape)}")


def cache_chunk(batch: int, dim: int, itemsize: int = 4) -> int:
    """Keys per chunk on CPU: the B x chunk weights stay within ~2 MiB (a core's L2, or close) and
    the chunk of keys (chunk x D) within ~8 MiB of the shared L3, so that the passes between the
    two products read from cache; at least 128 keys, so that per-chunk overhead stays small.
    (At N = 10^5, D = 100, B = 256: 2 MiB blocks gave 0.83 of the floor, 1 MiB 0.80, 0.5 MiB 0.77.)"""
    by_block = CACHE_BLOCK_BYTES // (itemsize * max(batch, 1))
    by_keys = CACHE_KEYS_BYTES // (itemsize * max(dim, 1))
    return max(128, min(by_block, by_keys))


def torch_fast_chunk(batch: int, dim: int, dtype: torch.dtype, device) -> int:
    """Keys per chunk of the fast PyTorch path: cache-sized on CPU, ~64 MiB blocks elsewhere."""
    itemsize = torch.finfo(dtype).bits // 8
    if torch.device(device).type == "cpu":
        return cache_chunk(batch, dim, itemsize)
    return default_chunk(batch, dim, itemsize)


def use_augmented(batch: int, dim: int) -> bool:
    """Whether the fast PyTorch path folds the norms into the products (copying each chunk of keys).

    Measured on a 2-core AMD EPYC (float32, B = 256, N = 10^4): at D = 2 the augmented product
    is ~6% faster, from D = 8 to 100 the two are within noise, at D = 6400 (B = 64) the copy
    makes it ~20% slower.  So only for small D.
    """
    return dim <= AUGMENT_MAX_D


def torch_fast_peak_bytes(batch: int, n_keys: int, dim: int, dtype: torch.dtype, device) -> int:
    """Temporaries of one fast PyTorch call (score block, key chunk, q and accumulator): no term in N
    beyond the chunk, which is capped by the cache or memory budget, not by N."""
    itemsize = torch.finfo(dtype).bits // 8
    c = min(n_keys, torch_fast_chunk(batch, dim, dtype, device))
    e = dim + 2 if use_augmented(batch, dim) else dim
    return itemsize * (batch * c + c * e + 2 * batch * e)


def exp2_floor(dtype: torch.dtype) -> float:
    """Shifted base-2 logits below this become weight 0 (see "Numerical care")."""
    return EXP2_FLOOR_F64 if dtype == torch.float64 else EXP2_FLOOR_F32


def _flushed_exp2(t: torch.Tensor, floor: float) -> torch.Tensor:
    """2^t, with t <= floor (and -inf, NaN-free) giving exactly 0."""
    return torch.where(t > floor, torch.exp2(t), torch.zeros_like(t))


def _finish(acc: torch.Tensor, m: torch.Tensor, l: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Denoised = acc / l and lse = (m + log2 l) ln 2, from base-2 running max m."""
    return acc / l[:, None], (m + torch.log2(l)) * LN2


def _safe_max(m: torch.Tensor) -> torch.Tensor:
    """The running max with -inf replaced by 0, so that exp(logit - m) never sees -inf - (-inf)."""
    return torch.where(torch.isneginf(m), torch.zeros_like(m), m)


# ----------------------------------------------------------------------------- the reference: the formula


def empirical_denoise_reference(y, x, sigma, log_weights=None):
    """The plain formula, the definition every other path is tested against:

        logit_i(y) = log w_i - ||y - x_i||^2 / (2 sigma^2),   D_emp(y) = softmax(logit) @ X,   lse = logsumexp(logit)

    It forms y_b - x_i for every pair, a B x N x D tensor: fine for tests, hopeless at scale (see
    "Why fuse")."""
    dtype = _work_dtype(y, x)
    y, x = y.to(dtype), x.to(dtype)
    inv = inv_two_sigma_sq(sigma, y.shape[0], y.device, dtype)
    lw = None if log_weights is None else log_weights.to(dtype)
    d2 = (y[:, None, :] - x[None, :, :]).pow(2).sum(-1)
    logits = _logits_from_sq_dist(d2, inv, lw)
    return torch.softmax(logits, dim=1) @ x, torch.logsumexp(logits, dim=1)


def _logits_from_sq_dist(d2, inv, lw):
    """logit_i = log w_i - a_b ||y_b - x_i||^2 from the squared distances, a_b = 1 / (2 sigma_b^2)."""
    logits = -d2 * inv[:, None]
    return logits if lw is None else logits + lw[None, :]


# ----------------------------------------------------------------------------- the fast PyTorch path


def _score_block(q, k, s):
    """One block of base-2 logits: s = q @ k^T (written into s)."""
    return torch.mm(q, k.T, out=s)


def empirical_denoise_torch_fast(
    y: torch.Tensor,
    x: torch.Tensor,
    sigma: SigmaLike,
    log_weights: Optional[torch.Tensor] = None,
    chunk: Optional[int] = None,
    augmented: Optional[bool] = None,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """The fast PyTorch path: the reference formula computed chunk by chunk with an online softmax.

    Per chunk of keys: one product for the logits, four cheap passes over the B x chunk block
    (row max, shift, flush, exp2 in place) and one product for the weighted sum.  With
    ``augmented`` (default: ``use_augmented``, small D) the norms and the row sums ride inside the
    two products (see "4. The fast PyTorch path" in the module docstring); otherwise they are two extra
    passes (the key norms, broadcast, and the row sums).
    """
    _check(y, x, log_weights)
    dtype = _work_dtype(y, x)
    yw = y.to(dtype)
    B, D = yw.shape
    N = x.shape[0]
    dev = y.device
    chunk = max(1, min(int(chunk) if chunk else torch_fast_chunk(B, D, dtype, dev), N))
    if augmented is None:
        augmented = use_augmented(B, D)
    a = inv_two_sigma_sq(sigma, B, dev, dtype).mul_(LOG2E)  # logits in base 2: log2(e) / (2 sigma^2)
    lw = None if log_weights is None else log_weights.to(device=dev, dtype=dtype) * LOG2E
    yy = torch.linalg.vector_norm(yw, dim=1).square_()
    floor = exp2_floor(dtype)
    lowest = torch.finfo(dtype).min
    if augmented:
        # q = [2a y, -a, -a ||y||^2] and k = [x, ||x||^2, 1]: q . k = -a ||y - x||^2
        E = D + 2
        q = torch.empty(B, E, device=dev, dtype=dtype)
        torch.mul(yw, (2.0 * a)[:, None], out=q[:, :D])
        q[:, D] = -a
        q[:, D + 1] = -a * yy
        kbuf = torch.empty(chunk, E, device=dev, dtype=dtype)
        kbuf[:, D + 1] = 1.0
    else:
        # -a_b ||y_b||^2 is the same for every key of a row: the softmax does not see it, so it
        # stays out of the score block and goes into lse at the end (one pass less per chunk)
        E = D
        q = yw * (2.0 * a)[:, None]
        uniform = B > 0 and bool((a == a[0]).all())  # one sigma for all queries: the key term is one row
        l = torch.zeros(B, device=dev, dtype=dtype)
    s_buf = torch.empty(B * chunk, device=dev, dtype=dtype)
    m = torch.full((B,), -math.inf, device=dev, dtype=dtype)
    acc = torch.zeros(B, E, device=dev, dtype=dtype)  # augmented: [sum p x, (unused), sum p]
    for start in range(0, N, chunk):
        xc = x[start:start + chunk].to(dtype)
        c = xc.shape[0]
        s = s_buf[:B * c].view(B, c)
        if augmented:
            k = kbuf[:c]
            k[:, :D].copy_(xc)
            torch.linalg.vector_norm(xc, dim=1, out=k[:, D]).square_()
            _score_block(q, k, s)
            if lw is not None:
                s.add_(lw[None, start:start + c])
        else:
            k = xc
            _score_block(q, k, s)
            xx = torch.linalg.vector_norm(xc, dim=1).square_()
            if uniform:  # s += -a ||x_i||^2 (+ log w_i): one row, broadcast
                row = xx.mul_(-a[0]) if lw is None else xx.mul_(-a[0]).add_(lw[start:start + c])
                s.add_(row[None, :])
            else:
                s.addr_(a, xx, alpha=-1.0)
                if lw is not None:
                    s.add_(lw[None, start:start + c])
        m_new = torch.maximum(m, s.amax(dim=1))
        m_safe = m_new.clamp(min=lowest)  # -inf (no weight so far) -> finite: no -inf - -inf
        alpha = torch.nn.functional.threshold(m - m_safe, floor, -math.inf).exp2_()
        s.sub_(m_safe[:, None])
        torch.nn.functional.threshold_(s, floor, -math.inf)  # tiny weights become exact zeros
        s.exp2_()  # s now holds the weights
        acc.mul_(alpha[:, None]).addmm_(s, k)
        if not augmented:
            l.mul_(alpha).add_(s.sum(dim=1))
        m = m_new
    if augmented:
        l = acc[:, D + 1]
        lse = (m + torch.log2(l)) * LN2
    else:
        lse = (m + torch.log2(l) - a * yy) * LN2
    den = acc[:, :D] / l[:, None]
    return den.to(y.dtype) if y.dtype != dtype and y.dtype.is_floating_point else den, lse


# ----------------------------------------------------------------------------- baseline


def empirical_denoise_cdist(y, x, sigma, log_weights=None):
    """Benchmark baseline: cdist, then softmax, then a matrix product (the B x N block materialised)."""
    dtype = _work_dtype(y, x)
    y, x = y.to(dtype), x.to(dtype)
    inv = inv_two_sigma_sq(sigma, y.shape[0], y.device, dtype)
    lw = None if log_weights is None else log_weights.to(dtype)
    logits = _logits_from_sq_dist(torch.cdist(y, x).square(), inv, lw)
    return torch.softmax(logits, dim=1) @ x, torch.logsumexp(logits, dim=1)


# ----------------------------------------------------------------------------- Triton


def empirical_denoise_triton(y, x, sigma, log_weights=None, chunk=None, splits=None, fused=None):
    """Triton path (float32): the fused kernel for D <= FUSED_DEFAULT_MAX_D (``fused=True`` forces it up to
    FUSED_MAX_D), chunked cuBLAS + fused softmax above (the kernels are in ``kernels/triton_empirical.py``)."""
    _check(y, x, log_weights)
    B, D = y.shape
    yf = y.to(torch.float32).contiguous()
    xf = x.to(torch.float32).contiguous()
    # the kernels work in base 2: log2(e) is folded into 1 / (2 sigma^2) and into the log weights
    inv = inv_two_sigma_sq(sigma, B, y.device, torch.float32).mul_(LOG2E).contiguous()
    lw = None if log_weights is None else (log_weights.to(device=y.device, dtype=torch.float32) * LOG2E).contiguous()
    from . import triton_empirical  # only this path imports Triton
    if fused is None:
        fused = D <= FUSED_DEFAULT_MAX_D
    if fused:
        den, lse = _merge_splits(*triton_empirical.fused(yf, xf, inv, lw, splits=splits))
    else:
        chunk = int(chunk) if chunk else default_chunk(B, D)
        den, lse = _finish(*triton_empirical.chunked(yf, xf, inv, lw, chunk=chunk))
    return den.to(y.dtype) if y.dtype.is_floating_point else den, lse


def _merge_splits(m, l, acc):
    """Merge the fused kernel's per-split (m, l, acc) with the same rescaling rule as the online update."""
    m_all = m.amax(dim=0)
    w = _flushed_exp2(m - _safe_max(m_all)[None, :], EXP2_FLOOR_F32)  # (S, B)
    l_all = (w * l).sum(dim=0)
    acc_all = torch.einsum("sb,sbd->bd", w, acc)
    return _finish(acc_all, m_all, l_all)


# ----------------------------------------------------------------------------- dispatcher


def empirical_denoise(
    y: torch.Tensor,
    x: torch.Tensor,
    sigma: SigmaLike,
    log_weights: Optional[torch.Tensor] = None,
    backend: Optional[str] = None,
    chunk: Optional[int] = None,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Empirical denoiser D_emp(y, sigma) and log-sum-exp of the logits, for B queries.

    y: (B, D) queries; x: (N, D) training points; sigma: float or (B,) tensor (> 0);
    log_weights: optional (N,) log weights.  Returns (denoised (B, D), lse (B,)).
    float64 inputs always take the fast PyTorch path, in float64.
    """
    which = pick_backend(y, backend)
    if which == "triton" and _work_dtype(y, x) != torch.float64:
        return empirical_denoise_triton(y, x, sigma, log_weights, chunk=chunk)
    return empirical_denoise_torch_fast(y, x, sigma, log_weights, chunk=chunk)
