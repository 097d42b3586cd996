"""Side-by-side timings of the kernels against their plain PyTorch baselines.

    python -m kernels.bench [--quick] [--device cpu|cuda]

Every row compares our implementation with one baseline, both measured in this process on the
same inputs: median of a few repeats after a warm-up.  ``ratio`` is baseline_s / ours_s, so
above 1 means ours is faster.  The "GEMM floor" row is the time of the two plain matrix
products the denoiser cannot avoid (Y X^T and P X, 4 B N D flops) measured here with
torch.matmul; its ratio is the fraction of that floor we reach.

Peak memory: on CUDA it is measured (torch.cuda.max_memory_allocated above what was allocated
before the call).  On CPU PyTorch offers no reliable per-call peak, so the column gives an
analytic estimate of the largest temporaries, labelled "est.".
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List, Optional

import torch

from .dispatch import HAS_TRITON
from .divergence import divergence, divergence_reference
from .empirical import (
    default_chunk,
    empirical_denoise,
    empirical_denoise_cdist,
    empirical_denoise_naive,
    empirical_denoise_reference,
)

GiB = 2**30
# the naive broadcast baseline is skipped when its B x N x D tensor would exceed this
NAIVE_LIMIT_BYTES = 2 * GiB


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_call(fn: Callable[[], object], device: torch.device, repeats: int = 3, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in seconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    _sync(device)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measured_peak(fn: Callable[[], object], device: torch.device) -> Optional[int]:
    """Extra bytes allocated at the peak of one call (CUDA only; None elsewhere)."""
    if device.type != "cuda":
        return None
    _sync(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    fn()
    _sync(device)
    return torch.cuda.max_memory_allocated(device) - before


def fmt_bytes(n: Optional[float]) -> str:
    if n is None:
        return "-"
    for unit, size in (("GiB", GiB), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def _mem(fn, device, estimate: float) -> str:
    peak = measured_peak(fn, device)
    return fmt_bytes(peak) if peak is not None else f"{fmt_bytes(estimate)} est."


def _row(name, shape, ours_s, baseline, baseline_s, peak_mem, note="") -> Dict:
    ratio = baseline_s / ours_s if (baseline_s is not None and ours_s) else None
    return {"name": name, "shape": shape, "ours_s": ours_s, "baseline": baseline,
            "baseline_s": baseline_s, "ratio": ratio, "peak_mem": peak_mem, "note": note}


def bench_empirical(device, quick: bool = False, shapes=None, repeats: int = 3) -> List[Dict]:
    """Our empirical denoiser against naive broadcast, cdist+softmax+matmul and the GEMM floor."""
    device = torch.device(device)
    n_keys = 2000 if quick else 10_000
    shapes = shapes or [(256, n_keys, 2), (256, n_keys, 100), (64, n_keys, 6400)]
    backend = "triton" if (device.type == "cuda" and HAS_TRITON) else "reference"
    rows: List[Dict] = []
    g = torch.Generator(device="cpu").manual_seed(0)
    for B, N, D in shapes:
        shape = f"B={B} N={N} D={D}"
        x = torch.rand(N, D, generator=g).to(device)
        y = (x[torch.randint(0, N, (B,), generator=g)] + 0.1 * torch.randn(B, D, generator=g).to(device))
        sigma = 0.1
        f = 4  # bytes per float32
        ours = lambda: empirical_denoise(y, x, sigma, backend=backend)  # noqa: E731
        ours_s = time_call(ours, device, repeats)
        chunk = min(N, default_chunk(B, D))
        ours_mem = _mem(ours, device, f * (B * chunk + B * D))
        label = f"ours ({backend})"

        naive_bytes = f * B * N * D
        if naive_bytes > NAIVE_LIMIT_BYTES:
            rows.append(_row(label, shape, ours_s, "naive broadcast", None, ours_mem,
                             f"skipped: would allocate {naive_bytes / GiB:.1f} GiB"))
        else:
            naive = lambda: empirical_denoise_naive(y, x, sigma)  # noqa: E731
            rows.append(_row(label, shape, ours_s, "naive broadcast", time_call(naive, device, repeats),
                             f"{ours_mem} vs {_mem(naive, device, 2 * naive_bytes)}"))

        cd = lambda: empirical_denoise_cdist(y, x, sigma)  # noqa: E731
        rows.append(_row(label, shape, ours_s, "cdist+softmax+matmul", time_call(cd, device, repeats),
                         f"{ours_mem} vs {_mem(cd, device, 3 * f * B * N)}"))

        if backend == "triton":
            ref = lambda: empirical_denoise_reference(y, x, sigma)  # noqa: E731
            rows.append(_row(label, shape, ours_s, "chunked PyTorch reference", time_call(ref, device, repeats),
                             f"{ours_mem} vs {_mem(ref, device, f * (B * chunk + B * D))}"))

        # the floor: just the two matrix products, with the same shapes, at this device's matmul rate
        p = torch.rand(B, N, generator=g).to(device)
        floor = lambda: (torch.matmul(y, x.T), torch.matmul(p, x))  # noqa: E731
        floor_s = time_call(floor, device, repeats)
        del p
        gflops = 4 * B * N * D / floor_s / 1e9
        rows.append(_row(label, shape, ours_s, "GEMM floor (2 matmuls)", floor_s, "-",
                         f"ratio = fraction of floor reached; matmul rate {gflops:.0f} GFLOP/s"))
    return rows


def bench_divergence(device, quick: bool = False, shapes=None, repeats: int = 5) -> List[Dict]:
    """Our fused divergence reduction against the same computation in plain PyTorch."""
    device = torch.device(device)
    shapes = shapes or ([(256, 6400), (4096, 100)] if quick else [(1024, 6400), (65536, 100)])
    backend = "triton" if (device.type == "cuda" and HAS_TRITON) else "reference"
    rows = []
    g = torch.Generator(device="cpu").manual_seed(1)
    for B, D in shapes:
        a, b, y = (torch.randn(B, D, generator=g).to(device) for _ in range(3))
        ours = lambda: divergence(a, b, y, backend=backend)  # noqa: E731
        base = lambda: divergence_reference(a, b, y)  # noqa: E731
        ours_s = time_call(ours, device, repeats)
        ours_est = 8 * B if backend == "triton" else 4 * 4 * B * D
        rows.append(_row(f"divergence ({backend})", f"B={B} D={D}", ours_s, "plain torch",
                         time_call(base, device, repeats),
                         f"{_mem(ours, device, ours_est)} vs {_mem(base, device, 4 * 4 * B * D)}",
                         "same code on CPU: ours falls back to the reference" if backend == "reference" else ""))
    return rows


def device_description(device) -> str:
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {torch.get_num_threads()} threads, torch {torch.__version__}"


def format_table(rows: List[Dict]) -> str:
    def f(v, spec="{:.4g}"):
        return "-" if v is None else spec.format(v)

    header = ("name", "shape", "ours_s", "baseline", "baseline_s", "ratio", "peak_mem", "note")
    table = [header] + [
        (r["name"], r["shape"], f(r["ours_s"]), r["baseline"], f(r["baseline_s"]), f(r["ratio"], "{:.2f}"),
         r["peak_mem"], r["note"])
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in table)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="benchmark the tinyscore kernels against PyTorch baselines")
    parser.add_argument("--quick", action="store_true", help="smaller problem sizes")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    print(f"device: {device_description(device)}")
    rows = bench_empirical(device, quick=args.quick) + bench_divergence(device, quick=args.quick)
    print(format_table(rows))


if __name__ == "__main__":
    main()
