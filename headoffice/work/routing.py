"""Route order from coordinates: nearest neighbour from a start point, then 2-opt."""

from __future__ import annotations

from collections.abc import Sequence
from math import asin, cos, radians, sin, sqrt

Point = tuple[float, float]  # (lat, lon) in degrees

_EARTH_KM = 6371.0


def km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * asin(min(1.0, sqrt(h)))


def route_length(start: Point, points: Sequence[Point], order: Sequence[int]) -> float:
    """Kilometres walked from the start through the points in this order (no return leg)."""
    total, here = 0.0, start
    for index in order:
        total += km(here, points[index])
        here = points[index]
    return total


def plan_route(start: Point, points: Sequence[Point], max_rounds: int = 50) -> list[int]:
    """An order of visiting the points from start: nearest neighbour, improved by 2-opt.

    An open path (the collector does not come back to the start), so 2-opt
    also considers reversing the tail. Deterministic: ties keep input order.
    """
    if len(points) < 2:
        return list(range(len(points)))
    left = list(range(len(points)))
    order: list[int] = []
    here = start
    while left:
        nearest = min(left, key=lambda i: km(here, points[i]))
        left.remove(nearest)
        order.append(nearest)
        here = points[nearest]
    nodes = [start, *(points[i] for i in order)]
    path = list(range(len(nodes)))  # 0 is the start and stays first
    for _ in range(max_rounds):
        improved = False
        for i in range(1, len(path) - 1):
            for j in range(i + 1, len(path)):
                a, b = nodes[path[i - 1]], nodes[path[i]]
                c = nodes[path[j]]
                d = nodes[path[j + 1]] if j + 1 < len(path) else None
                before = km(a, b) + (km(c, d) if d else 0.0)
                after = km(a, c) + (km(b, d) if d else 0.0)
                if after < before - 1e-9:
                    path[i : j + 1] = reversed(path[i : j + 1])
                    improved = True
        if not improved:
            break
    return [order[k - 1] for k in path[1:]]
