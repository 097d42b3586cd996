r"""The steps of one cell, each with the command line that does the same.

A cell (one dataset, N and variant) runs, in order,

    train A, train B        the same variant and seed on the first N points of the disjoint halves A and B
    trajectories A, B       one-step and reverse-path trajectories on the same held-out probes
    diverge                 L2 and cosine between A and B per sigma (question 1)
    quality                 MSE / PSNR of A's one-step outputs beside the optimum (question 2)
    attractors              perturbed training samples iterated through A's denoiser (question 3)
    score error             A's score against the analytic one, per density bin (question 4, mixtures)
    train A', trajectories A'   the seed floor: A's points with another seed (where the scale's ``seed_floor`` is on)
    controls                the pair beside the seed floor, the memoriser pair, the analytic denoiser and
                            the identity, with bootstrap intervals (tinyscore.analyses.controls)
    geometry                where A's score error and A - B lie, along or across the mixture's spans (mixtures,
                            where the scale's ``geometry`` is on; tinyscore.analyses.geometry)
    convergence             each model's gap to its exact floors, and the decision metric at the models kept
                            at 50, 75 and 100% of training (where the scale's ``keep_every`` keeps them;
                            tinyscore.analyses.convergence, read by the gate tinyscore.study.gate)

**One set of options, two uses.** Each step is written as the options of one ``cli.py`` command,
in the command's order (``{"out": ..., "sigmas": ..., "probes": ...}``). The step calls the library
with those options, and :func:`command` turns the same dict into the equivalent line of
``commands.sh`` (``python cli.py trajectories RUN --out FILE --sigmas ... --probes ...``), so the
two cannot say different things. Paths are shown under the ``--out`` the user typed.

**Parameters.** A step's ``params`` are what its result depends on; a change of them reruns it
(tinyscore.study.grid, "Resume"). The later steps name the cell's models by a digest of the
options both models share (:func:`model_id`), so retraining with other options reruns them too.
How often an unfinished model saves its resumable state does not change the model, so it is not
a parameter. These parameters are the manifests' identity on disk: a study started by an older
version of this code resumes only while they stay as they are.

**Where OUT is.** A file inside OUT (the prepared faces) enters the parameters by its path relative
to OUT (``Grid.inside``), while the step and its command line get it under OUT as given: moving the
study folder, or reaching it by another path, changes no parameter. Each step also carries its
``legacy`` parameters, those of the code before, which named that file under OUT as typed; a
manifest holding them is done too (tinyscore.study.grid, "Moving a study").
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.study.grid import (IMAGE_DATASETS, Grid, cell_choices, cell_key, data_root_of, digest, prepare_image_data,
                   replicates, scale_settings, train_variant, write_json)

log = logging.getLogger("tinyscore")


@dataclass
class Step:
    """One unit of work: ``fn()`` writes ``outputs`` and returns a JSON-safe result."""
    id: str
    params: dict
    outputs: list
    fn: object
    cli: list = field(default_factory=list)     # the equivalent command lines
    legacy: dict | None = None                  # the params as the code before named them (accepted as done)


def command(name: str, args, options: dict, rel) -> str:
    """``python cli.py NAME ARGS --option value ...`` from a step's options, in their order.

    An option that is None or False is left out, True is a bare flag, a list is comma-separated;
    paths (and the path of a ``NAME:PATH`` dataset) are shown by ``rel``."""
    words = ["python cli.py", name, *(rel(a) for a in args)]
    for key, value in options.items():
        if value is None or value is False:
            continue
        words.append("--" + key.replace("_", "-"))
        if value is not True:
            words.append(_shown(key, value, rel))
    return " ".join(words)


def _shown(key: str, value, rel) -> str:
    if isinstance(value, Path):
        return rel(value)
    if key == "data" and ":" in value:           # a prepared image file: 'celeba:PATH'
        name, path = value.split(":", 1)
        return f"{name}:{rel(path)}"
    if isinstance(value, (list, tuple)):
        return ",".join(f"{x:g}" for x in value)
    return str(value)


def _without(options: dict, *keys) -> dict:
    return {k: v for k, v in options.items() if k not in keys}


@dataclass
class Cell:
    """What the steps of one (dataset, N, variant) cell share, and where its files live."""
    grid: Grid
    dataset: object              # the loaded tinyscore.data.datasets.Dataset
    name: str                    # the dataset's name
    data: str                    # the dataset as the library loads it: 'uniform', 'celeba:OUT/data/celeba80.h5'
    resolution: int | None
    settings: dict               # the scale's settings for this dataset
    n: int                       # the N asked for (the cell's name)
    n_eff: int                   # the N trained on (at most the half's size)
    variant: str                 # a grid variant (tinyscore.study.grid.STUDY_VARIANTS)
    device: str
    replicate: int = 0           # which independent repeat of the cell (tinyscore.study.grid.replicates)

    def data_named(self, legacy: bool = False) -> str:
        """The dataset as the parameters name it: 'uniform', 'celeba:data/celeba80.h5' (relative to OUT);
        ``legacy``: as the code before named it, under the --out the user typed."""
        return _shown("data", self.data, self.grid.rel if legacy else self.grid.inside)

    @property
    def key(self) -> str:
        return cell_key(self.name, self.n, self.variant, self.replicate)

    @property
    def dir(self) -> Path:
        return self.grid.out / self.key

    @property
    def is_image(self) -> bool:
        return self.name in IMAGE_DATASETS

    def run(self, half: str) -> Path:
        return self.dir / f"run_{half}"

    def traj(self, half: str) -> Path:
        return self.dir / f"traj_{half}.h5"

    def file(self, name: str) -> Path:
        return self.dir / name


# ------------------------------------------------------------------------------ the steps
#: the seed of models A and B, and of the seed-floor model A' (the same points as A, another seed)
SEED, FLOOR_SEED = 0, 1


def train_options(c: Cell, half: str) -> dict:
    """The ``train`` options of the cell's model on ``half``: "a", "b", or "a2" (A', half A with :data:`FLOOR_SEED`).

    Replicate r takes the seeds 2r + SEED and 2r + FLOOR_SEED; a grid variant that stands for a ``train``
    variant with --conditional ('denoiser-cond') adds that flag (the others' options are as they were)."""
    s = c.settings
    variant, conditional = train_variant(c.variant)
    flag = {} if conditional is None else {"conditional": conditional}
    return dict(variant=variant, data=c.data, n=c.n, half=half[0], steps=s["steps"], batch_size=s["batch_size"],
                seed=2 * c.replicate + (FLOOR_SEED if half == "a2" else SEED), width=s["width"],
                resolution=c.resolution, **flag, out=c.run(half), force=True)


def model_id(c: Cell, legacy: bool = False, half: str = "a") -> str:
    """How the later steps name the cell's models: a digest of the options models A and B share, the
    dataset named as the parameters name it (``legacy``: the code before took it as given); with
    ``half="a2"`` the seed-floor model's (its seed differs)."""
    shared = _without(train_options(c, half), "half", "out", "force")
    return digest(shared if legacy else {**shared, "data": c.data_named()})


def train_step(c: Cell, half: str) -> Step:
    from tinyscore.training.loop import train
    options = train_options(c, half)
    save_every = {"save_every": c.settings["save_every"]} if c.settings.get("save_every") else {}
    keep = {"keep_every": c.settings["keep_every"]} if c.settings.get("keep_every") else {}

    def fn():
        c.dir.mkdir(parents=True, exist_ok=True)
        return train(c.dataset, progress=False, device=c.device, **options, **save_every, **keep)
    # "log": the run also logs its held-out loss (it does not change the model, so it is not in model_id and the
    # later steps stand; a study trained before it retrains its models once to get their convergence).
    # "keep_every" (a scale's setting, for the convergence gate) is a parameter where it is set: the models
    # kept on the way are outputs the gate step reads
    params = {**_without(options, "out", "force"), "data": c.data_named(), "log": "heldout", **keep}
    return Step(f"{c.key}/train_{half}", params, [c.run(half)], fn, [command("train", [], {**options, **keep},
                                                                                c.grid.rel)],
                legacy={**params, "data": c.data_named(legacy=True)})


def trajectories_step(c: Cell, half: str) -> Step:
    from tinyscore.analyses.trajectories import write_model_trajectories
    options = {"out": c.traj(half), "sigmas": sigmas_of(c), "probes": c.settings["probes"],
               "path_substeps": c.settings["path_substeps"]}

    def fn():
        return write_model_trajectories(str(c.run(half)), probe_seed=0, device=c.device, progress=False, **options)
    params = _without(options, "out")
    return Step(f"{c.key}/traj_{half}", {**params, "run": model_id(c, half=half)}, [c.traj(half)], fn,
                [command("trajectories", [c.run(half)], options, c.grid.rel)],
                legacy={**params, "run": model_id(c, legacy=True, half=half)})


def sigmas_of(c: Cell) -> str:
    """The analysis sigmas of the cell's scale (its ``sigmas`` setting), else tinyscore.config.ANALYSIS_SIGMAS."""
    return c.settings.get("sigmas") or ANALYSIS_SIGMAS


def analysis_step(c: Cell, name: str, args: list, options: dict, params: dict, compute, figures=()) -> Step:
    """A step whose ``compute()`` result is written to ``options["json"]`` (the command's --json)."""
    def fn():
        result = compute()
        write_json(options["json"], result)
        return result
    return Step(f"{c.key}/{name}", {**params, "run": model_id(c)}, [options["json"], *figures], fn,
                [command(name.replace("_", "-"), args, options, c.grid.rel)],
                legacy={**params, "run": model_id(c, legacy=True)})


def diverge_step(c: Cell) -> Step:
    from tinyscore.analyses import metrics
    trajs = [c.traj("a"), c.traj("b")]
    return analysis_step(c, "diverge", trajs, {"json": c.file("diverge.json")}, {"probes": c.settings["probes"]},
                         lambda: metrics.diverge(*trajs))


def quality_step(c: Cell) -> Step:
    from tinyscore.analyses import accuracy
    options = {"json": c.file("quality.json"), "data": c.data if c.is_image else None,
               "resolution": c.resolution if c.is_image else None}
    return analysis_step(c, "quality", [c.traj("a")], options, {"probes": c.settings["probes"]},
                         lambda: accuracy.quality(c.traj("a"), dataset=c.dataset, device=c.device))


#: eps chosen from the data, per (dataset, N it was chosen on): computed once per process
_SPACING_EPS: dict = {}


def eps_of(c: Cell) -> list:
    """The attractor eps of the cell: the scale's ``eps``, or with ``eps="spacing"`` those chosen from the
    nearest-neighbour spacing of the dataset's sparsest training set of the scale, its smallest N > 1
    (tinyscore.analyses.controls.spacing_eps), the same for every N of the dataset."""
    eps = c.settings["eps"]
    if eps != "spacing":
        return list(eps)
    above_one = [n for n in c.settings["ns"] if n > 1]
    n = c.dataset.cap(min(above_one) if above_one else 2, "a")
    if (c.name, n) not in _SPACING_EPS:
        from tinyscore.analyses.controls import spacing_eps
        _SPACING_EPS[(c.name, n)] = spacing_eps(c.dataset.subset(n, "a"))["eps"]
    return list(_SPACING_EPS[(c.name, n)])


def attractors_step(c: Cell) -> Step:
    """The attractor experiment of model A, run once: its rows (attractors.json) and, under "controls", the
    rows the controls step reports (the identity beside the model and the memoriser, with intervals)."""
    from tinyscore.analyses import attractors, controls
    from tinyscore.core import bootstrap
    from tinyscore.storage.runs import load_run
    s = c.settings
    options = {"eps": eps_of(c), "iters": s["iters"], "starts": s["starts"], "test_starts": s["test_starts"],
               "json": c.file("attractors.json")}
    figure = [c.file("attractors.png")] if c.is_image else []
    boot = {"reps": bootstrap.REPS, "seed": bootstrap.SEED, "level": bootstrap.LEVEL}

    def compute():
        model, opts, _ = load_run(c.run("a"), device=c.device)
        train = attractors.training_set(c.dataset, c.dataset.cap(int(opts["n"]), "a"), "a", c.device)
        res = attractors.run_attractors(model, c.dataset, opts["n"], "a", device=c.device, keep_points=True,
                                        train=train, **_without(options, "json"))
        if c.is_image:
            attractor_grid(res, figure[0], f"{c.name} {c.variant} N={opts['n']}")
        return {**attractors.public(res), "controls": controls.attractor_rows(res, train, **boot)}
    # "controls": the rows the controls step reads (it ran the experiment a second time before)
    return analysis_step(c, "attractors", [c.run("a")], options, {**_without(options, "json"), "controls": boot},
                         compute, figure)


def score_error_step(c: Cell) -> Step:
    from tinyscore.analyses import accuracy
    from tinyscore.storage.runs import load_run
    s, plot = c.settings, c.file("score_field.png") if c.dataset.dim == 2 else None
    options = {"sigmas": sigmas_of(c), "points": s["score_points"], "bins": s["bins"],
               "json": c.file("score_error.json"), "plot": plot}

    def compute():
        model, _, _ = load_run(c.run("a"), device=c.device)
        res = accuracy.score_error_by_density(model, c.dataset, options["sigmas"], options["points"],
                                              options["bins"], device=c.device)
        if plot:
            score_field(model, c.dataset, c.n_eff, plot, f"{c.name} {c.variant} N={c.n_eff}")
        return res
    # the sigmas are not a parameter (they never were: the manifests of studies on disk say so)
    params = {"points": options["points"], "bins": options["bins"]}
    return analysis_step(c, "score_error", [c.run("a")], options, params, compute, [plot] if plot else [])


def geometry_step(c: Cell) -> Step:
    """Where A's score error and A - B lie, along or across the mixture's spans (tinyscore.analyses.geometry)."""
    from tinyscore.analyses import geometry
    from tinyscore.core import bootstrap
    from tinyscore.storage.runs import load_run
    options = {"sigmas": sigmas_of(c), "points": c.settings["score_points"], "reps": bootstrap.REPS,
               "boot_seed": bootstrap.SEED, "level": bootstrap.LEVEL, "json": c.file("geometry.json")}

    def compute():
        a, b = (load_run(c.run(h), device=c.device)[0] for h in "ab")
        return geometry.score_geometry(a, b, c.dataset, options["sigmas"], options["points"], device=c.device,
                                       reps=options["reps"], boot_seed=options["boot_seed"], level=options["level"])
    return analysis_step(c, "geometry", [c.run("a"), c.run("b")], options, _without(options, "json"), compute)


def controls_options(c: Cell) -> dict:
    """The ``controls`` options of a cell, in the command's order: A''s trajectories, the attractor starts
    (those of the attractors step), the bootstrap (tinyscore.core.bootstrap) and the output."""
    from tinyscore.core import bootstrap
    s = c.settings
    return {"floor": c.traj("a2") if seed_floor(c) else None, "eps": eps_of(c), "iters": s["iters"],
            "starts": s["starts"], "test_starts": s["test_starts"], "reps": bootstrap.REPS,
            "boot_seed": bootstrap.SEED, "level": bootstrap.LEVEL, "json": c.file("controls.json")}


def seed_floor(c: Cell) -> bool:
    """Whether the cell trains the seed-floor model A' (the scale's ``seed_floor`` setting)."""
    return bool(c.settings.get("seed_floor"))


def controls_step(c: Cell) -> Step:
    """The pair beside its controls, with bootstrap intervals (tinyscore.analyses.controls)."""
    from tinyscore.analyses import controls
    options = controls_options(c)

    def compute():
        # the attractor rows are the attractors step's run, so model A itself is not needed here; its N is the
        # cell's (the run's options record dataset.cap(n, "a"), which is n_eff)
        rows = _attractor_rows(c.file("attractors.json"), options["eps"])
        return controls.cell_controls(None, c.dataset, c.n_eff, c.traj("a"), c.traj("b"), options["floor"],
                                      options["eps"], options["iters"], options["starts"], options["test_starts"],
                                      c.device, options["reps"], options["boot_seed"], options["level"],
                                      attractors=rows)
    params = {**_without(options, "json", "floor"), "probes": c.settings["probes"],
              "floor_run": model_id(c, half="a2") if seed_floor(c) else None, "attractors": "attractors step"}
    return analysis_step(c, "controls", [c.run("a"), c.traj("a"), c.traj("b")], options, params, compute)


def convergence_step(c: Cell) -> Step:
    """The models' distances from their exact floors and the decision metric at the models kept at 50%, 75%
    and 100% of training (tinyscore.analyses.convergence), which the convergence gate reads (study.gate)."""
    from tinyscore.analyses import convergence
    from tinyscore.core import bootstrap
    options = {"floor": c.run("a2") if seed_floor(c) else None, "problems": convergence.PROBLEMS,
               "reps": bootstrap.REPS, "boot_seed": bootstrap.SEED, "level": bootstrap.LEVEL,
               "json": c.file("convergence.json")}
    runs = {"a": c.run("a"), "b": c.run("b"), **({"a2": c.run("a2")} if seed_floor(c) else {})}

    def compute():
        return convergence.run_convergence(runs, c.traj("a"), c.dataset, c.device, problems=options["problems"],
                                           reps=options["reps"], seed=options["boot_seed"], level=options["level"])
    params = {**_without(options, "json", "floor"), "fractions": list(convergence.FRACTIONS),
              "probes": c.settings["probes"], "keep_every": c.settings["keep_every"],
              "floor_run": model_id(c, half="a2") if seed_floor(c) else None}
    return analysis_step(c, "convergence", [c.run("a"), c.run("b"), c.traj("a")], options, params, compute)


def _attractor_rows(path: Path, eps) -> list:
    """The controls' attractor rows the attractors step wrote into ``path``, checked against the eps asked for."""
    import json
    from tinyscore.errors import TinyscoreError
    try:
        rows = json.loads(path.read_text()).get("controls")
    except (OSError, ValueError, AttributeError) as e:
        raise TinyscoreError(f"{path} cannot be read as the attractors step's result ({e})") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows) \
            or sorted(float(r.get("eps", -1)) for r in rows) != sorted(float(e) for e in eps):
        raise TinyscoreError(f"{path} holds no attractor controls for eps {list(eps)}: run its attractors step again")
    return rows


