"""One source of defaults: the analysis sigmas and attractor eps are written out only in
``tinyscore.config``; every command's ``--sigmas`` / ``--eps`` and every library function's
``sigmas`` / ``eps`` default shows that value (so ``--help`` still prints the numbers)."""

import ast
import inspect
from pathlib import Path

import click

import cli
from tinyscore.analyses import accuracy, attractors, published, trajectories
from tinyscore import api, config as defaults
from tinyscore.core import dynamics

ROOT = Path(__file__).resolve().parents[1]


def _commands(group):
    for command in group.commands.values():
        yield from _commands(command) if isinstance(command, click.Group) else [command]


def test_cli_options_show_the_shared_defaults():
    expected = {"sigmas": defaults.ANALYSIS_SIGMAS, "eps": defaults.ATTRACTOR_EPS_TEXT}
    seen = set()
    for command in _commands(cli.cli):
        for param in command.params:
            if param.name in expected:
                assert param.default == expected[param.name], (command.name, param.name)
                assert param.show_default, (command.name, param.name)
                seen.add((command.name, param.name))
    assert {("trajectories", "sigmas"), ("score-error", "sigmas"), ("published", "sigmas"),
            ("attractors", "eps")} <= seen


def test_help_prints_the_values(capsys):
    assert cli.main(["trajectories", "--help"]) == 0
    assert defaults.ANALYSIS_SIGMAS in " ".join(capsys.readouterr().out.split())
    assert cli.main(["attractors", "--help"]) == 0
    assert defaults.ATTRACTOR_EPS_TEXT in " ".join(capsys.readouterr().out.split())


def test_library_functions_use_the_shared_defaults():
    for fn in (api.score_error, accuracy.score_error_by_density, trajectories.write_model_trajectories,
               published.study_published):
        assert inspect.signature(fn).parameters["sigmas"].default == defaults.ANALYSIS_SIGMAS, fn.__name__
    assert inspect.signature(api.run_attractors).parameters["eps"].default == defaults.ATTRACTOR_EPS_TEXT
    assert attractors.DEFAULT_EPS == defaults.ATTRACTOR_EPS
    assert attractors.parse_eps(defaults.ATTRACTOR_EPS_TEXT) == defaults.ATTRACTOR_EPS
    assert dynamics.DEFAULT_SIGMAS == dynamics.parse_sigmas(defaults.ANALYSIS_SIGMAS) == (1, 0.5, 0.25, 0.1, 0.05)


def _written_values(path: Path):
    """String and tuple literals of a source file, as (line, value) pairs."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value.replace(" ", "")
        elif isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) for e in node.elts):
            yield node.lineno, tuple(e.value for e in node.elts)


def test_the_values_are_written_out_once():
    sigmas, eps = defaults.ANALYSIS_SIGMAS, defaults.ATTRACTOR_EPS
    written = {sigmas, defaults.ATTRACTOR_EPS_TEXT, eps, tuple(float(s) for s in sigmas.split(","))}
    files = [ROOT / "cli.py", *sorted((ROOT / "tinyscore").rglob("*.py")), *sorted((ROOT / "kernels").rglob("*.py"))]
    again = [f"{path.relative_to(ROOT)} line {line}" for path in files if path.name != "config.py"
             for line, value in _written_values(path) if value in written]
    assert not again, "defaults written out again (import them from tinyscore.config): " + ", ".join(again)
