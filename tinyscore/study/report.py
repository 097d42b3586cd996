r"""REPORT.md: the study's tables, figures and findings, written from a result set, one function per section.

A result set is a list of *cells*, one per (dataset, N, variant), each a dict with

    dataset, n, variant, dim, is_image            what was trained
    train_a, train_b                              training summaries (seconds, steps/s, final loss)
    diverge                                       tinyscore.analyses.metrics.diverge of A against B
    quality                                       tinyscore.analyses.accuracy.quality of A
    attractors                                    tinyscore.analyses.attractors.run_attractors of A (public part)
    score_error                                   tinyscore.analyses.accuracy.score_error_by_density of A (mixtures)
    convergence                                   {"a": ..., "b": ...}: tinyscore.training.loop.convergence of each model
    controls                                      tinyscore.analyses.controls.cell_controls: the pair beside the
                                                  seed floor, the memoriser pair, D* and the identity, with intervals
    figures                                       optional extra figures (paths relative to OUT)

and ``meta`` (scale, settings, machine, commands, notes). Any piece may be missing: its section
then says so instead of inventing numbers. The findings and their verdicts are computed from the
numbers each time, by tinyscore.study.findings (whose docstring says what each measure means and
which of them the study's claim is about); this module only lays them out.

The report is a title and a list of sections (``SECTIONS``, in order), each written by one
function of the ``_Study`` it reports on. The four questions share one shape -- an introduction,
then a block per dataset that has the question's results, or one line saying there are none --
written once by ``_per_dataset``.

**Auditable.** :func:`write_study` writes the cells and the meta to OUT/results.json first and the
report from that file, read back, so every number of REPORT.md is in results.json and
``reproduce --report-only`` regenerates the same report from it alone (:func:`report_from_results`).
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import json

from tinyscore.analyses import plots
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import write_text
from tinyscore.study import evidence as ev
from tinyscore.study.findings import (COS_MARGIN, DIST_MARGIN, _by, _f, _keys, _over_sigma, _pct, _row_at, _val,
                                      cell_key, convergence_of, counted_keys, findings, split_by_convergence)


class _Study(NamedTuple):
    """What every section reads: the output folder, the cells, the run's meta and what follows from them."""
    out: Path
    figs: Path
    cells: list
    meta: dict
    sigmas: list          # the analysis sigmas, largest first
    datasets: list        # in the order the cells first name them


def _cell(c) -> str:
    """A table cell's text: a '|' of the math (||s_A - s_B||) escaped, so it does not split the cell."""
    return str(c).replace("|", "\\|")


def _setting(v) -> str:
    """A setting as its JSON reads: lists in brackets, whether the scale wrote a tuple or a list."""
    return str(list(v) if isinstance(v, tuple) else v).replace("|", "/")


def _table(header, rows) -> list:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def _per_dataset(study, field, block, none) -> list:
    """``block(study, dataset, its cells)`` for each dataset with cells holding ``field``; else the line ``none``."""
    L = []
    for ds in study.datasets:
        cs = [c for c in study.cells if c["dataset"] == ds and c.get(field)]
        if cs:
            L += block(study, ds, cs)
    return L or [none, ""]


# ------------------------------------------------------------------------------ title and method
def _workers_phrase(w) -> str:
    """' (2 worker processes on 1 host)' when the cells were run by more than one worker, else ''."""
    if not w or w.get("processes", 0) < 2:
        return ""
    hosts = w.get("hosts", 1)
    return f" (run by {w['processes']} worker processes on {hosts} host{'s' if hosts != 1 else ''})"


def _preamble(study) -> list:
    """The title and when, how long and on what the study ran."""
    meta = study.meta
    m = meta.get("machine", {})
    span = meta.get("span") or {}
    return [f"# tinyscore low-noise study: `{meta.get('scale', '?')}` scale", "",
            (f"The first step started at {span['started']} and the last finished at {span['finished']} (UTC), "
             f"{span['minutes']:.1f} minutes end to end; " if span else f"Finished {meta.get('finished', '?')}; ")
            + f"the steps themselves took {meta.get('step_seconds', 0) / 60:.1f} minutes"
            + _workers_phrase(meta.get("workers"))
            + f" on {m.get('processor', '?')} ({m.get('cpu_count', '?')} CPUs, {m.get('torch_threads', '?')} "
            f"torch thread(s), device {m.get('device', '?')}{', ' + m['gpu'] if m.get('gpu') else ''}). Datasets: "
            f"{', '.join(study.datasets) or 'none'}. Every number below comes from the runs in this folder; the "
            "findings are computed from them by `tinyscore/study/findings.py`, not written by hand.", ""]


