#!/usr/bin/env bash
# Firstline's kernels beside their peers, from one run on this machine:
# Landlab's OverlandFlow on the flood bench's grid and JuPedSim's
# collision-free speed model in the crowd bench's room (tools/peers/*.py),
# then our criterion benches of the same grid and room, then the ratios.
#
#   tools/peers/run.sh [--profile release|dev]
#
# Installs the peers (tools/peers/requirements.txt) with pip into a
# virtualenv at $FIRSTLINE_PEERS_VENV (default ~/.cache/firstline-peers);
# needs python3 with venv and PyPI. `--profile dev` uses the dev build
# (optimised at level 2) when no release build is cached; quote which.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=release
if [ "${1:-}" = "--profile" ]; then profile="${2:?--profile needs release or dev}"; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/firstline-target}"
venv="${FIRSTLINE_PEERS_VENV:-$HOME/.cache/firstline-peers}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r tools/peers/requirements.txt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "peers: Landlab OverlandFlow on 512 x 512 cells…" >&2
"$venv/bin/python" tools/peers/landlab_flood.py >"$out/landlab.jsonl"
echo "peers: JuPedSim in the 5,000-walker room…" >&2
"$venv/bin/python" tools/peers/jupedsim_room.py >"$out/jupedsim.jsonl"
echo "ours: cargo bench ($profile)…" >&2
cargo bench --profile "$profile" --bench flood_step -- 'flood_step/step_512x512$' >&2
cargo bench --profile "$profile" --bench crowd_step -- 'crowd_step/room_5k$' >&2
echo "machine: $(nproc) cores, $(uname -m); profile $profile" 
python3 tools/peers/compare.py "$out/landlab.jsonl" "$out/jupedsim.jsonl"
