"""Compile every Triton kernel on a CUDA GPU, check it against its reference, and time it.

    python -m kernels.gpu_check

At realistic sizes (empirical denoiser: B=256 queries, N up to 1e5 keys, D = 2, 100, 6400;
SSM projections: B=512, D = 100 and 6400; divergence) each kernel is compared with its
float64 reference and timed against the plain PyTorch path, and a table is printed.  It takes
a few minutes at most.  Without a CUDA device it says so and exits with status 1; the same
check functions run on CPU tensors under TRITON_INTERPRET=1 at tiny sizes (``tiny=True``),
which is how the test suite exercises this script.
"""

from __future__ import annotations

import sys
import time
from typing import Dict, List

import torch

from .bench import device_description, time_call
from .divergence import l2_cosine, l2_cosine_reference
from .empirical import empirical_denoise, empirical_denoise_torch_fast
from .ssm import expand, project, projection_vectors

TOLERANCE = 1e-4


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


def _first_call(fn, device) -> float:
    """Time of the first call, which includes compiling the kernel."""
    t0 = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - t0


def _result(name, shape, err, compile_s, kernel_s, torch_s) -> Dict:
    return {"name": name, "shape": shape, "ok": bool(err < TOLERANCE), "rel_err": err,
            "first_call_s": compile_s, "kernel_s": kernel_s, "torch_s": torch_s}


def check_empirical(device, B, N, D, repeats=3) -> Dict:
    g = torch.Generator().manual_seed(B + N + D)
    x = torch.rand(N, D, generator=g).to(device)
    y = (x[torch.randint(0, N, (B,), generator=g)] + 0.1 * torch.randn(B, D, generator=g).to(device))
    sigma = (0.05 + 0.5 * torch.rand(B, generator=g)).to(device)
    lw = torch.randn(N, generator=g).to(device)
    ours = lambda: empirical_denoise(y, x, sigma, lw, backend="triton")  # noqa: E731
    ref = lambda: empirical_denoise_torch_fast(y, x, sigma, lw)  # noqa: E731
    compile_s = _first_call(ours, device)
    d, l = ours()
    # float64 through the fast PyTorch path: the plain reference's B x N x D tensor is too big here
    d64, l64 = empirical_denoise_torch_fast(y.double(), x.double(), sigma.double(), lw.double())
    err = max(_rel(d, d64), _rel(l, l64))
    return _result("empirical_denoise", f"B={B} N={N} D={D}", err, compile_s,
                   time_call(ours, device, repeats), time_call(ref, device, repeats))


def check_ssm(device, B, D, kind, repeats=5) -> Dict:
    g = torch.Generator().manual_seed(B + D)
    x = torch.randn(B, D, generator=g).to(device)
    q = torch.randn(B, generator=g).to(device)
    ours = lambda: (project(x, 17, 2, kind, backend="triton"), expand(q, 17, 2, kind, D=D, backend="triton"))  # noqa: E731
    ref = lambda: (project(x, 17, 2, kind, backend="reference"), expand(q, 17, 2, kind, D=D, backend="reference"))  # noqa: E731
    compile_s = _first_call(ours, device)
    p, gq = ours()
    v = projection_vectors((B, D), 17, 2, kind, device=device, dtype=torch.float64)
    err = max(_rel(p, (v * x.double()).sum(1)), _rel(gq, q.double()[:, None] * v))
    return _result(f"project+expand ({kind})", f"B={B} D={D}", err, compile_s,
                   time_call(ours, device, repeats), time_call(ref, device, repeats))


def check_divergence(device, B, D, repeats=5) -> Dict:
    g = torch.Generator().manual_seed(B * D)
    a, b, y = (torch.randn(B, D, generator=g).to(device) for _ in range(3))
    ours = lambda: l2_cosine(a, b, y, backend="triton")  # noqa: E731
    ref = lambda: l2_cosine_reference(a, b, y)  # noqa: E731
    compile_s = _first_call(ours, device)
    l2, cos = ours()
    l2_64, cos_64 = l2_cosine_reference(a.double(), b.double(), y.double())
    err = max(_rel(l2, l2_64), (cos.double() - cos_64).abs().max().item())
    return _result("divergence", f"B={B} D={D}", err, compile_s,
                   time_call(ours, device, repeats), time_call(ref, device, repeats))


def run_checks(device, tiny: bool = False) -> List[Dict]:
    """All checks; ``tiny`` uses ragged toy sizes (for CPU tensors under the interpreter)."""
    device = torch.device(device)
    if tiny:
        emp = [(7, 45, 2), (5, 33, 19), (3, 21, 300)]
        ssm = [(5, 37)]
        div = [(6, 50)]
        repeats = 1
    else:
        emp = [(256, 10_000, 2), (256, 100_000, 2), (256, 100_000, 100), (256, 10_000, 6400)]
        ssm = [(512, 100), (512, 6400)]
        div = [(512, 100), (512, 6400)]
        repeats = 3
    rows = [check_empirical(device, *s, repeats=repeats) for s in emp]
    rows += [check_ssm(device, B, D, kind, repeats=repeats) for B, D in ssm for kind in ("rademacher", "gaussian")]
    rows += [check_divergence(device, *s, repeats=repeats) for s in div]
    return rows


def format_rows(rows: List[Dict]) -> str:
    header = ("check", "shape", "ok", "rel_err", "first_call_s", "kernel_s", "torch_s", "speedup")
    lines = [header] + [
        (r["name"], r["shape"], "yes" if r["ok"] else "NO", f"{r['rel_err']:.1e}", f"{r['first_call_s']:.3f}",
         f"{r['kernel_s']:.5f}", f"{r['torch_s']:.5f}", f"{r['torch_s'] / r['kernel_s']:.2f}")
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to compile or check on a GPU here "
              "(on CPU the kernels are tested under TRITON_INTERPRET=1 by pytest)")
        return 1
    device = torch.device("cuda")
    print(f"device: {device_description(device)}")
    rows = run_checks(device)
    print(format_rows(rows))
    failed = [r for r in rows if not r["ok"]]
    print("all kernels match their references" if not failed else f"{len(failed)} check(s) FAILED")
    return 0 if not failed else 2


if __name__ == "__main__":
    sys.exit(main())
