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
(``model_sha256``) with the same data and probes, and refused (one line) when it was not. The files
it writes follow the rules of every writer (tinyscore.storage.files): published.json, published.png
and the pairs' diverge/LABEL.json, and a trajectory file of another model, are replaced only under
``allow_replace`` (the command's ``--force``), and this is checked before any work; a model with no
partner on the other half is named in a notice (one line each on stderr), never dropped silently.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from pathlib import Path

from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.errors import TinyscoreError, shown
from tinyscore.storage.files import check_destination, destination_lock, file_sha256, replacing, write_text

log = logging.getLogger("tinyscore")


_NAME = re.compile(r"^(?P<stem>.*set_size_)(?P<n>\d+)(?P<swapped>_swapped)?$")


def find_pairs(folder) -> list[dict]:
    """Every (half A, half B) pair of published models under ``folder``, sorted by family and N.

    Returns [{"label", "n", "a", "b"}], "a" and "b" the model.pt files. A model whose partner on the
    other half is missing (no ``_swapped`` folder with a model.pt beside ``set_size_N``, or the other way
    round) is left out with a notice naming it and the folder it lacks."""
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
    for model in lonely:
        log.warning("skipped %s: no %s beside it with a model.pt (the model of the other half)",
                    shown(model.parent), shown(_partner(model.parent.name)))
    return pairs


def _partner(name: str) -> str:
    """The folder name of the other half's model: set_size_N <-> set_size_N_swapped."""
    return name.removesuffix("_swapped") if name.endswith("_swapped") else name + "_swapped"


def _reusable(path: Path, model_file: Path, want: dict) -> bool:
    """Is the trajectory file at ``path`` one this study wrote for this model and these probes?"""
    if not path.exists() and not path.is_symlink():
        return False
    if replacing():                       # --force: a file that is not this one is written again
        with contextlib.suppress(TinyscoreError):
            return _same_trajectories(path, model_file, want)
        return False
    if not _same_trajectories(path, model_file, want):
        raise TinyscoreError(f"{shown(path)} exists but was written from another model, data or probes: "
                             "choose another --out, remove it, or pass --force to replace it")
    return True


def _same_trajectories(path: Path, model_file: Path, want: dict) -> bool:
    from tinyscore.storage.store import open_trajectories
    with open_trajectories(path) as f:
        attrs = {**{k: f.h5.attr_str(k) for k in ("model_sha256", "data")},
                 **{k: f.h5.attr_int(k) for k in ("data_seed", "resolution", "probe_seed")}}
        return (attrs["model_sha256"] == file_sha256(model_file) and f.P == want["probes"]
                and [round(float(s), 12) for s in f.sigmas] == want["sigmas"]
                and all(str(attrs[k]) == str(want[k]) for k in ("data", "data_seed", "resolution", "probe_seed")))


def _outputs(out: Path, pairs: list) -> list[Path]:
    """The files of OUT that each run writes anew (the trajectory files are resumed instead)."""
    return [out / "published.json", out / "published.png", *(out / "diverge" / f"{p['label']}.json" for p in pairs)]


def study_published(folder, out, data: str, data_seed: int = 0, resolution=None, probes: int = 64,
                    probe_seed: int = 0, sigmas=ANALYSIS_SIGMAS, path_substeps: int = 8, device="auto",
                    progress: bool = True, echo=print) -> dict:
    """Trajectories of every published pair under ``folder`` on the same probes, and diverge per pair.

    Every output is checked before any work: published.json, published.png and diverge/LABEL.json
    are replaced only under ``tinyscore.storage.files.allow_replace`` (the command's ``--force``),
    and OUT is locked against a second run while this one writes."""
    from tinyscore.core.dynamics import parse_sigmas
    from tinyscore.data.datasets import load_dataset
    pairs = find_pairs(folder)
    sig = parse_sigmas(sigmas)
    out = Path(out)
    _check_out(out, pairs)
    dataset = load_dataset(data, data_seed=data_seed, resolution=resolution)
    _check_models(pairs, dataset)
    want = {"probes": int(probes), "sigmas": [round(float(s), 12) for s in sig], "data": data,
            "data_seed": int(data_seed), "resolution": int(resolution or 0), "probe_seed": int(probe_seed)}
    (out / "trajectories").mkdir(parents=True, exist_ok=True)
    with destination_lock(out / "published.json"):        # held from the start: a second run fails at once
        trace = dict(sigmas=sigmas, probes=probes, probe_seed=probe_seed, path_substeps=path_substeps, data=data,
                     data_seed=data_seed, resolution=resolution, device=device, progress=progress)
        rows = [_pair_row(pair, out, want, trace, echo) for pair in pairs]
        summary = {"settings": {**want, "sigmas": list(sig), "path_substeps": int(path_substeps),
                                "folder": str(folder)}, "pairs": rows}
        _write_outputs(out, summary)
    return summary


def _check_out(out: Path, pairs: list) -> None:
    """One line, before any work, for an OUT that cannot be written or whose outputs exist (without --force)."""
    if out.exists() and not out.is_dir():
        raise TinyscoreError(f"{shown(out)} exists and is not a folder")
    if not out.parent.is_dir():
        raise TinyscoreError(f"folder {shown(out.parent)} of {shown(out)} does not exist")
    for path in _outputs(out, pairs):
        check_destination(path)


def _check_models(pairs: list, dataset) -> None:
    """Every model read and checked against the data before any output."""
    from tinyscore.external.kadkhodaie import open_kadkhodaie
    for pair in pairs:
        for half in ("a", "b"):
            _, info = open_kadkhodaie(f"kadkhodaie:{pair[half]}", str(pair[half]), None)
            info["fit"](dataset, "cpu")


def _pair_row(pair: dict, out: Path, want: dict, trace: dict, echo) -> dict:
    """One pair's trajectory files (written, or resumed when they match ``want``) and its diverge numbers."""
    from tinyscore.analyses.metrics import diverge
    from tinyscore.analyses.trajectories import write_model_trajectories
    files = {}
    for half in ("a", "b"):
        path = out / "trajectories" / f"{pair['label']}-{half}.h5"
        if not _reusable(path, pair[half], want):
            echo(f"trajectories of {shown(pair[half].parent)} -> {shown(path)}")
            write_model_trajectories(f"kadkhodaie:{pair[half]}", path, **trace)
        files[half] = path
    return {"label": pair["label"], "n": pair["n"], "model_a": str(pair["a"]), "model_b": str(pair["b"]),
            "sha256_a": file_sha256(pair["a"]), "sha256_b": file_sha256(pair["b"]),
            "trajectories_a": str(files["a"]), "trajectories_b": str(files["b"]),
            "diverge": diverge(files["a"], files["b"])}


def _write_outputs(out: Path, summary: dict) -> None:
    """diverge/LABEL.json per pair, published.json, and published.png when no two pairs share an N."""
    rows = summary["pairs"]
    (out / "diverge").mkdir(exist_ok=True)
    for r in rows:
        write_text(out / "diverge" / f"{r['label']}.json", json.dumps(r["diverge"], indent=2) + "\n")
    write_text(out / "published.json", json.dumps(summary, indent=2) + "\n")
    if len({r["n"] for r in rows}) == len(rows):
        from tinyscore.analyses.plots import plot_divergence_by_n
        plot_divergence_by_n({r["n"]: r["diverge"] for r in rows}, out / "published.png",
                             title="Published pairs (Kadkhodaie et al.): half A against half B")


def format_summary(summary: dict) -> str:
    """One line per pair: N and the cosine of the two models' directions at each sigma (one step)."""
    sig = summary["settings"]["sigmas"]
    lines = [f"{'pair':<40}{'N':>7}" + "".join(f"{'cos@' + format(s, 'g'):>10}" for s in sig)]
    for r in summary["pairs"]:
        cos = {round(x["sigma"], 12): x["cosine_mean"] for x in r["diverge"]["onestep"]}
        lines.append(f"{r['label'][-40:]:<40}{r['n']:>7}" + "".join(f"{cos[round(s, 12)]:>10.4f}" for s in sig))
    return "\n".join(lines)