def _answers(study) -> list:
    """The first screen: each claim's verdict with the mean over its cases and that mean's interval."""
    ok, rule = counted_keys(study.cells)
    rows = ev.evidence_claims(study.cells, ok, detail=True)
    if not rows:
        return ["No verdicts with intervals: this result set has no controls (a study run before they existed); "
                "the counts are under [Findings](#findings).", ""]
    table = [[e, f"**{v}**", m, f"{words}: {n['for']} for, {n['against']} against, {n['undecided']} undecided",
              ev.shown(mean)] for e, m, _, v, mean, words, n in rows]
    return ([f"Each claim of the study, answered on the {len(ok)} of {len(study.cells)} cells that count (by {rule}), "
             "replicates pooled: a case is *for* when its whole 95% interval clears the margin, *against* when it "
             "falls short, *undecided* otherwise; *mean* is the mean over the cases with its 95% interval. How "
             "the verdict follows from the cases, the controls and every number behind them: "
             "[Findings](#findings), [Training convergence](#training-convergence), [Controls](#controls).", ""]
            + _table(["claim", "verdict", "measure", "cases", "mean [95% interval]"], table) + [""])


def _how(study) -> list:
    """The command, the machine and the settings per dataset."""
    meta = study.meta
    L = ["```", meta.get("command", "python cli.py reproduce"), "```", ""]
    L += _table(["", ""], [[k, f"`{v}`"] for k, v in meta.get("machine", {}).items()]) + [""]
    settings = meta.get("settings", {})
    if settings:
        keys = sorted({k for s in settings.values() for k in s if k not in ("datasets",)})
        L += ["Settings per dataset (models A and B differ only in their half of the data; same seed, same "
              "optimiser settings for every variant):", ""]
        L += _table(["setting"] + list(settings), [[k] + [_setting(settings[d].get(k, '')) for d in settings]
                                                   for k in keys]) + [""]
    return L + ["The equivalent command for every step is listed under [Commands](#commands).", ""]


# ------------------------------------------------------------------------------ findings and convergence
def _verdicts_intro(cells) -> str:
    ok, rule = counted_keys(cells)
    left = [c for c in cells if cell_key(c) not in ok]
    return ("What the study (Pavlova and Wei 2025, with Kadkhodaie et al. 2024) leads one to expect, against what "
            "these runs show, on every measure that could decide it. A verdict is computed from the counts beside "
            "it (>= 75% of cases: supported; <= 25%: not supported; in between: mixed); at this scale it describes "
            f"these runs only. **Verdicts count only the counted cells** ({len(ok)} of {len(cells)}, by {rule})"
            + (f"; left out: {_keys(left, 40)}" if left else "") + ". "
            f"Margins: a cosine counts as lower when it falls by more than {COS_MARGIN}, a distance as larger "
            f"when it grows by more than {DIST_MARGIN:.0%}.")


def _evidence_intro(cells) -> str:
    ok, rule = counted_keys(cells)
    return ("Each verdict below reads an interval, not a point: every number is a mean over the probes (or the "
            f"attractor starts) with its {ev.LEVEL:.0%} percentile bootstrap interval "
            "(tinyscore/core/bootstrap.py; two cells' difference by the normal approximation), and each case "
            "(a cell, or the smallest and the largest N of one dataset and variant) is *for* when the whole "
            "interval clears the margin, *against* when it falls short of it, *undecided* otherwise. A claim "
            f"is undecided when fewer than {ev.DECIDED:.0%} of its cases are decided; otherwise supported when at "
            f"least {ev.SUPPORT:.0%} of the decided cases are for, not supported when at most {1 - ev.SUPPORT:.0%} "
            "are, mixed in between. Margins: a cosine changes when it moves by more than "
            f"{ev.COS_MARGIN}, a distance when it grows by more than {ev.DIST_MARGIN:.0%}, the memorisation index "
            f"by more than {ev.MEM_MARGIN}, the attracted fraction by more than {ev.ATTRACT_MARGIN}; agreement "
            f"is a cosine above {ev.AGREE_COS} (all stated once, in tinyscore/study/margins.py). A divergence is "
            "attributed to the data only where AB exceeds the seed floor AA'; the divergence is measured "
            "scale-free, ||eps_A - eps_B|| / ||eps*|| (eps* from the exact denoiser), and the path L2, the "
            f"paper's own metric, has its own verdict. Only the counted cells count "
            f"({len(ok)} of {len(cells)}, by {rule}); see [Controls](#controls) for every cell's numbers.")


