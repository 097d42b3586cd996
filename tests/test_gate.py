"""The convergence gate: planted stats and checkpoint metrics give the states they were built for."""
import pytest

from tinyscore.study import gate
from tinyscore.study.margins import FLOOR_GAP


def rows(heldout, excess):
    """stats.jsonl rows whose last held-out loss is ``heldout`` with ``excess`` over the analytic optimum."""
    return [{"step": 10, "loss": 2.0, "heldout_ema": 1.9}, {"step": 20, "loss": 1.9, "heldout": heldout,
                                                            "heldout_excess": excess}]


STILL = [(0.5, [0.95, 0.94, 0.96]), (0.75, [0.9, 0.89, 0.91]), (1.0, [0.8, 0.79, 0.81])]
FLAT = [(0.5, [0.801, 0.7, 0.9]), (0.75, [0.799, 0.7, 0.9]), (1.0, [0.8, 0.79, 0.81])]


def test_relative_gap_is_the_excess_over_the_floors_own_loss():
    # the uniform/ncsn/N = 1000: 0.0036 over a held-out loss of 1.70 is 0.2% of the optimum's loss
    assert gate.relative_gap(1.70, 0.0036) == pytest.approx(0.0036 / 1.6964)
    assert gate.relative_gap(1.0, 1.0) is None and gate.relative_gap(None, 0.1) is None
    assert gate.model_gaps(rows(1.7, 0.0036))["true"] == pytest.approx(0.0036 / 1.6964)
    assert gate.model_gaps(rows(1.7, 0.0036), train_loss=0.5, train_excess=0.25)["memoriser"] == pytest.approx(1.0)
    assert gate.model_gaps([{"step": 1, "heldout_ema": 1.0}]) == {"true": None, "memoriser": None}


def test_the_metric_stops_when_earlier_checkpoints_lie_in_the_last_interval():
    assert gate.metric_stopped(FLAT) is True and gate.metric_stopped(STILL) is False
    assert gate.metric_stopped(FLAT[-1:]) is None and gate.metric_stopped([(1.0, [0.8, None, None]), (0.5, [0.8] * 3)]) is None
    # the order of the checkpoints does not matter: the last is the one trained longest
    assert gate.metric_stopped(list(reversed(STILL))) is False


@pytest.mark.parametrize("models,checkpoints,state", [
    ({"a": {"true": 0.01, "memoriser": 3.0}, "b": {"true": 0.02, "memoriser": 2.0}}, FLAT, "generalising"),
    ({"a": {"true": 2.0, "memoriser": 0.001}, "b": {"true": 1.5, "memoriser": 0.01}}, FLAT, "memorising"),
    ({"a": {"true": 2.0, "memoriser": 0.001}, "b": {"true": 1.5, "memoriser": 0.01}}, STILL, "still moving"),
    ({"a": {"true": 63.0, "memoriser": None}, "b": {"true": 40.0, "memoriser": None}}, FLAT, "stuck"),
    ({"a": {"true": None, "memoriser": None}}, FLAT, "stopped"),
    ({"a": {"true": 0.01, "memoriser": None}, "b": {"true": 0.5, "memoriser": None}}, FLAT, "stopped"),
    ({"a": {"true": 0.01, "memoriser": None}}, FLAT[:1], "no record"),
])
def test_planted_cells_get_their_state(models, checkpoints, state):
    assert gate.cell_state(models, checkpoints) == state


def test_the_floor_gap_is_the_margin_and_the_verdicts_count_every_stopped_cell():
    at = {"a": {"true": FLOOR_GAP, "memoriser": None}}
    above = {"a": {"true": FLOOR_GAP * 1.01, "memoriser": None}}
    assert gate.cell_state(at, FLAT) == "generalising" and gate.cell_state(above, FLAT) == "stuck"
    states = {"g": "generalising", "m": "memorising", "s": "still moving", "k": "stuck", "n": "no record"}
    assert gate.counted(states) == ["g", "m", "k"]
    # a memorising small-N cell, excluded by a gate on the held-out loss's flatness, counts here
    memo = gate.cell_state({"a": gate.model_gaps(rows(3.0, 1.5), train_loss=0.2, train_excess=0.001)}, FLAT)
    assert memo == "memorising" and gate.counted({"uniform/n10/ncsn": memo}) == ["uniform/n10/ncsn"]


