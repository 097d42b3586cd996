"""The committed study reports are regenerated, number for number, from the results committed beside them.

docs/study-*/REPORT.md must be what ``reproduce --report-only`` writes from the ``results.json`` in the
same folder (issue: auditable results): nobody edits a committed report by hand, and a change of the
report code that would change a committed report shows up here. The run's folder is the only
difference allowed (the report names the ``--out`` it was written to).
"""
import shutil
from pathlib import Path

import pytest

from tinyscore.study import run as srun

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMMITTED = sorted(p.parent for p in DOCS.glob("study-*/results.json"))


def test_there_is_a_committed_result_set():
    assert COMMITTED, "no docs/study-*/results.json: commit the results beside each REPORT.md"


@pytest.mark.parametrize("folder", COMMITTED, ids=lambda p: p.name)
def test_report_is_regenerated_from_its_results(folder, tmp_path):
    scale = folder.name.split("-", 1)[1]
    out = tmp_path / scale
    out.mkdir()
    shutil.copy(folder / "results.json", out / "results.json")
    srun.reproduce(out, scale=scale, report_only=True, progress=False, echo=lambda *a: None)
    made = (out / "REPORT.md").read_text().replace(str(out), f"results/{scale}")
    assert made == (folder / "REPORT.md").read_text()