def _evidence(study) -> list:
    """The verdicts drawn from the controls and their intervals (tinyscore.study.evidence)."""
    claims = ev.evidence_claims(study.cells, counted_keys(study.cells)[0])
    if not claims:
        return []
    return (["### Verdicts with controls and intervals", "", _evidence_intro(study.cells), ""]
            + _table(["expectation", "measure", "these runs", "verdict"], claims)
            + ["", "### Counts over the cells (no controls, no intervals)", ""])


def _findings(study) -> list:
    """The verdicts with controls, then the bullets, the table of counts and where the measures disagree
    (tinyscore.study.evidence, tinyscore.study.findings)."""
    cells = study.cells
    bullets, claims, disagree = findings(cells, study.sigmas) if cells else (["- No results."], [], [])
    L = _evidence(study) + bullets + [""]
    if claims:
        L += [_verdicts_intro(cells), ""]
        L += _table(["expectation", "measure", "these runs", "verdict"], claims) + [""]
        if disagree:
            L += ["Where the measures of one expectation disagree:", ""] + disagree + [""]
    return L


def _convergence_rule(cells) -> str:
    recs = [r for c in cells for r in convergence_of(c)[1].values()]
    tol = sorted({(r.get("window"), r.get("tolerance")) for r in recs
                  if r.get("converged") is not None and r.get("window") is not None and r.get("tolerance") is not None})
    return ("; ".join(f"over the last {w:.0%} of the steps, |change| <= {x:.1%}" for w, x in tol) if tol else
            "over the end of training, |change| within a tolerance")


def convergence_section(cells) -> list:
    """The per-cell table of training convergence (tinyscore.training.loop.convergence of each model)."""
    L = ["Every model logs a held-out loss while it trains (tinyscore/training/loop.py): its own objective on a fixed "
         "set of held-out test points with fixed noise levels and noise (reconstruction ||D - x||^2 for the "
         "denoiser; denoising score matching ||D - x||^2 / sigma^2 for ncsn and for ssm, whose objective it "
         "equals up to a constant), drawn from a generator of its own, so the trained model does not change. "
         "The convergence measure is that loss for a moving average of the weights (time constant 5% of the "
         "steps), which carries little of the noise the learning rate adds: the iterate's own loss also falls "
         "while the cosine schedule anneals that noise away, done or not. *change*: the rise of a straight line "
         "fitted to it over the end of training, relative to its value at the last step (negative: still "
         "falling; positive: rising, as when a small training set is being memorised). A model is converged "
         f"when, {_convergence_rule(cells)}; a cell when both its models are. *held-out*: the model's own held-out "
         "loss at the end; on a mixture, *excess*: its excess over the optimal denoiser D*'s on the same problems "
         "(mean ||D - D*||^2, / sigma^2 for ncsn and ssm), the part of the loss that is the model's error. "
         "Where the cells have no gate record (above), the verdicts in [Findings](#findings) count only converged cells.", ""]
    rows = []
    for c in sorted(cells, key=lambda c: (c["dataset"], c["variant"], c["n"])):
        status, rec = convergence_of(c)
        row = [c["dataset"], c["variant"], c["n"]]
        for h in "ab":
            r = rec.get(h) or {}
            row += [_f(r.get("end"), 4), _f(r.get("excess_end"), 4), _pct(r.get("change"))]
        rows.append(row + [status])
    L += _table(["dataset", "variant", "N", "A: held-out", "A: excess", "A: change", "B: held-out", "B: excess",
                 "B: change", "cell"], rows)
    ok, unconverged, unknown = split_by_convergence(cells)
    L += ["", f"{len(ok)} of {len(cells)} cells converged."
          + (f" Not converged: {_keys(unconverged, 200)}." if unconverged else "")
          + (f" Without a record (models trained before the held-out loss was logged): {_keys(unknown, 200)}."
             if unknown else ""), ""]
    return L


