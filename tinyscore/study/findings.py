r"""The findings: what the finished cells' numbers say, each verdict computed from them.

A *cell* is one (dataset, N, variant) of the study: two models, A and B, trained alike on disjoint
halves of the data, and the analyses of them (see tinyscore.study.report for the fields a cell
holds). This module turns a list of cells into three things, never stating what the numbers did not
produce:

* **bullets** -- what the numbers show, over every cell;
* **claims** -- each expectation of the study, judged on every measure that could decide it:
  (expectation, measure, the counts behind it, verdict). A verdict is read off the fraction of
  cases that agree with the expectation: >= 75% supported, <= 25% not supported, mixed between;
* **disagreements** -- where the measures of one expectation give different verdicts, or the
  claim's two measures split cell by cell (one verdict can rest on different cells).

**Which divergence?** The study's claim is that disjoint-data models agree at high noise and
diverge near the data, at low noise. By Tweedie, D = y + sigma^2 s, so the two denoisers differ by
D_A - D_B = sigma^2 (s_A - s_B). Four measures per noise level sigma, from tinyscore.analyses.metrics.diverge:

* **raw one-step L2** ||D_A(y) - D_B(y)|| = sigma^2 ||s_A - s_B|| on the same noisy probes y: it
  shrinks as sigma falls unless the scores' difference grows faster than 1 / sigma^2, whatever the
  scores do, so it is shown but is not the claim's quantity;
* **L2 / sigma** = sigma ||s_A - s_B|| = ||eps_A - eps_B||, the distance between the two models'
  noise predictions eps = (y - D) / sigma: the score difference on the scale at which denoising
  score matching weights it. One of the claim's two measures;
* **cosine** of the denoising directions d_A, d_B (d = D - y = sigma^2 s, so it is the cosine of
  the scores, scale-free). The claim's other measure;
* **path L2** (and path cosine): the same along each model's own reverse probability-flow path from
  a common start. It asks another question -- do the two reverse processes end at different
  points? -- and is judged beside the claim's measures, not as one of them.

For low-density accuracy the two measures are the *relative* score error ||s - s*|| / ||s*|| (which
divides by a true score that is small at the modes) and the *sigma^2-weighted* error
sigma^2 ||s - s*||^2 = ||D - D*||^2 / sigma^2 (no such denominator).

**Convergence.** A verdict counts only the cells :func:`counted_keys` names: where the models kept
checkpoints, those whose decision metric has stopped moving (the gate of tinyscore.study.gate, which
counts memorising cells too); in a study run before it, those whose two models converged by their
held-out loss (flat over the end of training, tinyscore.training.loop.convergence). The others are
listed, never counted.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from tinyscore.study.margins import AGREE_COS, AGREE_EPS, COS_MARGIN, DIST_MARGIN

# ------------------------------------------------------------------------------ small shared helpers


def _f(x, digits=3):
    """A number as the report prints it ('n/a' for a missing one; tiny and huge ones in e-notation)."""
    if x is None:
        return "n/a"
    if isinstance(x, float) and (abs(x) >= 1e4 or (abs(x) < 1e-3 and x != 0)):
        return f"{x:.2e}"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:+.1f}%"


def _mean(xs):
    """The mean of the values that are there (None when none is)."""
    xs = [x for x in xs if x is not None]
    return statistics.fmean(xs) if xs else None


def _by(cells, *keys):
    """The cells grouped by one field (keyed by its value) or several (keyed by the tuple)."""
    d = defaultdict(list)
    for c in cells:
        d[tuple(c[k] for k in keys) if len(keys) > 1 else c[keys[0]]].append(c)
    return d


def _row_at(rows, sigma):
    return next((r for r in rows if abs(r["sigma"] - sigma) < 1e-12), None)


def _keys(cells, limit=12) -> str:
    keys = [cell_key(c) for c in cells]
    return ", ".join(keys[:limit]) + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


# ------------------------------------------------------------------------------ counting and verdicts
def _verdict(frac: float, total: int) -> str:
    if total == 0:
        return "no data"
    if frac >= 0.75:
        return "supported"
    if frac <= 0.25:
        return "not supported"
    return "mixed"


def _count(flags: dict):
    """(cases for the expectation, cases with a value) of {case: True/False/None}."""
    known = {k: v for k, v in flags.items() if v is not None}
    return sum(known.values()), len(known)


def _judge(flags: dict) -> tuple:
    """(k, m, verdict): k of the m decidable cases agree with the expectation."""
    k, m = _count(flags)
    return k, m, _verdict(k / m if m else 0, m)


def _same_verdict_or_not(title: str, results: list) -> list:
    verdicts = {}
    for name, verdict, _ in results:
        verdicts.setdefault(verdict, []).append(name)
    if len(verdicts) > 1:
        return [f"- *{title}*: the measures disagree: "
                + "; ".join(f"{v} by {', '.join(ms)}" for v, ms in verdicts.items()) + "."]
    if results and results[0][1] != "no data":
        return [f"- *{title}*: every measure gives the same verdict ({results[0][1]})."]
    return []


def _disagreement(title: str, results: list, primary=()) -> list:
    """Bullets saying where the measures of one expectation disagree.

    ``results``: [(measure, verdict, {cell key: True/False/None})]; ``primary``: the claim's own measures,
    compared cell by cell (two measures can give one verdict over different cells)."""
    out = _same_verdict_or_not(title, results)
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


# ------------------------------------------------------------------------------ convergence
def cell_key(c) -> str:
    """'uniform/n1000/ncsn': a cell as the study names it (by the N it asked for)."""
    return c.get("key") or f"{c['dataset']}/n{c.get('n_requested', c['n'])}/{c['variant']}"


def convergence_of(c) -> tuple:
    """('converged' | 'not converged' | 'no record', {half: record}): a cell is converged when both of
    its models are (tinyscore.training.loop.convergence); a record of False for either makes it not converged."""
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


def gate_of(c) -> str | None:
    """The cell's state by the convergence gate (tinyscore.study.gate), None where its models kept no
    checkpoints for it (a study run before the gate)."""
    from tinyscore.study.gate import record_state
    state = record_state(c.get("gate"))[0]
    return None if state == "no record" else state


def counted_keys(cells) -> tuple[set, str]:
    """(the keys of the cells the verdicts count, by which rule). A cell with a gate record counts when its
    decision metric has stopped moving (tinyscore.study.gate.counted: memorising cells count); one without
    counts when both its models converged by the held-out loss (the rule of the studies run before the gate)."""
    from tinyscore.study.gate import counted
    gated = {k: state for k, state in ((cell_key(c), gate_of(c)) for c in cells) if state is not None}
    ok = set(counted(gated)) | {cell_key(c) for c in split_by_convergence([c for c in cells
                                                                          if cell_key(c) not in gated])[0]}
    rule = ("the convergence gate: the decision metric stopped moving over the kept checkpoints" if gated and
            len(gated) == len(cells) else "the held-out loss: both models' flat over the end of training"
            if not gated else "the convergence gate where the cell has its record, else the held-out loss")
    return ok, rule


def _convergence_bullet(cells) -> str:
    ok_keys, rule = counted_keys(cells)
    states = [gate_of(c) for c in cells]
    if any(states):
        tally = Counter(state or "no record" for state in states)
        return (f"- **Convergence gate.** {len(ok_keys)} of {len(cells)} cells count ({rule}): "
                + "; ".join(f"{k} {n}" for k, n in sorted(tally.items()))
                + " (see [Training convergence](#training-convergence)). The verdicts count these cells; the "
                "other bullets describe every cell.")
    ok, unconverged, unknown = split_by_convergence(cells)
    return (f"- **Training convergence.** {len(ok)} of {len(cells)} cells converged (both models' held-out loss "
            "flat over the end of training; see [Training convergence](#training-convergence))"
            + (f"; not converged: {_keys(unconverged)}" if unconverged else "")
            + (f"; no convergence record: {_keys(unknown)}" if unknown else "")
            + ". The verdicts below count only the converged cells; the other bullets describe every cell.")


# ------------------------------------------------------------------------------ the measures of question 1
# the margins (a cosine lower by more than COS_MARGIN, a distance larger by more than DIST_MARGIN, agreement
# above AGREE_COS or within AGREE_EPS per coordinate) are stated once, in tinyscore.study.margins


def _val(c, kind, key, s):
    """diverge's ``key`` at sigma ``s`` for ``kind`` 'onestep' or 'path' (None when the cell has none)."""
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
#: the claim's own measures, compared cell by cell in the disagreements
CLAIM_MEASURES = ("cosine", "L2 / sigma")


