"""Kernel package, PyTorch paths: the fast paths against their plain references (the formulas, in float64).

These tests never run Triton code (see test_kernels_triton.py for the kernels themselves).
"""

import os
import subprocess
import sys

import pytest
import torch

import kernels
from kernels import dispatch
from kernels.divergence import l2_cosine_reference
from kernels.empirical import (
    empirical_denoise_cdist,
    empirical_denoise_reference,
    empirical_denoise_torch_fast,
)
from kernels.ssm import expand, philox_randint4x, project, projection_vectors

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rel_err(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


# ----------------------------------------------------------------------------- dispatch


def test_pick_backend_explicit_env_and_auto(monkeypatch):
    t = torch.zeros(2)
    monkeypatch.delenv("TINYSCORE_KERNELS", raising=False)
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    assert dispatch.pick_backend(t) == "reference"  # CPU tensor, no interpreter
    assert dispatch.pick_backend(t, "reference") == "reference"
    monkeypatch.setenv("TINYSCORE_KERNELS", "reference")
    assert dispatch.pick_backend(t) == "reference"
    monkeypatch.setenv("TRITON_INTERPRET", "1")
    monkeypatch.setenv("TINYSCORE_KERNELS", "auto")
    assert dispatch.pick_backend(t) == ("triton" if dispatch.HAS_TRITON else "reference")
    assert dispatch.pick_backend(t, "reference") == "reference"  # the argument wins
    with pytest.raises(ValueError):
        dispatch.pick_backend(t, "cuda-magic")


def test_triton_requested_without_triton_raises(monkeypatch):
    monkeypatch.setattr(dispatch, "HAS_TRITON", False)
    with pytest.raises(RuntimeError, match="not installed"):
        dispatch.pick_backend(torch.zeros(1), "triton")


def test_import_without_triton():
    code = (
        "import sys; sys.modules['triton'] = None\n"
        "import torch, kernels\n"
        "assert not kernels.HAS_TRITON\n"
        "d, l = kernels.empirical_denoise(torch.randn(3, 2), torch.randn(5, 2), 0.5)\n"
        "assert d.shape == (3, 2)\n"
        "try:\n"
        "    kernels.l2_cosine(torch.ones(1, 2), torch.ones(1, 2), torch.ones(1, 2), backend='triton')\n"
        "except RuntimeError as e:\n"
        "    print('raised', e)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "raised" in res.stdout and "not installed" in res.stdout


def test_kernels_divergence_is_the_module():
    import types

    import kernels.divergence as module

    assert isinstance(module, types.ModuleType) and kernels.divergence is module
    assert kernels.l2_cosine is module.l2_cosine


def _run(code, **env):
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**os.environ, **env})
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_triton_is_imported_only_when_a_triton_backend_is_picked():
    """``import kernels`` and CPU calls leave Triton unimported (start-up); HAS_TRITON still says
    whether it is installed; with TRITON_INTERPRET=1 the first pick imports it, interpreted."""
    code = (
        "import importlib.util, os, sys, torch, kernels, tinyscore\n"
        "from kernels import dispatch\n"
        "assert kernels.HAS_TRITON == (importlib.util.find_spec('triton') is not None)\n"
        "x = torch.randn(4, 3)\n"
        "kernels.empirical_denoise(x, torch.randn(5, 3), 0.5)\n"
        "kernels.l2_cosine(x, x + 1, x)\n"
        "kernels.expand(kernels.project(x, 1, 0), 1, 0, D=3)\n"
        "assert 'triton' not in sys.modules, 'imported by a CPU call'\n"
        "os.environ['TRITON_INTERPRET'] = '1'\n"
        "print(dispatch.pick_backend(x), 'triton' in sys.modules, dispatch.triton_imported_for_interpreter())\n"
    )
    out = _run(code, TRITON_INTERPRET="0").split()
    assert out == (["triton", "True", "True"] if dispatch.HAS_TRITON else ["reference", "False", "False"])


# ----------------------------------------------------------------------------- empirical denoiser


