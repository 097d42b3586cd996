"""Peak memory of the commands at scale: ``python docs/bench_memory.py [--quick] [--json FILE]``.

Each case runs as its own process (``python cli.py ...`` or a few lines of Python) and its peak
resident set size is read from the kernel when it ends (``os.wait4``: ``ru_maxrss``), so what is
measured is the whole process: Python, torch, h5py, the data and whatever the command allocates.
The first two cases measure the floors (the imports alone: with torch for the commands, without
for the image loaders); the table gives each case's peak beside the bytes of data it must hold, so
an allocation that grows with N or the number of probes stands out as peak - floor far above the
data.

Synthetic data, made in a temporary folder (removed at the end unless ``--keep``):

* prepared-image HDF5 files (the format of ``tinyscore.data.images.prepare_celeba``) of random 40x40
  uint8 images: 40,000 (test set of 4,000, for ``trajectories`` with 4,000 probes) and 100,000
  (the loaders, ``attractors`` on images, at N = 100,000 images); the same 100,000 as an .npy,
  and a folder of 20,000 PNGs;
* the benchmark mixtures, whose halves hold 100,000 points: ``attractors`` and ``score-error``
  of the empirical denoiser of N = 100,000 training points.

The acceptance case of issue 10, item 3: ``trajectories`` with 4,000 probes x 1600 dims x 33 path
steps (0.85 GB of output) must peak under 600 MB. ``--quick`` runs smaller cases (a minute).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20


def make_images(path: Path, n: int, size: int = 40, seed: int = 0) -> None:
    """A prepared-image file of n random size x size uint8 images, written 10,000 at a time."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("images", (n, size, size), np.uint8, chunks=(1024, size, size))
        for a in range(0, n, 10_000):
            ds[a:a + 10_000] = rng.integers(0, 256, (min(10_000, n - a), size, size), dtype=np.uint8)
        f.attrs.update(format="tinyscore.images", version=1, size=size, source="synthetic")


def peak_rss(argv, cwd) -> tuple[int, float, int, str]:
    """(peak RSS in bytes, wall seconds, exit status, last lines of stderr) of one process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
    return usage.ru_maxrss * 1024, time.perf_counter() - t0, p.returncode, " | ".join(tail)


def make_folder(path: Path, n: int, size: int = 40, seed: int = 1) -> None:
    """A folder of n random size x size 8-bit grayscale PNGs."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(seed)
    path.mkdir(exist_ok=True)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (size, size), dtype=np.uint8)).save(path / f"{i:06d}.png")


LOAD = ("import sys; from tinyscore.data.datasets import load_dataset; "
        "d = load_dataset(sys.argv[1], resolution=int(sys.argv[2]) or None); x = d.subset(d.half_size); print(d)")