def cell_steps(c: Cell) -> dict:
    """The cell as the runner and the report see it, with its steps in order under "steps".

    The seed-floor model's steps (train_a2, traj_a2) and the controls come after the
    steps of before, which they leave as they were."""
    steps = {f"train_{h}": train_step(c, h) for h in "ab"}
    steps.update({f"traj_{h}": trajectories_step(c, h) for h in "ab"})
    steps.update(diverge=diverge_step(c), quality=quality_step(c), attractors=attractors_step(c))
    if c.dataset.mixture is not None:
        steps["score_error"] = score_error_step(c)
    if seed_floor(c):
        steps.update(train_a2=train_step(c, "a2"), traj_a2=trajectories_step(c, "a2"))
    steps["controls"] = controls_step(c)
    if c.settings.get("keep_every"):
        steps["gate"] = convergence_step(c)      # "convergence" in a cell is the held-out-loss record
    if c.dataset.mixture is not None and c.settings.get("geometry"):
        steps["geometry"] = geometry_step(c)
    for st in steps.values():
        c.grid.add(st)
    return {"dataset": c.name, "n": c.n_eff, "n_requested": c.n, "variant": c.variant, "dir": c.dir, "steps": steps,
            "dim": c.dataset.dim, "is_image": c.is_image, "key": c.key, "replicate": c.replicate}