def ragged_case(seed: int):
    """Fresh random inputs of odd sizes: B queries, N keys in D dimensions, a chunk that need not divide N,
    a sigma per query or one for all, log weights (some zero weights) or none."""
    g = torch.Generator().manual_seed(1000 + seed)

    def pick(lo, hi):
        return int(torch.randint(lo, hi + 1, (1,), generator=g))

    B, N, D = pick(1, 37), pick(1, 611), pick(1, 71)
    x = torch.rand(N, D, generator=g, dtype=torch.float64)
    y = x[torch.randint(0, N, (B,), generator=g)] + 0.5 * torch.randn(B, D, generator=g, dtype=torch.float64)
    sigma = (0.1 + torch.rand(B, generator=g, dtype=torch.float64)) if seed % 2 else 0.1 + float(torch.rand(1, generator=g))
    lw = None
    if seed % 3:
        lw = torch.randn(N, generator=g, dtype=torch.float64)
        lw[torch.rand(N, generator=g) < 0.2] = -float("inf")
        lw[pick(0, N - 1)] = 0.0                     # at least one key keeps its weight
    return y, x, sigma, lw, pick(1, N + 5), bool(seed % 4 < 2)


@pytest.mark.parametrize("seed", range(24))
def test_torch_fast_matches_the_reference_on_ragged_inputs(seed):
    """The fast PyTorch path against the plain formula: float64 to round-off, float32 to its precision."""
    y, x, sigma, lw, chunk, augmented = ragged_case(seed)
    d_ref, l_ref = empirical_denoise_reference(y, x, sigma, lw)
    d, l = empirical_denoise_torch_fast(y, x, sigma, lw, chunk=chunk, augmented=augmented)
    assert d.dtype == torch.float64 and rel_err(d, d_ref) < 1e-10 and rel_err(l, l_ref) < 1e-10
    f = (lambda t: t) if not torch.is_tensor(sigma) else (lambda t: t.float())
    d32, l32 = empirical_denoise_torch_fast(y.float(), x.float(), f(sigma), None if lw is None else lw.float(),
                                            chunk=chunk, augmented=augmented)
    assert d32.dtype == torch.float32 and rel_err(d32.double(), d_ref) < 1e-4 and rel_err(l32.double(), l_ref) < 1e-4


def test_the_reference_is_the_formula():
    """The plain reference against the formula computed by hand for two keys in one dimension."""
    y, x = torch.tensor([[0.0]], dtype=torch.float64), torch.tensor([[1.0], [-3.0]], dtype=torch.float64)
    sigma, lw = 2.0, torch.tensor([0.0, 0.5], dtype=torch.float64)
    logits = torch.tensor([0.0 - 1 / 8, 0.5 - 9 / 8], dtype=torch.float64)   # log w_i - (y - x_i)^2 / 8
    w = logits.exp() / logits.exp().sum()
    d, l = empirical_denoise_reference(y, x, sigma, lw)
    assert d.item() == pytest.approx(float(w[0] * 1 + w[1] * -3), rel=1e-14)
    assert l.item() == pytest.approx(float(logits.exp().sum().log()), rel=1e-14)


@pytest.fixture(scope="module")
def emp_data():
    g = torch.Generator().manual_seed(0)
    B, N, D = 64, 5000, 100
    x = torch.rand(N, D, generator=g, dtype=torch.float64)
    y = x[:B] + 0.3 * torch.randn(B, D, generator=g, dtype=torch.float64)
    lw = torch.randn(N, generator=g, dtype=torch.float64)
    return y, x, lw


@pytest.mark.parametrize("sigma", [0.01, 1.0])
@pytest.mark.parametrize("augmented", [True, False])
def test_torch_fast_matches_reference_float64(emp_data, sigma, augmented):
    y, x, lw = emp_data
    d_ref, l_ref = empirical_denoise_reference(y, x, sigma, lw)
    for chunk in (None, 1000, 777, 5000, 7000):
        d, l = empirical_denoise_torch_fast(y, x, sigma, lw, chunk=chunk, augmented=augmented)
        assert d.dtype == torch.float64 and l.dtype == torch.float64
        assert rel_err(d, d_ref) < 1e-10, chunk
        assert rel_err(l, l_ref) < 1e-10, chunk


