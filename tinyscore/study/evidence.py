r"""Evidence: the study's verdicts drawn from intervals and controls (margins in tinyscore.study.margins).

Each cell's ``controls`` step (tinyscore.analyses.controls) gives the numbers a verdict reads, each
as [estimate, lower, upper], a 95% percentile bootstrap interval over the probes (or the attractor
starts; tinyscore.core.bootstrap). A *case* (a cell, or a pair of cells of one dataset and variant)
is decided against a margin m in the direction the expectation says:

    for        the whole interval is beyond m        (lower > m)
    against    the whole interval is short of m      (upper < m)
    undecided  the interval contains m

and a claim over its cases is

    undecided      fewer than DECIDED (half) of its cases are decided
    supported      at least SUPPORT (75%) of the decided cases are for
    not supported  at most 1 - SUPPORT (25%) of the decided cases are for
    mixed          in between

The measures (see tinyscore.analyses.controls for their equations):

* high-noise agreement: cos(d_A, d_B) at the largest sigma above AGREE_COS;
* low-noise divergence: the cosine falls by more than COS_MARGIN from the largest sigma to the smallest;
  the scale-free divergence ||eps_A - eps_B|| / ||eps*|| grows by more than DIST_MARGIN (a bare
  ||eps_A - eps_B|| = L2 / sigma is not scale-free: ||eps*|| itself shrinks as sigma falls on
  full-rank data);
* attribution to the data: **a divergence is attributed to the data only where AB exceeds AA'** --
  cos(A, A') - cos(A, B) above COS_MARGIN, or ||eps_A - eps_B|| / ||eps_A - eps_A'|| above 1 + DIST_MARGIN,
  at the smallest sigma;
* the paper's metric, the path L2 between the two reverse trajectories: it grows from the largest sigma
  to the smallest by more than DIST_MARGIN, and exceeds the seed floor's at the smallest;
* more data, more agreement: from the smallest N (> 1 where there is one) to the largest of a
  (dataset, variant), the cosine at the smallest sigma rises by more than COS_MARGIN, and the
  memorisation index (1 - cos_AB) / (1 - cos_memoriser) falls by more than MEM_MARGIN;
* attractors: the fraction of starts *attracted* (the model returns them to their own sample and
  the perturbed start did not already satisfy the rule) falls by more than ATTRACT_MARGIN from the
  smallest N to the largest, at the smallest eps;
* geometry (tinyscore.analyses.geometry, mixtures whose components have long axes): model A's relative
  score error across the axes over that along them exceeds 1 + DIST_MARGIN at the smallest sigma (largest
  N); and its relative error exceeds the isotropic dataset's of the same N and variant by that factor
  (ln of the ratio against ln(1 + DIST_MARGIN));
* objectives, as an interaction, so that a variant worse everywhere does not count as worse in low
  density: per (dataset, N, sigma) and pair of a reconstruction variant (denoiser, denoiser-cond) and a
  score-matching one (ncsn, ssm), ln(rel_sm / rel_rec) in the lowest-density bin minus the same in the
  highest exceeds ln(1 + DIST_MARGIN): reconstruction's advantage grows where the density is low.

Two cells are independent: their difference's interval is the normal approximation of
tinyscore.core.bootstrap.difference.

**Replicates.** Where a scale repeats each cell R times with other seeds (tinyscore.study.grid.replicates),
the R cells of one (dataset, N, variant) are pooled into one case before any verdict (:func:`pool_replicates`):
each number is the mean of the replicates' estimates, and its interval the normal one around it,

    se^2 = ((1/R) sum_r se_r)^2 + s^2 / R,      se_r = (upper_r - lower_r) / (2 z),

s^2 the sample variance of the R estimates. The replicates share their probes (the same probe seed), so the
probes' noise does not average out over them: the first term is a replicate's own, not divided by R. The
second is the seeds' spread (it counts the probes' noise once more, so the interval errs wide). A number the
seeds do not change (the analytic pair, the memoriser pair on the same probes) is the same in every
replicate and is kept as it is. Only the cells tinyscore.study.findings.counted_keys names count. The
margins are stated once, in tinyscore.study.margins.
"""
from __future__ import annotations

import math
import statistics

