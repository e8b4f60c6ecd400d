"""Survey scales: how many points CSAT and CES are asked on, and from which
answer on a response counts as satisfied (or easy)."""

from __future__ import annotations

from dataclasses import dataclass

# The usual "good" answers of each scale: top-two-box on 5 and 7 points, 9-10 on 10
SATISFIED_FROM = {5: 4, 7: 6, 10: 9}
EASY_FROM = {5: 4, 7: 5}  # the "agree" side of the scale


@dataclass(frozen=True)
class Scales:
    """Survey scales; they change the CSAT and CES calculators."""

    csat_points: int = 5
    csat_satisfied_from: int = 4
    ces_points: int = 5
    ces_easy_from: int = 4


DEFAULT_SCALES = Scales()
