r"""REPORT.md: the study's tables, figures and findings, written from a result set.

A result set is a list of *cells*, one per (dataset, N, variant), each a dict with

    dataset, n, variant, dim, is_image            what was trained
    train_a, train_b                              training summaries (seconds, steps/s, final loss)
    diverge                                       tinyscore.metrics.diverge of A against B
    quality                                       tinyscore.accuracy.quality of A
    attractors                                    tinyscore.attractors.run_attractors of A (public part)
    score_error                                   tinyscore.accuracy.score_error_by_density of A (mixtures)
    convergence                                   {"a": ..., "b": ...}: tinyscore.training.convergence of each model
    figures                                       optional extra figures (paths relative to OUT)

and ``meta`` (scale, settings, machine, commands, notes). Any piece may be missing: its section
then says so instead of inventing numbers. The findings are computed from the numbers each time:
nothing in this module states a conclusion the numbers did not produce.

**Verdicts.** Each expectation of the study is judged on every measure that could decide it (for
the low-noise divergence: the cosine of the two models' directions and L2 / sigma = sigma ||s_A - s_B||,
which are the claim's own quantities, and the path L2, path cosine and raw one-step L2 beside them;
for low-density accuracy: the relative and the sigma^2-weighted score error); where the measures
give different verdicts, or the claim's two measures split cell by cell, the report says so. A
verdict counts only cells whose two models converged; the others are listed.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

from . import plots
from .files import write_text

SECTIONS = ("How this report was made", "Findings", "Training convergence", "1. Do disjoint-data models agree locally?",
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


# ------------------------------------------------------------------------------ convergence
def cell_key(c) -> str:
    """'uniform/n1000/ncsn': a cell as the study names it (by the N it asked for)."""
    return c.get("key") or f"{c['dataset']}/n{c.get('n_requested', c['n'])}/{c['variant']}"


def convergence_of(c) -> tuple:
    """('converged' | 'not converged' | 'no record', {half: record}): a cell is converged when both of
    its models are (tinyscore.training.convergence); a record of False for either makes it not converged."""
    recs = {}
    for h in "ab":
        r = (c.get("convergence") or {}).get(h)
        if r is None and isinstance(c.get(f"train_{h}"), dict):
            r = c[f"train_{h}"].get("convergence")
        if isinstance(r, dict):
            recs[h] = r
    flags = [recs.get(h, {}).get("converged") for h in "ab"]
    if any(f is False for f in flags):
        return "not converged", recs
    if all(f is True for f in flags):
        return "converged", recs
    return "no record", recs


def split_by_convergence(cells) -> tuple:
    """(converged cells, not converged cells, cells without a record)."""
    groups = {"converged": [], "not converged": [], "no record": []}
    for c in cells:
        groups[convergence_of(c)[0]].append(c)
    return groups["converged"], groups["not converged"], groups["no record"]


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:+.1f}%"


def _keys(cells, limit=12) -> str:
    keys = [cell_key(c) for c in cells]
    return ", ".join(keys[:limit]) + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


# ------------------------------------------------------------------------------ the measures of question 1
#: a cosine counts as lower when it falls by more than this; a distance as larger when it grows by more than
#: this fraction (small changes are read as no change)
COS_MARGIN = 0.02
DIST_MARGIN = 0.10
#: agreement at high noise: cosine above this, or noise predictions closer than this per coordinate
AGREE_COS = 0.9
AGREE_EPS = 0.2


def _val(c, kind, key, s):
    row = _row_at((c.get("diverge") or {}).get(kind) or [], s)
    return None if row is None else row.get(key)


def _over_sigma(c, kind, key, s):
    v = _val(c, kind, key, s)
    return None if v is None else v / s


#: (name, what it is, value(cell, sigma), True when larger means the models differ more, the claim's own measure)
DIV_MEASURES = (
    ("cosine", "cos(d_A, d_B) = cos(s_A, s_B), one-step", lambda c, s: _val(c, "onestep", "cosine_mean", s),
     False, True),
    ("L2 / sigma", "||D_A - D_B|| / sigma = sigma ||s_A - s_B||, one-step",
     lambda c, s: _over_sigma(c, "onestep", "l2_mean", s), True, True),
    ("path L2", "||D_A(x_A) - D_B(x_B)|| along each model's own reverse path",
     lambda c, s: _val(c, "path", "l2_mean", s), True, False),
    ("path cosine", "cos of the two paths' directions", lambda c, s: _val(c, "path", "cosine_mean", s), False, False),
    ("raw L2", "||D_A - D_B|| = sigma^2 ||s_A - s_B||, one-step", lambda c, s: _val(c, "onestep", "l2_mean", s),
     True, False),
)


def _differs_more(larger_differs: bool, before, after):
    """Do the models differ more at ``after`` than at ``before`` (beyond the margins)? None without values."""
    if before is None or after is None:
        return None
    if larger_differs:
        return after > before * (1 + DIST_MARGIN)
    return after < before - COS_MARGIN


def _count(flags: dict):
    known = {k: v for k, v in flags.items() if v is not None}
    return sum(known.values()), len(known)


def _disagreement(title: str, results: list, primary=()) -> list:
    """Bullets saying where the measures of one expectation disagree.

    ``results``: [(measure, verdict, {cell key: True/False/None})]; ``primary``: the claim's own measures,
    compared cell by cell (two measures can give one verdict over different cells)."""
    verdicts = {}
    for name, verdict, _ in results:
        verdicts.setdefault(verdict, []).append(name)
    out = []
    if len(verdicts) > 1:
        out.append(f"- *{title}*: the measures disagree: "
                   + "; ".join(f"{v} by {', '.join(ms)}" for v, ms in verdicts.items()) + ".")
    elif results and results[0][1] != "no data":
        out.append(f"- *{title}*: every measure gives the same verdict ({results[0][1]}).")
    prim = [r for r in results if r[0] in primary]
    if len(prim) == 2:
        (na, _, fa), (nb, _, fb) = prim
        both = [k for k in fa if fa[k] is not None and fb.get(k) is not None]
        only_a = [k for k in both if fa[k] and not fb[k]]
        only_b = [k for k in both if fb[k] and not fa[k]]
        if only_a or only_b:
            if not out:
                out.append(f"- *{title}*:")
            out.append(f"  The claim's two measures, {na} and {nb}, disagree on {len(only_a) + len(only_b)} of "
                       f"{len(both)} cells" + (f"; {na} only: {', '.join(only_a[:10])}" if only_a else "")
                       + (f"; {nb} only: {', '.join(only_b[:10])}" if only_b else "") + ".")
    return out


def _largest_n(cells, pool):
    """The cells of ``pool`` at each dataset's largest N of ``cells`` (the grid), and how to call them."""
    n_max = {d: max(c["n"] for c in cs) for d, cs in _by(cells, "dataset").items()}
    label = f"N = {max(n_max.values())}" if len(set(n_max.values())) == 1 else "each dataset's largest N"
    return [c for c in pool if c["n"] == n_max[c["dataset"]]], label


