"""The low-noise study on published pairs of models (Kadkhodaie et al. 2024): a folder in, a table out.

The authors publish, for each training-set size N, a bias-free UNet trained on N faces of one half
of CelebA and one trained on N faces of the other half:

    .../0to255_RF_90x90_set_size_N/model.pt           (half A)
    .../0to255_RF_90x90_set_size_N_swapped/model.pt   (half B)

:func:`find_pairs` finds every such pair under a folder (any folder whose name ends in
``set_size_N``, beside one ending in ``set_size_N_swapped``, each holding a model.pt);
:func:`study_published` writes both models' trajectories on the same probes (``--data``, which must
be images of the models' size), runs ``diverge`` on each pair, and writes

    OUT/trajectories/LABEL-a.h5, LABEL-b.h5   the trajectory files (tinyscore.storage.store)
    OUT/diverge/LABEL.json                    diverge's numbers for the pair
    OUT/published.json                        every pair: N, the files, the models' SHA-256, diverge
    OUT/published.png                         RMS distance and cosine against sigma, one line per N

It resumes: a trajectory file already in OUT is kept when it was written from the same model file
(``model_sha256``) with the same data and probes, and refused (one line) when it was not.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.errors import TinyscoreError, shown
from tinyscore.storage.files import file_sha256


_NAME = re.compile(r"^(?P<stem>.*set_size_)(?P<n>\d+)(?P<swapped>_swapped)?$")


def find_pairs(folder) -> list[dict]:
    """Every (half A, half B) pair of published models under ``folder``, sorted by family and N.

    Returns [{"label", "n", "a", "b"}], "a" and "b" the model.pt files."""
    root = Path(folder)
    if not root.is_dir():
        raise TinyscoreError(f"{shown(root)} is not a folder (give the folder holding the published models)")
    found: dict = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        m = _NAME.match(Path(dirpath).name)
        if m and "model.pt" in filenames:
            rel = Path(dirpath).relative_to(root).parent
            key = (str(rel), m["stem"], int(m["n"]))
            found.setdefault(key, {})["b" if m["swapped"] else "a"] = Path(dirpath) / "model.pt"
    pairs, lonely = [], []
    for (rel, stem, n), halves in sorted(found.items()):
        if len(halves) < 2:
            lonely.append(next(iter(halves.values())))
            continue
        family = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{rel}/{stem}".lstrip("./")).lstrip("_") or "set_size_"
        pairs.append({"label": f"{family}{n}", "n": n, "a": halves["a"], "b": halves["b"]})
    if not pairs:
        more = f" (unpaired: {shown(lonely[0].parent)})" if lonely else ""
        raise TinyscoreError(f"{shown(root)} holds no pair of published models: folders ending in set_size_N and "
                             f"set_size_N_swapped, each with a model.pt{more}")
    return pairs


def _reusable(path: Path, model_file: Path, want: dict) -> bool:
    """Is the trajectory file at ``path`` one this study wrote for this model and these probes?"""
    if not path.exists():
        return False
    from tinyscore.storage.store import open_trajectories
    with open_trajectories(path) as f:
        attrs = {**{k: f.h5.attr_str(k) for k in ("model_sha256", "data")},
                 **{k: f.h5.attr_int(k) for k in ("data_seed", "resolution", "probe_seed")}}
        same = (attrs["model_sha256"] == file_sha256(model_file) and f.P == want["probes"]
                and [round(float(s), 12) for s in f.sigmas] == want["sigmas"]
                and all(str(attrs[k]) == str(want[k]) for k in ("data", "data_seed", "resolution", "probe_seed")))
    if not same:
        raise TinyscoreError(f"{shown(path)} exists but was written from another model, data or probes: "
                             "choose another --out, or remove it")
    return True


def study_published(folder, out, data: str, data_seed: int = 0, resolution=None, probes: int = 64,
                    probe_seed: int = 0, sigmas=ANALYSIS_SIGMAS, path_substeps: int = 8, device="auto",
                    progress: bool = True, echo=print) -> dict:
    """Trajectories of every published pair under ``folder`` on the same probes, and diverge per pair."""
    from tinyscore.core.dynamics import parse_sigmas
    from tinyscore.analyses.metrics import diverge
    from tinyscore.analyses.trajectories import write_model_trajectories
    pairs = find_pairs(folder)
    sig = parse_sigmas(sigmas)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise TinyscoreError(f"{shown(out)} exists and is not a folder")
    if not out.parent.is_dir():
        raise TinyscoreError(f"folder {shown(out.parent)} of {shown(out)} does not exist")
    from tinyscore.data.datasets import load_dataset
    from tinyscore.external.kadkhodaie import open_kadkhodaie
    dataset = load_dataset(data, data_seed=data_seed, resolution=resolution)
    for pair in pairs:                     # every model read and checked against the data before any output
        for half in ("a", "b"):
            spec = f"kadkhodaie:{pair[half]}"
            _, info = open_kadkhodaie(spec, str(pair[half]), None)
            info["fit"](dataset, "cpu")
    want = {"probes": int(probes), "sigmas": [round(float(s), 12) for s in sig], "data": data,
            "data_seed": int(data_seed), "resolution": int(resolution or 0), "probe_seed": int(probe_seed)}
    (out / "trajectories").mkdir(parents=True, exist_ok=True)
    (out / "diverge").mkdir(exist_ok=True)
    rows = []
    for pair in pairs:
        files = {}
        for half in ("a", "b"):
            path = out / "trajectories" / f"{pair['label']}-{half}.h5"
            if not _reusable(path, pair[half], want):
                echo(f"trajectories of {shown(pair[half].parent)} -> {shown(path)}")
                write_model_trajectories(f"kadkhodaie:{pair[half]}", path, sigmas=sigmas, probes=probes,
                                         probe_seed=probe_seed, path_substeps=path_substeps, data=data,
                                         data_seed=data_seed, resolution=resolution, device=device,
                                         progress=progress)
            files[half] = path
        result = diverge(files["a"], files["b"])
        from tinyscore.storage.files import allow_replace, write_text
        with allow_replace(True):             # the pair's numbers are recomputed from its files each time
            write_text(out / "diverge" / f"{pair['label']}.json", json.dumps(result, indent=2) + "\n")
        rows.append({"label": pair["label"], "n": pair["n"], "model_a": str(pair["a"]), "model_b": str(pair["b"]),
                     "sha256_a": file_sha256(pair["a"]), "sha256_b": file_sha256(pair["b"]),
                     "trajectories_a": str(files["a"]), "trajectories_b": str(files["b"]), "diverge": result})
    summary = {"settings": {**want, "sigmas": list(sig), "path_substeps": int(path_substeps),
                            "folder": str(folder)}, "pairs": rows}
    from tinyscore.storage.files import allow_replace, write_text
    with allow_replace(True):
        write_text(out / "published.json", json.dumps(summary, indent=2) + "\n")
        if len({r["n"] for r in rows}) == len(rows):
            from tinyscore.analyses.plots import plot_divergence_by_n
            plot_divergence_by_n({r["n"]: r["diverge"] for r in rows}, out / "published.png",
                                 title="Published pairs (Kadkhodaie et al.): half A against half B")
    return summary


def format_summary(summary: dict) -> str:
    """One line per pair: N and the cosine of the two models' directions at each sigma (one step)."""
    sig = summary["settings"]["sigmas"]
    lines = [f"{'pair':<40}{'N':>7}" + "".join(f"{'cos@' + format(s, 'g'):>10}" for s in sig)]
    for r in summary["pairs"]:
        cos = {round(x["sigma"], 12): x["cosine_mean"] for x in r["diverge"]["onestep"]}
        lines.append(f"{r['label'][-40:]:<40}{r['n']:>7}" + "".join(f"{cos[round(s, 12)]:>10.4f}" for s in sig))
    return "\n".join(lines)