def test_a_change_within_the_tolerance_is_stopped_and_one_beyond_it_is_not():
    from tinyscore.study.margins import STOP_TOL
    last = (1.0, [0.98, 0.978, 0.982])
    assert gate.metric_stopped([(0.75, [0.982 + 0.9 * STOP_TOL] * 3), last]) is True
    assert gate.metric_stopped([(0.75, [0.982 + 1.1 * STOP_TOL] * 3), last]) is False
    assert gate.metric_stopped([(0.75, [0.978 - 1.1 * STOP_TOL] * 3), last], tol=0.0) is False


def test_a_cell_at_both_floors_takes_the_clearly_nearer_one_or_says_both():
    both = {"a": {"true": 0.036, "memoriser": 0.014}, "b": {"true": 0.03, "memoriser": 0.015}}
    assert gate.cell_state(both, FLAT) == "memorising"
    assert gate.cell_state({"a": {"true": 0.01, "memoriser": 0.04}}, FLAT) == "generalising"
    # N = 10^5: the memoriser and the analytic optimum are alike; neither is clearly nearer
    assert gate.cell_state({"a": {"true": 0.002, "memoriser": 0.0019}}, FLAT) == "at both floors"
    assert gate.counted({"x": "at both floors"}) == ["x"]


def test_a_cells_record_gives_its_state_from_the_last_checkpoint_and_the_logged_truth():
    def cp(f, cos, excess):
        return {"fraction": f, "step": int(f * 100), "cos_ab": cos, "floor_cos": None,
                "models": {h: {"train_loss": 1.0, "train_excess": excess} for h in "ab"}}
    record = {"checkpoints": [cp(1.0, [0.8, 0.79, 0.81], 0.01), cp(0.5, [0.8, 0.7, 0.9], 0.9)],
              "truth": {"a": {"heldout": 2.0, "heldout_excess": 1.0}, "b": None}}
    state, models = gate.record_state(record)
    assert state == "memorising"               # the last checkpoint's gaps, not the first's
    assert models["a"] == {"true": pytest.approx(1.0), "memoriser": pytest.approx(0.01 / 0.99)}
    assert models["b"]["true"] is None
    record["checkpoints"][1]["cos_ab"] = [0.95, 0.94, 0.96]
    assert gate.record_state(record)[0] == "still moving"
    assert gate.record_state(None) == ("no record", {}) and gate.record_state({"checkpoints": []})[0] == "no record"


def test_the_verdicts_count_cells_by_the_gate_where_they_have_its_record_else_by_the_held_out_loss():
    from tinyscore.study.findings import counted_keys

    def record(cos_before, excess):
        cp = lambda f, cos: {"fraction": f, "step": 1, "cos_ab": cos, "floor_cos": None,
                             "models": {h: {"train_loss": 1.0, "train_excess": excess} for h in "ab"}}
        return {"checkpoints": [cp(0.5, [cos_before] * 3), cp(1.0, [0.5, 0.49, 0.51])], "truth": {}}
    cells = [{"key": "m", "gate": record(0.5, 0.001)},              # memorising: counts
             {"key": "s", "gate": record(0.9, 0.001)},              # still moving: does not
             {"key": "old", "convergence": {h: {"converged": True} for h in "ab"}},     # before the gate
             {"key": "old2", "convergence": {h: {"converged": False} for h in "ab"}}]
    ok, rule = counted_keys(cells)
    assert ok == {"m", "old"} and "gate" in rule and "held-out loss" in rule
    assert counted_keys(cells[:2])[1].startswith("the convergence gate")