def test_torch_fast_float32_and_cdist_baseline(emp_data):
    y, x, lw = emp_data
    sigma = torch.linspace(0.5, 2.0, y.shape[0], dtype=torch.float64)
    d_ref, l_ref = empirical_denoise_reference(y, x, sigma, lw)
    d, l = empirical_denoise_torch_fast(y.float(), x.float(), sigma.float(), lw.float(), chunk=613)
    assert d.dtype == torch.float32
    assert rel_err(d.double(), d_ref) < 1e-4 and rel_err(l.double(), l_ref) < 1e-4
    d_c, l_c = empirical_denoise_cdist(y, x, sigma, lw)
    assert rel_err(d_c, d_ref) < 1e-8 and rel_err(l_c, l_ref) < 1e-8


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_far_queries_small_sigma_give_nearest_point(dtype):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(500, 20, generator=g).to(dtype)
    y = (50.0 * torch.randn(16, 20, generator=g)).to(dtype)  # far from every training point
    nearest = x[torch.cdist(y.double(), x.double()).argmin(dim=1)]
    for sigma in (0.01, 1.0):
        d, l = empirical_denoise_torch_fast(y, x, sigma, chunk=64)
        assert torch.isfinite(d).all() and torch.isfinite(l).all()
        if sigma == 0.01:
            assert torch.allclose(d, nearest, atol=1e-5)
    d_ref, l_ref = empirical_denoise_reference(y.double(), x.double(), 1.0)
    d, l = empirical_denoise_torch_fast(y, x, 1.0, chunk=64)
    assert rel_err(d.double(), d_ref) < 1e-4 and rel_err(l.double(), l_ref) < 1e-4


@pytest.mark.parametrize("augmented", [True, False])
def test_zero_weight_points_are_ignored(augmented):
    g = torch.Generator().manual_seed(2)
    x = torch.randn(40, 3, generator=g, dtype=torch.float64)
    y = torch.randn(5, 3, generator=g, dtype=torch.float64)
    lw = torch.zeros(40, dtype=torch.float64)
    lw[:25] = -float("inf")  # whole first chunks have zero weight
    d, l = empirical_denoise_torch_fast(y, x, 0.7, lw, chunk=10, augmented=augmented)
    d_ref, l_ref = empirical_denoise_reference(y, x[25:], 0.7)
    assert rel_err(d, d_ref) < 1e-12 and rel_err(l, l_ref) < 1e-12
    # a zero-weight point contributes exactly nothing, even when it is the nearest one
    x2 = torch.cat([y[:1], x[25:]])
    lw2 = torch.zeros(x2.shape[0], dtype=torch.float64)
    lw2[0] = -float("inf")
    d2, _ = empirical_denoise_torch_fast(y[:1], x2, 0.01, lw2, augmented=augmented)
    assert rel_err(d2, empirical_denoise_reference(y[:1], x[25:], 0.01)[0]) < 1e-12


