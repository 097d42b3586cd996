r"""REPORT.md: the study's tables, figures and findings, written from a result set.

A result set is a list of *cells*, one per (dataset, N, variant), each a dict with

    dataset, n, variant, dim, is_image            what was trained
    train_a, train_b                              training summaries (seconds, steps/s, final loss)
    diverge                                       tinyscore.metrics.diverge of A against B
    quality                                       tinyscore.accuracy.quality of A
    attractors                                    tinyscore.attractors.run_attractors of A (public part)
    score_error                                   tinyscore.accuracy.score_error_by_density of A (mixtures)
    figures                                       optional extra figures (paths relative to OUT)

and ``meta`` (scale, settings, machine, commands, notes). Any piece may be missing: its section
then says so instead of inventing numbers. The findings are computed from the numbers each time:
nothing in this module states a conclusion the numbers did not produce.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

from . import plots
from .files import write_text

SECTIONS = ("How this report was made", "Findings", "1. Do disjoint-data models agree locally?",
            "2. How well do they denoise small perturbations?", "3. Are there attractors?",
            "4. How accurate is the learned score, and where?", "Image grids", "Notes and caveats",
            "Commands")


def _f(x, digits=3):
    if x is None:
        return "n/a"
    if isinstance(x, float) and (abs(x) >= 1e4 or (abs(x) < 1e-3 and x != 0)):
        return f"{x:.2e}"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _mean(xs):
    xs = [x for x in xs if x is not None]
    return statistics.fmean(xs) if xs else None


def _table(header, rows) -> list:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def _by(cells, *keys):
    d = defaultdict(list)
    for c in cells:
        d[tuple(c[k] for k in keys) if len(keys) > 1 else c[keys[0]]].append(c)
    return d


def _row_at(rows, sigma):
    return next((r for r in rows if abs(r["sigma"] - sigma) < 1e-12), None)


def _verdict(frac: float, total: int) -> str:
    if total == 0:
        return "no data"
    if frac >= 0.75:
        return "supported"
    if frac <= 0.25:
        return "not supported"
    return "mixed"


# ------------------------------------------------------------------------------ findings
def findings(cells, sigmas) -> list:
    """The computed findings: one bullet per question, each with the numbers behind it."""
    hi, lo = max(sigmas), min(sigmas)
    lines, claims = [], []
    div = [c for c in cells if c.get("diverge")]
    if div:
        cos_hi = [_row_at(c["diverge"]["onestep"], hi)["cosine_mean"] for c in div]
        cos_lo = [_row_at(c["diverge"]["onestep"], lo)["cosine_mean"] for c in div]
        rel_hi = [_row_at(c["diverge"]["onestep"], hi)["rms"] / hi for c in div]
        rel_lo = [_row_at(c["diverge"]["onestep"], lo)["rms"] / lo for c in div]
        drops = sum(b < a for a, b in zip(cos_hi, cos_lo))
        lines.append(f"- **Agreement as sigma falls (question 1).** Over {len(div)} (dataset, N, variant) cells, the "
                     f"mean cosine between the denoising directions of models A and B is {_f(_mean(cos_hi))} at "
                     f"sigma = {hi:g} and {_f(_mean(cos_lo))} at sigma = {lo:g}; it is lower at sigma = {lo:g} in "
                     f"{drops} of {len(div)} cells. The RMS distance between their outputs, relative to the noise "
                     f"level (RMS / sigma), is {_f(_mean(rel_hi))} at sigma = {hi:g} and {_f(_mean(rel_lo))} at "
                     f"sigma = {lo:g}.")
        by_n = _by(div, "n")
        ns = sorted(by_n)
        parts = []
        for n in ns:
            parts.append(f"N={n}: {_f(_mean(_row_at(c['diverge']['onestep'], hi)['cosine_mean'] for c in by_n[n]))}"
                         f" -> {_f(_mean(_row_at(c['diverge']['onestep'], lo)['cosine_mean'] for c in by_n[n]))}")
        lines.append(f"- **With N.** Mean cosine at sigma = {hi:g} -> {lo:g}, by N: " + "; ".join(parts) + ".")
        n_max = {d: max(c["n"] for c in cs) for d, cs in _by(div, "dataset").items()}
        big = [c for c in div if c["n"] == n_max[c["dataset"]]]
        big_label = f"N = {ns[-1]}" if len(set(n_max.values())) == 1 else "each dataset's largest N"
        for what in ("dataset", "variant"):
            groups = _by(big, what)
            if len(groups) > 1:
                lines.append(f"- **By {what}** ({big_label}), mean cosine at sigma = {hi:g} -> {lo:g}: " + "; ".join(
                    f"{g}: {_f(_mean(_row_at(c['diverge']['onestep'], hi)['cosine_mean'] for c in cs))} -> "
                    f"{_f(_mean(_row_at(c['diverge']['onestep'], lo)['cosine_mean'] for c in cs))}"
                    for g, cs in groups.items()) + ".")
        path_lo = [(_row_at(c["diverge"].get("path", []), lo) or {}).get("cosine_mean") for c in div]
        if any(x is not None for x in path_lo):
            lines.append(f"- **Along the reverse path** (each model integrating its own probability-flow ODE from the "
                         f"same start), the mean cosine at sigma = {lo:g} is {_f(_mean(path_lo))} over all cells.")
        big_hi = [_row_at(c["diverge"]["onestep"], hi)["cosine_mean"] for c in big]
        big_lo = [_row_at(c["diverge"]["onestep"], lo)["cosine_mean"] for c in big]
        agree_hi = sum(x > 0.9 for x in big_hi)
        claims.append(("At high noise, models trained on disjoint data converge (largest N)",
                       f"cosine > 0.9 at sigma = {hi:g} in {agree_hi} of {len(big)} cells with {big_label} "
                       f"(mean {_f(_mean(big_hi))})", _verdict(agree_hi / len(big), len(big))))
        drop_big = sum(b < a - 0.02 for a, b in zip(big_hi, big_lo))
        claims.append(("Near the data manifold (low noise) they diverge, even where high-noise outputs converge",
                       f"cosine lower at sigma = {lo:g} than at {hi:g} (by > 0.02) in {drop_big} of {len(big)} cells "
                       f"with {big_label} (mean {_f(_mean(big_hi))} -> {_f(_mean(big_lo))})",
                       _verdict(drop_big / len(big), len(big))))
        if len(ns) > 1:
            pairs = _by(div, "dataset", "variant")
            better = total = 0
            for key, cs in pairs.items():
                cs = sorted(cs, key=lambda c: c["n"])
                above_one = [c for c in cs if c["n"] > 1]
                cs = above_one if len(above_one) > 1 else cs      # N = 1 memorises trivially: compare from N > 1
                if len(cs) > 1:
                    total += 1
                    better += _row_at(cs[-1]["diverge"]["onestep"], lo)["cosine_mean"] > \
                        _row_at(cs[0]["diverge"]["onestep"], lo)["cosine_mean"]
            claims.append(("Training set size shapes the low-noise behaviour: more data, more agreement",
                           f"cosine at sigma = {lo:g} higher at the largest N than at the smallest N > 1 (or N = 1 "
                           f"when there is no other) for {better} of {total} (dataset, variant) pairs",
                           _verdict(better / total if total else 0, total)))
    else:
        lines.append("- Question 1: no divergence results in this result set.")

    q = [c for c in cells if c.get("quality")]
    if q:
        parts = []
        for s in (hi, lo):
            ratios = [r["mse_over_optimum"] for c in q for r in [_row_at(c["quality"]["rows"], s)]
                      if r and r.get("mse_over_optimum") is not None and r.get("optimum") == "analytic"]
            beat = sum(_row_at(c["quality"]["rows"], s)["mse"] < _row_at(c["quality"]["rows"], s)["noisy_mse"] for c in q)
            parts.append(f"at sigma = {s:g} the model's MSE is on average {_f(_mean(ratios), 2)}x the analytic "
                         f"optimum's on the mixtures "
                         f"(median {_f(statistics.median(ratios) if ratios else None, 2)}x), and below the noisy "
                         f"input's MSE in {beat} of {len(q)} cells")
        emp = [c for c in q if c["quality"]["rows"][0].get("optimum") == "empirical"]
        if emp:
            parts.append(f"on images, at sigma = {lo:g}, the model's MSE is {_f(_mean(_row_at(c['quality']['rows'], lo)['mse_over_optimum'] for c in emp), 2)}x "
                         "that of the empirical (memorising) denoiser of its training set, on average over "
                         f"{len(emp)} cells")
        lines.append("- **Denoising small perturbations (question 2).** " + "; ".join(parts) + ".")
    else:
        lines.append("- Question 2: no quality results in this result set.")

    at = [c for c in cells if c.get("attractors")]
    if at:
        eps0 = min(r["eps"] for c in at for r in c["attractors"]["rows"])
        by_n = _by(at, "n")
        parts = []
        for n in sorted(by_n):
            rows = [next(r for r in c["attractors"]["rows"] if r["eps"] == eps0) for c in by_n[n]]
            parts.append(f"N={n}: model {_f(_mean(r['model_return_own'] for r in rows), 2)}, empirical "
                         f"{_f(_mean(r.get('empirical_return_own') for r in rows), 2)}, test points captured "
                         f"{_f(_mean(r['model_test_captured'] for r in rows), 2)}")
        lines.append(f"- **Attractors (question 3).** Fraction of training samples perturbed by eps = {eps0:g} that "
                     "return to their own sample (d1/d2 < 1/3), mean over datasets and variants: " + "; ".join(parts) + ".")
        ns = sorted(by_n)
        if len(ns) > 1:
            def frac(n):
                return _mean(next(r for r in c["attractors"]["rows"] if r["eps"] == eps0)["model_return_own"]
                             for c in by_n[n])
            small_n = [n for n in ns if n > 1]
            small_n = small_n if len(small_n) > 1 else ns
            f_small, f_big = frac(small_n[0]), frac(ns[-1])
            claims.append(("Small training sets make training samples attractors; large ones do not",
                           f"return-to-own fraction at eps = {eps0:g}: {_f(f_small, 2)} at N = {small_n[0]}, "
                           f"{_f(f_big, 2)} at N = {ns[-1]}",
                           "supported" if f_small - f_big > 0.25 and f_small > 0.5 else
                           ("not supported" if f_small - f_big <= 0.05 else "mixed")))
    else:
        lines.append("- Question 3: no attractor results in this result set.")

    se = [c for c in cells if c.get("score_error")]
    if se:
        lows, highs, low_gt_high, tot = [], [], 0, 0
        for c in se:
            for r in c["score_error"]["rows"]:
                lows.append(r["bins"][0]["relative"])
                highs.append(r["bins"][-1]["relative"])
                tot += 1
                low_gt_high += r["bins"][0]["relative"] > r["bins"][-1]["relative"]
        lines.append(f"- **Score accuracy (question 4).** Relative score error in the lowest-density bin averages "
                     f"{_f(_mean(lows))} against {_f(_mean(highs))} in the highest-density bin; the lowest bin is "
                     f"worse in {low_gt_high} of {tot} (cell, sigma) pairs.")
        claims.append(("The learned score is least accurate in low-density regions",
                       f"lowest-density bin worse than highest in {low_gt_high} of {tot} (cell, sigma) pairs",
                       _verdict(low_gt_high / tot if tot else 0, tot)))
        # objectives in the lowest-density bin
        per = defaultdict(dict)
        for c in se:
            for r in c["score_error"]["rows"]:
                per[(c["dataset"], c["n"], r["sigma"])][c["variant"]] = r["bins"][0]["relative"]
        variants = sorted({c["variant"] for c in se})
        if len(variants) > 1:
            wins = defaultdict(int)
            comparable = [v for v in per.values() if len(v) == len(variants)]
            for v in comparable:
                wins[min(v, key=v.get)] += 1
            mean_low = {v: _mean(p[v] for p in comparable) for v in variants}
            lines.append("- **Objectives in low density.** Lowest relative error in the lowest-density bin, counted "
                         f"over {len(comparable)} (dataset, N, sigma) triples: "
                         + ", ".join(f"{v} {wins[v]}" for v in variants) + "; mean lowest-bin error: "
                         + ", ".join(f"{v} {_f(mean_low[v])}" for v in variants) + ".")
            if "denoiser" in variants and len(variants) > 1:
                sm = [v for v in variants if v != "denoiser"]
                rec_better = sum(p["denoiser"] < min(p[v] for v in sm) for p in comparable)
                claims.append(("The objective shapes score accuracy in low-density regions "
                               "(reconstruction vs score matching)",
                               f"reconstruction (denoiser) beats every score-matching objective ({', '.join(sm)}) in "
                               f"the lowest-density bin in {rec_better} of {len(comparable)} triples",
                               "objectives differ" if comparable and abs(rec_better / len(comparable) - 0.5) >= 0.25
                               else ("no data" if not comparable else "no consistent difference")))
    else:
        lines.append("- Question 4: no score-error results (they need a mixture dataset with a known density).")
    return lines, claims


def _workers_phrase(w) -> str:
    """' (2 worker processes on 1 host)' when the cells were run by more than one worker, else ''."""
    if not w or w.get("processes", 0) < 2:
        return ""
    hosts = w.get("hosts", 1)
    return f" (run by {w['processes']} worker processes on {hosts} host{'s' if hosts != 1 else ''})"


# ------------------------------------------------------------------------------ writer
def write_report(out, cells, meta) -> Path:
    """Write OUT/REPORT.md and its figures (OUT/figures/*.png); returns the report's path."""
    out = Path(out)
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    sigmas = sorted(meta.get("sigmas") or {r["sigma"] for c in cells if c.get("diverge")
                                           for r in c["diverge"]["onestep"]}, reverse=True)
    datasets = list(dict.fromkeys(c["dataset"] for c in cells))
    L = [f"# tinyscore low-noise study: `{meta.get('scale', '?')}` scale", ""]
    m = meta.get("machine", {})
    span = meta.get("span") or {}
    L += [(f"The first step started at {span['started']} and the last finished at {span['finished']} (UTC), "
           f"{span['minutes']:.1f} minutes end to end; " if span else f"Finished {meta.get('finished', '?')}; ")
          + f"the steps themselves took {meta.get('step_seconds', 0) / 60:.1f} minutes"
          + _workers_phrase(meta.get("workers"))
          + f" on {m.get('processor', '?')} ({m.get('cpu_count', '?')} CPUs, {m.get('torch_threads', '?')} "
          f"torch thread(s), device {m.get('device', '?')}{', ' + m['gpu'] if m.get('gpu') else ''}). Datasets: "
          f"{', '.join(datasets) or 'none'}. Every number below comes from the runs in this folder; the findings are "
          "computed from them by `tinyscore/report.py`, not written by hand.", ""]

    # ---- how
    L += ["## How this report was made", "", "```", meta.get("command", "python cli.py reproduce"), "```", ""]
    L += _table(["", ""], [[k, f"`{v}`"] for k, v in m.items()]) + [""]
    settings = meta.get("settings", {})
    if settings:
        keys = sorted({k for s in settings.values() for k in s if k not in ("datasets",)})
        L += ["Settings per dataset (models A and B differ only in their half of the data; same seed, same "
              "optimiser settings for every variant):", ""]
        L += _table(["setting"] + list(settings), [[k] + [f"{settings[d].get(k, '')}".replace("|", "/") for d in settings]
                                                   for k in keys]) + [""]
    L += ["The equivalent command for every step is listed under [Commands](#commands).", ""]

    # ---- findings
    bullets, claims = findings(cells, sigmas) if cells else (["- No results."], [])
    L += ["## Findings", ""] + bullets + [""]
    if claims:
        L += ["What the study (Pavlova and Wei 2025, with Kadkhodaie et al. 2024) leads one to expect, against what "
              "these runs show. A verdict is computed from the counts beside it (>= 75% of cases: supported; "
              "<= 25%: not supported; in between: mixed); at this scale it describes these runs only.", ""]
        L += _table(["expectation", "these runs", "verdict"], claims) + [""]

    # ---- Q1
    L += ["## 1. Do disjoint-data models agree locally?", "",
          "One-step outputs of models A and B (trained on disjoint halves) on the same noisy held-out probes: "
          "mean cosine of the denoising directions d = D(y) - y and RMS distance per coordinate "
          "||D_A - D_B|| / sqrt(dim), per sigma. Path rows (the reverse ODE, each model on its own trajectory) are "
          "in each cell's `diverge.json`.", ""]
    any_div = False
    for ds in datasets:
        cs = [c for c in cells if c["dataset"] == ds and c.get("diverge")]
        if not cs:
            continue
        any_div = True
        L += [f"### {ds}", ""]
        head = (["variant", "N"] + [f"cos @{s:g}" for s in sigmas] + [f"RMS @{s:g}" for s in sigmas]
                + [f"path cos @{min(sigmas):g}"])
        rows = []
        for c in sorted(cs, key=lambda c: (c["variant"], c["n"])):
            on = c["diverge"]["onestep"]
            rows.append([c["variant"], c["n"]] + [_f((_row_at(on, s) or {}).get("cosine_mean")) for s in sigmas]
                        + [_f((_row_at(on, s) or {}).get("rms"), 4) for s in sigmas]
                        + [_f((_row_at(c["diverge"].get("path", []), min(sigmas)) or {}).get("cosine_mean"))])
        L += _table(head, rows) + [""]
        for v, vc in sorted(_by(cs, "variant").items()):
            name = f"diverge-{ds}-{v}.png"
            plots.plot_divergence_by_n({c["n"]: c["diverge"] for c in vc}, figs / name,
                                       title=f"{ds}, {v}: models A vs B (one-step)")
            L += [f"![{ds} {v} divergence](figures/{name})", ""]
    if not any_div:
        L += ["No divergence results.", ""]

    # ---- Q2
    L += ["## 2. How well do they denoise small perturbations?", "",
          "MSE per coordinate of model A's one-step output against the clean probe, as a multiple of a reference's "
          "MSE on the same inputs, and PSNR (peak 1; the noisy input itself has MSE sigma^2). For mixtures the "
          "reference is the analytic MMSE denoiser, the true optimum: a ratio near 1 is optimal. For images it is the "
          "empirical denoiser of A's training set, optimal only for the training set itself: on held-out probes it "
          "snaps to a training image, so a model that generalises can beat it (ratio < 1).", ""]
    any_q = False
    for ds in datasets:
        cs = [c for c in cells if c["dataset"] == ds and c.get("quality")]
        if not cs:
            continue
        any_q = True
        opt = cs[0]["quality"]["rows"][0].get("optimum") or "none"
        L += [f"### {ds} (reference: {opt})", ""]
        head = ["variant", "N"] + [f"MSE/ref @{s:g}" for s in sigmas] + [f"PSNR @{s:g}" for s in sigmas]
        rows = []
        for c in sorted(cs, key=lambda c: (c["variant"], c["n"])):
            qr = c["quality"]["rows"]
            rows.append([c["variant"], c["n"]] + [_f((_row_at(qr, s) or {}).get("mse_over_optimum"), 2) for s in sigmas]
                        + [_f((_row_at(qr, s) or {}).get("psnr"), 1) for s in sigmas])
        L += _table(head, rows)
        optrow = cs[0]["quality"]["rows"]
        if opt != "none":
            L += ["", f"Reference ({opt}) PSNR: " + ", ".join(f"{_f(r.get(opt + '_psnr'), 1)} dB @{r['sigma']:g}"
                                                           for r in optrow)]
        n_max = max(c["n"] for c in cs)
        name = f"quality-{ds}.png"
        plots.plot_quality({f"{c['variant']} N={c['n']}": c["quality"] for c in cs if c["n"] == n_max}, figs / name,
                           title=f"{ds}: one-step denoising, N = {n_max}")
        L += ["", f"![{ds} quality](figures/{name})", ""]
    if not any_q:
        L += ["No quality results.", ""]

    # ---- Q3
    L += ["## 3. Are there attractors?", "",
          "Training samples perturbed by eps, then iterated through model A's denoiser with sigma annealed from eps "
          "down; an end point is *memorised* when d1/d2 < 1/3 (nearest over second-nearest training distance). "
          "*own*: returned to its own training sample; *any*: landed on some training sample; *test*: held-out "
          "points perturbed the same way that land on a training sample. *emp.*: the same for the empirical optimal "
          "denoiser of the same training set (the ideal memoriser). The *emp.* columns are the ceiling to compare "
          "with: where training samples lie within a few eps of each other (dense 2-D sets), even the ideal memoriser "
          "does not pass the d1/d2 test.", ""]
    any_a = False
    for ds in datasets:
        cs = [c for c in cells if c["dataset"] == ds and c.get("attractors")]
        if not cs:
            continue
        any_a = True
        L += [f"### {ds}", ""]
        rows = []
        for c in sorted(cs, key=lambda c: (c["variant"], c["n"])):
            for r in c["attractors"]["rows"]:
                rows.append([c["variant"], c["n"], f"{r['eps']:g}", _f(r["model_return_own"], 2), _f(r["model_any"], 2),
                             _f(r["model_test_captured"], 2), _f(r.get("empirical_return_own"), 2),
                             _f(r.get("empirical_any"), 2), _f(r.get("empirical_test_captured"), 2)])
        L += _table(["variant", "N", "eps", "own", "any", "test", "emp. own", "emp. any", "emp. test"], rows) + [""]
        name = f"attractors-{ds}.png"
        plots.plot_attractors_vs_n({v: {c["n"]: c["attractors"] for c in vc} for v, vc in _by(cs, "variant").items()},
                                   figs / name, title=f"{ds}: attractors against N")
        L += [f"![{ds} attractors](figures/{name})", ""]
    if not any_a:
        L += ["No attractor results.", ""]

    # ---- Q4
    L += ["## 4. How accurate is the learned score, and where?", "",
          "Model A's score against the analytic score of the mixture at y = x + sigma z (x held out): relative error "
          "||s - s*|| / ||s*|| over all points, and in the lowest- and highest-density of the equal-count bins of the "
          "true log p_sigma(y); sigma^2-weighted squared error sigma^2 ||s - s*||^2 (= ||D - D*||^2 / sigma^2). "
          "The bins split samples of p_sigma itself, so the lowest bin is the tail of where noisy data actually "
          "falls, not empty space far from the data. For the sigma-blind denoiser the score is read off as "
          "(D(y) - y) / sigma^2 with the analysis sigma, which the network never sees.", ""]
    any_s = False
    for ds in datasets:
        cs = [c for c in cells if c["dataset"] == ds and c.get("score_error")]
        if not cs:
            continue
        any_s = True
        L += [f"### {ds}", ""]
        rows = []
        for c in sorted(cs, key=lambda c: (c["n"], c["variant"])):
            for r in c["score_error"]["rows"]:
                rows.append([c["variant"], c["n"], f"{r['sigma']:g}", _f(r["relative"]), _f(r["bins"][0]["relative"]),
                             _f(r["bins"][-1]["relative"]), _f(r["weighted_sq"], 4)])
        L += _table(["variant", "N", "sigma", "rel. error", "lowest-density bin", "highest-density bin",
                     "sigma^2-weighted sq."], rows) + [""]
        n_max = max(c["n"] for c in cs)
        name = f"score-error-{ds}.png"
        plots.plot_score_error_by_density({c["variant"]: c["score_error"] for c in cs if c["n"] == n_max}, figs / name,
                                          title=f"{ds}: relative score error by density, N = {n_max}")
        L += [f"![{ds} score error](figures/{name})", ""]
        fields = [c for c in cs if c["n"] == n_max and c.get("figures", {}).get("score_field.png")]
        for c in fields:
            L += [f"![{ds} {c['variant']} score field]({c['figures']['score_field.png']})", ""]
    if not any_s:
        L += ["No score-error results (score error needs a mixture dataset with a known density).", ""]

    # ---- images
    L += ["## Image grids", ""]
    n_range = {}
    for c in cells:
        lo_hi = n_range.setdefault((c["dataset"], c["variant"]), [c["n"], c["n"]])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], c["n"]), max(lo_hi[1], c["n"])
    grids = [(c, k, p) for c in cells for k, p in sorted(c.get("figures", {}).items())
             if k != "score_field.png" and c["n"] in n_range[(c["dataset"], c["variant"])]]
    if grids:
        L += ["For each image dataset and variant, the smallest and the largest N (every cell's grids are in its "
              "folder).", ""]
    if grids:
        for c, k, p in grids:
            L += [f"{c['dataset']}, {c['variant']}, N = {c['n']}, {k.rsplit('.', 1)[0].replace('_', ' ')}:", "",
                  f"![{c['dataset']} {c['variant']} {k}]({p})", ""]
    else:
        L += ["No image datasets in this run, so there are no image grids.", ""]

    # ---- notes
    L += ["## Notes and caveats", ""]
    notes = list(meta.get("notes", []))
    notes.append("Models A and B share their seed and every setting; only their training halves differ. One seed "
                 "per cell: there are no error bars across seeds at this scale.")
    notes.append("With N = 1 there is no second-nearest training sample; the attractor criterion then uses the "
                  "median distance from the training sample to the held-out test points as d2.")
    train_secs = [c[k]["seconds"] for c in cells for k in ("train_a", "train_b") if c.get(k)]
    if train_secs:
        notes.append(f"{len(train_secs)} models trained, {sum(train_secs) / 60:.1f} minutes of training in all.")
    L += [f"- {n}" for n in notes] + [""]

    # ---- commands
    cmds = meta.get("commands", [])
    L += ["## Commands", "", "The whole study is the one command at the top. Each step is equivalent to one of these "
          f"command lines ({len(cmds)} in all, in order; all are in `commands.sh`):", "", "```"]
    L += cmds[:16] + (["..."] if len(cmds) > 16 else []) + ["```", ""]
    write_text(out / "commands.sh", "#!/bin/sh\n# the steps of: " + meta.get("command", "") + "\nset -e\n"
               + "\n".join(cmds) + "\n", force=True)
    path = out / "REPORT.md"
    write_text(path, "\n".join(L) + "\n", force=True)
    return path
