#!/usr/bin/env python3
"""Prints Firstline's benches beside the peers' runs of the same grid and
room, with the ratios. Reads the peers' JSON lines (argument files) and
criterion's medians (`$CARGO_TARGET_DIR/criterion/<group>/<bench>/new/
estimates.json`, written by the `cargo bench` run.sh has just made).
Exits 1 when a figure is missing, so a half run never prints a ratio.
"""
import json, os, pathlib, sys

# Elements per iteration of each of our benches (their `Throughput`).
OURS = {
    "flood_step/step_512x512": (512 * 512, "cell-updates", 0.0),
    "crowd_step/room_5k": (5_000, "walker-steps", 0.5),
}


def criterion_median(target, bench):
    group, name = bench.split("/")
    est = pathlib.Path(target) / "criterion" / group / name / "new" / "estimates.json"
    if not est.exists():
        sys.exit(f"error: {est} is missing: run the bench first")
    return json.loads(est.read_text())["median"]["point_estimate"] * 1e-9


def main():
    target = os.environ.get("CARGO_TARGET_DIR") or str(pathlib.Path.home() / ".cache/firstline-target")
    peers = [json.loads(line) for f in sys.argv[1:] for line in pathlib.Path(f).read_text().splitlines() if line.strip()]
    if not peers:
        sys.exit("error: no peer figures given")
    for p in peers:
        elements, unit, our_dt = OURS[p["bench"]]
        ours = elements / criterion_median(target, p["bench"])
        print(f"{p['bench']} (M {unit} per second; median)")
        print(f"  {'Firstline':<40} {ours / 1e6:>9.3f}")
        print(f"  {p['peer'] + ' ' + p['version']:<40} {p['per_s'] / 1e6:>9.3f}   ours / theirs {ours / p['per_s']:.1f}x")
        if our_dt > 0:
            # Steps of different lengths: walker-seconds simulated per wall second.
            a, b = ours * our_dt, p["per_s"] * p["dt_s"]
            print(f"  walker-seconds simulated per second (steps of {our_dt} s and {p['dt_s']} s): "
                  f"{a / 1e6:.3f} M and {b / 1e6:.4f} M, ours / theirs {a / b:.0f}x")

if __name__ == "__main__":
    main()
