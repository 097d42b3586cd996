"""Side-by-side timings of the kernels against their floors and plain PyTorch baselines.

    python -m kernels.bench [--quick] [--device cpu|cuda] [--repeats 5] [--threads 1]

How a row is measured (``measure``): every function compared in a row group runs in the same
process, on the same inputs, interleaved -- each repeat calls each function once, starting
from a different one each time -- so a change in the machine's load hits all of them alike.
After one untimed warm-up call each, a function that takes under ~20 ms is called several
times per sample.  The time reported is the median over the repeats (at least 5 by default)
of the time per call, on the process CPU clock when a CPU runs one torch thread (it does not
count the time the process spent waiting for a core on a shared machine) and on the wall clock
otherwise (``timing_clock``); both medians are recorded, and so is the 1-minute load average.

Every row has the same fields (``ROW_KEYS``): ``name`` says what is timed ("empirical
denoiser"), ``case`` the inputs, ``time_s`` its median time, ``baseline`` / ``baseline_s``
what it is compared with, and ``ratio = baseline_s / time_s``: above 1 it is faster than the
baseline; when the baseline is a floor (work the computation cannot avoid), the ratio is the
fraction of that floor reached, at most about 1.

The empirical denoiser's floors are its matrix products alone, at this machine's matmul rate:
one GEMM (Y X^T, 2BND flops) and two GEMMs (Y X^T then P X, 4BND flops), each timed both on
the whole matrices and chunk by chunk with the chunk our path uses, the faster counting.  It
is measured in two regimes: queries spread around the data (y = x_i + z, sigma = 1) and near
the training points (y = x_i + 0.3 z, sigma = 0.3, where attractor iterations live and every
row's softmax is one-hot at D = 100).

Peak memory: on CUDA it is measured (torch.cuda.max_memory_allocated above what was allocated
before the call).  On CPU PyTorch offers no per-call peak, so the column gives the analytic size
of the largest temporaries, marked "est.".
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from typing import Callable, Dict, List, Optional

import torch

from .dispatch import HAS_TRITON
from .divergence import l2_cosine, l2_cosine_reference
from .empirical import (
    empirical_denoise,
    empirical_denoise_cdist,
    empirical_denoise_reference,
    empirical_denoise_torch_fast,
    torch_fast_chunk,
    torch_fast_peak_bytes,
)

GiB = 2**30
# the plain reference (broadcast) is skipped when its B x N x D tensor would exceed this
PLAIN_LIMIT_BYTES = GiB // 2
# a sample lasts at least this long (fast functions are called several times per sample)
MIN_SAMPLE_S = 0.02
ROW_KEYS = ("name", "case", "time_s", "baseline", "baseline_s", "ratio", "peak_mem", "note",
            "clock", "wall_s", "cpu_time_s", "repeats", "load_avg")

EMPIRICAL_CASES = [(256, 10_000, 2), (256, 10_000, 100), (256, 100_000, 100), (64, 10_000, 6400)]
EMPIRICAL_CASES_QUICK = [(256, 2_000, 2), (256, 2_000, 100), (64, 2_000, 6400)]
DIVERGENCE_CASES = [(1024, 6400), (65536, 100)]
DIVERGENCE_CASES_QUICK = [(256, 6400), (4096, 100)]
#: the baseline label of the plain formula (``empirical_denoise_reference``, broadcast over B x N x D)
PLAIN_REFERENCE = "plain reference (broadcast)"
# regime -> (noise added to a training point, sigma of the denoiser)
REGIMES = {"spread": (1.0, 1.0), "near": (0.3, 0.3)}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def load_average() -> Optional[float]:
    """The 1-minute load average (None where the OS does not report one)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def measure(fns: Dict[str, Callable[[], object]], device, repeats: int = 5, warmup: int = 1) -> Dict[str, Dict]:
    """Interleaved timing of several functions (see the module docstring).

    Returns, per name: ``time_s`` (median seconds per call on the clock ``timing_clock`` picks),
    ``wall_s`` and ``cpu_time_s`` (the medians on both clocks), ``clock``, ``samples`` (per-call
    times on that clock), ``calls`` (calls per sample) and ``load_avg`` (the 1-minute load average,
    mean over the measurement).
    """
    device = torch.device(device)
    names = list(fns)
    calls = {}
    for name in names:
        t0 = time.perf_counter()
        for _ in range(max(warmup, 1) if warmup else 0):
            fns[name]()
        _sync(device)
        first = (time.perf_counter() - t0) / max(warmup, 1)
        calls[name] = 1 if not warmup else max(1, min(100, math.ceil(MIN_SAMPLE_S / max(first, 1e-6))))
    loads = [load_average()]
    wall = {n: [] for n in names}
    cpu = {n: [] for n in names}
    for r in range(max(1, repeats)):
        for i in range(len(names)):
            name = names[(i + r) % len(names)]  # rotate who goes first
            fn, k = fns[name], calls[name]
            _sync(device)
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(k):
                fn()
            _sync(device)
            wall[name].append((time.perf_counter() - t0) / k)
            cpu[name].append((time.process_time() - c0) / k)
        loads.append(load_average())
    loads = [v for v in loads if v is not None]
    load = round(statistics.mean(loads), 2) if loads else None
    clock = timing_clock(device)
    out = {}
    for n in names:
        w, c = statistics.median(wall[n]), statistics.median(cpu[n])
        out[n] = {"time_s": c if clock == "cpu" else w, "wall_s": w, "cpu_time_s": c, "clock": clock,
                  "samples": wall[n] if clock == "wall" else cpu[n], "calls": calls[n], "load_avg": load}
    return out


