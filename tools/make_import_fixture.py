#!/usr/bin/env python3
"""Cuts the `firstline import` test fixture (tests/data/import/) from two
public files and prints the reference heights the test checks against.

Sources (both kept by the GraphHopper project as its own test data,
github.com/graphhopper/graphhopper, core/files/):
- andorra.osm.pbf: OpenStreetMap data, (c) OpenStreetMap contributors, ODbL 1.0;
- N42E001.hgt.zip: SRTM3 v2.1 (3 arc-second) elevation tile of the USGS
  distribution, NASA/USGS, public domain.

Writes encamp.osm.pbf (every node inside the box, the ways touching it with
all their nodes, the relations all of whose member ways were kept) and
encamp_srtm3.tif (the tile's pixels round the box as a GeoTIFF: int16,
EPSG:4326, pixel-is-area, nodata -32768). Needs pyosmium, numpy, tifffile.

    python3 tools/make_import_fixture.py andorra.osm.pbf N42E001.hgt tests/data/import
"""
import struct
import sys
from pathlib import Path

import numpy as np
import osmium
import tifffile

BOX = (1.570, 42.528, 1.600, 42.545)  # west, south, east, north: Encamp, Valira d'Orient
MARGIN = 0.01  # degrees of elevation model round the box
TILE = (1.0, 43.0)  # the .hgt's north-west pixel centre (lon, lat)
STEP = 1.0 / 1200.0  # 3 arc-seconds
# Places the test checks (Encamp's centre, the slopes north-west, south-east
# and north-east), each moved to the middle of the four pixel centres round
# it: the imported height of the cell there must lie within those four.
POINTS = [(1.5837, 42.5360), (1.5750, 42.5420), (1.5950, 42.5300), (1.5880, 42.5435)]


def inside(lon, lat):
    w, s, e, n = BOX
    return w <= lon <= e and s <= lat <= n


def cut_osm(src, dst):
    keep_nodes, keep_ways = set(), set()

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            if any(inside(n.lon, n.lat) for n in w.nodes if n.location.valid()):
                keep_ways.add(w.id)
                keep_nodes.update(n.ref for n in w.nodes)

    Ways().apply_file(src, locations=True)
    dst.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(dst))

    class Copy(osmium.SimpleHandler):
        def node(self, n):
            if n.id in keep_nodes or inside(n.location.lon, n.location.lat):
                writer.add_node(n)

        def way(self, w):
            if w.id in keep_ways:
                writer.add_way(w)

        def relation(self, r):
            ways = [m.ref for m in r.members if m.type == "w"]
            if ways and all(x in keep_ways for x in ways) and all(m.type == "w" for m in r.members):
                writer.add_relation(r)

    Copy().apply_file(src)
    writer.close()


def cut_dem(hgt, dst):
    raw = np.frombuffer(Path(hgt).read_bytes(), dtype=">i2")
    n = int(round(len(raw) ** 0.5))
    z = raw.reshape(n, n).astype(np.int16)
    w, s, e, nn = BOX
    c0 = int(np.floor((w - MARGIN - TILE[0]) / STEP))
    c1 = int(np.ceil((e + MARGIN - TILE[0]) / STEP))
    r0 = int(np.floor((TILE[1] - nn - MARGIN) / STEP))
    r1 = int(np.ceil((TILE[1] - s + MARGIN) / STEP))
    crop = np.ascontiguousarray(z[r0 : r1 + 1, c0 : c1 + 1])
    # Pixel-is-area: the tie point is the north-west corner of pixel (c0, r0).
    west = TILE[0] + c0 * STEP - STEP / 2
    north = TILE[1] - r0 * STEP + STEP / 2
    keys = [1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326]
    tifffile.imwrite(
        dst,
        crop,
        extratags=[
            (33550, "d", 3, (STEP, STEP, 0.0), True),
            (33922, "d", 6, (0.0, 0.0, 0.0, west, north, 0.0), True),
            (34735, "H", len(keys), keys, True),
            (42113, "s", 0, "-32768", True),
        ],
        rowsperstrip=16,
    )
    print(f"dem {dst}: {crop.shape[1]} x {crop.shape[0]} px, {crop.min()}..{crop.max()} m")
    for lon, lat in POINTS:
        c, r = int(np.floor((lon - TILE[0]) / STEP)), int(np.floor((TILE[1] - lat) / STEP))
        mid = (TILE[0] + (c + 0.5) * STEP, TILE[1] - (r + 0.5) * STEP)
        around = [int(z[r + dr, c + dc]) for dr in (0, 1) for dc in (0, 1)]
        print(f"    ({mid[0]:.7f}, {mid[1]:.7f}, {min(around)}.0, {max(around)}.0), // pixels {around}")


if __name__ == "__main__":
    src, hgt, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    cut_osm(src, out / "encamp.osm.pbf")
    cut_dem(hgt, out / "encamp_srtm3.tif")