@pytest.mark.parametrize("augmented", [True, False])
def test_chunking_bounds_the_score_block(monkeypatch, augmented):
    """Tiny chunks give the same answer, and no score block larger than B x chunk is formed."""
    from kernels import empirical

    g = torch.Generator().manual_seed(3)
    y = torch.randn(8, 6, generator=g, dtype=torch.float64)
    x = torch.randn(300, 6, generator=g, dtype=torch.float64)
    full = empirical_denoise_torch_fast(y, x, 0.8, chunk=300)
    sizes = []
    real_block = empirical._score_block

    def recording_block(q, k, s):
        out = real_block(q, k, s)
        sizes.append(out.numel())
        return out

    monkeypatch.setattr(empirical, "_score_block", recording_block)
    for chunk in (1, 7):
        sizes.clear()
        d, l = empirical_denoise_torch_fast(y, x, 0.8, chunk=chunk, augmented=augmented)
        assert rel_err(d, full[0]) < 1e-12 and rel_err(l, full[1]) < 1e-12
        assert len(sizes) == -(-300 // chunk) and max(sizes) <= 8 * chunk


def test_default_cpu_chunk_is_cache_sized_and_independent_of_n():
    from kernels.empirical import cache_chunk

    assert cache_chunk(256, 100) * 256 * 4 <= 2 * 2**20
    assert cache_chunk(64, 6400) * 6400 * 4 <= 8 * 2**20
    assert cache_chunk(1, 1) >= 128 and cache_chunk(100_000, 100_000) == 128


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("augmented", [True, False])
def test_exp_never_sees_a_denormal_or_slow_input(monkeypatch, dtype, augmented):
    """Near-one-hot rows (queries near their points, D = 100): the logits fall far below -87,
    where float32 exp is ~55x slower and returns denormals.  Every input that reaches exp2 must
    be -inf or above the floor, every weight 0 or a normal number, and the answer must still
    match the float64 formula."""
    from kernels import empirical

    g = torch.Generator().manual_seed(8)
    x = torch.rand(600, 100, generator=g, dtype=torch.float64)
    y = x[:32] + 0.3 * torch.randn(32, 100, generator=g, dtype=torch.float64)
    floor = empirical.exp2_floor(dtype)
    tiny = torch.finfo(dtype).tiny
    seen = []
    real_exp2_ = torch.Tensor.exp2_

    def checking_exp2_(t):
        finite = t[torch.isfinite(t)]
        seen.append((bool((finite > floor).all()), bool(torch.isneginf(t[~torch.isfinite(t)]).all())))
        out = real_exp2_(t)
        positive = out[out > 0]
        seen.append((bool((positive >= tiny).all()), True))
        return out

    monkeypatch.setattr(torch.Tensor, "exp2_", checking_exp2_)
    d, l = empirical_denoise_torch_fast(y.to(dtype), x.to(dtype), 0.3, chunk=128, augmented=augmented)
    assert seen and all(a and b for a, b in seen)
    d_ref, l_ref = empirical_denoise_reference(y, x, 0.3)
    tol = 1e-10 if dtype == torch.float64 else 1e-4
    assert rel_err(d.double(), d_ref) < tol and rel_err(l.double(), l_ref) < tol


@pytest.mark.parametrize("sigma", [0.001, 1e-4])
def test_torch_fast_small_sigma_float32_is_finite_and_one_hot(sigma):
    g = torch.Generator().manual_seed(12)
    x = torch.rand(300, 50, generator=g)
    y = torch.cat([x[:10] + 0.1 * sigma * torch.randn(10, 50, generator=g), 30.0 * torch.randn(6, 50, generator=g)])
    nearest = x[torch.cdist(y.double(), x.double()).argmin(dim=1)]
    for augmented in (True, False):
        d, l = empirical_denoise_torch_fast(y, x, sigma, chunk=64, augmented=augmented)
        assert torch.isfinite(d).all() and torch.isfinite(l).all()
        assert torch.allclose(d, nearest, atol=1e-5)


def test_empirical_input_validation():
    with pytest.raises(ValueError):
        kernels.empirical_denoise(torch.randn(3, 2), torch.randn(5, 3), 1.0)
    with pytest.raises(ValueError):
        kernels.empirical_denoise(torch.randn(3, 2), torch.randn(5, 2), 0.0)
    with pytest.raises(ValueError):
        kernels.empirical_denoise(torch.randn(3, 2), torch.randn(5, 2), torch.ones(4))


# ----------------------------------------------------------------------------- SSM projections


def test_philox_known_answer():
    # Random123 known-answer test for Philox4x32-10: counter 0, key 0
    words = [int(w) for w in philox_randint4x(0, torch.zeros(1, dtype=torch.int64))]
    assert words == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]


