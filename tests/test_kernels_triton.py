"""Kernel package, Triton kernels: every kernel against its reference, run by Triton's interpreter.

Triton decides when it is first imported whether its language helpers are interpreted, so
TRITON_INTERPRET=1 has to be set before that import.  This module sets it if Triton has not
been imported yet (and unsets it again so other test modules keep their CPU reference paths);
each test then switches it on for its own duration.  If some earlier module already imported
Triton without the interpreter, the kernel tests are skipped here and the whole module is run
once more in a fresh interpreter process instead (``test_in_fresh_process``).

On a machine with CUDA the same comparisons also run on the compiled kernels.
"""

import os
import subprocess
import sys

import pytest
import torch

_WAS_SET = os.environ.get("TRITON_INTERPRET")
if "triton" not in sys.modules:
    os.environ["TRITON_INTERPRET"] = "1"
try:
    import triton  # noqa: F401
except ImportError:  # pragma: no cover
    triton = None
# Triton's helpers are compiled or interpreted as Triton is imported, and each kernel as its module
# (kernels.triton_*) is imported: on the first call that picks the Triton backend, inside a test
import kernels  # noqa: E402
from kernels import dispatch  # noqa: E402
from kernels.divergence import l2_cosine_reference  # noqa: E402
from kernels.empirical import empirical_denoise_reference, empirical_denoise_triton  # noqa: E402
from kernels.ssm import expand, project, projection_vectors  # noqa: E402

if _WAS_SET is None:
    os.environ.pop("TRITON_INTERPRET", None)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTERPRETER_READY = dispatch.triton_imported_for_interpreter()

pytestmark = pytest.mark.skipif(triton is None, reason="triton is not installed")
needs_interpreter = pytest.mark.skipif(
    not INTERPRETER_READY, reason="triton was imported without TRITON_INTERPRET=1; see test_in_fresh_process"
)
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(autouse=True)
def _interpret(monkeypatch):
    if INTERPRETER_READY:
        monkeypatch.setenv("TRITON_INTERPRET", "1")


@pytest.fixture
def poison(monkeypatch):
    """Make every torch.empty / empty_like return NaNs, so unwritten outputs cannot pass."""
    real_empty, real_empty_like = torch.empty, torch.empty_like

    def nan_fill(t):
        if t.dtype.is_floating_point:
            t.fill_(float("nan"))
        return t

    monkeypatch.setattr(torch, "empty", lambda *a, **k: nan_fill(real_empty(*a, **k)))
    monkeypatch.setattr(torch, "empty_like", lambda *a, **k: nan_fill(real_empty_like(*a, **k)))


def rel_err(a, b):
    return ((a.double() - b.double()).abs().max() / b.double().abs().max().clamp_min(1e-30)).item()


def skip_cpu_without_interpreter(device):
    if device == "cpu" and not INTERPRETER_READY:
        pytest.skip("triton was imported without TRITON_INTERPRET=1; see test_in_fresh_process")


# ----------------------------------------------------------------------------- empirical denoiser