from tinyscore.core.bootstrap import LEVEL, difference, z_of
from tinyscore.study.findings import RECONSTRUCTION, SCORE_MATCHING, _by, _largest_n, cell_key
from tinyscore.study.margins import (AGREE_COS, ATTRACT_MARGIN, COS_MARGIN, DECIDED, DIST_MARGIN, MEM_MARGIN,  # noqa: F401
                                     SUPPORT)

HIGH_NOISE = "At high noise, models trained on disjoint data agree (largest N)"
LOW_NOISE = "At low noise they diverge (largest N)"
DATA = "A low-noise divergence is the data's: AB exceeds the seed floor AA' (largest N)"
PATH = "The two reverse processes end further apart at low noise (the paper's path L2, largest N)"
WITH_N = "More data, more agreement at low noise"
ATTRACTED = "Small training sets make training samples attractors; large ones do not"
ACROSS = "Models err across the data's long axes more than along them (anisotropic and curved mixtures, largest N)"
HARDER = "The score is learned worse on anisotropic and curved data than on isotropic data"
OBJECTIVES = "Reconstruction's advantage over score matching is larger in low density than in high density"
#: the results a cell's replicates pool (the others are the first replicate's)
POOLED = ("controls", "geometry")


def decide(iv, margin: float) -> str | None:
    """'for' | 'against' | 'undecided' for an [estimate, lower, upper] against ``margin``; None without one."""
    if iv is None or iv[1] is None or iv[2] is None:
        return None
    if iv[1] > margin:
        return "for"
    if iv[2] < margin:
        return "against"
    return "undecided"


def verdict(decisions: dict) -> tuple[str, dict]:
    """(verdict, counts) of {case: 'for' | 'against' | 'undecided' | None} by the rule of the module."""
    n = {k: sum(1 for v in decisions.values() if v == k) for k in ("for", "against", "undecided")}
    cases = sum(n.values())
    decided = n["for"] + n["against"]
    if cases == 0:
        return "no data", n
    if decided < DECIDED * cases:
        return "undecided", n
    share = n["for"] / decided
    return ("supported" if share >= SUPPORT else "not supported" if share <= 1 - SUPPORT else "mixed"), n


def shown(iv, digits: int = 3) -> str:
    """'0.812 [0.780, 0.840]': an estimate and its interval as the report prints them."""
    if iv is None or iv[0] is None:
        return "n/a"
    fmt = f"{{:.{digits}f}}"
    return fmt.format(iv[0]) + ("" if iv[1] is None else f" [{fmt.format(iv[1])}, {fmt.format(iv[2])}]")


# ------------------------------------------------------------------------------ pooling replicates
def pool_intervals(ivs, level: float = LEVEL) -> list | None:
    """[mean, lower, upper] of R [estimate, lower, upper] of independent replicates (the module's "Replicates");
    the replicates without an estimate are left out, and the interval is None where any lacks one."""
    ivs = [iv for iv in ivs if iv is not None and iv[0] is not None]
    if not ivs:
        return None
    r, z = len(ivs), z_of(level)
    mean = sum(iv[0] for iv in ivs) / r
    if any(iv[1] is None or iv[2] is None for iv in ivs):
        return [mean, None, None]
    within = (sum((iv[2] - iv[1]) / (2 * z) for iv in ivs) / r) ** 2
    between = statistics.variance([iv[0] for iv in ivs]) / r if r > 1 else 0.0
    se = math.sqrt(within + between)
    return [mean, mean - z * se, mean + z * se]


def _is_interval(x) -> bool:
    return isinstance(x, list) and len(x) == 3 and all(v is None or isinstance(v, (int, float)) for v in x) \
        and not isinstance(x[0], bool)


def _pool(values: list, level: float):
    """The replicates' values merged: intervals pooled, dicts and lists of rows merged item by item
    (rows in the same order: the same sigmas and eps), anything else the first replicate's."""
    first = values[0]
    if all(v == first for v in values):
        return first
    if _is_interval(first) and all(v is None or _is_interval(v) for v in values):
        return pool_intervals(values, level)
    if isinstance(first, dict) and all(isinstance(v, dict) for v in values):
        return {k: _pool([v.get(k) for v in values], level) for k in first}
    if isinstance(first, list) and all(isinstance(v, list) and len(v) == len(first) for v in values):
        return [_pool(list(items), level) for items in zip(*values)]
    return first