@click.command("published")
@click.argument("folder", type=click.Path())
@click.option("--data", required=True, help="Images of the models' size, e.g. celeba:data/celeba80.h5.")
@click.option("--data-seed", type=click.IntRange(0, 2 ** 63 - 1), default=0, show_default=True)
@click.option("--resolution", type=click.IntRange(min=4), default=None,
              help="Downsample the images to this many pixels a side at load.")
@click.option("--out", type=click.Path(file_okay=False), default="results/published", show_default=True)
@click.option("--sigmas", default=ANALYSIS_SIGMAS, show_default=True)
@click.option("--probes", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--probe-seed", type=click.IntRange(0, 2 ** 63 - 1), default=0, show_default=True)
@click.option("--path-substeps", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--device", default="auto", show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
def published_command(folder, data, data_seed, resolution, out, sigmas, probes, probe_seed, path_substeps, device,
                      progress):
    """Diverge on published pairs of models: every set_size_N / set_size_N_swapped under FOLDER.

    Writes both models' trajectories on the same probes of --data, diverge per pair, OUT/published.json
    and OUT/published.png; resumes with the trajectory files already in OUT.
    """
    summary = study_published(folder, out, data, data_seed, resolution, probes, probe_seed, sigmas, path_substeps,
                              device, progress, echo=click.echo)
    click.echo(format_summary(summary))
    click.echo(f"wrote {len(summary['pairs'])} pairs -> {out}")