# ------------------------------------------------------------------------------ the grid of steps
def build_grid(out: Path, label: str, scale: str, datasets, variants=None, ns=None, data_root=None,
               device="cpu", progress=False, notes=None, table=None, guard=None, prepare=True) -> tuple[Grid, list]:
    """All steps of the study at ``scale`` (``variants`` / ``ns`` restrict the scale's lists).

    ``table`` holds the scales (default tinyscore.study.grid.SCALES); ``guard`` and ``prepare`` are
    passed to :func:`tinyscore.study.grid.prepare_image_data`. Returns the grid and its cells."""
    notes = [] if notes is None else notes
    grid = Grid(out, label)
    cells = []
    root = data_root_of({"data_root": data_root})
    for name in datasets:
        s = scale_settings(scale, name, table)
        loaded = _load_data(grid, name, root, s, progress, guard, prepare, notes)
        if loaded is None:
            continue
        dataset, data, resolution = loaded
        pairs = cell_choices({"variants": variants, "ns": ns}, s)
        n_eff = {n: dataset.cap(n, "a") for n in dict.fromkeys(n for n, _ in pairs)}
        for n, v in pairs:
            for r in replicates(s):
                cells.append(cell_steps(Cell(grid, dataset, name, data, resolution, s, n, n_eff[n], v, device, r)))
    return grid, cells