def pool_replicates(cells, level: float = LEVEL) -> list:
    """The cells with each (dataset, N, variant)'s replicates pooled into one (the first replicate's, its
    controls pooled, with ``replicates``: how many); cells without replicates are returned as they are."""
    groups = _by(cells, "dataset", "n", "variant")
    out = []
    for cs in groups.values():
        if len(cs) == 1:
            out.append(cs[0])
            continue
        pooled = {}
        for k in POOLED:
            got = [c[k] for c in cs if c.get(k)]
            pooled[k] = _pool(got, level) if got else None
        out.append({**cs[0], **pooled, "replicates": len(cs)})
    return out


# ------------------------------------------------------------------------------ reading a cell
def controls(c) -> dict | None:
    return c.get("controls")


def row(c, sigma) -> dict | None:
    """The controls' row of a cell at ``sigma``."""
    ctl = controls(c)
    return None if not ctl else next((r for r in ctl["divergence"]["rows"] if abs(r["sigma"] - sigma) < 1e-12), None)


def contrast(c, name):
    ctl = controls(c)
    return None if not ctl else ctl["divergence"]["contrasts"].get(name)


def attractor_row(c, eps=None) -> dict | None:
    """The controls' attractor row at ``eps`` (the smallest when None)."""
    ctl = controls(c)
    if not ctl or not ctl.get("attractors"):
        return None
    rows = sorted(ctl["attractors"], key=lambda r: r["eps"])
    return rows[0] if eps is None else next((r for r in rows if r["eps"] == eps), None)


def sigma_range(c) -> tuple:
    d = controls(c)["divergence"]
    return d["sigma_max"], d["sigma_min"]


# ------------------------------------------------------------------------------ the claims
def case_mean(values, level: float = LEVEL) -> list | None:
    """[mean, lower, upper] over a claim's cases of their [estimate, lower, upper]: the mean of the estimates,
    with the normal interval of a mean of independent cases, se^2 = sum_i se_i^2 / k^2 (se_i from each case's
    interval, as in "Replicates"); None without an estimate, no interval where a case has none."""
    ivs = [iv for iv in values if iv is not None and iv[0] is not None]
    if not ivs:
        return None
    if any(iv[1] is None or iv[2] is None for iv in ivs):
        return [sum(iv[0] for iv in ivs) / len(ivs), None, None]
    return linear([(1 / len(ivs), iv) for iv in ivs], level)


def _claim(expectation, measure, how, decisions: dict, values, margin_words) -> tuple:
    """One row of the verdicts table: (expectation, measure, these runs, verdict, the cases' mean, the margin
    words, the counts); the table shows the first four."""
    v, n = verdict(decisions)
    m = sum(n.values())
    mean = case_mean(list(values))
    shown_mean = f"; mean {shown(mean)}" if mean else ""
    return (expectation, measure, f"{how} {margin_words}: {n['for']} for, {n['against']} against, "
            f"{n['undecided']} undecided of {m}{shown_mean}", v, mean, margin_words, n)


def _cell_claims(big, scope) -> list:
    """High-noise agreement, low-noise divergence, attribution and the path L2, per cell at the largest N."""
    specs = (
        (HIGH_NOISE, "cosine at the largest sigma", lambda c: (row(c, sigma_range(c)[0]) or {}).get("cos_ab"),
         AGREE_COS, f"> {AGREE_COS}"),
        (LOW_NOISE, "cosine, largest to smallest sigma", lambda c: contrast(c, "cos_drop"), COS_MARGIN,
         f"falls by > {COS_MARGIN}"),
        (LOW_NOISE, "||eps_A - eps_B|| / ||eps*||", lambda c: contrast(c, "div_growth"), 1 + DIST_MARGIN,
         f"grows by > {DIST_MARGIN:.0%} (mixtures)"),
        (DATA, "cosine: cos(A, A') - cos(A, B)", lambda c: contrast(c, "floor_cos"), COS_MARGIN,
         f"> {COS_MARGIN} at the smallest sigma"),
        (DATA, "||eps_A - eps_B|| / ||eps_A - eps_A'||", lambda c: contrast(c, "floor_ratio"), 1 + DIST_MARGIN,
         f"> {1 + DIST_MARGIN:g} at the smallest sigma"),
        (PATH, "path L2, largest to smallest sigma", lambda c: contrast(c, "path_growth"), 1 + DIST_MARGIN,
         f"grows by > {DIST_MARGIN:.0%}"),
        (PATH, "path L2 AB / AA'", lambda c: contrast(c, "path_floor"), 1 + DIST_MARGIN,
         f"> {1 + DIST_MARGIN:g} at the smallest sigma"))
    out = []
    for expectation, measure, get, margin, words in specs:
        values = {cell_key(c): get(c) for c in big}
        decisions = {k: decide(v, margin) for k, v in values.items() if decide(v, margin) is not None}
        if decisions:
            out.append(_claim(expectation, measure, f"{scope},", decisions, values.values(), words))
    return out


