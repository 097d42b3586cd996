"""The study's report, kept under its old name: it now lives in tinyscore.study.

``tinyscore.study.findings`` computes the verdicts from the cells' numbers and
``tinyscore.study.report`` writes REPORT.md, one function per section. This module re-exports their
public names so that ``from tinyscore.report import write_report`` (and ``findings``, ``SECTIONS``...)
keeps working.
"""
from .study.findings import (AGREE_COS, AGREE_EPS, COS_MARGIN, DIST_MARGIN, DIV_MEASURES, cell_key,
                             convergence_of, findings, split_by_convergence)
from .study.report import SECTIONS, convergence_section, write_report

__all__ = ["AGREE_COS", "AGREE_EPS", "COS_MARGIN", "DIST_MARGIN", "DIV_MEASURES", "SECTIONS", "cell_key",
           "convergence_of", "convergence_section", "findings", "split_by_convergence", "write_report"]
