"""Route order from coordinates: nearest neighbour and 2-opt."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from headoffice.work.routing import km, plan_route, route_length


def test_a_kilometre_is_a_kilometre():
    # One degree of latitude is about 111 km anywhere.
    assert abs(km((55.0, 12.0), (56.0, 12.0)) - 111.2) < 0.5
    assert km((55.0, 12.0), (55.0, 12.0)) == 0


def test_points_on_a_line_are_walked_in_order():
    points = [(55.0 + d / 100, 12.0) for d in (5, 1, 4, 2, 3)]
    order = plan_route((55.0, 12.0), points)
    assert [points[i][0] for i in order] == sorted(p[0] for p in points)


def test_two_opt_undoes_a_crossing_nearest_neighbour_makes():
    # Nearest neighbour from the start goes to the close point first and then
    # has to cross back; 2-opt finds the shorter walk.
    rng = random.Random(4)
    start = (55.0, 12.0)
    points = [(55.0 + rng.random() / 10, 12.0 + rng.random() / 10) for _ in range(30)]
    order = plan_route(start, points)
    assert sorted(order) == list(range(30))
    greedy = _nearest_neighbour(start, points)
    assert route_length(start, points, order) < route_length(start, points, greedy)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(54.5, 57.5), st.floats(8.0, 13.0)), min_size=0, max_size=25))
def test_the_plan_visits_every_stop_once_and_is_never_longer_than_greedy(points):
    start = (55.5, 10.5)
    order = plan_route(start, points)
    assert sorted(order) == list(range(len(points)))
    greedy = _nearest_neighbour(start, points)
    assert route_length(start, points, order) <= route_length(start, points, greedy) + 1e-6


def _nearest_neighbour(start, points):
    left, order, here = list(range(len(points))), [], start
    while left:
        nearest = min(left, key=lambda i: km(here, points[i]))
        left.remove(nearest)
        order.append(nearest)
        here = points[nearest]
    return order