def _n_pairs(cells) -> list:
    """[(cell at the smallest N > 1, or N = 1 when there is no other; cell at the largest N)] per (dataset, variant)."""
    pairs = []
    for cs in _by(cells, "dataset", "variant").values():
        cs = sorted(cs, key=lambda c: c["n"])
        above_one = [c for c in cs if c["n"] > 1]
        cs = above_one if len(above_one) > 1 else cs
        if len(cs) >= 2:
            pairs.append((cs[0], cs[-1]))
    return pairs


def _pair_claims(cells) -> list:
    """More data, more agreement; and attractors: the smallest N against the largest, per (dataset, variant)."""
    pairs = _n_pairs(cells)

    def lo_row(c):
        return row(c, sigma_range(c)[1]) or {}
    att = {}
    specs = (
        (WITH_N, "cosine at the smallest sigma", lambda s, b: difference(lo_row(b).get("cos_ab"),
                                                                      lo_row(s).get("cos_ab"), LEVEL),
         COS_MARGIN, f"rises by > {COS_MARGIN}"),
        (WITH_N, "memorisation index", lambda s, b: difference(contrast(s, "mem_index"), contrast(b, "mem_index"), LEVEL),
         MEM_MARGIN, f"falls by > {MEM_MARGIN}"),
        (ATTRACTED, "attracted fraction (returned, start not already)",
         lambda s, b: difference((attractor_row(s) or att).get("attracted"), (attractor_row(b) or att).get("attracted"),
                                 LEVEL), ATTRACT_MARGIN, f"falls by > {ATTRACT_MARGIN}"))
    out = []
    for expectation, measure, get, margin, words in specs:
        values = {f"{s['dataset']}/{s['variant']}": get(s, b) for s, b in pairs}
        decisions = {k: decide(v, margin) for k, v in values.items() if decide(v, margin) is not None}
        if decisions:
            out.append(_claim(expectation, measure, "(dataset, variant) pairs, smallest N to largest,", decisions,
                              values.values(), words))
    return out


# ------------------------------------------------------------------------------ geometry and objectives
def geometry_row(c, sigma=None) -> dict | None:
    """The cell's geometry row at ``sigma`` (the smallest when None)."""
    rows = (c.get("geometry") or {}).get("rows") or []
    if not rows:
        return None
    return min(rows, key=lambda r: r["sigma"]) if sigma is None else \
        next((r for r in rows if abs(r["sigma"] - sigma) < 1e-12), None)


def log_interval(iv) -> list | None:
    """[ln estimate, ln lower, ln upper] of a positive interval; None otherwise."""
    if iv is None or any(x is None or x <= 0 for x in iv):
        return None
    return [math.log(x) for x in iv]


def linear(terms, level: float = LEVEL) -> list | None:
    """sum_i w_i X_i of independent intervals [(w, [estimate, lower, upper])], by the normal approximation
    (each se from its interval's width, as tinyscore.core.bootstrap.difference)."""
    if not terms or any(iv is None for _, iv in terms):
        return None
    z = z_of(level)
    est = sum(w * iv[0] for w, iv in terms)
    se = math.sqrt(sum((w * (iv[2] - iv[1]) / (2 * z)) ** 2 for w, iv in terms))
    return [est, est - z * se, est + z * se]