# ------------------------------------------------------------------------------ findings
def findings(cells, sigmas) -> tuple:
    """The computed findings: (bullets, claims, disagreements). A claim is (expectation, measure, these runs,
    verdict); verdicts count only converged cells (both models' held-out loss flat: tinyscore.training.convergence)."""
    hi, lo = max(sigmas), min(sigmas)
    lines, claims, disagree = [], [], []
    ok, unconverged, unknown = split_by_convergence(cells)
    ok_keys = {cell_key(c) for c in ok}
    lines.append(f"- **Training convergence.** {len(ok)} of {len(cells)} cells converged (both models' held-out loss "
                 "flat over the end of training; see [Training convergence](#training-convergence))"
                 + (f"; not converged: {_keys(unconverged)}" if unconverged else "")
                 + (f"; no convergence record: {_keys(unknown)}" if unknown else "")
                 + ". The verdicts below count only the converged cells; the other bullets describe every cell.")

    div = [c for c in cells if c.get("diverge")]
    if div:
        lines.append(
            "- **Which divergence the claim is about.** D_A - D_B = sigma^2 (s_A - s_B), so the raw one-step L2 "
            "between the two models' outputs is sigma^2 ||s_A - s_B||: it shrinks as sigma falls unless the scores' "
            "difference grows faster than 1/sigma^2, whatever the scores do. The study's claim (disjoint-data models "
            "agree at high noise and diverge near the data, at low noise) is about the learned scores, that is the "
            "denoising directions d = D - y = sigma^2 s. Its measures are the cosine of d_A and d_B (= the cosine "
            "of s_A and s_B, scale-free) and L2 / sigma = sigma ||s_A - s_B|| = ||eps_A - eps_B||, the distance "
            "between the two models' noise predictions eps = (y - D) / sigma: the score difference on the scale "
            "at which denoising score matching weights it. The path L2 (each model integrating its own "
            "probability-flow ODE from the same start) asks another question: do the two reverse processes end "
            "at different points?")
        parts = []
        for name, _, get, larger, _ in DIV_MEASURES:
            kind_key = [(get(c, hi), get(c, lo)) for c in div]
            pairs = [(a, b) for a, b in kind_key if a is not None and b is not None]
            if not pairs:
                continue
            more = sum(bool(_differs_more(larger, a, b)) for a, b in pairs)
            if larger:
                ratios = [b / a for a, b in pairs if a > 0]
                parts.append(f"{name} at sigma = {lo:g} is a median {_f(statistics.median(ratios), 2)}x its value at "
                             f"{hi:g} (larger by > {DIST_MARGIN:.0%} in {more} of {len(pairs)} cells)")
            else:
                parts.append(f"mean {name} {_f(_mean(a for a, _ in pairs))} at sigma = {hi:g} and "
                             f"{_f(_mean(b for _, b in pairs))} at {lo:g} (lower by > {COS_MARGIN} in {more} of "
                             f"{len(pairs)} cells)")
        lines.append(f"- **Agreement as sigma falls (question 1).** Over {len(div)} (dataset, N, variant) cells: "
                     + "; ".join(parts) + ".")
        by_n = _by(div, "n")
        ns = sorted(by_n)
        lines.append(f"- **With N.** Mean cosine at sigma = {hi:g} -> {lo:g}, by N: " + "; ".join(
            f"N={n}: {_f(_mean(_val(c, 'onestep', 'cosine_mean', hi) for c in by_n[n]))} -> "
            f"{_f(_mean(_val(c, 'onestep', 'cosine_mean', lo) for c in by_n[n]))}" for n in ns) + ".")
        big_all, big_label = _largest_n(cells, div)
        for what in ("dataset", "variant"):
            groups = _by(big_all, what)
            if len(groups) > 1:
                lines.append(f"- **By {what}** ({big_label}), mean cosine at sigma = {hi:g} -> {lo:g}: " + "; ".join(
                    f"{g}: {_f(_mean(_val(c, 'onestep', 'cosine_mean', hi) for c in cs))} -> "
                    f"{_f(_mean(_val(c, 'onestep', 'cosine_mean', lo) for c in cs))}" for g, cs in groups.items()) + ".")

        # ---- verdicts, converged cells only
        big, _ = _largest_n(cells, [c for c in div if cell_key(c) in ok_keys])
        left = len(big_all) - len(big)
        scope = f"converged cells with {big_label}" + (f" ({left} unconverged left out)" if left else "")
        title = "At high noise, models trained on disjoint data converge (largest N)"
        res = []
        for name, test, what in (
                ("cosine", lambda c: _val(c, "onestep", "cosine_mean", hi), lambda v: v > AGREE_COS),
                ("L2 / sigma", lambda c: _over_sigma(c, "onestep", "rms", hi), lambda v: v < AGREE_EPS)):
            flags = {cell_key(c): (None if test(c) is None else bool(what(test(c)))) for c in big}
            k, m = _count(flags)
            crit = (f"cosine > {AGREE_COS} at sigma = {hi:g}" if name == "cosine" else
                    f"RMS / sigma < {AGREE_EPS} at sigma = {hi:g} (noise predictions within {AGREE_EPS} per coordinate)")
            v = _verdict(k / m if m else 0, m)
            claims.append((title, name, f"{crit} in {k} of {m} {scope}", v))
            res.append((name, v, flags))
        disagree += _disagreement(title, res, primary=("cosine", "L2 / sigma"))

        title = "Near the data manifold (low noise) they diverge, even where high-noise outputs converge"
        res = []
        for name, what, get, larger, own in DIV_MEASURES:
            flags = {cell_key(c): _differs_more(larger, get(c, hi), get(c, lo)) for c in big}
            k, m = _count(flags)
            vals = [(get(c, hi), get(c, lo)) for c in big if get(c, hi) is not None and get(c, lo) is not None]
            how = (f"lower at sigma = {lo:g} than at {hi:g} by > {COS_MARGIN}" if not larger else
                   f"larger at sigma = {lo:g} than at {hi:g} by > {DIST_MARGIN:.0%}")
            mean = (f"mean {_f(_mean(a for a, _ in vals))} -> {_f(_mean(b for _, b in vals))}" if not larger else
                    (f"median ratio {_f(statistics.median([b / a for a, b in vals if a > 0]), 2)}x"
                     if any(a > 0 for a, _ in vals) else "median ratio n/a"))
            label = name + ("" if own else (" (not the claim's quantity: it falls as sigma^2 ||s_A - s_B||)"
                                              if name == "raw L2" else " (the reverse paths, not the scores)"))
            v = _verdict(k / m if m else 0, m)
            claims.append((title, label, f"{how} in {k} of {m} {scope}; {mean}", v))
            res.append((name, v, flags))
        disagree += _disagreement(title, res, primary=("cosine", "L2 / sigma"))

        if len(ns) > 1:
            title = "Training set size shapes the low-noise behaviour: more data, more agreement"
            pairs, skipped = [], 0
            for key, cs in _by(div, "dataset", "variant").items():
                cs = sorted(cs, key=lambda c: c["n"])
                above_one = [c for c in cs if c["n"] > 1]
                cs = above_one if len(above_one) > 1 else cs      # N = 1 memorises trivially: compare from N > 1
                if len(cs) < 2:
                    continue
                if cell_key(cs[0]) in ok_keys and cell_key(cs[-1]) in ok_keys:
                    pairs.append((cs[0], cs[-1]))
                else:
                    skipped += 1
            res = []
            for name, what, get, larger, own in DIV_MEASURES[:4]:
                flags = {}
                for small, large in pairs:
                    a, b = get(small, lo), get(large, lo)
                    flags[f"{small['dataset']}/{small['variant']}"] = (None if a is None or b is None else
                                                                       (b < a if larger else b > a))
                k, m = _count(flags)
                label = name + (" (= raw L2: the same sigma)" if name == "L2 / sigma" else "")
                v = _verdict(k / m if m else 0, m)
                claims.append((title, label, f"{'smaller' if larger else 'higher'} at sigma = {lo:g} at the largest N "
                               f"than at the smallest N > 1 (or N = 1 when there is no other) for {k} of {m} "
                               f"(dataset, variant) pairs whose two cells converged"
                               + (f" ({skipped} pairs left out)" if skipped else ""), v))
                res.append((name, v, flags))
            disagree += _disagreement(title, res, primary=("cosine", "L2 / sigma"))
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
        ok_n = _by([c for c in at if cell_key(c) in ok_keys], "n")
        ns = sorted(by_n)
        if len(ns) > 1:
            def frac(n):
                return _mean(next(r for r in c["attractors"]["rows"] if r["eps"] == eps0)["model_return_own"]
                             for c in ok_n.get(n, []))
            small_n = [n for n in ns if n > 1]
            small_n = small_n if len(small_n) > 1 else ns
            f_small, f_big = frac(small_n[0]), frac(ns[-1])
            counted = f"{len(ok_n.get(small_n[0], []))} and {len(ok_n.get(ns[-1], []))} converged cells"
            verdict = ("no data" if f_small is None or f_big is None else
                       "supported" if f_small - f_big > 0.25 and f_small > 0.5 else
                       ("not supported" if f_small - f_big <= 0.05 else "mixed"))
            claims.append(("Small training sets make training samples attractors; large ones do not",
                           "return-to-own fraction",
                           f"at eps = {eps0:g}: {_f(f_small, 2)} at N = {small_n[0]}, {_f(f_big, 2)} at N = {ns[-1]} "
                           f"(means over {counted})", verdict))
    else:
        lines.append("- Question 3: no attractor results in this result set.")

    se = [c for c in cells if c.get("score_error")]
    if se:
        stats = {}
        for key in ("relative", "weighted_sq"):
            lows = [r["bins"][0][key] for c in se for r in c["score_error"]["rows"]]
            highs = [r["bins"][-1][key] for c in se for r in c["score_error"]["rows"]]
            stats[key] = (_mean(lows), _mean(highs), sum(a > b for a, b in zip(lows, highs)), len(lows))
        r_, w_ = stats["relative"], stats["weighted_sq"]
        lines.append(f"- **Score accuracy (question 4).** In the lowest-density bin against the highest, the relative "
                     f"score error averages {_f(r_[0])} against {_f(r_[1])} (lowest bin worse in {r_[2]} of {r_[3]} "
                     f"(cell, sigma) pairs); the sigma^2-weighted error ||D - D*||^2 / sigma^2 averages {_f(w_[0])} "
                     f"against {_f(w_[1])} (lowest bin worse in {w_[2]} of {w_[3]}). The relative error divides by "
                     "||s*||, which is small where the true score nearly vanishes, at the modes (the highest-density "
                     "bin), and large in the tails, so it inflates the high-density bin's error and deflates the "
                     "lowest's; the weighted error has no such denominator and is what the training loss and the "
                     "denoiser feel (D - D* = sigma^2 (s - s*)).")
        title = "The learned score is least accurate in low-density regions"
        res = []
        se_ok = [c for c in se if cell_key(c) in ok_keys]
        left = len(se) - len(se_ok)
        for key, name in (("relative", "relative error"), ("weighted_sq", "sigma^2-weighted error")):
            flags = {f"{cell_key(c)}@{r['sigma']:g}": r["bins"][0][key] > r["bins"][-1][key]
                     for c in se_ok for r in c["score_error"]["rows"]}
            k, m = _count(flags)
            v = _verdict(k / m if m else 0, m)
            claims.append((title, name, f"lowest-density bin worse than highest in {k} of {m} (converged cell, sigma) "
                           "pairs" + (f" ({left} unconverged cells left out)" if left else ""), v))
            res.append((name, v, flags))
        disagree += _disagreement(title, res)
        (_, _, fr), (_, _, fw) = res
        split = [k for k in fr if fr[k] != fw[k]]
        if split:
            disagree.append(f"  Relative and weighted error disagree on {len(split)} of {len(fr)} (cell, sigma) "
                            "pairs; the weighted error is the one that does not depend on the size of the true score.")
        # objectives in the lowest-density bin
        variants = sorted({c["variant"] for c in se})
        if len(variants) > 1:
            res = []
            for key, name in (("relative", "relative error"), ("weighted_sq", "sigma^2-weighted error")):
                per = defaultdict(dict)
                for c in se:
                    for r in c["score_error"]["rows"]:
                        per[(c["dataset"], c["n"], r["sigma"])][c["variant"]] = (r["bins"][0][key], cell_key(c) in ok_keys)
                every = [v for v in per.values() if len(v) == len(variants)]
                comparable = {k: {vv: e for vv, (e, _) in v.items()} for k, v in per.items()
                              if len(v) == len(variants) and all(o for _, o in v.values())}
                wins = defaultdict(int)
                for v in every:
                    wins[min(v, key=lambda x: v[x][0])] += 1
                mean_low = {v: _mean(p[v][0] for p in every) for v in variants}
                lines.append(f"- **Objectives in low density ({name}).** Lowest error in the lowest-density bin, counted "
                             f"over {len(every)} (dataset, N, sigma) triples: "
                             + ", ".join(f"{v} {wins[v]}" for v in variants) + "; mean lowest-bin error: "
                             + ", ".join(f"{v} {_f(mean_low[v])}" for v in variants) + ".")
                if "denoiser" in variants:
                    sm = [v for v in variants if v != "denoiser"]
                    flags = {f"{d}/n{n}@{s:g}": p["denoiser"] < min(p[v] for v in sm)
                             for (d, n, s), p in comparable.items()}
                    k, m = _count(flags)
                    v = ("no data" if not m else "objectives differ" if abs(k / m - 0.5) >= 0.25
                         else "no consistent difference")
                    claims.append(("The objective shapes score accuracy in low-density regions "
                                   "(reconstruction vs score matching)", name,
                                   f"reconstruction (denoiser) beats every score-matching objective ({', '.join(sm)}) "
                                   f"in the lowest-density bin in {k} of {m} triples whose cells all converged", v))
                    res.append((name, v, flags))
            if res:
                disagree += _disagreement("The objective shapes score accuracy in low-density regions", res)
    else:
        lines.append("- Question 4: no score-error results (they need a mixture dataset with a known density).")
    return lines, claims, disagree


