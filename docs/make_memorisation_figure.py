"""Memorisation on faces: models trained on N = 1, 10 and many faces, beside the ideal memoriser.

    python docs/make_memorisation_figure.py --celeba ../shared/data/celeba/img_align_celeba_half --force

Prepares the folder at 40x40 (if not done), trains the sigma-blind UNet denoiser on the first N
faces of half A for each N, and draws, for a few held-out test faces at one noise level, the
noisy input and each model's output next to the empirical optimal denoiser of the N = 10 set and
the nearest training face. A model that memorises returns a training face whatever the input.
Commands equivalent to each step are printed as it runs.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import cli  # noqa: E402
from tinyscore.data.datasets import load_dataset  # noqa: E402
from tinyscore.analyses.gallery import image_grid  # noqa: E402
from tinyscore.core.models import EmpiricalModel, to_tensor  # noqa: E402
from tinyscore.storage.runs import load_run  # noqa: E402


def sh(args):
    print("$ python cli.py " + " ".join(map(str, args)), flush=True)
    assert cli.main([str(a) for a in args]) == 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--celeba", required=True, help="a folder of aligned CelebA JPEGs")
    p.add_argument("--work", default="runs/memorisation")
    p.add_argument("--ns", default="1,10,4000")
    p.add_argument("--steps", default="1000,2000,2000", help="training steps for each N")
    p.add_argument("--variant", default="denoiser")
    p.add_argument("--sigma", type=float, default=0.25)
    p.add_argument("--out", default=str(ROOT / "docs" / "figures" / "memorisation_celeba40.png"))
    p.add_argument("--force", action="store_true", help="replace the figure if it exists (the committed one does)")
    a = p.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    h5 = work / "celeba40.h5"
    if not h5.exists():
        sh(["data", "prepare-celeba", a.celeba, "--out", h5, "--size", "40", "--no-progress"])
    spec = f"celeba:{h5}"
    ns = [int(n) for n in a.ns.split(",")]
    steps = dict(zip(ns, [int(s) for s in a.steps.split(",")]))
    timing = {}
    for n in ns:
        run = work / f"{a.variant}-n{n}"
        if not (run / "model.pt").exists():
            t = time.perf_counter()
            sh(["train", "--variant", a.variant, "--data", spec, "--n", n, "--steps", steps[n], "--out", run,
                "--force", "--no-progress"])
            timing[n] = time.perf_counter() - t
    ds = load_dataset(spec)
    test = to_tensor(ds.test(6))
    z = torch.randn(test.shape, generator=torch.Generator().manual_seed(0))
    y = test + a.sigma * z
    rows, titles = [test, y], ["clean test face", f"noisy, sigma={a.sigma}"]
    with torch.no_grad():
        for n in ns:
            model, opts, _ = load_run(work / f"{a.variant}-n{n}")
            rows.append(model.denoise(y, a.sigma))
            titles.append(f"{a.variant}, N={opts['n']}")
        train10 = to_tensor(ds.subset(10, "a"))
        rows.append(EmpiricalModel(train10).denoise(y, a.sigma))
        titles.append("empirical, N=10")
        # the training face (of the N=10 set) nearest to each output of the N=10 model
        out10 = rows[2 + ns.index(10)] if 10 in ns else rows[-1]
        d = torch.cdist(out10.flatten(1), train10.flatten(1))
        rows.append(train10[d.argmin(1)])
        titles.append("nearest of those 10")
    grid = torch.stack(rows, 1).reshape(-1, *test.shape[1:]).clamp(0, 1).numpy()
    image_grid(grid, a.out, titles=titles + [""] * (len(titles) * (len(test) - 1)), ncols=len(rows),
               suptitle="Held-out faces denoised by models trained on N faces (40x40)", force=a.force)
    # memorisation in numbers: how close each model's output is to its own nearest training face,
    # against how close the clean test face itself is to that training set
    stats = {}
    for i, n in enumerate(ns):
        train = to_tensor(ds.subset(n, "a")).flatten(1)
        stats[titles[2 + i]] = {
            "output_to_nearest_training_face": float(torch.cdist(rows[2 + i].flatten(1), train).min(1).values.mean()),
            "clean_face_to_nearest_training_face": float(torch.cdist(test.flatten(1), train).min(1).values.mean()),
            "output_to_clean_face": float((rows[2 + i] - test).flatten(1).norm(dim=1).mean())}
    print(json.dumps({"train_seconds": timing, "distances (mean L2 over 6 test faces)": stats}, indent=1))

if __name__ == "__main__":
    main()