def gate_section(cells) -> list:
    """The convergence gate's table (tinyscore.study.gate): per cell the decision metric at the kept checkpoints,
    each model's distance from its floors, and the state; [] when no cell has a gate record."""
    from tinyscore.study.gate import record_state
    from tinyscore.study.margins import FLOOR_GAP, STOP_TOL
    rows, sigma = [], None
    for c in sorted(cells, key=lambda c: (c["dataset"], c["variant"], c["n"], c.get("replicate", 0))):
        state, models = record_state(c.get("gate"))
        if state == "no record":
            continue
        sigma = c["gate"]["settings"]["sigma"]
        cps = {r["fraction"]: r for r in c["gate"]["checkpoints"]}
        worst = {f: [g[f] for g in models.values() if g.get(f) is not None] for f in ("true", "memoriser")}
        rows.append([cell_key(c)] + [_f((cps.get(f) or {}).get("cos_ab", [None])[0], 3) for f in (0.5, 0.75)]
                    + [ev.shown((cps.get(1.0) or {}).get("cos_ab"))]
                    + [_f(max(worst[f]), 3) if worst[f] else "n/a" for f in ("true", "memoriser")] + [state])
    if not rows:
        return []
    intro = ("**The gate.** A held-out loss is mostly noise no model removes, so the verdicts count the cells by "
             "what they decide with (tinyscore/study/gate.py, tinyscore/analyses/convergence.py): the decision "
             f"metric, cos(A, B) at sigma = {sigma:g}, read from the models kept at 50%, 75% and 100% of training, "
             f"has *stopped* when both earlier estimates lie inside the last one's 95% interval widened by {STOP_TOL:g} "
             "on each side. *gap to D\\**: the "
             "largest of the cell's models' excess held-out loss over the analytic optimum, relative to the "
             "optimum's loss; *gap to memoriser*: the largest excess training loss over the empirical optimum of "
             "the model's own points (which minimises the training objective), relative to that optimum's loss. "
             f"A model is at a floor within {FLOOR_GAP}. The state: *generalising* (stopped, every model at D\\*), "
             "*memorising* (stopped, every model at its memoriser: it counts), *at both floors* (stopped, every "
             "model within reach of both and neither clearly nearer: at large N the two optima are alike), *stuck* "
             "(stopped, no model near "
             "either floor), *stopped* (otherwise), *still moving* (not counted).")
    return [intro, ""] + _table(["cell", "cos 50%", "cos 75%", "cos 100% [95%]", "gap to D*", "gap to memoriser",
                                 "state"], rows) + [""]


def _convergence(study) -> list:
    return gate_section(study.cells) + convergence_section(study.cells)


# ------------------------------------------------------------------------------ the controls
CONTROLS_INTRO = (
    "Every cell's pair beside its controls, on the same probes (tinyscore/analyses/controls.py): *AA'* is the "
    "seed floor, model A against A', a third model on A's points with another seed (initialisation, noise and "
    "batch order), so that what differs between them is optimisation alone; *mem.* is the memoriser pair, the "
    "exact empirical denoisers of A's and of B's N points; *A vs D\\** is model A against the exact denoiser of "
    "the mixture (the analytic pair agrees exactly). *cos*: mean cos(d_X, d_Y), d = D(y) - y; *div*: "
    "mean ||eps_X - eps_Y|| / mean ||eps*||, the noise predictions' distance on the scale of the true one "
    "(mixtures); *mem. index*: (1 - cos_AB) / (1 - cos_mem.), 0 where the pair agrees, 1 where it differs as "
    "the memorisers do. The first table gives the numbers the verdicts read, each with its bootstrap interval, "
    "at the smallest sigma (*growth*: smallest sigma against the largest); the second every sigma.")


def _iv(x) -> str:
    return ev.shown(x, 3)


def _controls_block(study, ds, cs) -> list:
    """One dataset: the verdicts' numbers with intervals per (variant, N), then every sigma's estimates."""
    cs = sorted(cs, key=lambda c: (c["variant"], c["n"]))
    rows = []
    for c in cs:
        lo = ev.row(c, ev.sigma_range(c)[1]) or {}
        rows.append([c["variant"], c["n"], _iv(lo.get("cos_ab")), _iv(lo.get("cos_aa2")), _iv(lo.get("cos_mem")),
                     _iv(ev.contrast(c, "mem_index")), _iv(ev.contrast(c, "cos_drop")),
                     _iv(ev.contrast(c, "div_growth")), _iv(ev.contrast(c, "floor_ratio")),
                     _iv(ev.contrast(c, "path_growth")), _iv(ev.contrast(c, "path_floor"))])
    L = [f"### {ds}", ""]
    L += _table(["variant", "N", "cos AB", "cos AA'", "cos mem.", "mem. index", "cos fall", "div AB growth",
                 "AB / AA'", "path L2 growth", "path L2 AB / AA'"], rows) + [""]
    head = ["variant", "N", "sigma", "cos AB", "cos AA'", "cos mem.", "cos A vs D*", "||eps*||", "div AB", "div AA'",
            "div mem.", "div A vs D*", "path L2 AB", "path L2 AA'"]
    keys = ("cos_ab", "cos_aa2", "cos_mem", "cos_a_star", "eps_star", "div_ab", "div_aa2", "div_mem", "div_a_star",
            "path_ab", "path_aa2")
    rows = [[c["variant"], c["n"], f"{r['sigma']:g}"] + [_f(None if r.get(k) is None else r[k][0], 3) for k in keys]
            for c in cs for r in c["controls"]["divergence"]["rows"]]
    return L + _table(head, rows) + [""]


def _controls(study) -> list:
    return [CONTROLS_INTRO, ""] + _per_dataset(study, "controls", _controls_block,
                                               "No controls in this result set (a study run before they existed).")


