#!/usr/bin/env python3
"""JuPedSim (collision-free speed model, Tordeux et al. 2016) in the room of
Firstline's `crowd_step/room_5k` bench (benches/crowd_step.rs, `room()`):
5,000 walkers on distinct points of a 0.5 m lattice in a 100 m x 100 m hall
(1 m from the walls), desired speeds 1.2-1.5 m/s, leaving by a 4 m door in the middle
of the east wall down a 20 m corridor to an exit 5 m deep. Walks them 10 s,
then times steps at JuPedSim's own step (0.01 s) and prints one JSON line:
walker-steps per second over the median time of a step, and walker-seconds
simulated per second of wall time (steps differ: ours are 0.5 s).

Run by tools/peers/run.sh inside its virtualenv.
"""
import json, random, statistics, sys, time

import jupedsim as jps
from shapely import Polygon

WALKERS, DT = 5_000, 0.01
WARM_S, STEPS, REPEATS = 10.0, 50, 5


def main():
    area = Polygon([(0, 0), (100, 0), (100, 48), (120, 48), (120, 52), (100, 52), (100, 100), (0, 100)])
    sim = jps.Simulation(model=jps.CollisionFreeSpeedModel(), geometry=area, dt=DT)
    exit_id = sim.add_exit_stage(Polygon([(115, 48), (120, 48), (120, 52), (115, 52)]))
    journey = sim.add_journey(jps.JourneyDescription([exit_id]))
    rng = random.Random(7)
    # Distinct points of a 0.5 m lattice 1-99 m across, as the bench places
    # them: discs of 0.2 m radius never overlap.
    lattice = [(1.0 + 0.5 * i, 1.0 + 0.5 * j) for i in range(197) for j in range(197)]
    for x, y in rng.sample(lattice, WALKERS):
        sim.add_agent(jps.CollisionFreeSpeedModelAgentParameters(
            journey_id=journey, stage_id=exit_id, position=(x, y),
            desired_speed=1.2 + 0.3 * rng.random(), radius=0.2))
    for _ in range(int(WARM_S / DT)):
        sim.iterate()
    per_step = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(STEPS):
            sim.iterate()
        per_step.append((time.perf_counter() - t0) / STEPS)
    med = statistics.median(per_step)
    walkers = sim.agent_count()
    assert walkers > WALKERS * 9 // 10, f"still in the room: {walkers}"
    print(json.dumps({
        "peer": "JuPedSim CollisionFreeSpeedModel",
        "bench": "crowd_step/room_5k",
        "version": jps.__version__,
        "elements": walkers,
        "unit": "walker-steps",
        "median_s": med,
        "per_s": walkers / med,
        "dt_s": DT,
    }))


if __name__ == "__main__":
    sys.exit(main())