def _differs_more(larger_differs: bool, before, after):
    """Do the models differ more at ``after`` than at ``before`` (beyond the margins)? None without values."""
    if before is None or after is None:
        return None
    if larger_differs:
        return after > before * (1 + DIST_MARGIN)
    return after < before - COS_MARGIN


def _largest_n(cells, pool):
    """The cells of ``pool`` at each dataset's largest N of ``cells`` (the grid), and how to call them."""
    n_max = {d: max(c["n"] for c in cs) for d, cs in _by(cells, "dataset").items()}
    label = f"N = {max(n_max.values())}" if len(set(n_max.values())) == 1 else "each dataset's largest N"
    return [c for c in pool if c["n"] == n_max[c["dataset"]]], label


def _cosines(cs, hi, lo) -> str:
    """'0.990 -> 0.595': the cells' mean one-step cosine at the highest and the lowest sigma."""
    return (f"{_f(_mean(_val(c, 'onestep', 'cosine_mean', hi) for c in cs))} -> "
            f"{_f(_mean(_val(c, 'onestep', 'cosine_mean', lo) for c in cs))}")


# ------------------------------------------------------------------------------ question 1: what the numbers show
WHICH_DIVERGENCE = (
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


def _measure_change(measure, cs, hi, lo):
    """How one measure moves from sigma = hi to lo over the cells, in words (None when no cell has both)."""
    name, _, get, larger, _ = measure
    pairs = [(a, b) for a, b in ((get(c, hi), get(c, lo)) for c in cs) if a is not None and b is not None]
    if not pairs:
        return None
    more = sum(bool(_differs_more(larger, a, b)) for a, b in pairs)
    if larger:
        ratios = [b / a for a, b in pairs if a > 0]
        return (f"{name} at sigma = {lo:g} is a median {_f(statistics.median(ratios), 2)}x its value at "
                f"{hi:g} (larger by > {DIST_MARGIN:.0%} in {more} of {len(pairs)} cells)")
    return (f"mean {name} {_f(_mean(a for a, _ in pairs))} at sigma = {hi:g} and "
            f"{_f(_mean(b for _, b in pairs))} at {lo:g} (lower by > {COS_MARGIN} in {more} of "
            f"{len(pairs)} cells)")


def _agreement_bullets(cells, div, hi, lo) -> list:
    """Question 1 over every cell: each measure from high to low noise, then the cosine by N, dataset, variant."""
    parts = [p for p in (_measure_change(m, div, hi, lo) for m in DIV_MEASURES) if p is not None]
    by_n = _by(div, "n")
    lines = [WHICH_DIVERGENCE,
             f"- **Agreement as sigma falls (question 1).** Over {len(div)} (dataset, N, variant) cells: "
             + "; ".join(parts) + ".",
             f"- **With N.** Mean cosine at sigma = {hi:g} -> {lo:g}, by N: "
             + "; ".join(f"N={n}: {_cosines(by_n[n], hi, lo)}" for n in sorted(by_n)) + "."]
    big_all, big_label = _largest_n(cells, div)
    for what in ("dataset", "variant"):
        groups = _by(big_all, what)
        if len(groups) > 1:
            lines.append(f"- **By {what}** ({big_label}), mean cosine at sigma = {hi:g} -> {lo:g}: " + "; ".join(
                f"{g}: {_cosines(cs, hi, lo)}" for g, cs in groups.items()) + ".")
    return lines


# ------------------------------------------------------------------------------ question 1: the verdicts
HIGH_NOISE = "At high noise, models trained on disjoint data converge (largest N)"
LOW_NOISE = "Near the data manifold (low noise) they diverge, even where high-noise outputs converge"
WITH_N = "Training set size shapes the low-noise behaviour: more data, more agreement"


def _high_noise_verdicts(big, scope, hi) -> tuple:
    """(claims, disagreements): do the two models agree at the highest sigma, by cosine and by L2 / sigma?"""
    claims, res = [], []
    for name, value, agree, crit in (
            ("cosine", lambda c: _val(c, "onestep", "cosine_mean", hi), lambda v: v > AGREE_COS,
             f"cosine > {AGREE_COS} at sigma = {hi:g}"),
            ("L2 / sigma", lambda c: _over_sigma(c, "onestep", "rms", hi), lambda v: v < AGREE_EPS,
             f"RMS / sigma < {AGREE_EPS} at sigma = {hi:g} (noise predictions within {AGREE_EPS} per coordinate)")):
        flags = {cell_key(c): (None if value(c) is None else bool(agree(value(c)))) for c in big}
        k, m, v = _judge(flags)
        claims.append((HIGH_NOISE, name, f"{crit} in {k} of {m} {scope}", v))
        res.append((name, v, flags))
    return claims, _disagreement(HIGH_NOISE, res, primary=CLAIM_MEASURES)


def _low_noise_claim(measure, big, scope, hi, lo) -> tuple:
    """One measure's claim on 'they diverge at low noise', and its flags per cell."""
    name, _, get, larger, own = measure
    flags = {cell_key(c): _differs_more(larger, get(c, hi), get(c, lo)) for c in big}
    k, m, v = _judge(flags)
    vals = [(get(c, hi), get(c, lo)) for c in big if get(c, hi) is not None and get(c, lo) is not None]
    how = (f"lower at sigma = {lo:g} than at {hi:g} by > {COS_MARGIN}" if not larger else
           f"larger at sigma = {lo:g} than at {hi:g} by > {DIST_MARGIN:.0%}")
    mean = (f"mean {_f(_mean(a for a, _ in vals))} -> {_f(_mean(b for _, b in vals))}" if not larger else
            (f"median ratio {_f(statistics.median([b / a for a, b in vals if a > 0]), 2)}x"
             if any(a > 0 for a, _ in vals) else "median ratio n/a"))
    label = name + ("" if own else (" (not the claim's quantity: it falls as sigma^2 ||s_A - s_B||)"
                                      if name == "raw L2" else " (the reverse paths, not the scores)"))
    return (LOW_NOISE, label, f"{how} in {k} of {m} {scope}; {mean}", v), (name, v, flags)


def _low_noise_verdicts(big, scope, hi, lo) -> tuple:
    """(claims, disagreements): do the models differ more at the lowest sigma than at the highest, per measure?"""
    claims, res = [], []
    for measure in DIV_MEASURES:
        claim, r = _low_noise_claim(measure, big, scope, hi, lo)
        claims.append(claim)
        res.append(r)
    return claims, _disagreement(LOW_NOISE, res, primary=CLAIM_MEASURES)


def _smallest_and_largest_n(div, ok_keys) -> tuple:
    """([(cell at the smallest N > 1, cell at the largest N)] per (dataset, variant) whose two cells converged,
    pairs left out). N = 1 memorises trivially: it is used only when there is no other small N."""
    pairs, skipped = [], 0
    for cs in _by(div, "dataset", "variant").values():
        cs = sorted(cs, key=lambda c: c["n"])
        above_one = [c for c in cs if c["n"] > 1]
        cs = above_one if len(above_one) > 1 else cs
        if len(cs) < 2:
            continue
        if cell_key(cs[0]) in ok_keys and cell_key(cs[-1]) in ok_keys:
            pairs.append((cs[0], cs[-1]))
        else:
            skipped += 1
    return pairs, skipped


def _with_n_verdicts(div, ok_keys, lo) -> tuple:
    """(claims, disagreements): do the models agree better at low noise with the largest N than the smallest?"""
    pairs, skipped = _smallest_and_largest_n(div, ok_keys)
    claims, res = [], []
    for name, _, get, larger, _ in DIV_MEASURES[:4]:       # raw L2 = L2 / sigma times one sigma here
        flags = {}
        for small, large in pairs:
            a, b = get(small, lo), get(large, lo)
            flags[f"{small['dataset']}/{small['variant']}"] = None if a is None or b is None else (
                b < a if larger else b > a)
        k, m, v = _judge(flags)
        label = name + (" (= raw L2: the same sigma)" if name == "L2 / sigma" else "")
        claims.append((WITH_N, label, f"{'smaller' if larger else 'higher'} at sigma = {lo:g} at the largest N "
                       f"than at the smallest N > 1 (or N = 1 when there is no other) for {k} of {m} "
                       f"(dataset, variant) pairs whose two cells count"
                       + (f" ({skipped} pairs left out)" if skipped else ""), v))
        res.append((name, v, flags))
    return claims, _disagreement(WITH_N, res, primary=CLAIM_MEASURES)


def _divergence_findings(cells, ok_keys, hi, lo) -> tuple:
    """Question 1: (bullets, claims, disagreements)."""
    div = [c for c in cells if c.get("diverge")]
    if not div:
        return ["- Question 1: no divergence results in this result set."], [], []
    lines = _agreement_bullets(cells, div, hi, lo)
    big_all, big_label = _largest_n(cells, div)
    big, _ = _largest_n(cells, [c for c in div if cell_key(c) in ok_keys])
    left = len(big_all) - len(big)
    scope = f"counted cells with {big_label}" + (f" ({left} not counted left out)" if left else "")
    claims, disagree = _high_noise_verdicts(big, scope, hi)
    more_claims, more_disagree = _low_noise_verdicts(big, scope, hi, lo)
    claims, disagree = claims + more_claims, disagree + more_disagree
    if len(_by(div, "n")) > 1:
        more_claims, more_disagree = _with_n_verdicts(div, ok_keys, lo)
        claims, disagree = claims + more_claims, disagree + more_disagree
    return lines, claims, disagree


# ------------------------------------------------------------------------------ question 2: denoising
def _quality_findings(cells, hi, lo) -> list:
    """Question 2's bullet: the model's one-step MSE against the optimum's and the noisy input's."""
    q = [c for c in cells if c.get("quality")]
    if not q:
        return ["- Question 2: no quality results in this result set."]
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
        ratio = _mean(_row_at(c["quality"]["rows"], lo)["mse_over_optimum"] for c in emp)
        parts.append(f"on images, at sigma = {lo:g}, the model's MSE is {_f(ratio, 2)}x "
                     "that of the empirical (memorising) denoiser of its training set, on average over "
                     f"{len(emp)} cells")
    return ["- **Denoising small perturbations (question 2).** " + "; ".join(parts) + "."]


# ------------------------------------------------------------------------------ question 3: attractors
ATTRACTORS = "Small training sets make training samples attractors; large ones do not"


def _row_at_eps(c, eps=None):
    """The cell's attractor row at ``eps``, or at its own smallest eps (None): with eps chosen from the data
    (a scale's ``eps="spacing"``) every dataset has its own."""
    rows = c["attractors"]["rows"]
    return min(rows, key=lambda r: r["eps"]) if eps is None else next(r for r in rows if r["eps"] == eps)


def _eps_words(at) -> str:
    """'eps = 0.05', or with an eps per dataset 'each dataset's smallest eps (uniform 0.338, spiral 0.258)'."""
    per = {c["dataset"]: _row_at_eps(c)["eps"] for c in at}
    if len(set(per.values())) == 1:
        return f"eps = {next(iter(per.values())):g}"
    return "each dataset's smallest eps (" + ", ".join(f"{d} {e:g}" for d, e in per.items()) + ")"


def _attractor_claim(at, ok_keys, eps0):
    """The attractor verdict: the return-to-own fraction falls from the smallest N > 1 to the largest."""
    ok_n = _by([c for c in at if cell_key(c) in ok_keys], "n")
    ns = sorted(_by(at, "n"))

    def frac(n):
        return _mean(_row_at_eps(c)["model_return_own"] for c in ok_n.get(n, []))
    small_n = [n for n in ns if n > 1]
    small_n = small_n if len(small_n) > 1 else ns
    f_small, f_big = frac(small_n[0]), frac(ns[-1])
    counted = f"{len(ok_n.get(small_n[0], []))} and {len(ok_n.get(ns[-1], []))} counted cells"
    verdict = ("no data" if f_small is None or f_big is None else
               "supported" if f_small - f_big > 0.25 and f_small > 0.5 else
               ("not supported" if f_small - f_big <= 0.05 else "mixed"))
    return (ATTRACTORS, "return-to-own fraction",
            f"at {eps0}: {_f(f_small, 2)} at N = {small_n[0]}, {_f(f_big, 2)} at N = {ns[-1]} "
            f"(means over {counted})", verdict)


def _attractor_findings(cells, ok_keys) -> tuple:
    """Question 3: (bullets, claims) at the smallest eps."""
    at = [c for c in cells if c.get("attractors")]
    if not at:
        return ["- Question 3: no attractor results in this result set."], []
    eps0 = _eps_words(at)
    by_n = _by(at, "n")
    parts = []
    for n in sorted(by_n):
        rows = [_row_at_eps(c) for c in by_n[n]]
        parts.append(f"N={n}: model {_f(_mean(r['model_return_own'] for r in rows), 2)}, empirical "
                     f"{_f(_mean(r.get('empirical_return_own') for r in rows), 2)}, test points captured "
                     f"{_f(_mean(r['model_test_captured'] for r in rows), 2)}")
    line = (f"- **Attractors (question 3).** Fraction of training samples perturbed by {eps0} that "
            "return to their own sample (d1/d2 < 1/3), mean over datasets and variants: " + "; ".join(parts) + ".")
    return [line], ([_attractor_claim(at, ok_keys, eps0)] if len(by_n) > 1 else [])


# ------------------------------------------------------------------------------ question 4: score accuracy
LOW_DENSITY = "The learned score is least accurate in low-density regions"
OBJECTIVES = "The objective shapes score accuracy in low-density regions"
#: (field of a score-error bin, how the report names it)
SCORE_ERRORS = (("relative", "relative error"), ("weighted_sq", "sigma^2-weighted error"))


def _score_bullet(se) -> str:
    stats = {}
    for key, _ in SCORE_ERRORS:
        lows = [r["bins"][0][key] for c in se for r in c["score_error"]["rows"]]
        highs = [r["bins"][-1][key] for c in se for r in c["score_error"]["rows"]]
        stats[key] = (_mean(lows), _mean(highs), sum(a > b for a, b in zip(lows, highs)), len(lows))
    r_, w_ = stats["relative"], stats["weighted_sq"]
    return (f"- **Score accuracy (question 4).** In the lowest-density bin against the highest, the relative "
            f"score error averages {_f(r_[0])} against {_f(r_[1])} (lowest bin worse in {r_[2]} of {r_[3]} "
            f"(cell, sigma) pairs); the sigma^2-weighted error ||D - D*||^2 / sigma^2 averages {_f(w_[0])} "
            f"against {_f(w_[1])} (lowest bin worse in {w_[2]} of {w_[3]}). The relative error divides by "
            "||s*||, which is small where the true score nearly vanishes, at the modes (the highest-density "
            "bin), and large in the tails, so it inflates the high-density bin's error and deflates the "
            "lowest's; the weighted error has no such denominator and is what the training loss and the "
            "denoiser feel (D - D* = sigma^2 (s - s*)).")


def _low_density_verdicts(se, ok_keys) -> tuple:
    """(claims, disagreements): is the lowest-density bin's error above the highest's, on each error?"""
    se_ok = [c for c in se if cell_key(c) in ok_keys]
    left = len(se) - len(se_ok)
    claims, res = [], []
    for key, name in SCORE_ERRORS:
        flags = {f"{cell_key(c)}@{r['sigma']:g}": r["bins"][0][key] > r["bins"][-1][key]
                 for c in se_ok for r in c["score_error"]["rows"]}
        k, m, v = _judge(flags)
        claims.append((LOW_DENSITY, name, f"lowest-density bin worse than highest in {k} of {m} (counted cell, "
                       "sigma) pairs" + (f" ({left} cells not counted left out)" if left else ""), v))
        res.append((name, v, flags))
    disagree = _disagreement(LOW_DENSITY, res)
    (_, _, fr), (_, _, fw) = res
    split = [k for k in fr if fr[k] != fw[k]]
    if split:
        disagree.append(f"  Relative and weighted error disagree on {len(split)} of {len(fr)} (cell, sigma) "
                        "pairs; the weighted error is the one that does not depend on the size of the true score.")
    return claims, disagree


#: the variants trained by reconstruction, and by score matching (the objectives claims compare the two groups)
RECONSTRUCTION, SCORE_MATCHING = ("denoiser", "denoiser-cond"), ("ncsn", "ssm")


def _lowest_bin_errors(se, key, ok_keys) -> dict:
    """{(dataset, N, sigma, replicate): {variant: (the lowest-density bin's error, whether the cell counts)}}."""
    per = defaultdict(dict)
    for c in se:
        for r in c["score_error"]["rows"]:
            per[(c["dataset"], c["n"], r["sigma"], c.get("replicate", 0))][c["variant"]] = \
                (r["bins"][0][key], cell_key(c) in ok_keys)
    return per


def _objective_findings(se, ok_keys) -> tuple:
    """(bullets, claims, disagreements): which objective is most accurate in the lowest-density bin."""
    variants = sorted({c["variant"] for c in se})
    if len(variants) < 2:
        return [], [], []
    lines, claims, res = [], [], []
    for key, name in SCORE_ERRORS:
        per = _lowest_bin_errors(se, key, ok_keys)
        every = [v for v in per.values() if len(v) == len(variants)]
        wins = defaultdict(int)
        for v in every:
            wins[min(v, key=lambda x: v[x][0])] += 1
        mean_low = {v: _mean(p[v][0] for p in every) for v in variants}
        lines.append(f"- **Objectives in low density ({name}).** Lowest error in the lowest-density bin, counted "
                     f"over {len(every)} (dataset, N, sigma) triples: "
                     + ", ".join(f"{v} {wins[v]}" for v in variants) + "; mean lowest-bin error: "
                     + ", ".join(f"{v} {_f(mean_low[v])}" for v in variants) + ".")
        if any(v in RECONSTRUCTION for v in variants) and any(v in SCORE_MATCHING for v in variants):
            comparable = {k: {vv: e for vv, (e, _) in v.items()} for k, v in per.items()
                          if len(v) == len(variants) and all(o for _, o in v.values())}
            claim, r = _objective_claim(comparable, variants, name)
            claims.append(claim)
            res.append(r)
    return lines, claims, (_disagreement(OBJECTIVES, res) if res else [])


def _objective_claim(comparable, variants, name) -> tuple:
    """Does reconstruction beat every score-matching objective in the lowest-density bin?"""
    rec = [v for v in variants if v in RECONSTRUCTION]
    sm = [v for v in variants if v in SCORE_MATCHING]
    flags = {f"{d}/n{n}@{s:g}" + (f"/r{r}" if r else ""): min(p[v] for v in rec) < min(p[v] for v in sm)
             for (d, n, s, r), p in comparable.items()}
    k, m = _count(flags)
    v = "no data" if not m else "objectives differ" if abs(k / m - 0.5) >= 0.25 else "no consistent difference"
    return ((OBJECTIVES + " (reconstruction vs score matching)", name,
             f"reconstruction ({', '.join(rec)}) beats every score-matching objective ({', '.join(sm)}) "
             f"in the lowest-density bin in {k} of {m} triples whose cells all count", v), (name, v, flags))


def _score_findings(cells, ok_keys) -> tuple:
    """Question 4: (bullets, claims, disagreements)."""
    se = [c for c in cells if c.get("score_error")]
    if not se:
        return ["- Question 4: no score-error results (they need a mixture dataset with a known density)."], [], []
    claims, disagree = _low_density_verdicts(se, ok_keys)
    lines, more_claims, more_disagree = _objective_findings(se, ok_keys)
    return [_score_bullet(se)] + lines, claims + more_claims, disagree + more_disagree


# ------------------------------------------------------------------------------ all of them
def findings(cells, sigmas) -> tuple:
    """The computed findings: (bullets, claims, disagreements). A claim is (expectation, measure, these runs,
    verdict); verdicts count only the cells counted_keys names."""
    hi, lo = max(sigmas), min(sigmas)
    ok_keys = counted_keys(cells)[0]
    div_lines, claims, disagree = _divergence_findings(cells, ok_keys, hi, lo)
    at_lines, at_claims = _attractor_findings(cells, ok_keys)
    se_lines, se_claims, se_disagree = _score_findings(cells, ok_keys)
    lines = [_convergence_bullet(cells)] + div_lines + _quality_findings(cells, hi, lo) + at_lines + se_lines
    return lines, claims + at_claims + se_claims, disagree + se_disagree
