r"""The convergence gate that measures the model: each cell's state against exact floors, and whether
its decision metric has stopped moving (issue 22, item 4).

A held-out loss is dominated by the noise no model can remove, so "the loss moved <= 1%" says little
about the model. The gate reads instead each model's distance from two exact floors:

    gap_true = excess_held / (L_held - excess_held)     its excess held-out loss over the analytic optimum
                                                        D*, relative to the optimum's own loss (mixtures:
                                                        stats.jsonl's heldout and heldout_excess)
    gap_mem  = excess_train / L_emp                     its excess training loss over the empirical optimum
                                                        (the memoriser of its N points, which minimises the
                                                        training objective), relative to that optimum's loss

and the decision metric m (e.g. cos(A, B) at the smallest sigma, [estimate, lower, upper]) at the saved
checkpoints, say 50%, 75% and 100% of training:

    stopped  <=>  every earlier checkpoint's estimate lies inside the last checkpoint's interval,
                  widened by STOP_TOL (study.margins) on each side

The interval says how sure the last estimate is over the probes; STOP_TOL (half the cosine margin the
verdicts use) says which movement matters: with 2,048 probes the interval of a cosine near 1 is a few
thousandths wide, narrower than any change a verdict reads.

A cell (its models A, B and A' together: a floor is reached when every model is within FLOOR_GAP of it,
study.margins) is named

    still moving   the metric has not stopped
    generalising   stopped, every model at the analytic optimum           (gap_true <= FLOOR_GAP)
    memorising     stopped, every model at its memoriser                  (gap_mem <= FLOOR_GAP): it counts
    at both floors stopped, every model within FLOOR_GAP of both, neither clearly nearer (the larger
                   of the two largest gaps under BOTH_RATIO times the smaller): the two optima are alike
                   on these problems (large N); where one is clearly nearer, the cell takes that one
    stuck          stopped, no model near either floor (every measured gap above FLOOR_GAP)
    stopped        stopped, otherwise: no floor measured, or some models near a floor and some not
    no record      fewer than two checkpoints of the metric

and the verdicts count every cell whose metric has stopped (:func:`counted`), whatever its floor.
"""
from __future__ import annotations

from tinyscore.study.margins import FLOOR_GAP, STOP_TOL

STATES = ("generalising", "memorising", "at both floors", "still moving", "stuck", "stopped", "no record")
#: within both floors, one is clearly nearer when its largest gap is under 1 / BOTH_RATIO of the other's
BOTH_RATIO = 2.0


def relative_gap(loss, excess) -> float | None:
    """excess / (loss - excess): the excess over a floor relative to the floor's own loss; None when unknown."""
    if not isinstance(loss, (int, float)) or not isinstance(excess, (int, float)) or loss - excess <= 0:
        return None
    return float(excess) / float(loss - excess)


def model_gaps(rows, train_loss=None, train_excess=None) -> dict:
    """{"true": gap_true, "memoriser": gap_mem} of one model: gap_true from its stats.jsonl rows (the last
    with ``heldout`` and ``heldout_excess``), gap_mem from its training loss and its excess over the
    empirical optimum's, where measured (None otherwise)."""
    true = next((g for g in (relative_gap(r.get("heldout"), r.get("heldout_excess")) for r in reversed(list(rows)))
                 if g is not None), None)
    return {"true": true, "memoriser": relative_gap(train_loss, train_excess)}


def metric_stopped(checkpoints, tol: float = STOP_TOL) -> bool | None:
    """Whether the decision metric has stopped moving: [(fraction of training, [estimate, lower, upper])],
    every earlier estimate inside the last interval widened by ``tol``; None with fewer than two checkpoints
    or no interval."""
    pts = sorted((f, iv) for f, iv in checkpoints if iv is not None and iv[0] is not None)
    if len(pts) < 2 or pts[-1][1][1] is None:
        return None
    _, (_, lo, hi) = pts[-1]
    return all(lo - tol <= iv[0] <= hi + tol for _, iv in pts[:-1])


def cell_state(models: dict, checkpoints, floor_gap: float = FLOOR_GAP) -> str:
    """One cell's state (the module's table) from {model: model_gaps(...)} and the metric's checkpoints."""
    stopped = metric_stopped(checkpoints)
    if stopped is None:
        return "no record"
    if not stopped:
        return "still moving"
    gaps = list(models.values())
    reached = {name: max(g[floor] for g in gaps) for floor, name in (("true", "generalising"),
                                                                       ("memoriser", "memorising"))
               if gaps and all(g.get(floor) is not None and g[floor] <= floor_gap for g in gaps)}
    if len(reached) == 2:
        near, far = sorted(reached, key=reached.get)
        return near if reached[far] > BOTH_RATIO * reached[near] else "at both floors"
    if reached:
        return next(iter(reached))
    measured = [g[f] for g in gaps for f in ("true", "memoriser") if g.get(f) is not None]
    return "stuck" if measured and all(m > floor_gap for m in measured) else "stopped"


def counted(states: dict) -> list:
    """The cells the verdicts count: every one whose metric has stopped moving (all but still moving and no record)."""
    return [k for k, s in states.items() if s not in ("still moving", "no record")]


# ------------------------------------------------------------------------------ a study cell's record
def record_state(record: dict | None) -> tuple[str, dict]:
    """(state, {model: gaps}) of a cell from its convergence step's result (tinyscore.analyses.convergence):
    the decision metric cos(A, B) at the smallest sigma at each kept checkpoint, the memoriser gaps of the
    last checkpoint, the truth gaps its training logged. "no record" when the cell has none."""
    if not isinstance(record, dict) or not record.get("checkpoints"):
        return "no record", {}
    rows = sorted(record["checkpoints"], key=lambda r: r["fraction"])
    last = rows[-1]
    models = {}
    for h, g in last.get("models", {}).items():
        truth = (record.get("truth") or {}).get(h)
        models[h] = model_gaps([truth] if truth else [], g.get("train_loss"), g.get("train_excess"))
    return cell_state(models, [(r["fraction"], r.get("cos_ab")) for r in rows]), models