def convergence_section(cells) -> list:
    """The per-cell table of training convergence (tinyscore.training.convergence of each model)."""
    recs = [r for c in cells for r in convergence_of(c)[1].values()]
    tol = sorted({(r.get("window"), r.get("tolerance")) for r in recs
                  if r.get("converged") is not None and r.get("window") is not None and r.get("tolerance") is not None})
    rule = ("; ".join(f"over the last {w:.0%} of the steps, |change| <= {x:.1%}" for w, x in tol) if tol else
            "over the end of training, |change| within a tolerance")
    L = ["Every model logs a held-out loss while it trains (tinyscore/training.py): its own objective on a fixed "
         "set of held-out test points with fixed noise levels and noise (reconstruction ||D - x||^2 for the "
         "denoiser; denoising score matching ||D - x||^2 / sigma^2 for ncsn and for ssm, whose objective it "
         "equals up to a constant), drawn from a generator of its own, so the trained model does not change. "
         "The convergence measure is that loss for a moving average of the weights (time constant 5% of the "
         "steps), which carries little of the noise the learning rate adds: the iterate's own loss also falls "
         "while the cosine schedule anneals that noise away, done or not. *change*: the rise of a straight line "
         "fitted to it over the end of training, relative to its value at the last step (negative: still "
         "falling; positive: rising, as when a small training set is being memorised). A model is converged "
         f"when, {rule}; a cell when both its models are. *held-out*: the model's own held-out loss at the end; "
         "on a mixture, *excess*: its excess over the optimal denoiser D*'s on the same problems (mean "
         "||D - D*||^2, / sigma^2 for ncsn and ssm), the part of the loss that is the model's error. "
         "The verdicts in [Findings](#findings) count only converged cells.", ""]
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
    bullets, claims, disagree = findings(cells, sigmas) if cells else (["- No results."], [], [])
    L += ["## Findings", ""] + bullets + [""]
    if claims:
        ok, unconverged, unknown = split_by_convergence(cells)
        L += ["What the study (Pavlova and Wei 2025, with Kadkhodaie et al. 2024) leads one to expect, against what "
              "these runs show, on every measure that could decide it. A verdict is computed from the counts beside "
              "it (>= 75% of cases: supported; <= 25%: not supported; in between: mixed); at this scale it describes "
              f"these runs only. **Verdicts count only converged cells** ({len(ok)} of {len(cells)})"
              + (f"; left out as not converged: {_keys(unconverged, 40)}" if unconverged else "")
              + (f"; left out for want of a convergence record: {_keys(unknown, 40)}" if unknown else "") + ". "
              f"Margins: a cosine counts as lower when it falls by more than {COS_MARGIN}, a distance as larger "
              f"when it grows by more than {DIST_MARGIN:.0%}.", ""]
        L += _table(["expectation", "measure", "these runs", "verdict"], claims) + [""]
        if disagree:
            L += ["Where the measures of one expectation disagree:", ""] + disagree + [""]

    # ---- convergence
    L += ["## Training convergence", ""] + convergence_section(cells)

    # ---- Q1
    L += ["## 1. Do disjoint-data models agree locally?", "",
          "Models A and B (trained on disjoint halves) on the same noisy held-out probes, per sigma. *cos*: mean "
          "cosine of their denoising directions d = D(y) - y (= the cosine of their scores); *L2*: mean over probes "
          "of ||D_A(y) - D_B(y)||, the raw one-step distance, which is sigma^2 ||s_A - s_B||; *L2 / sigma*: the same "
          "divided by sigma, sigma ||s_A - s_B|| = ||eps_A - eps_B|| (the distance between their noise "
          "predictions); *path L2* and *path cos*: the same along the reverse probability-flow ODE, each model on "
          "its own trajectory from the same start, at the analysis sigmas (||D_A(x_A) - D_B(x_B)||; near sigma = 0 "
          "it is the distance between the points the two reverse processes reach). The study's low-noise "
          "divergence claim is about the scores: read *cos* and *L2 / sigma* for it; *L2* falls with sigma^2 "
          "whatever the scores do. Distances are whole-vector norms in the data's dimension (given per dataset). "
          "Every path rung is in each cell's `diverge.json`.", ""]
    any_div = False
    for ds in datasets:
        cs = [c for c in cells if c["dataset"] == ds and c.get("diverge")]
        if not cs:
            continue
        any_div = True
        L += [f"### {ds} (dim {cs[0].get('dim', '?')})", ""]
        rows = []
        for c in sorted(cs, key=lambda c: (c["variant"], c["n"])):
            for s in sigmas:
                rows.append([c["variant"], c["n"], f"{s:g}", _f(_val(c, "onestep", "cosine_mean", s)),
                             _f(_val(c, "onestep", "l2_mean", s), 4), _f(_over_sigma(c, "onestep", "l2_mean", s), 4),
                             _f(_val(c, "path", "l2_mean", s), 4), _f(_val(c, "path", "cosine_mean", s))])
        L += _table(["variant", "N", "sigma", "cos", "L2", "L2 / sigma", "path L2", "path cos"], rows) + [""]
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
          "true log p_sigma(y); sigma^2-weighted squared error sigma^2 ||s - s*||^2 (= ||D - D*||^2 / sigma^2), "
          "over all points and in the same two bins. The relative error divides by ||s*||, which is small near the "
          "modes (the highest-density bin), so the two can rank the bins differently; the findings give both. "
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
                             _f(r["bins"][-1]["relative"]), _f(r["weighted_sq"], 4),
                             _f(r["bins"][0].get("weighted_sq"), 4), _f(r["bins"][-1].get("weighted_sq"), 4)])
        L += _table(["variant", "N", "sigma", "rel. error", "rel. lowest-density bin", "rel. highest-density bin",
                     "weighted sq.", "weighted lowest bin", "weighted highest bin"], rows) + [""]
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