# ------------------------------------------------------------------------------ question 1: agreement
AGREEMENT_INTRO = (
    "Models A and B (trained on disjoint halves) on the same noisy held-out probes, per sigma. *cos*: mean "
    "cosine of their denoising directions d = D(y) - y (= the cosine of their scores); *L2*: mean over probes "
    "of ||D_A(y) - D_B(y)||, the raw one-step distance, which is sigma^2 ||s_A - s_B||; *L2 / sigma*: the same "
    "divided by sigma, sigma ||s_A - s_B|| = ||eps_A - eps_B|| (the distance between their noise "
    "predictions); *path L2* and *path cos*: the same along the reverse probability-flow ODE, each model on "
    "its own trajectory from the same start, at the analysis sigmas (||D_A(x_A) - D_B(x_B)||; near sigma = 0 "
    "it is the distance between the points the two reverse processes reach). The study's low-noise "
    "divergence claim is about the scores: read *cos* and *L2 / sigma* for it; *L2* falls with sigma^2 "
    "whatever the scores do. Distances are whole-vector norms in the data's dimension (given per dataset). "
    "Every path rung is in each cell's `diverge.json`.")


def _agreement_block(study, ds, cs) -> list:
    """One dataset: every measure per (variant, N, sigma), and a figure per variant."""
    rows = [[c["variant"], c["n"], f"{s:g}", _f(_val(c, "onestep", "cosine_mean", s)),
             _f(_val(c, "onestep", "l2_mean", s), 4), _f(_over_sigma(c, "onestep", "l2_mean", s), 4),
             _f(_val(c, "path", "l2_mean", s), 4), _f(_val(c, "path", "cosine_mean", s))]
            for c in sorted(cs, key=lambda c: (c["variant"], c["n"])) for s in study.sigmas]
    L = [f"### {ds} (dim {cs[0].get('dim', '?')})", ""]
    L += _table(["variant", "N", "sigma", "cos", "L2", "L2 / sigma", "path L2", "path cos"], rows) + [""]
    for v, vc in sorted(_by(cs, "variant").items()):
        name = f"diverge-{ds}-{v}.png"
        plots.plot_divergence_by_n({c["n"]: c["diverge"] for c in vc}, study.figs / name,
                                   title=f"{ds}, {v}: models A vs B (one-step)")
        L += [f"![{ds} {v} divergence](figures/{name})", ""]
    return L


def _agreement(study) -> list:
    return [AGREEMENT_INTRO, ""] + _per_dataset(study, "diverge", _agreement_block, "No divergence results.")


# ------------------------------------------------------------------------------ question 2: denoising
QUALITY_INTRO = (
    "MSE per coordinate of model A's one-step output against the clean probe, as a multiple of a reference's "
    "MSE on the same inputs, and PSNR (peak 1; the noisy input itself has MSE sigma^2). For mixtures the "
    "reference is the analytic MMSE denoiser, the true optimum: a ratio near 1 is optimal. For images it is the "
    "empirical denoiser of A's training set, optimal only for the training set itself: on held-out probes it "
    "snaps to a training image, so a model that generalises can beat it (ratio < 1).")


def _quality_block(study, ds, cs) -> list:
    """One dataset: MSE over the reference's and PSNR per sigma, the reference's PSNR, a figure at the largest N."""
    sigmas = study.sigmas
    opt = cs[0]["quality"]["rows"][0].get("optimum") or "none"
    head = ["variant", "N"] + [f"MSE/ref @{s:g}" for s in sigmas] + [f"PSNR @{s:g}" for s in sigmas]
    rows = []
    for c in sorted(cs, key=lambda c: (c["variant"], c["n"])):
        qr = c["quality"]["rows"]
        rows.append([c["variant"], c["n"]] + [_f((_row_at(qr, s) or {}).get("mse_over_optimum"), 2) for s in sigmas]
                    + [_f((_row_at(qr, s) or {}).get("psnr"), 1) for s in sigmas])
    L = [f"### {ds} (reference: {opt})", ""] + _table(head, rows)
    if opt != "none":
        L += ["", f"Reference ({opt}) PSNR: " + ", ".join(f"{_f(r.get(opt + '_psnr'), 1)} dB @{r['sigma']:g}"
                                                       for r in cs[0]["quality"]["rows"])]
        L += ["", f"The identity map (the noisy input itself), MSE/ref of N = {cs[0]['n']}: " + ", ".join(
            f"{_f(r['noisy_mse'] / r[opt + '_mse'] if r.get(opt + '_mse') else None, 2)} @{r['sigma']:g}"
            for r in cs[0]["quality"]["rows"])]
    n_max = max(c["n"] for c in cs)
    name = f"quality-{ds}.png"
    plots.plot_quality({f"{c['variant']} N={c['n']}": c["quality"] for c in cs if c["n"] == n_max},
                       study.figs / name, title=f"{ds}: one-step denoising, N = {n_max}")
    return L + ["", f"![{ds} quality](figures/{name})", ""]