def timing_clock(device) -> str:
    """"cpu" (process CPU time) on a CPU device with one torch thread, else "wall".

    With one thread the process CPU time is the time the computation itself took: on a shared
    machine it does not include the slices in which the process waited for a core (at a load
    average of 5 on 2 cores, wall times were 2-3x the CPU times and scattered).  With several
    threads, or a GPU, only wall time means anything.
    """
    if torch.device(device).type == "cpu" and torch.get_num_threads() == 1:
        return "cpu"
    return "wall"


def time_call(fn: Callable[[], object], device, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn`` alone in seconds (kept for kernels.gpu_check)."""
    return measure({"fn": fn}, device, repeats, warmup)["fn"]["time_s"]


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


def make_row(name: str, case: str, timing: Dict, baseline: str = "", base_timing: Optional[Dict] = None,
             peak_mem: str = "", note: str = "", baseline_s: Optional[float] = None) -> Dict:
    """One row (``ROW_KEYS``) from ``measure`` results; ``baseline_s`` overrides the baseline's time."""
    time_s = timing["time_s"]
    if baseline_s is None and base_timing is not None:
        baseline_s = base_timing["time_s"]
    ratio = baseline_s / time_s if (baseline_s is not None and time_s) else None
    return {"name": name, "case": case, "time_s": time_s, "baseline": baseline, "baseline_s": baseline_s,
            "ratio": ratio, "peak_mem": peak_mem, "note": note, "clock": timing.get("clock"),
            "wall_s": timing.get("wall_s"), "cpu_time_s": timing.get("cpu_time_s"),
            "repeats": len(timing.get("samples", [])), "load_avg": timing.get("load_avg")}


# ----------------------------------------------------------------------------- empirical denoiser


def _floors(y, x, chunk):
    """The one- and two-GEMM floors, on the whole matrices and chunk by chunk."""
    B, N = y.shape[0], x.shape[0]
    p = torch.rand(B, N, device=y.device, dtype=y.dtype)  # stands for the weights
    c = min(chunk, N)
    s_buf = torch.empty(B, c, device=y.device, dtype=y.dtype)
    acc = torch.zeros(B, x.shape[1], device=y.device, dtype=y.dtype)

    def one_chunked():
        for start in range(0, N, c):
            xc = x[start:start + c]
            torch.mm(y, xc.T, out=s_buf[:, :xc.shape[0]])

    def two_chunked():
        for start in range(0, N, c):
            xc = x[start:start + c]
            s = torch.mm(y, xc.T, out=s_buf[:, :xc.shape[0]])
            acc.addmm_(s, xc)

    return {
        "one GEMM, whole": lambda: torch.mm(y, x.T),
        "one GEMM, chunked": one_chunked,
        "two GEMMs, whole": lambda: (torch.mm(y, x.T), torch.mm(p, x)),
        "two GEMMs, chunked": two_chunked,
    }


def bench_empirical(device, quick: bool = False, shapes=None, repeats: int = 5, regimes=None,
                    warmup: int = 1) -> List[Dict]:
    """The empirical denoiser against its one- and two-GEMM floors, cdist + softmax + matmul and the plain
    reference (on a GPU also against the fast PyTorch path)."""
    device = torch.device(device)
    shapes = shapes or (EMPIRICAL_CASES_QUICK if quick else EMPIRICAL_CASES)
    regimes = regimes or list(REGIMES)
    backend = "triton" if (device.type == "cuda" and HAS_TRITON) else "reference"
    path = "Triton" if backend == "triton" else "fast PyTorch path"
    rows: List[Dict] = []
    g = torch.Generator(device="cpu").manual_seed(0)
    f = 4  # bytes per float32
    for B, N, D in shapes:
        x = torch.rand(N, D, generator=g).to(device)
        idx = torch.randint(0, N, (B,), generator=g)
        z = torch.randn(B, D, generator=g).to(device)
        chunk = torch_fast_chunk(B, D, torch.float32, device)
        for regime in regimes:
            noise, sigma = REGIMES[regime]
            y = x[idx] + noise * z
            case = f"B={B} N={N} D={D}, {regime}"
            fns = {"ours": lambda: empirical_denoise(y, x, sigma, backend=backend)}
            fns.update(_floors(y, x, chunk))
            fns["cdist"] = lambda: empirical_denoise_cdist(y, x, sigma)
            plain_bytes = f * B * N * D
            if plain_bytes <= PLAIN_LIMIT_BYTES:
                fns["plain"] = lambda: empirical_denoise_reference(y, x, sigma)
            if backend == "triton":
                fns["torch_fast"] = lambda: empirical_denoise_torch_fast(y, x, sigma)
            t = measure(fns, device, repeats, warmup)
            ours = t["ours"]
            est = torch_fast_peak_bytes(B, N, D, torch.float32, device)
            ours_mem = _mem(fns["ours"], device, est)
            name = "empirical denoiser"
            for floor, flops in (("two GEMMs", 4), ("one GEMM", 2)):
                whole, chunked = t[f"{floor}, whole"], t[f"{floor}, chunked"]
                best = min(whole["time_s"], chunked["time_s"])
                which = "whole" if whole["time_s"] <= chunked["time_s"] else f"chunks of {min(chunk, N)}"
                gflops = flops * B * N * D / best / 1e9
                note = f"{path}; ratio = fraction of the floor; floor {gflops:.0f} GFLOP/s ({which})"
                rows.append(make_row(name, case, ours, f"floor: {floor} ({flops}BND flops)", baseline_s=best,
                                     peak_mem=ours_mem, note=note))
            rows.append(make_row(name, case, ours, "cdist + softmax + matmul", t["cdist"],
                                 f"{ours_mem} vs {_mem(fns['cdist'], device, 3 * f * B * N)}", path))
            if "plain" in fns:
                rows.append(make_row(name, case, ours, PLAIN_REFERENCE, t["plain"],
                                     f"{ours_mem} vs {_mem(fns['plain'], device, 2 * plain_bytes)}", path))
            else:
                rows.append(make_row(name, case, ours, PLAIN_REFERENCE, None, ours_mem,
                                     f"skipped: would allocate {fmt_bytes(plain_bytes)}"))
            if "torch_fast" in fns:
                rows.append(make_row(name, case, ours, "fast PyTorch path", t["torch_fast"],
                                     f"{ours_mem} vs {_mem(fns['torch_fast'], device, est)}", path))
    return rows


# ----------------------------------------------------------------------------- divergence


def bench_divergence(device, quick: bool = False, shapes=None, repeats: int = 5, warmup: int = 1) -> List[Dict]:
    """The fused divergence reduction against the same computation in plain PyTorch."""
    device = torch.device(device)
    shapes = shapes or (DIVERGENCE_CASES_QUICK if quick else DIVERGENCE_CASES)
    backend = "triton" if (device.type == "cuda" and HAS_TRITON) else "reference"
    rows = []
    g = torch.Generator(device="cpu").manual_seed(1)
    for B, D in shapes:
        a, b, y = (torch.randn(B, D, generator=g).to(device) for _ in range(3))
        fns = {"ours": lambda: l2_cosine(a, b, y, backend=backend),
               "plain": lambda: l2_cosine_reference(a, b, y)}
        t = measure(fns, device, repeats, warmup)
        ours_est = 8 * B if backend == "triton" else 4 * 4 * B * D
        rows.append(make_row("divergence (L2 and cosine)", f"B={B} D={D}", t["ours"], "plain PyTorch", t["plain"],
                             f"{_mem(fns['ours'], device, ours_est)} vs {_mem(fns['plain'], device, 4 * 4 * B * D)}",
                             "Triton kernel" if backend == "triton"
                             else "CPU: both are the same PyTorch code (ratio ~1 is expected)"))
    return rows


# ----------------------------------------------------------------------------- report


def device_description(device) -> str:
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {torch.get_num_threads()} threads, torch {torch.__version__}"


def _fmt_time(v: Optional[float]) -> str:
    if v is None:
        return "-"
    return f"{v * 1e3:.3g} ms" if v < 10 else f"{v:.3g} s"


def format_table(rows: List[Dict]) -> str:
    """The rows as a text table; "time" is on the row's clock (cpu or wall), "wall" beside it."""
    header = ("name", "case", "time", "clock", "wall", "baseline", "baseline time", "ratio", "peak_mem", "load",
              "note")
    table = [header] + [
        (r["name"], r["case"], _fmt_time(r["time_s"]), r.get("clock") or "-", _fmt_time(r.get("wall_s")),
         r["baseline"], _fmt_time(r["baseline_s"]), "-" if r["ratio"] is None else f"{r['ratio']:.2f}",
         r["peak_mem"], "-" if r.get("load_avg") is None else f"{r['load_avg']:.1f}", r["note"])
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in table)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="benchmark the tinyscore kernels against floors and baselines")
    parser.add_argument("--quick", action="store_true", help="smaller problem sizes")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (0: torch's default)")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    print(f"device: {device_description(device)}")
    rows = (bench_empirical(device, quick=args.quick, repeats=args.repeats)
            + bench_divergence(device, quick=args.quick, repeats=args.repeats))
    print(format_table(rows))


if __name__ == "__main__":
    main()
