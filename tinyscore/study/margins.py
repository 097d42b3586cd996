"""The margins and thresholds of every verdict of the study, stated once.

tinyscore.study.evidence draws the verdicts from intervals against these margins (and says how);
tinyscore.study.findings uses the first four for its descriptive counts; the report prints them.
"""
#: a cosine counts as lower when it falls by more than this
COS_MARGIN = 0.02
#: a distance counts as larger when it grows by more than this fraction
DIST_MARGIN = 0.10
#: agreement at high noise: a cosine above this, or (the descriptive counts) noise predictions closer than
#: AGREE_EPS per coordinate
AGREE_COS = 0.9
AGREE_EPS = 0.2
#: the memorisation index falls by more than this from the smallest N to the largest
MEM_MARGIN = 0.10
#: the attracted fraction falls by more than this from the smallest N to the largest
ATTRACT_MARGIN = 0.10
#: a claim is decided when at least this fraction of its cases is decided ...
DECIDED = 0.5
#: ... and supported when at least this fraction of the decided cases is for (not supported at most 1 - SUPPORT)
SUPPORT = 0.75
#: the convergence gate (tinyscore.study.gate): a model is at a floor (the analytic optimum, the memoriser) when its
#: excess loss over that floor is at most this fraction of the floor's own loss
FLOOR_GAP = 0.05
#: ... and its decision metric has stopped moving when every earlier checkpoint's estimate lies inside the last one's
#: interval widened by this on each side: half the cosine margin, a change too small to move a verdict by itself
STOP_TOL = COS_MARGIN / 2