# Directions pinned from the implementation of record (before the vectorised generator):
# (kind, B, D, seed, index, flat values at [0, 1, 2, B*D//2, B*D-1], sum of v * (arange % 9973),
#  first 16 hex digits of the SHA-256 of the float32 bytes -- rademacher only: pure integer
#  arithmetic, so bit-identical on every machine; gaussian goes through log/cos, pinned to 1e-6).
PINNED_DIRECTIONS = [
    ("rademacher", 512, 100, 1234567, 0, [-1.0, 1.0, -1.0, 1.0, -1.0], -613435.0, "fbf74ec802527810"),
    ("rademacher", 256, 2, 2147483646, 3, [1.0, 1.0, 1.0, 1.0, 1.0], -8024.0, "5798dd71b11c399e"),
    ("rademacher", 7, 6400, 0, 1, [1.0, -1.0, -1.0, 1.0, 1.0], 342760.0, "e7a5129a8c484327"),
    ("rademacher", 3, 5, 1099511627793, 2, [1.0, 1.0, 1.0, -1.0, 1.0], 27.0, "02a019ac4555587f"),
    ("rademacher", 33, 77, 99, 1000, [1.0, -1.0, -1.0, 1.0, -1.0], -51442.0, "8d20519168ca110e"),
    ("rademacher", 3, 5, 8589934597, 2**30, [1.0, -1.0, 1.0, -1.0, 1.0], 39.0, "c5a0cfe9843ad37e"),
    ("gaussian", 512, 100, 1234567, 0,
     [-1.57185959815979, -0.9336427450180054, 1.3485972881317139, 0.4914989769458771, -1.216813564300537],
     -90420.96708843781, None),
    ("gaussian", 256, 2, 2147483646, 3,
     [0.5293623208999634, 0.5236228704452515, -1.0937285423278809, 1.3315353393554688, -0.3311809301376343],
     10558.32703775703, None),
    ("gaussian", 7, 6400, 0, 1,
     [1.700669765472412, -0.8517056107521057, -0.24479608237743378, -0.3396715521812439, 0.4462742805480957],
     -251583.4023620417, None),
    ("gaussian", 3, 5, 8589934597, 2**30,
     [0.8261165022850037, -0.7515464425086975, 0.9164281487464905, -1.2301993370056152, 0.5409934520721436],
     2.222776988055557, None),
]

# Philox words (seed, first offset, count, SHA-256 prefix of the four int64 word tensors, first words)
PINNED_WORDS = [
    (1234567, 0, 51200, "638301dc2ae0a3a7", [3688262095, 1022100329, 3457867836, 2045386730]),
    (8589934597, 2**30 * 15, 15, "db6b5329dbad40bf", [723393339, 3961249285, 430939639, 2857575184]),
    (2147483646, 3 * 512, 512, "80ea49c1f92453b7", [1691720401, 1909056170, 4269090908, 1359136658]),
]


def _sha16(t):
    import hashlib

    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()[:16]