def _quality(study) -> list:
    return [QUALITY_INTRO, ""] + _per_dataset(study, "quality", _quality_block, "No quality results.")


# ------------------------------------------------------------------------------ question 3: attractors
ATTRACTORS_INTRO = (
    "Training samples perturbed by eps, then iterated through model A's denoiser with sigma annealed from eps "
    "down; an end point is *memorised* when d1/d2 < 1/3 (nearest over second-nearest training distance). "
    "*own*: returned to its own training sample; *any*: landed on some training sample; *test*: held-out "
    "points perturbed the same way that land on a training sample. *emp.*: the same for the empirical optimal "
    "denoiser of the same training set (the ideal memoriser). The *emp.* columns are the ceiling to compare "
    "with: where training samples lie within a few eps of each other (dense 2-D sets), even the ideal memoriser "
    "does not pass the d1/d2 test.")


def _attractors_block(study, ds, cs) -> list:
    """One dataset: the model's and the empirical denoiser's fractions per (variant, N, eps), and a figure."""
    rows = [[c["variant"], c["n"], f"{r['eps']:g}", _f(r["model_return_own"], 2), _f(r["model_any"], 2),
             _f(r["model_test_captured"], 2), _f(r.get("empirical_return_own"), 2),
             _f(r.get("empirical_any"), 2), _f(r.get("empirical_test_captured"), 2)]
            for c in sorted(cs, key=lambda c: (c["variant"], c["n"])) for r in c["attractors"]["rows"]]
    L = [f"### {ds}", ""]
    L += _table(["variant", "N", "eps", "own", "any", "test", "emp. own", "emp. any", "emp. test"], rows) + [""]
    ctl = [[c["variant"], c["n"], f"{r['eps']:g}", _iv(r["model_own"]), _iv(r["memoriser_own"]),
            _iv(r["identity_own"]), _iv(r["attracted"]), _iv(r["memoriser_attracted"])]
           for c in sorted(cs, key=lambda c: (c["variant"], c["n"])) if c.get("controls")
           for r in c["controls"]["attractors"]]
    if ctl:
        L += ["Against the identity: *identity own* is the fraction of perturbed starts that already return to "
              "their own sample before any denoising; a start is *attracted* only when the model returns it and "
              "the identity does not (intervals over the starts).", ""]
        L += _table(["variant", "N", "eps", "model own", "memoriser own", "identity own", "attracted",
                     "memoriser attracted"], ctl) + [""]
    name = f"attractors-{ds}.png"
    plots.plot_attractors_vs_n({v: {c["n"]: c["attractors"] for c in vc} for v, vc in _by(cs, "variant").items()},
                               study.figs / name, title=f"{ds}: attractors against N")
    return L + [f"![{ds} attractors](figures/{name})", ""]


def _attractors(study) -> list:
    return [ATTRACTORS_INTRO, ""] + _per_dataset(study, "attractors", _attractors_block, "No attractor results.")


# ------------------------------------------------------------------------------ question 4: score accuracy
SCORE_INTRO = (
    "Model A's score against the analytic score of the mixture at y = x + sigma z (x held out): relative error "
    "||s - s*|| / ||s*|| over all points, and in the lowest- and highest-density of the equal-count bins of the "
    "true log p_sigma(y); sigma^2-weighted squared error sigma^2 ||s - s*||^2 (= ||D - D*||^2 / sigma^2), "
    "over all points and in the same two bins. The relative error divides by ||s*||, which is small near the "
    "modes (the highest-density bin), so the two can rank the bins differently; the findings give both. "
    "The bins split samples of p_sigma itself, so the lowest bin is the tail of where noisy data actually "
    "falls, not empty space far from the data. For the sigma-blind denoiser the score is read off as "
    "(D(y) - y) / sigma^2 with the analysis sigma, which the network never sees.")


