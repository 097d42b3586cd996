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
