#!/usr/bin/env python3
"""Landlab's OverlandFlow (de Almeida et al. 2012 local-inertial, the
scheme Firstline's default flood step is) on the grid of Firstline's
`flood_step` bench (benches/flood_step.rs, `valley()`): 512 x 512 cells of
5 m, a valley sloping 0.002 north to south with a meandering 15 m river
2 m deep, water to a surface 3.2 m + 0.001 y, Manning n 0.04, the south
edge open and the others closed. Steps at the bench's step (alpha 0.5 of
dx / sqrt(g h_max), the drills' alpha; theta 0.8 as the drills' default)
and prints one JSON line: cell-updates per second (cells x steps over the
median time of a step, as criterion reports ours).

Run by tools/peers/run.sh inside its virtualenv.
"""
import json, math, statistics, sys, time

import numpy as np
from landlab import RasterModelGrid
from landlab.components import OverlandFlow

N, DX = 512, 5.0
WARM, STEPS, REPEATS = 3, 10, 5


def valley():
    grid = RasterModelGrid((N, N), xy_spacing=DX)
    x, y = grid.x_of_node, grid.y_of_node
    d = np.abs(x - 1280.0 - 80.0 * np.sin(y / 300.0))
    z = 0.002 * y + 0.000004 * d * d - np.where(d < 15.0, 2.0, 0.0)
    grid.add_field("topographic__elevation", z, at="node")
    h = np.maximum(3.2 + 0.002 * y * 0.5 - z, 0.0)
    grid.add_field("surface_water__depth", h, at="node")
    # Landlab's order: right, top, left, bottom (True = closed).
    grid.set_closed_boundaries_at_grid_edges(True, True, True, False)
    return grid, h


def main():
    grid, h = valley()
    wet = int((h > 0).sum())
    assert wet * 2 > h.size, f"at least half the cells wet ({wet})"
    dt = 0.5 * DX / math.sqrt(9.80665 * h.max())
    of = OverlandFlow(grid, mannings_n=0.04, alpha=0.5, theta=0.8, steep_slopes=True)
    # overland_flow(dt) cuts dt into its own stable steps: ask for no more
    # than one, so that a call is one step (as an iteration of our bench is).
    def one_step():
        of.overland_flow(dt=min(dt, of.calc_time_step()))

    for _ in range(WARM):
        one_step()
    per_step = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(STEPS):
            one_step()
        per_step.append((time.perf_counter() - t0) / STEPS)
    med = statistics.median(per_step)
    print(json.dumps({
        "peer": "Landlab OverlandFlow",
        "bench": "flood_step/step_512x512",
        "version": __import__("landlab").__version__,
        "elements": N * N,
        "unit": "cell-updates",
        "median_s": med,
        "per_s": N * N / med,
        "dt_s": dt,
    }))


if __name__ == "__main__":
    sys.exit(main())