def _score_block(study, ds, cs) -> list:
    """One dataset: both errors overall and in the extreme bins per (N, variant, sigma); figures at the largest N."""
    rows = [[c["variant"], c["n"], f"{r['sigma']:g}", _f(r["relative"]), _f(r["bins"][0]["relative"]),
             _f(r["bins"][-1]["relative"]), _f(r["weighted_sq"], 4),
             _f(r["bins"][0].get("weighted_sq"), 4), _f(r["bins"][-1].get("weighted_sq"), 4)]
            for c in sorted(cs, key=lambda c: (c["n"], c["variant"])) for r in c["score_error"]["rows"]]
    L = [f"### {ds}", ""]
    L += _table(["variant", "N", "sigma", "rel. error", "rel. lowest-density bin", "rel. highest-density bin",
                 "weighted sq.", "weighted lowest bin", "weighted highest bin"], rows) + [""]
    n_max = max(c["n"] for c in cs)
    name = f"score-error-{ds}.png"
    plots.plot_score_error_by_density({c["variant"]: c["score_error"] for c in cs if c["n"] == n_max},
                                      study.figs / name, title=f"{ds}: relative score error by density, N = {n_max}")
    L += [f"![{ds} score error](figures/{name})", ""]
    for c in cs:
        if c["n"] == n_max and c.get("figures", {}).get("score_field.png"):
            L += [f"![{ds} {c['variant']} score field]({c['figures']['score_field.png']})", ""]
    return L


GEOMETRY_INTRO = (
    "**Geometry** (tinyscore/analyses/geometry.py): each held-out point, noised at sigma, takes the long axes of "
    "its most responsible component's covariance (the spiral's tangent, thinmanifold's 2-D frame; none for an "
    "isotropic component). *rel*: model A's relative score error sqrt(sum ||s_A - s*||^2 / sum ||s*||^2); *along* "
    "and *across*: the same of the parts along and across the axes; *share of error* and *share of A - B*: the "
    "part of A's squared error and of ||s_A - s_B||^2 along the axes, beside *share of dimensions*, what an error "
    "without a preferred direction would put there. At the smallest sigma, replicates pooled, 95% intervals. "
    "*rel* divides by ||s*||, whose size at a given sigma differs from dataset to dataset (across a thin "
    "manifold the true score is large), so comparing *rel* between datasets, as the verdict on isotropic "
    "against curved data does, says less than *along* against *across*, two parts of one dataset's error.")


def _geometry_block(study, ds, cs) -> list:
    cells = sorted(ev.pool_replicates(cs), key=lambda c: (c["variant"], c["n"]))
    rows = []
    for c in cells:
        r = ev.geometry_row(c)
        if r:
            rows.append([c["variant"], c["n"], ev.shown(r.get("rel")), ev.shown(r.get("rel_tan")),
                         ev.shown(r.get("rel_norm")), ev.shown(r.get("share_err")), ev.shown(r.get("share_ab")),
                         _f(r.get("share_dim"), 3)])
    sigma = min(r["sigma"] for c in cs for r in c["geometry"]["rows"])
    return [f"#### {ds} (sigma = {sigma:g})", ""] + _table(
        ["variant", "N", "rel", "along", "across", "share of error", "share of A - B", "share of dimensions"],
        rows) + [""]


def _score(study) -> list:
    L = [SCORE_INTRO, ""] + _per_dataset(study, "score_error", _score_block, "No score-error results (score error "
                                         "needs a mixture dataset with a known density).")
    if any(c.get("geometry") for c in study.cells):
        L += [GEOMETRY_INTRO, ""] + _per_dataset(study, "geometry", _geometry_block, "")
    return L


# ------------------------------------------------------------------------------ images, notes, commands
def _image_grids(study) -> list:
    """Each image cell's figures, for the smallest and the largest N of its (dataset, variant)."""
    n_range = {}
    for c in study.cells:
        lo_hi = n_range.setdefault((c["dataset"], c["variant"]), [c["n"], c["n"]])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], c["n"]), max(lo_hi[1], c["n"])
    grids = [(c, k, p) for c in study.cells for k, p in sorted(c.get("figures", {}).items())
             if k != "score_field.png" and c["n"] in n_range[(c["dataset"], c["variant"])]]
    if not grids:
        return ["No image datasets in this run, so there are no image grids.", ""]
    L = ["For each image dataset and variant, the smallest and the largest N (every cell's grids are in its "
         "folder).", ""]
    for c, k, p in grids:
        L += [f"{c['dataset']}, {c['variant']}, N = {c['n']}, {k.rsplit('.', 1)[0].replace('_', ' ')}:", "",
              f"![{c['dataset']} {c['variant']} {k}]({p})", ""]
    return L