def _geometry_claims(ok, big, scope) -> list:
    """Across the spans more than along them (the largest N); worse than on the isotropic data (every N)."""
    out = []
    spanned = [c for c in big if (geometry_row(c) or {}).get("norm_over_tan")]
    if spanned:
        values = {cell_key(c): geometry_row(c)["norm_over_tan"] for c in spanned}
        decisions = {k: decide(v, 1 + DIST_MARGIN) for k, v in values.items() if decide(v, 1 + DIST_MARGIN)}
        if decisions:
            out.append(_claim(ACROSS, "relative score error across / along the span", f"{scope},", decisions,
                              values.values(), f"> {1 + DIST_MARGIN:g} at the smallest sigma"))
    iso = {(c["n"], c["variant"]): c for c in ok if geometry_row(c) and "norm_over_tan" not in geometry_row(c)}
    values = {}
    for c in ok:
        row, partner = geometry_row(c), iso.get((c["n"], c["variant"]))
        if row and "norm_over_tan" in row and partner is not None:
            values[f"{cell_key(c)} vs {partner['dataset']}"] = linear(
                [(1, log_interval(row.get("rel"))), (-1, log_interval(geometry_row(partner).get("rel")))])
    margin = math.log(1 + DIST_MARGIN)
    decisions = {k: decide(v, margin) for k, v in values.items() if decide(v, margin)}
    if decisions:
        out.append(_claim(HARDER, "ln(relative score error / the isotropic dataset's)",
                          "counted cells against the isotropic dataset's of the same N and variant,", decisions,
                          values.values(), f"> ln {1 + DIST_MARGIN:g} at the smallest sigma"))
    return out


def _objective_claims(ok) -> list:
    """The interaction: ln(rel_rec / rel_sm) in the lowest-density bin against the same in the highest, per
    (dataset, N, sigma) and (reconstruction, score-matching) pair of counted cells; for when it is below
    -ln(1 + DIST_MARGIN) (reconstruction gains more in low density)."""
    values = {}
    for cs in _by([c for c in ok if c.get("geometry")], "dataset", "n").values():
        recs = [c for c in cs if c["variant"] in RECONSTRUCTION]
        sms = [c for c in cs if c["variant"] in SCORE_MATCHING]
        for r in recs:
            for m in sms:
                for row_r in r["geometry"]["rows"]:
                    row_m = geometry_row(m, row_r["sigma"])
                    if not row_m or len(row_r.get("rel_bins") or []) < 2:
                        continue
                    lo_r, hi_r = row_r["rel_bins"][0], row_r["rel_bins"][-1]
                    lo_m, hi_m = row_m["rel_bins"][0], row_m["rel_bins"][-1]
                    values[f"{r['dataset']}/n{r['n']} {r['variant']}-{m['variant']}@{row_r['sigma']:g}"] = linear(
                        [(-1, log_interval(lo_r)), (1, log_interval(lo_m)), (1, log_interval(hi_r)),
                         (-1, log_interval(hi_m))])
    margin = math.log(1 + DIST_MARGIN)
    decisions = {k: decide(v, margin) for k, v in values.items() if decide(v, margin)}
    if not decisions:
        return []
    return [_claim(OBJECTIVES, "ln(rel_sm / rel_rec) lowest bin - the same highest bin",
                   "(dataset, N, sigma, reconstruction-score matching) pairs of counted cells,", decisions,
                   values.values(), f"> ln {1 + DIST_MARGIN:g}")]


def evidence_claims(cells, ok_keys, detail: bool = False) -> list:
    """The verdicts table: [(expectation, measure, these runs, verdict)] over the counted cells with controls;
    ``detail``: each row also with the mean over its cases [estimate, lower, upper] (:func:`case_mean`), the
    margin in words and the counts {for, against, undecided}."""
    rows = _evidence_rows(cells, ok_keys)
    return rows if detail else [r[:4] for r in rows]


def _evidence_rows(cells, ok_keys) -> list:
    with_ctl = [c for c in cells if controls(c)]
    ok = pool_replicates([c for c in with_ctl if cell_key(c) in ok_keys])
    with_ctl = pool_replicates(with_ctl)
    if not ok:
        return []
    big, label = _largest_n(with_ctl, ok)
    left = len(with_ctl) - len(ok)
    scope = f"counted cells with {label}" + (f" ({left} not counted left out)" if left else "")
    return _cell_claims(big, scope) + _pair_claims(ok) + _geometry_claims(ok, big, scope) + _objective_claims(ok)