@pytest.mark.parametrize("kind,B,D,seed,index,values,weighted_sum,sha", PINNED_DIRECTIONS)
def test_projection_vectors_are_pinned(kind, B, D, seed, index, values, weighted_sum, sha):
    """Same seed -> same directions as every earlier version (and as the Triton kernels)."""
    v = projection_vectors((B, D), seed, index, kind)
    assert v.shape == (B, D) and v.dtype == torch.float32
    flat = v.flatten()
    got = [float(flat[i]) for i in (0, 1, 2, B * D // 2, B * D - 1)]
    w = (torch.arange(B * D, dtype=torch.float64) % 9973).view(B, D)
    if sha is not None:
        assert got == values
        assert (v.double() * w).sum().item() == weighted_sum
        assert _sha16(v) == sha
    else:
        assert got == pytest.approx(values, rel=1e-6, abs=1e-6)
        assert (v.double() * w).sum().item() == pytest.approx(weighted_sum, rel=1e-5)
    # other dtypes hold the same numbers
    assert torch.equal(projection_vectors((B, D), seed, index, kind, dtype=torch.float64), v.double())


@pytest.mark.parametrize("seed,first,count,sha,first_words", PINNED_WORDS)
def test_philox_words_are_pinned(seed, first, count, sha, first_words):
    words = philox_randint4x(seed, first + torch.arange(count, dtype=torch.int64))
    assert [int(w[0]) for w in words] == first_words
    assert _sha16(torch.stack([w.to(torch.int64) for w in words])) == sha


def _philox_16bit_oracle(seed, offset, n_rounds=10):
    """Philox4x32-10 written the slow, overflow-free way: 16-bit halves, int64 never overflows."""
    mask = 0xFFFFFFFF

    def mul32(a, x):
        a_hi, a_lo = a >> 16, a & 0xFFFF
        x_hi, x_lo = x >> 16, x & 0xFFFF
        lo = a_lo * x_lo
        mid = a_hi * x_lo + a_lo * x_hi
        return (a_hi * x_hi + ((mid + (lo >> 16)) >> 16)) & mask, ((mid << 16) + lo) & mask

    c0, c1 = offset & mask, (offset >> 32) & mask
    c2, c3 = torch.zeros_like(c0), torch.zeros_like(c0)
    k0, k1 = seed & mask, (seed >> 32) & mask
    for _ in range(n_rounds):
        hi_b, lo_b = mul32(0xCD9E8D57, c2)
        hi_a, lo_a = mul32(0xD2511F53, c0)
        c0, c1, c2, c3 = hi_b ^ c1 ^ k0, lo_b, hi_a ^ c3 ^ k1, lo_a
        k0, k1 = (k0 + 0x9E3779B9) & mask, (k1 + 0xBB67AE85) & mask
    return c0, c1, c2, c3


@pytest.mark.parametrize("seed,first,n", [(0, 0, 1), (1234567, 0, 40_000), (2**40 + 17, 2**33 - 5, 100),
                                          (2**63 - 1, 2**62, 3), (7, 5, 2**14 + 1)])
def test_philox_paths_agree_with_an_overflow_free_oracle(seed, first, n):
    """The int64 (any device) and NumPy (CPU) generators against a formulation that never
    relies on integer wrap-around, for offsets across 2^32 and blocks of the CPU path."""
    from kernels.ssm import _philox_numpy_words

    offset = first + torch.arange(n, dtype=torch.int64)
    oracle = _philox_16bit_oracle(seed, offset)
    fast = philox_randint4x(seed, offset)
    for n_words in (1, 2, 4):
        numpy_words = _philox_numpy_words(seed, first, n, n_words)
        assert len(numpy_words) == n_words
        for a, b in zip(oracle, numpy_words):
            assert torch.equal(a, torch.from_numpy(b.astype("int64")))
    for a, b in zip(oracle, fast):
        assert torch.equal(a, b)


def test_projection_vectors_properties():
    shape = (16, 1000)  # 16,000 draws (small tensors also stay off the thread pool)
    v = projection_vectors(shape, seed=7, index=0, kind="rademacher", dtype=torch.float64)
    assert set(v.unique().tolist()) == {-1.0, 1.0}
    assert abs(v.mean().item()) < 4 / (16 * 1000) ** 0.5
    assert torch.equal(v, projection_vectors(shape, 7, 0, "rademacher", dtype=torch.float64))
    assert not torch.equal(v, projection_vectors(shape, 7, 1, "rademacher", dtype=torch.float64))
    assert not torch.equal(v, projection_vectors(shape, 8, 0, "rademacher", dtype=torch.float64))
    n = projection_vectors(shape, seed=7, index=2, kind="gaussian")
    assert abs(n.mean().item()) < 0.04 and abs(n.std().item() - 1.0) < 0.04
    with pytest.raises(ValueError):
        projection_vectors((2, 2), 0, 0, kind="uniform")


@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
def test_project_expand_against_explicit_v(kind):
    g = torch.Generator().manual_seed(4)
    x = torch.randn(9, 33, generator=g, dtype=torch.float64)
    q = torch.randn(9, generator=g, dtype=torch.float64)
    v = projection_vectors((9, 33), 11, 3, kind, dtype=torch.float64)
    p = project(x, 11, 3, kind, backend="reference")
    assert torch.allclose(p, (v * x).sum(1), rtol=1e-12, atol=1e-12)
    gq = expand(q, 11, 3, kind, D=33, backend="reference")
    assert torch.allclose(gq, q[:, None] * v, rtol=0, atol=0)


@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
def test_project_expand_gradcheck(kind):
    g = torch.Generator().manual_seed(5)
    x = torch.randn(4, 7, generator=g, dtype=torch.float64, requires_grad=True)
    q = torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)
    f = lambda t: project(t, 3, 1, kind, backend="reference")  # noqa: E731
    h = lambda t: expand(t, 3, 1, kind, D=7, backend="reference")  # noqa: E731
    assert torch.autograd.gradcheck(f, (x,))
    assert torch.autograd.gradgradcheck(f, (x,))
    assert torch.autograd.gradcheck(h, (q,))
    assert torch.autograd.gradgradcheck(h, (q,))


def test_ssm_double_backward_through_a_model():
    """grad_y (v^T s(y)) then its projection, as in the sliced score matching loss."""
    torch.manual_seed(6)
    net = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 5)).double()
    y = torch.randn(3, 5, dtype=torch.float64, requires_grad=True)
    s = net(y)
    vs = project(s, 9, 0, backend="reference")
    (gy,) = torch.autograd.grad(vs.sum(), y, create_graph=True)
    loss = (project(gy, 9, 0, backend="reference") + 0.5 * vs**2).mean()
    loss.backward()
    # the same with explicit directions
    v = projection_vectors((3, 5), 9, 0, dtype=torch.float64)
    grads = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    y2 = y.detach().requires_grad_(True)
    s2 = net(y2)
    vs2 = (v * s2).sum(1)
    (gy2,) = torch.autograd.grad(vs2.sum(), y2, create_graph=True)
    ((v * gy2).sum(1) + 0.5 * vs2**2).mean().backward()
    for a, b in zip(grads, [p.grad for p in net.parameters()]):
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- divergence


