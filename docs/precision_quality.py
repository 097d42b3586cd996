"""What ``--precision bf16`` costs in accuracy: ``python docs/precision_quality.py --data celeba:FILE.h5``.

bf16 keeps 8 bits of mantissa (float32 has 24), so every convolution of the autocast backbone rounds
its result to about 3 significant digits. Whether that matters for a denoiser is an empirical
question, answered here on the same seed: each case trains the same model twice, in fp32 and in bf16
(same data, same noise draws, same initial weights), and then evaluates BOTH models in fp32 on the
same held-out faces:

* the final training loss and the held-out loss logged by ``train`` (stats.jsonl);
* the denoising error per noise level, mean ||D(x + sigma z, sigma) - x||^2 / D over held-out
  images (the quantity the DSM and reconstruction objectives minimise; for the score,
  ||s - s*||^2 = ||D - D*||^2 / sigma^4, so a relative change of the denoising error bounds the
  change of the score error);
* how far apart the two models are, ||D_bf16 - D_fp32|| / ||D_fp32 - x||, per noise level: the
  disagreement that precision alone causes, in units of the models' own error -- beside the same
  disagreement between two fp32 models whose only difference is the training seed (0 and 1), the
  yardstick of what an ordinary rerun changes.

The training run's wall time of each is printed too (the speed-up measured on a whole run, not a
micro-benchmark). ``--json FILE`` keeps the table. Runs go to a temporary folder, removed at the end.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tinyscore as ts  # noqa: E402

SIGMAS = (1.0, 0.5, 0.25, 0.1, 0.05, 0.02)


def denoising_errors(model_a, model_b, model_c, x: torch.Tensor, sigmas=SIGMAS, seed: int = 0) -> list[dict]:
    """Per sigma: the denoising error of A (fp32) and B (bf16) on the same noisy images, B's
    disagreement with A, and that of C (fp32, another seed) with A."""
    g = torch.Generator().manual_seed(seed)
    rows = []
    for s in sigmas:
        y = x + s * torch.randn(x.shape, generator=g)
        da = torch.as_tensor(ts.denoise(model_a, y, s))
        db = torch.as_tensor(ts.denoise(model_b, y, s))
        dc = torch.as_tensor(ts.denoise(model_c, y, s))
        rows.append({"sigma": s,
                     "err_fp32": ((da - x) ** 2).mean().item(), "err_bf16": ((db - x) ** 2).mean().item(),
                     "disagreement": ((db - da).norm() / (da - x).norm()).item(),
                     "seed_disagreement": ((dc - da).norm() / (da - x).norm()).item()})
    return rows


def one_case(data: str, resolution: int, variant: str, n: int, steps: int, batch: int, device: str,
             root: Path, test_images: int) -> dict:
    dataset = ts.load_dataset(data, resolution=resolution)
    out, summaries = {}, {}
    for key, precision, seed in (("fp32", "fp32", 0), ("bf16", "bf16", 0), ("fp32 seed 1", "fp32", 1)):
        run = root / f"{variant}-{resolution}-{key.replace(' ', '')}"
        summaries[key] = ts.train(run, data=data, resolution=resolution, variant=variant, n=n, steps=steps,
                                  batch_size=batch, precision=precision, seed=seed, device=device, force=True)
        out[key] = ts.load_model(run, device="cpu")
    x = torch.as_tensor(dataset.test(test_images), dtype=torch.float32)
    return {"case": f"{variant}, {resolution}x{resolution}, N={n}, {steps} steps, batch {batch}, {device}",
            "loss": {p: summaries[p]["loss"] for p in summaries},
            "heldout": {p: summaries[p].get("heldout") for p in summaries},
            "seconds": {p: summaries[p]["seconds"] for p in summaries},
            "per_sigma": denoising_errors(out["fp32"], out["bf16"], out["fp32 seed 1"], x)}


def show(result: dict) -> None:
    lo, ho, sec = result["loss"], result["heldout"], result["seconds"]
    print(f"\n{result['case']}: final loss fp32 {lo['fp32']:.5g}, bf16 {lo['bf16']:.5g}; held-out "
          f"{ho['fp32']:.5g} / {ho['bf16']:.5g}; training {sec['fp32']:.1f} s / {sec['bf16']:.1f} s")
    print("| sigma | denoising error fp32 | bf16 | change | bf16 vs fp32 | fp32 seed 1 vs seed 0 |")
    print("|---|---|---|---|---|---|")
    for r in result["per_sigma"]:
        print(f"| {r['sigma']:g} | {r['err_fp32']:.4g} | {r['err_bf16']:.4g} | "
              f"{100 * (r['err_bf16'] / r['err_fp32'] - 1):+.1f}% | {r['disagreement']:.3f} | "
              f"{r['seed_disagreement']:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="celeba:FILE.h5, an image folder or .npy")
    ap.add_argument("--resolutions", default="40", help="comma-separated")
    ap.add_argument("--variants", default="denoiser,ncsn")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--test-images", type=int, default=256)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="precision-"))
    results = []
    try:
        for res in (int(r) for r in a.resolutions.split(",")):
            for variant in a.variants.split(","):
                results.append(one_case(a.data, res, variant, a.n, a.steps, a.batch_size, a.device, root,
                                        a.test_images))
                show(results[-1])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