def _load_data(grid: Grid, name: str, root: Path, s: dict, progress, guard, prepare, notes):
    """(dataset, its spec, resolution) for one dataset of the study, or None (with a note) when its
    images are missing. Image datasets are prepared first, under ``guard``."""
    from tinyscore.data.datasets import load_dataset
    data, resolution = name, None
    if name in IMAGE_DATASETS:
        path, why = prepare_image_data(name, grid.out, root, s, progress, guard, prepare)
        if path is None:
            notes.append(f"{name} skipped: {why}.")
            log.warning("%s skipped: %s", name, why)
            return None
        data, resolution = f"celeba:{path}", s["resolution"]
    return load_dataset(data, resolution=resolution), data, resolution


# ------------------------------------------------------------------------------ figures the steps draw
def attractor_grid(res: dict, path: Path, title: str) -> None:
    """Image grid: training starts, their perturbations and the end points (model and empirical)."""
    from tinyscore.analyses.gallery import image_grid
    st = res["starts"]
    e = max(res["settings"]["eps"])
    k = min(6, len(st["own"]))
    start = st["train_start"][:k]
    rows = [start, start + e * st["z_train"][:k], res["points"][(e, "model")]["end"][:k]]
    titles = ["training x_i"] * k + [f"x_i + {e:g} z"] * k + ["model end"] * k
    if (e, "empirical") in res["points"]:
        rows.append(res["points"][(e, "empirical")]["end"][:k])
        titles += ["empirical end"] * k
    image_grid(np.clip(np.concatenate(rows), 0, 1), path, titles=titles, ncols=k,
               suptitle=f"attractors, {title}: iterate D from a perturbed training sample")


def score_field(model, dataset, n_train: int, path: Path, title: str) -> None:
    """The learned and the true score fields of a 2-D mixture, with the training points."""
    from tinyscore.analyses.plots import plot_score_field
    pts = dataset.subset(min(500, n_train), "a")
    test = dataset.test(min(2000, dataset.test_size))
    lo, hi = test.min(0), test.max(0)
    pad = 0.1 * (hi - lo)
    sig = [float(x) for x in ANALYSIS_SIGMAS.split(",")]
    box = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    plot_score_field(model, dataset.mixture, sig, path, box, points=pts, title=f"Score fields, {title}")