def test_l2_cosine_reference():
    g = torch.Generator().manual_seed(7)
    a, b, y = (torch.randn(12, 50, generator=g, dtype=torch.float64) for _ in range(3))
    a[0], b[0] = y[0], y[0]  # both directions zero -> cos 1
    a[1] = y[1]  # one direction zero -> cos 0
    b[2] = y[2] + 3.0 * (a[2] - y[2])  # same direction -> cos 1
    l2, cos = l2_cosine_reference(a, b, y)
    assert torch.allclose(l2, (a - b).norm(dim=1), rtol=1e-12)
    expect = torch.nn.functional.cosine_similarity(a - y, b - y, dim=1, eps=1e-300)
    assert torch.allclose(cos[3:], expect[3:], rtol=1e-12)
    assert cos[0].item() == 1.0 and cos[1].item() == 0.0 and abs(cos[2].item() - 1.0) < 1e-12
    l2f, cosf = kernels.l2_cosine(a.float(), b.float(), y.float(), backend="reference")
    assert l2f.dtype == torch.float32 and torch.allclose(cosf.double(), cos, atol=1e-5)


# ----------------------------------------------------------------------------- benchmark plumbing


def test_bench_rows_have_the_documented_fields():
    from kernels import bench

    rows = bench.bench_empirical("cpu", shapes=[(4, 50, 3), (1000, 1000, 600)], repeats=1, regimes=["near"])
    rows += bench.bench_divergence("cpu", shapes=[(3, 20)], repeats=1)
    assert all(set(r) == set(bench.ROW_KEYS) for r in rows)
    assert any(r["note"].startswith("skipped: would allocate") for r in rows)
    emp = [r for r in rows if r["case"] == "B=4 N=50 D=3, near"]
    assert {r["baseline"].split(" (")[0] for r in emp} == {
        "floor: two GEMMs", "floor: one GEMM", "cdist + softmax + matmul", "plain reference"}
    assert all(r["name"] == "empirical denoiser" and r["ratio"] == r["baseline_s"] / r["time_s"] for r in emp)
    assert "baseline time" in bench.format_table(rows)


def test_measure_interleaves_and_takes_medians(monkeypatch):
    """Each repeat calls every function once, starting from a different one; the reported time is
    the median per call, on the clock chosen for the device."""
    from kernels import bench

    clock = [0.0]
    order = []
    costs = {"a": [5, 1, 1, 9, 1], "b": [2, 2, 7, 2, 2], "c": [3, 3, 3, 3, 3]}

    def make(name):
        def fn():
            order.append(name)
            clock[0] += costs[name][(len([o for o in order if o == name]) - 2) % 5]
        return fn

    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(bench.time, "process_time", lambda: clock[0])
    monkeypatch.setattr(bench, "MIN_SAMPLE_S", 0.0)
    t = bench.measure({n: make(n) for n in "abc"}, "cpu", repeats=5, warmup=1)
    assert order[:3] == ["a", "b", "c"]  # warm-up
    rounds = [order[3 + 3 * r: 6 + 3 * r] for r in range(5)]
    assert [r[0] for r in rounds] == ["a", "b", "c", "a", "b"]
    assert all(sorted(r) == ["a", "b", "c"] for r in rounds)
    assert (t["a"]["time_s"], t["b"]["time_s"], t["c"]["time_s"]) == (1, 2, 3)
    assert all(len(v["samples"]) == 5 and v["wall_s"] == v["cpu_time_s"] == v["time_s"] for v in t.values())