def _notes(study) -> list:
    notes = list(study.meta.get("notes", []))
    if any(c.get("controls", {}).get("settings", {}).get("seed_floor") for c in study.cells):
        notes.append("Models A and B share their seed and every setting; only their training halves differ. The "
                     "seed floor A' shares A's points and settings with another seed. The intervals are over "
                     "probes and starts, within one seed per model.")
    else:
        notes.append("Models A and B share their seed and every setting; only their training halves differ. One "
                     "seed per cell and no seed floor: the intervals, where there are any, are over probes only.")
    reps = {c.get("replicate", 0) for c in study.cells}
    if len(reps) > 1:
        notes.append(f"Every cell is repeated {len(reps)} times with other seeds (replicate r trains A and B with "
                     "seed 2r and A' with 2r + 1); the verdicts pool the replicates of a cell into one case, their "
                     "intervals widened by the seeds' spread (tinyscore/study/evidence.py, \"Replicates\"); the "
                     "per-cell tables show each replicate.")
    notes.append("With N = 1 there is no second-nearest training sample; the attractor criterion then uses the "
                 "median distance from the training sample to the held-out test points as d2.")
    train_secs = [c[k]["seconds"] for c in study.cells for k in ("train_a", "train_b", "train_a2") if c.get(k)]
    if train_secs:
        notes.append(f"{len(train_secs)} models trained, {sum(train_secs) / 60:.1f} minutes of training in all.")
    return [f"- {n}" for n in notes] + [""]


def _commands(study) -> list:
    """The first command lines of the steps; all of them go to OUT/commands.sh."""
    cmds = study.meta.get("commands", [])
    write_text(study.out / "commands.sh", "#!/bin/sh\n# the steps of: " + study.meta.get("command", "")
               + "\nset -e\n" + "\n".join(cmds) + "\n", force=True)
    return (["The whole study is the one command at the top. Each step is equivalent to one of these command lines "
             f"({len(cmds)} in all, in order; all are in `commands.sh`):", "", "```"]
            + cmds[:16] + (["..."] if len(cmds) > 16 else []) + ["```", ""])


# ------------------------------------------------------------------------------ the report
_SECTIONS = (("The answers", _answers), ("How this report was made", _how), ("Findings", _findings), ("Training convergence", _convergence),
             ("Controls", _controls),
             ("1. Do disjoint-data models agree locally?", _agreement),
             ("2. How well do they denoise small perturbations?", _quality), ("3. Are there attractors?", _attractors),
             ("4. How accurate is the learned score, and where?", _score), ("Image grids", _image_grids),
             ("Notes and caveats", _notes), ("Commands", _commands))
#: the report's section titles, in order
SECTIONS = tuple(title for title, _ in _SECTIONS)


def write_report(out, cells, meta) -> Path:
    """Write OUT/REPORT.md and its figures (OUT/figures/*.png); returns the report's path."""
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    sigmas = sorted(meta.get("sigmas") or {r["sigma"] for c in cells if c.get("diverge")
                                           for r in c["diverge"]["onestep"]}, reverse=True)
    study = _Study(out, out / "figures", cells, meta, sigmas, list(dict.fromkeys(c["dataset"] for c in cells)))
    L = _preamble(study)
    for title, section in _SECTIONS:
        L += [f"## {title}", ""] + section(study)
    path = out / "REPORT.md"
    write_text(path, "\n".join(L) + "\n", force=True)
    return path


# ------------------------------------------------------------------------------ the results file
RESULTS = "results.json"
RESULTS_FORMAT = "tinyscore.study.results"


def write_results(out, cells, meta) -> Path:
    """OUT/results.json: {"format", "version", "meta", "cells"}, every number the report uses."""
    path = Path(out) / RESULTS
    write_text(path, json.dumps({"format": RESULTS_FORMAT, "version": 1, "meta": meta, "cells": cells},
                                indent=1, default=_plain) + "\n", force=True)
    return path


def _plain(o):
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def read_results(path) -> tuple[list, dict]:
    """(cells, meta) of a results file; a file that is not one is refused in one line."""
    path = Path(path)
    try:
        rec = json.loads(path.read_text())
    except FileNotFoundError:
        raise TinyscoreError(f"{path} does not exist: no results to write a report from") from None
    except (ValueError, UnicodeDecodeError, OSError) as e:
        raise TinyscoreError(f"{path} is not a results file ({str(e).splitlines()[0][:80]})") from None
    if not isinstance(rec, dict) or rec.get("format") != RESULTS_FORMAT or not isinstance(rec.get("cells"), list) \
            or not isinstance(rec.get("meta"), dict):
        raise TinyscoreError(f"{path} is not a results file (its format is not {RESULTS_FORMAT})")
    return rec["cells"], rec["meta"]


def write_study(out, cells, meta) -> Path:
    """OUT/results.json, then OUT/REPORT.md from it as read back (so the report holds nothing the file does not)."""
    path = write_results(out, cells, meta)
    return write_report(out, *read_results(path))


def report_from_results(out) -> Path:
    """REPORT.md (and its figures) regenerated from OUT/results.json alone."""
    return write_report(out, *read_results(Path(out) / RESULTS))