def cases(work: Path, quick: bool):
    """(name, argv, floor, bytes of data the command must hold, bytes it writes or None) per case.

    ``floor`` names the case whose peak is the imports alone: "torch" for the commands, "numpy"
    for the image loaders (which import no torch)."""
    py, cli = sys.executable, str(ROOT / "cli.py")
    img40, img100, npy, folder = work / "img40k.h5", work / "img100k.h5", work / "img100k.npy", work / "png"
    P = 1000 if quick else 4000
    N_img = 20_000 if quick else 100_000
    N_mix = 20_000 if quick else 100_000
    half = N_img * 9 // 20                      # the test set takes 10%, the halves share the rest
    traj = work / "t.h5"
    D = 1600
    yield ("floor: import torch, h5py, tinyscore", [py, "-c", "import torch, h5py, tinyscore.analyses.trajectories, "
                                                              "tinyscore.analyses.attractors, tinyscore.analyses.accuracy"],
           "torch", 0, None)
    yield ("floor: import numpy, h5py, PIL, tinyscore.data.images", [py, "-c", "import tinyscore.data.datasets, "
                                                                          "tinyscore.data.images"], "numpy", 0, None)
    for p in ((P // 4, P) if not quick else (P,)):
        yield (f"trajectories empirical, {p:,} probes x {D} dims x 33 steps",
               [py, cli, "trajectories", "empirical", "--data", f"celeba:{img40}", "--n", "100", "--probes",
                str(p), "--out", str(traj), "--force", "--no-progress"], "torch",
               40_000 * D + 8 * p * D, 4 * (2 + 5 + 2 * 33) * p * D)
    yield (f"quality of that file ({P:,} probes)", [py, cli, "quality", str(traj), "--data", f"celeba:{img40}"],
           "torch", 40_000 * D + 4 * 7 * P * D, None)
    for spec, what in ((f"celeba:{img100}", "prepared .h5"), (str(npy), ".npy")):
        for r in (0, 20):
            yield (f"image loader, {what}, N = {N_img:,} 40x40{f', resolution {r}' if r else ''}, + a half as float",
                   [py, "-c", LOAD, spec, str(r)], "numpy",
                   (N_img + 4 * half) * (r * r or D), None)
    n_png = 5_000 if quick else 20_000
    yield (f"image loader, folder of {n_png:,} PNGs 40x40, + a half as float", [py, "-c", LOAD, str(folder), "0"],
           "numpy", n_png * D + 4 * (n_png * 9 // 20) * D, None)
    yield (f"attractors empirical, images, N = {half:,} (a whole half) 40x40",
           [py, cli, "attractors", "empirical", "--data", f"celeba:{img100}", "--n", str(half), "--iters", "2",
            "--eps", "0.1", "--starts", "64", "--test-starts", "64", "--no-progress"], "torch",
           N_img * D + 2 * 4 * half * D, None)
    yield (f"attractors empirical, uniform, N = {N_mix:,}",
           [py, cli, "attractors", "empirical", "--data", "uniform", "--n", str(N_mix), "--no-progress"],
           "torch", 2 * 8 * N_mix * 2, None)
    yield (f"attractors empirical, hd-uniform, N = {N_mix:,}",
           [py, cli, "attractors", "empirical", "--data", "hd-uniform", "--n", str(N_mix), "--iters", "3",
            "--no-progress"], "torch", 2 * 8 * N_mix * 100, None)
    yield (f"score-error empirical, hd-uniform, N = {N_mix:,}, 10,000 points",
           [py, cli, "score-error", "empirical", "--data", "hd-uniform", "--n", str(N_mix), "--points", "10000"],
           "torch", 4 * N_mix * 100, None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller cases (about a minute)")
    ap.add_argument("--json", help="write the rows as JSON")
    ap.add_argument("--workdir", help="folder for the synthetic data (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic data")
    ap.add_argument("--only", help="run only cases whose name contains this text")
    args = ap.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tinyscore-bench-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        n_img = 20_000 if args.quick else 100_000
        for name, n in (("img40k.h5", 40_000), ("img100k.h5", n_img)):
            if not (work / name).exists():
                make_images(work / name, n)
        if not (work / "img100k.npy").exists():
            import h5py
            import numpy as np
            with h5py.File(work / "img100k.h5", "r") as f:
                np.save(work / "img100k.npy", f["images"][()])
        if not (work / "png").exists():
            make_folder(work / "png", 5_000 if args.quick else 20_000)
        print("| case | data held | output | peak RSS | peak - floor | wall | load avg |")
        print("|---|---|---|---|---|---|---|")
        floors = {}
        for name, cmd, floor, data, out in cases(work, args.quick):
            if args.only and args.only not in name and not name.startswith("floor"):
                continue
            rss, wall, rc, err = peak_rss(cmd, ROOT)
            load = os.getloadavg()[0]
            floors.setdefault(floor, rss)
            row = {"case": name, "peak_rss_bytes": rss, "floor_bytes": floors[floor], "data_bytes": data,
                   "output_bytes": out, "wall_s": wall, "exit_status": rc, "load_average_1min": load}
            rows.append(row)
            extra = "" if rc == 0 else f" (exit {rc}: {err})"
            print(f"| {name} | {data / MB:.0f} MB | {'-' if out is None else f'{out / MB:.0f} MB'} | "
                  f"{rss / MB:.0f} MB | {(rss - floors[floor]) / MB:.0f} MB | {wall:.0f} s | {load:.1f} |{extra}",
                  flush=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            (work / "t.h5").unlink(missing_ok=True)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        import torch
        machine["torch"] = torch.__version__
    except ImportError:
        pass
    print(f"machine: {machine}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "rows": rows}, indent=1))
    return 0 if all(r["exit_status"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