def test_timing_clock():
    from kernels import bench

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert bench.timing_clock("cpu") == "cpu"
        assert bench.timing_clock("cuda") == "wall"
        if os.cpu_count() and os.cpu_count() > 1:
            torch.set_num_threads(2)
            assert bench.timing_clock("cpu") == "wall"
    finally:
        torch.set_num_threads(before)


# ----------------------------------------------------------------------------- ahead-of-time compile


def _compiled_triton():
    if not dispatch.HAS_TRITON or dispatch.triton_imported_for_interpreter():
        return None
    try:
        import triton
        from triton.backends.compiler import GPUTarget
        from triton.compiler import ASTSource

        return triton, GPUTarget, ASTSource
    except Exception:  # pragma: no cover
        return None


_compiled_triton()   # import triton now, compiled, before a test above sets TRITON_INTERPRET (unless it is set already)


def test_kernels_compile_for_a_gpu_target():
    """Compile each kernel to a CUDA binary (no GPU needed): catches what the interpreter forgives."""
    found = _compiled_triton()      # asked when it runs: with TRITON_INTERPRET=1 set, triton was imported interpreted
    if found is None:
        pytest.skip("needs triton imported without the interpreter (TRITON_INTERPRET=1 imports it interpreted)")
    triton, GPUTarget, ASTSource = found
    import kernels.triton_divergence as div
    import kernels.triton_empirical as emp
    import kernels.triton_ssm as ssm

    f32, i32, cx = "*fp32", "i32", "constexpr"
    jobs = [
        (emp._empirical_fused_kernel,
         dict(y_ptr=f32, x_ptr=f32, inv_ptr=f32, lw_ptr=f32, m_ptr=f32, l_ptr=f32, acc_ptr=f32, B=i32, N=i32,
              D=i32, keys_per_split=i32, stride_y=i32, stride_x=i32, HAS_LW=cx, BLOCK_B=cx, BLOCK_N=cx, BLOCK_D=cx),
         dict(HAS_LW=True, BLOCK_B=32, BLOCK_N=32, BLOCK_D=256), 8),
        (emp._softmax_update_kernel,
         dict(s_ptr=f32, yy_ptr=f32, xx_ptr=f32, inv_ptr=f32, lw_ptr=f32, m_ptr=f32, l_ptr=f32, alpha_ptr=f32,
              B=i32, C=i32, stride_s=i32, HAS_LW=cx, BLOCK_B=cx, BLOCK_C=cx),
         dict(HAS_LW=True, BLOCK_B=16, BLOCK_C=128), 4),
        (ssm._project_kernel,
         dict(x_ptr=f32, p_ptr=f32, seed="i64", base="i64", B=i32, D=i32, stride_x=i32, GAUSSIAN=cx, BLOCK_B=cx,
              BLOCK_D=cx),
         dict(GAUSSIAN=True, BLOCK_B=16, BLOCK_D=256), 4),
        (ssm._expand_kernel,
         dict(q_ptr="*fp64", g_ptr="*fp64", seed=i32, base=i32, B=i32, D=i32, GAUSSIAN=cx, BLOCK_B=cx, BLOCK_D=cx),
         dict(GAUSSIAN=False, BLOCK_B=16, BLOCK_D=256), 4),
        (div._divergence_kernel,
         dict(a_ptr="*fp16", b_ptr="*fp16", y_ptr="*fp16", l2_ptr=f32, cos_ptr=f32, B=i32, D=i32, stride_a=i32,
              stride_b=i32, stride_y=i32, ACC_F64=cx, BLOCK_B=cx, BLOCK_D=cx),
         dict(ACC_F64=False, BLOCK_B=8, BLOCK_D=512), 4),
    ]
    for fn, signature, constexprs, warps in jobs:
        compiled = triton.compile(ASTSource(fn, signature, constexprs=constexprs),
                                  target=GPUTarget("cuda", 80, 32), options={"num_warps": warps})
        assert "cubin" in compiled.asm, fn.__name__