EMP_CASES = [
    # B, N, D, fused, splits/chunk
    (37, 101, 5, True, 1),
    (37, 101, 5, True, 3),
    (19, 130, 70, True, 2),
    (3, 50, 2, True, None),
    (21, 300, 300, False, 50),  # large-D path: matmul + fused softmax update
    (21, 300, 300, False, 77),
    (5, 77, 3, False, 20),  # the large-D path forced at a tiny D
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,N,D,fused,param", EMP_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_empirical_kernel_matches_float64(device, B, N, D, fused, param, weighted, poison):
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(B * 1000 + N + D + int(weighted))
    x = torch.randn(N, D, generator=g)
    y = 1.5 * torch.randn(B, D, generator=g)
    sigma = 0.3 * D**0.5 * (0.5 + torch.rand(B, generator=g))  # a few effective neighbours
    lw = torch.randn(N, generator=g) if weighted else None
    kw = {"splits": param} if fused else {"chunk": param}
    d, l = empirical_denoise_triton(y.to(device), x.to(device), sigma.to(device),
                                    None if lw is None else lw.to(device), fused=fused, **kw)
    d_ref, l_ref = empirical_denoise_reference(y.double(), x.double(), sigma.double(),
                                           None if lw is None else lw.double())
    assert torch.isfinite(d).all() and torch.isfinite(l).all()
    assert rel_err(d.cpu(), d_ref) < 1e-4
    assert rel_err(l.cpu(), l_ref) < 1e-4


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("sigma", [0.01, 0.001])
def test_empirical_kernel_small_sigma_far_queries(device, fused, sigma, poison):
    """Near-one-hot rows and far queries: every weight but one underflows; nothing may become NaN."""
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(11)
    x = torch.rand(90, 6, generator=g)
    y = torch.cat([x[:10] + 0.1 * sigma * torch.randn(10, 6, generator=g), 40.0 * torch.randn(7, 6, generator=g)])
    nearest = x[torch.cdist(y.double(), x.double()).argmin(dim=1)]
    d, l = empirical_denoise_triton(y.to(device), x.to(device), sigma, fused=fused, chunk=32, splits=3)
    assert torch.isfinite(d).all() and torch.isfinite(l).all()
    assert torch.allclose(d.cpu(), nearest, atol=1e-4)
    _, l_ref = empirical_denoise_reference(y.double(), x.double(), sigma)
    # lse of the far queries (large); near ones are limited by float32 cancellation in ||y - x||^2
    assert rel_err(l[10:].cpu(), l_ref[10:]) < 1e-4


@pytest.mark.parametrize("device", DEVICES)
def test_empirical_chunked_kernel_writes_no_denormal_weights(device, monkeypatch):
    """Keys 80-110 nats below the best one would get denormal weights (slow on CPUs, flushed
    unpredictably on GPUs); the softmax kernel must write them as exact zeros."""
    skip_cpu_without_interpreter(device)
    r2 = torch.linspace(80, 110, 31) / 50.0  # squared distances: logits -80..-110 at sigma = 0.1
    x = torch.zeros(32, 5)
    x[1:, 0] = r2.sqrt()
    y = torch.zeros(3, 5)
    weights = []
    real_addmm_ = torch.Tensor.addmm_

    def recording_addmm_(acc, p, xc, *args, **kwargs):
        weights.append(p.detach().cpu().clone())
        return real_addmm_(acc, p, xc, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "addmm_", recording_addmm_)
    d, _ = empirical_denoise_triton(y.to(device), x.to(device), 0.1, fused=False, chunk=32)
    assert len(weights) == 1
    p = weights[0]
    assert torch.equal(p[:, 0], torch.ones(3))
    positive = p[p > 0]
    assert (positive >= torch.finfo(torch.float32).tiny).all()
    assert (p[:, 1:][r2.expand(3, -1) * 50.0 > 120 * 0.6931471805599453] == 0).all()
    assert torch.allclose(d.cpu(), torch.zeros(3, 5), rtol=0, atol=1e-30)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fused", [True, False])
def test_empirical_kernel_zero_weight_nearest_point(device, fused, poison):
    """A key with log weight -inf contributes exactly nothing, even when it is the nearest."""
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(13)
    x = torch.rand(70, 5, generator=g)
    y = x[:4] + 0.01 * torch.randn(4, 5, generator=g)
    lw = torch.zeros(70)
    lw[:4] = -float("inf")
    d, l = empirical_denoise_triton(y.to(device), x.to(device), 0.05, lw.to(device), fused=fused, chunk=16, splits=2)
    d_ref, l_ref = empirical_denoise_reference(y.double(), x[4:].double(), 0.05)
    assert rel_err(d.cpu(), d_ref) < 1e-4 and rel_err(l.cpu(), l_ref) < 1e-4


@needs_interpreter
def test_empirical_dispatch_uses_kernel():
    y, x = torch.randn(4, 3), torch.randn(20, 3)
    d_t, l_t = kernels.empirical_denoise(y, x, 0.5, backend="triton")
    d_r, l_r = kernels.empirical_denoise(y, x, 0.5, backend="reference")
    assert rel_err(d_t, d_r) < 1e-4 and rel_err(l_t, l_r) < 1e-4


# ----------------------------------------------------------------------------- SSM projections


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
@pytest.mark.parametrize("B,D", [(19, 300), (5, 17), (16, 256)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_projection_kernels_match_reference(device, kind, B, D, dtype, poison):
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(B + D)
    x = torch.randn(B, D, generator=g, dtype=dtype)
    q = torch.randn(B, generator=g, dtype=dtype)
    seed, index = 1234 + B, 3
    v = projection_vectors((B, D), seed, index, kind, dtype=torch.float64)
    p = project(x.to(device), seed, index, kind, backend="triton").cpu()
    gq = expand(q.to(device), seed, index, kind, D=D, backend="triton").cpu()
    assert p.dtype == dtype and gq.dtype == dtype
    assert rel_err(p, (v * x.double()).sum(1)) < 1e-5
    if kind == "rademacher":  # the directions are bit-identical: g = +-q exactly
        assert torch.equal(gq, q[:, None] * v.to(dtype))
    else:
        assert rel_err(gq, q.double()[:, None] * v) < 1e-5


@pytest.mark.parametrize("device", DEVICES)
def test_projection_kernel_double_backward(device):
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(21)
    w = torch.randn(12, 12, generator=g, dtype=torch.float64)
    y0 = torch.randn(6, 12, generator=g, dtype=torch.float64)
    results = []
    for backend in ("triton", "reference"):
        wb = w.to(device).requires_grad_(True)
        y = y0.to(device).requires_grad_(True)
        s = torch.tanh(y @ wb)
        vs = project(s, 5, 2, backend=backend)
        (gy,) = torch.autograd.grad(vs.sum(), y, create_graph=True)
        loss = (project(gy, 5, 2, backend=backend) + 0.5 * vs**2).sum()
        (gw,) = torch.autograd.grad(loss, wb)
        results.append(gw.cpu())
    assert rel_err(results[0], results[1]) < 1e-10


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("vr", [True, False])
def test_ssm_loss_through_kernels_matches_reference_path(device, vr):
    """The SSM loss with projections regenerated inside the kernels (no stored v) and with the
    reference path's explicit directions: same value and same parameter gradient."""
    skip_cpu_without_interpreter(device)
    from tinyscore.core.objectives import SSMLoss

    g = torch.Generator().manual_seed(31)
    w = torch.randn(9, 9, generator=g, dtype=torch.float64)
    x = torch.randn(6, 9, generator=g, dtype=torch.float64).to(device)
    sig = torch.full((6,), 0.3, dtype=torch.float64, device=device)

    class Net:
        def __init__(self):
            self.w = w.to(device).requires_grad_(True)

        def score(self, y, sigma):
            return torch.tanh(y @ self.w) / sigma[:, None]

    results = []
    for backend in ("triton", "reference"):
        net = Net()
        gen = torch.Generator(device=device).manual_seed(4)
        loss = SSMLoss(vr=vr, n_proj=2, jvp="backward", backend=backend)(net, x, sig, gen)
        (gw,) = torch.autograd.grad(loss.sum(), net.w)
        results.append((loss.detach().cpu(), gw.cpu()))
    assert rel_err(results[0][0], results[1][0]) < 1e-12
    assert rel_err(results[0][1], results[1][1]) < 1e-12


# ----------------------------------------------------------------------------- divergence


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,D", [(13, 700), (1, 5), (9, 512)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
def test_divergence_kernel_matches_reference(device, B, D, dtype, poison):
    skip_cpu_without_interpreter(device)
    g = torch.Generator().manual_seed(B * D)
    big = torch.randn(3, B, D + 3, generator=g).to(dtype)
    a, b, y = big[0, :, :D], big[1, :, :D], big[2, :, :D]  # strided rows
    a[0] = y[0]
    if B > 1:
        b[0] = y[0]  # both directions zero
        a[1] = y[1]  # one direction zero
    l2, cos = kernels.l2_cosine(a.to(device), b.to(device), y.to(device), backend="triton")
    l2_ref, cos_ref = l2_cosine_reference(a.double(), b.double(), y.double())
    assert l2.dtype == (torch.float64 if dtype == torch.float64 else torch.float32)
    assert rel_err(l2.cpu(), l2_ref) < 1e-4
    assert (cos.cpu().double() - cos_ref).abs().max().item() < 1e-4
    if B > 1:
        assert cos[0].item() == 1.0 and cos[1].item() == 0.0


# ----------------------------------------------------------------------------- GPU check script


@needs_interpreter
def test_gpu_check_functions_run_on_cpu():
    from kernels import gpu_check

    rows = gpu_check.run_checks(torch.device("cpu"), tiny=True)
    assert rows and all(r["ok"] for r in rows), rows


# ----------------------------------------------------------------------------- fallback


@pytest.mark.skipif(INTERPRETER_READY, reason="the kernel tests already ran in this process")
def test_in_fresh_process():
    env = dict(os.environ, TRITON_INTERPRET="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.abspath(__file__)]
    res = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
