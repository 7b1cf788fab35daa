#!/usr/bin/env python3
"""Writes the three Qingshi township drills (scenarios/qingshi_*.ron).

青石镇 is a fictional river-valley township, 3 km x 3 km, with four villages
and about 2,900 residents. The township (map, villages, forces, roles) is the
same in every drill; each drill adds its hazard script, plans, injects,
gauges and rubric. Edit this file and re-run it rather than the .ron files:

    python3 tools/gen_qingshi.py

`--out DIR` writes them into DIR instead (CI compares that with the
committed files, so the script and the drills cannot drift apart).
"""
import math
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "scenarios"


def pts(points):
    return "[" + ", ".join(f"({x:.1f}, {y:.1f})" for x, y in points) + "]"


def text(zh, en):
    return f'(zh: "{zh}", en: "{en}")'


RIVER = [(1400, 3000), (1480, 2400), (1380, 1800), (1500, 1200), (1640, 600), (1560, 0)]

def dist_seg(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    l2 = dx * dx + dy * dy
    t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def dist_line(p, pts):
    return min(dist_seg(p, pts[k], pts[k + 1]) for k in range(len(pts) - 1))


OXBOW = [(1700, 1400), (1850, 1520), (2000, 1650)]
HILLS = [((2650.0, 2150.0), 140.0, 800.0), ((350.0, 1000.0), 90.0, 650.0)]


def ground(p):
    """Terrain elevation before river cutting: mirrors src/sim/terrain.rs."""
    z = 100.0 + 0.004 * p[1]
    d = dist_line(p, RIVER) / 1400.0
    if d < 1:
        z -= 25.0 * (1 - d * d)
    d = dist_line(p, OXBOW) / 220.0
    if d < 1:
        z -= 1.5 * (1 - d * d)
    for at, hgt, rad in HILLS:
        d = math.hypot(p[0] - at[0], p[1] - at[1]) / rad
        if d < 1:
            z += hgt * 0.5 * (1 + math.cos(math.pi * d))
    return z


def river_x(y):
    for (x0, y0), (x1, y1) in zip(RIVER, RIVER[1:]):
        if y1 <= y <= y0:
            return x0 + (x1 - x0) * (y - y0) / (y1 - y0)
    return RIVER[-1][0]


# The Dongwan polder dike: along the east bank 40 m from the river's centre
# line, its ends turned east until they meet ground higher than the crest.
DIKE = [(2500.0, 930.0)] + [(round(river_x(y) + 40.0, 1), float(y)) for y in range(950, 1951, 100)]
# One crest elevation: 2 m above the highest ground the river dike stands on.
DIKE_CREST = round(max(ground(p) for p in DIKE[1:]) + 2.0, 2)
# The polder's upstream cross-dike, tied into the east hill, keeps out the
# water that spreads over the floodplain upstream.
NORTH_DIKE = [DIKE[-1], (2150.0, 1990.0)]
NORTH_CREST = round(ground(DIKE[-1]) + 7.0, 2)
BREACH_AT = (round(river_x(1450) + 40.0, 1), 1450.0)
BREACH_BOTTOM = round(ground(BREACH_AT) - 0.5, 2)

MAP = f"""    map: (
        // 150 x 150 cells of 20 m: the 3 km x 3 km Qingshi valley.
        size: (150, 150),
        cell_m: 20.0,
        terrain: Procedural(
            base_m: 100.0,
            features: [
                // The valley floor rises 12 m from south to north.
                Plane(slope_x: 0.0, slope_y: 0.004),
                Valley(points: {pts(RIVER)}, depth_m: 25.0, half_width_m: 1400.0),
                // An old river bend (古河道) under Dongwan: the low ground that floods first.
                Valley(points: {pts(OXBOW)}, depth_m: 1.5, half_width_m: 220.0),
                // East hill (后山) and west hill (林场).
                Hill(at: (2650.0, 2150.0), height_m: 140.0, radius_m: 800.0),
                Hill(at: (350.0, 1000.0), height_m: 90.0, radius_m: 650.0),
            ],
        ),
        land_cover: (
            classes: [
                (id: "farmland", name: {text("农田", "Farmland")}, manning_n: 0.035, fuel: "GR2"),
                (id: "forest", name: {text("林地", "Forest")}, manning_n: 0.10, fuel: "FM7"),
                (id: "shrub", name: {text("灌木", "Shrubland")}, manning_n: 0.06, fuel: "FM4"),
                (id: "village", name: {text("村庄", "Village")}, manning_n: 0.05, fuel: "GR1"),
                (id: "water", name: {text("水域", "Water")}, manning_n: 0.03, fuel: "NB"),
            ],
            default: "farmland",
            polygons: [
                (class: "forest", points: {pts([(0, 400), (800, 400), (900, 1000), (750, 1600), (0, 1700)])}),
                (class: "shrub", points: {pts([(2250, 1500), (3000, 1400), (3000, 2900), (2550, 2800), (2450, 2300)])}),
                (class: "village", points: {pts([(1580, 1280), (2050, 1280), (2050, 1720), (1580, 1720)])}),
                (class: "village", points: {pts([(850, 1950), (1300, 1950), (1300, 2450), (850, 2450)])}),
                (class: "village", points: {pts([(2050, 2300), (2420, 2300), (2420, 2700), (2050, 2700)])}),
                (class: "village", points: {pts([(850, 450), (1250, 450), (1250, 900), (850, 900)])}),
            ],
        ),
        rivers: [
            (id: "qingshi_he", name: {text("青石河", "Qingshi River")}, points: {pts(RIVER)}, width_m: 40.0, depth_m: 4.5),
        ],
        roads: (
            nodes: [
                (id: "w0", at: (1100.0, 20.0), name: {text("县道南入口", "County road, south entrance")}),
                (id: "town", at: (1100.0, 1200.0), name: {text("青石镇政府", "Qingshi township government")}),
                (id: "w2", at: (1000.0, 2200.0), name: {text("石桥村口", "Shiqiao village gate")}),
                (id: "w3", at: (1050.0, 2980.0), name: {text("县道北出口", "County road, north exit")}),
                (id: "sq_school", at: (1000.0, 2600.0), name: {text("青石镇中学", "Qingshi Middle School")}),
                (id: "e1", at: (1800.0, 1300.0), name: {text("青石桥东头", "East end of Qingshi bridge")}),
                (id: "dw_center", at: (1800.0, 1500.0), name: {text("东湾村委会", "Dongwan village committee")}),
                (id: "dw_school", at: (2300.0, 1500.0), name: {text("东湾小学", "Dongwan Primary School")}),
                (id: "e3", at: (2250.0, 2250.0), name: {text("东岸路口", "East bank junction")}),
                (id: "hs_center", at: (2250.0, 2500.0), name: {text("后山村中心", "Houshan village centre")}),
                (id: "hs_square", at: (1850.0, 2850.0), name: {text("后山村委会广场", "Houshan Village Square")}),
                (id: "l1", at: (1050.0, 700.0), name: {text("林场村口", "Linchang village gate")}),
                (id: "lc_shelter", at: (1300.0, 350.0), name: {text("林场村文化广场", "Linchang Culture Square")}),
                (id: "factory", at: (950.0, 950.0), name: {text("木材加工厂", "Timber mill")}),
            ],
            edges: [
                (id: "county_s", from: "w0", to: "town", class: County, name: {text("县道南段", "County road, south section")}, width_m: 7.0),
                (id: "county_n", from: "town", to: "w2", class: County, name: {text("县道北段", "County road, north section")}, width_m: 7.0),
                (id: "county_n2", from: "w2", to: "w3", class: County, name: {text("县道北延段", "County road, far north")}, width_m: 7.0),
                (id: "sq_lane", from: "w2", to: "sq_school", class: Village, name: {text("石桥村学校路", "Shiqiao school lane")}, width_m: 4.0),
                (id: "qingshi_bridge", from: "town", to: "e1", class: Township, name: {text("青石桥", "Qingshi bridge")}, width_m: 6.0, bridge: true),
                (id: "dw_road", from: "e1", to: "dw_center", class: Township, name: {text("东湾路", "Dongwan road")}, width_m: 5.0),
                (id: "dw_school_rd", from: "dw_center", to: "dw_school", class: Village, name: {text("东湾学校路", "Dongwan school road")}, width_m: 4.0),
                (id: "east_rd", from: "dw_school", to: "e3", class: Township, name: {text("东岸路", "East bank road")}, width_m: 5.0),
                (id: "hs_lane", from: "e3", to: "hs_center", class: Village, name: {text("后山村道", "Houshan lane")}, width_m: 4.0),
                (id: "hs_sq_rd", from: "hs_center", to: "hs_square", class: Village, name: {text("后山广场路", "Houshan square road")}, width_m: 4.0),
                (id: "lc_road", from: "town", to: "l1", class: Township, name: {text("林场路", "Linchang road")}, width_m: 5.0),
                (id: "lc_lane", from: "l1", to: "lc_shelter", class: Village, name: {text("林场村道", "Linchang lane")}, width_m: 4.0),
                (id: "factory_rd", from: "l1", to: "factory", class: Village, name: {text("厂区路", "Factory road")}, width_m: 5.0),
            ],
        ),
    ),
"""


def profile(alone, elderly, children, size, vuln):
    return (f"(elderly_alone: {alone}, elderly: {elderly}, children: {children}, mean_size: {size}, "
            f"vulnerable: {vuln}, phone: 0.85, vehicle: 0.3)")


# Rural demographics: many elderly, many living alone (left-behind elderly).
RURAL = profile(0.14, 0.30, 0.14, 2.9, 0.12)


def block(bid, center, rows, cols, rot=0.0, prof=RURAL, spacing=24.0):
    return (f"(id: \"{bid}\", center: ({center[0]:.1f}, {center[1]:.1f}), rows: {rows}, cols: {cols}, "
            f"spacing_m: {spacing}, rotation_deg: {rot}, profile: {prof})")


VILLAGES = [
    dict(id="dongwan", zh="东湾村", en="Dongwan", boundary=[(1580, 1280), (2050, 1280), (2050, 1720), (1580, 1720)],
         blocks=[block("dw-a", (1700, 1420), 12, 11, spacing=20.0), block("dw-b", (1930, 1560), 12, 12, spacing=20.0), block("dw-c", (1720, 1640), 4, 10)],
         shelters=[("dw_school", "东湾小学", "Dongwan Primary School", (2300, 1520), 1000)],
         speakers=[("dw_ls1", (1750, 1450), 350.0), ("dw_ls2", (1950, 1600), 350.0)],
         grid=[("dw_grid1", "grid_dongwan", [(1580, 1280), (2050, 1280), (2050, 1720), (1580, 1720)])],
         node="dw_center"),
    dict(id="shiqiao", zh="石桥村", en="Shiqiao", boundary=[(850, 1950), (1300, 1950), (1300, 2450), (850, 2450)],
         blocks=[block("sq-a", (1000, 2100), 12, 13, spacing=20.0), block("sq-b", (1180, 2300), 11, 11, spacing=20.0), block("sq-c", (1000, 2380), 4, 8)],
         shelters=[("sq_school", "青石镇中学", "Qingshi Middle School", (1000, 2620), 1200)],
         speakers=[("sq_ls1", (1050, 2200), 400.0)],
         grid=[("sq_grid1", "grid_shiqiao", [(850, 1950), (1300, 1950), (1300, 2450), (850, 2450)])],
         node="w2"),
    dict(id="houshan", zh="后山村", en="Houshan", boundary=[(2050, 2300), (2420, 2300), (2420, 2700), (2050, 2700)],
         blocks=[block("hs-a", (2180, 2420), 9, 9, 15.0, spacing=20.0), block("hs-b", (2300, 2600), 7, 8, 15.0)],
         shelters=[("hs_square", "后山村委会广场", "Houshan Village Square", (1850, 2870), 700)],
         speakers=[("hs_ls1", (2250, 2500), 350.0)],
         grid=[("hs_grid1", "grid_houshan", [(2050, 2300), (2420, 2300), (2420, 2700), (2050, 2700)])],
         node="hs_center"),
    dict(id="linchang", zh="林场村", en="Linchang", boundary=[(850, 450), (1250, 450), (1250, 900), (850, 900)],
         blocks=[block("lc-a", (1000, 600), 11, 11, spacing=20.0), block("lc-b", (1120, 780), 7, 9)],
         shelters=[("lc_shelter", "林场村文化广场", "Linchang Culture Square", (1320, 330), 800)],
         speakers=[("lc_ls1", (1050, 680), 400.0)],
         grid=[("lc_grid1", "grid_linchang", [(850, 450), (1250, 450), (1250, 900), (850, 900)])],
         node="l1"),
]

EQUIP = ("[(kind: SatellitePhone, count: 1), (kind: Generator, count: 1), (kind: DrainagePump, count: 2), "
         "(kind: MicroFireStation, count: 1), (kind: Megaphone, count: 4), (kind: Gong, count: 2)]")


def villages():
    out = ["    villages: ["]
    for v in VILLAGES:
        out.append("        (")
        out.append(f'            id: "{v["id"]}",')
        out.append(f'            name: {text(v["zh"], v["en"])},')
        out.append(f'            boundary: {pts(v["boundary"])},')
        out.append("            household_blocks: [")
        for b in v["blocks"]:
            out.append(f"                {b},")
        out.append("            ],")
        out.append("            shelters: [")
        for sid, zh, en, at, cap in v["shelters"]:
            out.append(f'                (id: "{sid}", name: {text(zh, en)}, at: ({at[0]:.1f}, {at[1]:.1f}), capacity: {cap}),')
        out.append("            ],")
        out.append(f"            equipment: {EQUIP},")
        out.append("            loudspeakers: [" + ", ".join(
            f'(id: "{i}", at: ({a[0]:.1f}, {a[1]:.1f}), radius_m: {r})' for i, a, r in v["speakers"]) + "],")
        out.append("            grid_areas: [" + ", ".join(
            f'(id: "{i}", worker: "{w}", boundary: {pts(b)}, name: {text(v["zh"] + "第一网格", v["en"] + " grid 1")})'
            for i, w, b in v["grid"]) + "],")
        out.append("        ),")
    out.append("    ],")
    return "\n".join(out) + "\n"


FORCES = f"""    forces: [
        (id: "town_team", name: {text("青石镇综合应急救援队", "Qingshi Township Rescue Team")}, kind: TownshipRescue, members: 32, base: "town", turnout_s: 180,
         vehicles: [(id: "tt_truck", kind: Truck, seats: 12), (id: "tt_pickup", kind: Pickup, seats: 5), (id: "tt_boat", kind: Boat, seats: 8), (id: "tt_excavator", kind: Excavator, seats: 1)],
         equipment: [(kind: Sandbags, count: 3000), (kind: DrainagePump, count: 4), (kind: LifeJackets, count: 60), (kind: Chainsaw, count: 4)]),
        (id: "fire_team", name: {text("青石镇政府专职消防队", "Qingshi Full-time Fire Team")}, kind: FireTeam, members: 12, base: "town", turnout_s: 60,
         vehicles: [(id: "ft_engine", kind: FireEngine, seats: 6)], equipment: [(kind: FireBeater, count: 20), (kind: WaterPump, count: 2)]),
        (id: "dw_team", name: {text("东湾村应急小分队", "Dongwan Village Team")}, kind: VillageTeam, members: 12, base: "dw_center", village: "dongwan", turnout_s: 300),
        (id: "sq_team", name: {text("石桥村应急小分队", "Shiqiao Village Team")}, kind: VillageTeam, members: 12, base: "w2", village: "shiqiao", turnout_s: 300),
        (id: "hs_team", name: {text("后山村应急小分队", "Houshan Village Team")}, kind: VillageTeam, members: 10, base: "hs_center", village: "houshan", turnout_s: 300),
        (id: "lc_team", name: {text("林场村应急小分队", "Linchang Village Team")}, kind: VillageTeam, members: 10, base: "l1", village: "linchang", turnout_s: 300),
        (id: "volunteers", name: {text("蓝天救援队青石分队", "Blue Sky Rescue, Qingshi Unit")}, kind: Volunteer, members: 20, base: "w0", turnout_s: 900,
         vehicles: [(id: "vol_van", kind: Van, seats: 9)]),
    ],
"""

ROLES = f"""    roles: [
        (id: "commander", kind: Commander, name: {text("总指挥（镇党委书记）", "Commander (party secretary)")}),
        (id: "office_director", kind: OfficeDirector, name: {text("应急办主任", "Emergency office director")}),
        (id: "head_dongwan", kind: VillageHead, village: "dongwan", name: {text("东湾村党支部书记", "Dongwan village head")}),
        (id: "head_shiqiao", kind: VillageHead, village: "shiqiao", name: {text("石桥村党支部书记", "Shiqiao village head")}),
        (id: "head_houshan", kind: VillageHead, village: "houshan", name: {text("后山村党支部书记", "Houshan village head")}),
        (id: "head_linchang", kind: VillageHead, village: "linchang", name: {text("林场村党支部书记", "Linchang village head")}),
        (id: "grid_dongwan", kind: GridWorker, village: "dongwan", name: {text("东湾村网格员", "Dongwan grid worker")}),
        (id: "grid_shiqiao", kind: GridWorker, village: "shiqiao", name: {text("石桥村网格员", "Shiqiao grid worker")}),
        (id: "grid_houshan", kind: GridWorker, village: "houshan", name: {text("后山村网格员（地灾群测群防员）", "Houshan grid worker (hazard monitor)")}),
        (id: "grid_linchang", kind: GridWorker, village: "linchang", name: {text("林场村网格员（护林员）", "Linchang grid worker (forest ranger)")}),
        (id: "rescue_leader", kind: RescueLeader, force: "town_team", name: {text("综合救援队队长", "Rescue team leader")}),
        (id: "info_officer", kind: InfoOfficer, name: {text("灾害信息员", "Information officer")}),
    ],
"""


def rubric(extra_metrics, exposed_ok):
    metrics = [
        '(id: "warning_delay", metric: WarningDelay, role: "office_director", threshold: 600.0, weight: 2.0)',
        '(id: "call_response", metric: CallResponseTime, role: "office_director", threshold: 300.0, weight: 1.0)',
        '(id: "evacuated_in_time", metric: EvacuatedBeforeArrival, threshold: 0.95, weight: 3.0)',
        '(id: "time_to_50", metric: TimeTo50, threshold: 1800.0, weight: 1.0)',
        '(id: "time_to_90", metric: TimeTo90, threshold: 3600.0, weight: 1.0)',
        # The controllable outcome (who was still at home when the hazard
        # came) weighs more than the count of casualties, which chance moves.
        # Passed up to about 1 % of the drill's at-risk residents (as 95 %
        # evacuated in time is): a few hesitant households the door-to-door
        # round reaches late cost credit, not the level.
        f'(id: "exposed", metric: Exposed, threshold: {exposed_ok:.1f}, weight: 3.0)',
        '(id: "casualties", metric: Casualties, threshold: 0.0, weight: 2.0)',
        '(id: "vulnerable", metric: VulnerableEvacuated, threshold: 1.0, weight: 2.0)',
        '(id: "first_report", metric: FirstReport, role: "info_officer", threshold: 1800.0, weight: 1.0)',
        '(id: "plan_adherence", metric: PlanAdherence, threshold: 0.9, weight: 2.0)',
        # "135": turn out within 3 minutes; rural 15-minute response circle.
        '(id: "turn_out", metric: TurnOut, role: "rescue_leader", threshold: 180.0, weight: 1.0)',
        '(id: "on_scene", metric: OnScene, role: "rescue_leader", threshold: 900.0, weight: 1.0)',
    ] + extra_metrics
    body = ",\n            ".join(metrics)
    return f"""    rubric: (
        metrics: [
            {body},
        ],
        // The commander and the emergency office director carry the most.
        roles: [(role: "commander", weight: 2.0), (role: "office_director", weight: 2.0)],
        levels: (excellent: 90.0, good: 75.0, pass: 60.0),
        gates: [PreventableDeath(cap: Pass)],
    ),
"""


def scenario(meta, hazards, plans, injects, gauges, exposed_ok, extra_metrics=(), map_=None):
    return ("// Generated by tools/gen_qingshi.py — edit that script, not this file.\n"
            "Scenario(\n    version: 1,\n" + meta + (map_ or MAP) + villages() + FORCES + ROLES
            + plans + hazards + injects + gauges + rubric(list(extra_metrics), exposed_ok) + ")\n")


def meta(sid, zh, en, hazard, duration, seed, clock, kind, why=None):
    why = f"        // {why}\n" if why else ""
    return f"""    meta: (
        id: "{sid}",
        title: {text(zh, en)},
        hazards: [{hazard}],
        duration_s: {duration},
{why}        drill_kind: Some({kind}),
        seed: {seed},
        tick_s: 1,
        start_clock: "{clock}",
    ),
"""


def step(sid, trigger, action, deadline):
    return f'(id: "{sid}", trigger: {trigger}, action: {action}, deadline_s: {deadline})'


def plans(by_role):
    out = ["    plans: ["]
    for role, steps in by_role:
        out.append(f'        (role: "{role}", steps: [')
        for s in steps:
            if s.startswith("//"):
                out.extend("            " + line for line in s.splitlines())
            else:
                out.append(f"            {s},")
        out.append("        ]),")
    out.append("    ],")
    return "\n".join(out) + "\n"


def inject(iid, to, when, from_zh, from_en, zh, en, ack=None, warning=None, jitter=0):
    extra = ""
    if ack is not None:
        extra += f", ack_within_s: {ack}"
    if warning is not None:
        extra += f", warning: {warning}"
    if jitter:
        extra += f", jitter_s: {jitter}"
    to_list = ", ".join(f'"{t}"' for t in to)
    return (f'        (id: "{iid}", to: [{to_list}], when: {when}, from: {text(from_zh, from_en)},\n'
            f'         message: {text(zh, en)}{extra}),')


def flood():
    m = meta("qingshi_flood", "青石镇防汛综合演练：暴雨红色预警与堤防溃口", "Qingshi flood drill: red rainstorm warning and dike breach",
             "Flood", 21600, 20260722, "02:00", "Comprehensive",
             "The township's yearly comprehensive drill: the whole chain, from the commander to the grid workers.")
    hazards = f"""    hazards: (
        flood: (
            // Heavy rain under a red warning (about 120 mm in the first 3 hours).
            rain: [(hyetograph: [(0, 15.0), (3600, 35.0), (7200, 45.0), (10800, 40.0), (14400, 25.0), (21600, 8.0)])],
            // The Qingshi River enters at the north edge.
            inflows: [(id: "qingshi_upstream", from: (1385.0, 2995.0), to: (1415.0, 2995.0),
                       hydrograph: [(0, 200.0), (5400, 800.0), (10800, 1500.0), (16200, 1100.0), (21600, 500.0)])],
            boundaries: (south: FreeOutflow),
            // The east-bank dike that protects Dongwan; its weak point fails.
            dikes: [(id: "dongwan_dike", name: {text("东湾河堤", "Dongwan river dike")}, points: {pts(DIKE)}, crest_m: {DIKE_CREST},
                     breach: (at: {BREACH_AT}, start: At(10800), bottom_m: {BREACH_BOTTOM}, initial_width_m: 10.0, max_width_m: 60.0, widen_m_per_min: 1.0)),
                    (id: "dongwan_north_dike", name: {text("东湾北堤", "Dongwan north dike")}, points: {pts(NORTH_DIKE)}, crest_m: {NORTH_CREST})],
        ),
    ),
"""
    p = plans([
        ("office_director", [
            # Loudspeakers, SMS and calls miss some homes in heavy rain; the
            # village cadres also walk the lanes with megaphones and gongs
            # (到户到人).
            step("od_warn", 'Inject("county_red_rain")', 'IssueWarning(level: Red, channels: [Broadcast, Sms, Phone, Megaphone, Gong], villages: ["dongwan", "shiqiao", "linchang"])', 600),
            step("od_call_dw", 'Inject("county_red_rain")', 'CallAndResponse(role: "head_dongwan")', 300),
        ]),
        ("commander", [
            step("cmd_level", 'Warning(Red)', 'DeclareResponse(level: II)', 900),
            step("cmd_evac", 'Warning(Red)', 'OrderEvacuation(village: "dongwan")', 900),
            step("cmd_evac_sq", 'Warning(Red)', 'OrderEvacuation(village: "shiqiao")', 900),
            "// Rain ponds in Shiqiao's and Linchang's low lanes too: both are\n"
            "// ordered out, and the fire team knocks on Shiqiao's doors beside\n"
            "// its village team (the households that only heard the broadcast\n"
            "// stay until someone calls in person).",
            step("cmd_evac_lc", 'Warning(Red)', 'OrderEvacuation(village: "linchang")', 900),
            step("cmd_sq_doors", 'Step("cmd_evac_sq")', 'Dispatch(force: "fire_team", to: Point(1180.0, 2300.0), task: DoorToDoor)', 600),
            step("cmd_volunteers", 'Step("cmd_evac")', 'Dispatch(force: "volunteers", to: Village("dongwan"), task: EscortVulnerable)', 900),
            step("cmd_sandbag", 'Step("cmd_level")', 'Dispatch(force: "town_team", to: Node("dw_center"), task: Sandbag)', 600),
            # Dongwan's own team needs over an hour to knock on all its 316
            # doors with the order; Houshan's team (on high ground, not
            # threatened) comes to help with the round.
            step("cmd_mutual_aid", 'Step("cmd_evac")', 'Dispatch(force: "hs_team", to: Village("dongwan"), task: DoorToDoor)', 600),
        ]),
        ("head_dongwan", [
            step("dw_open", 'Inject("county_red_rain")', 'OpenShelter(shelter: "dw_school")', 1200),
            step("dw_doors", 'Step("cmd_evac")', 'DoorToDoor(area: "dw_grid1")', 1800),
        ]),
        ("grid_dongwan", [
            step("gw_patrol", 'At(600)', 'Patrol(route: ["e1", "dw_center"])', 1800),
        ]),
        ("rescue_leader", [
            step("rl_escort", 'Step("cmd_evac")', 'Dispatch(force: "town_team", to: Village("dongwan"), task: EscortVulnerable)', 900),
        ]),
        ("info_officer", [
            step("io_first", 'Step("od_warn")', 'SendReport(kind: First)', 1800),
            step("io_followup", 'Step("io_first")', 'SendReport(kind: FollowUp)', 3600),
        ]),
    ])
    inj = "    injects: [\n" + "\n".join([
        inject("county_red_rain", ["office_director", "commander"], "At(300)", "县气象局", "County Meteorological Bureau",
               "暴雨红色预警：未来6小时降雨量将达150毫米以上。", "Red rainstorm warning: over 150 mm of rain in the next 6 hours.", ack=60, warning="Red"),
        inject("river_rising", ["office_director"], 'GaugeAbove(gauge: "bridge_level", value: 79.0)', "县水文站", "County Hydrology Station",
               "青石河水位超警戒，并继续上涨。", "Qingshi River above the warning level and rising.", ack=60),
        inject("resident_call", ["office_director"], "At(5400)", "东湾村村民", "Dongwan resident",
               "村民来电：堤脚有渗水，水是浑的。", "A resident calls: water is seeping at the foot of the dike, and it is muddy.", ack=60, jitter=900),
    ]) + "\n    ],\n"
    res = f"""    residents: (
        // The plan's danger zone (危险区): the Dongwan polder behind the river dike.
        danger_zones: [(id: "dongwan_polder", hazard: Flood, zone: {pts([(1480, 930), (2300, 930), (2300, 1990), (1440, 1990)])})],
    ),
"""
    g = f"""    gauges: [
        (id: "bridge_level", name: {text("青石桥水位站", "Qingshi bridge stage")}, kind: WaterLevel(at: (1500.0, 1205.0)), every_s: 60),
        (id: "dongwan_depth", name: {text("东湾村中心水深", "Dongwan centre depth")}, kind: WaterDepth(at: (1800.0, 1500.0)), every_s: 60),
        (id: "bridge_crossing", name: {text("青石桥过桥人数", "People over the bridge")}, kind: PeopleCrossing(from: (1420.0, 1150.0), to: (1420.0, 1300.0)), every_s: 60),
    ],
"""
    return scenario(m, hazards, p, res + inj, g, 10)


SLIDE_ZONE = [(2450, 2440), (2570, 2440), (2570, 2600), (2450, 2600)]
SLIDE_DANGER = [(2050, 2300), (2600, 2300), (2600, 2720), (2050, 2720)]


def landslide():
    m = meta("qingshi_landslide", "青石镇地质灾害演练：后山滑坡", "Qingshi landslide drill: the Houshan slope",
             "Landslide", 14400, 20260815, "05:00", "Special")
    hazards = f"""    hazards: (
        landslide: (
            // The weathered slope behind Houshan (后山): colluvium on a
            // 25–30° face above the village; the debris runs out to about
            // H/L = friction (a little shorter: the turn at the slope foot).
            zone: {pts(SLIDE_ZONE)},
            volume_m3: 40000.0,
            release: At(7200),
            friction: 0.4,
            bodies: 1500,
            precursors: [
                (id: "cracks", kind: Cracks, lead_s: 3600, radius_m: 250.0),
                (id: "muddy_spring", kind: MuddySpring, lead_s: 2400, radius_m: 250.0),
            ],
        ),
    ),
"""
    p = plans([
        ("grid_houshan", [
            step("gh_patrol", 'At(300)', 'Patrol(route: ["hs_center", "e3"])', 1800),
            step("gh_report", 'Inject("cracks_seen")', 'SendReport(kind: First)', 600),
        ]),
        ("office_director", [
            step("od_warn", 'Inject("cracks_seen")', 'IssueWarning(level: Orange, channels: [Broadcast, Phone, DoorToDoor], villages: ["houshan"])', 600),
            step("od_call", 'Inject("cracks_seen")', 'CallAndResponse(role: "head_houshan")', 300),
        ]),
        ("commander", [
            step("cmd_evac", 'Step("od_warn")', 'OrderEvacuation(village: "houshan")', 600),
            step("cmd_level", 'Step("od_warn")', 'DeclareResponse(level: III)', 900),
        ]),
        ("head_houshan", [
            step("hs_open", 'Step("cmd_evac")', 'OpenShelter(shelter: "hs_square")', 600),
            step("hs_doors", 'Step("cmd_evac")', 'DoorToDoor(area: "hs_grid1")', 1800),
        ]),
        ("rescue_leader", [
            step("rl_escort", 'Step("cmd_evac")', 'Dispatch(force: "town_team", to: Village("houshan"), task: DoorToDoor)', 900),
        ]),
        ("info_officer", [
            step("io_first", 'Step("cmd_evac")', 'SendReport(kind: First)', 1800),
        ]),
    ])
    inj = "    injects: [\n" + "\n".join([
        inject("county_geo_warning", ["office_director"], "At(120)", "县自然资源局", "County Natural Resources Bureau",
               "地质灾害气象风险橙色预警：后山一带风险高。", "Orange geological-hazard weather warning: high risk around Houshan.", ack=60, warning="Orange"),
        inject("cracks_seen", ["grid_houshan", "office_director"], 'Precursor("cracks")', "后山村群测群防员", "Houshan hazard monitor",
               "后山坡体出现新裂缝，坡脚泉水变浑。", "New cracks on the Houshan slope; the spring at its foot runs muddy.", ack=60),
    ]) + "\n    ],\n"
    g = """    gauges: [
        // Where the deposit lies deepest in Houshan, and beside the village
        // centre's road node (placed from the nobody-acting run's deposit).
        (id: "houshan_debris", name: (zh: "后山村上坡淤埋深度", en: "Debris on Houshan's upper slope"), kind: DebrisDepth(at: (2230.0, 2650.0)), every_s: 60),
        (id: "hs_centre_debris", name: (zh: "后山村中心淤埋深度", en: "Debris at Houshan centre"), kind: DebrisDepth(at: (2210.0, 2530.0)), every_s: 60),
    ],
"""
    res = f"""    residents: (
        // The plan's danger zone (危险区): the houses at the foot of the Houshan slope.
        danger_zones: [(id: "houshan_slope_foot", hazard: Landslide, zone: {pts(SLIDE_DANGER)})],
    ),
"""
    steep = "                Hill(at: (2620.0, 2520.0), height_m: 110.0, radius_m: 320.0),\n"
    map_ = MAP.replace("                Hill(at: (350.0, 1000.0)", steep + "                Hill(at: (350.0, 1000.0)")
    assert map_ != MAP
    return scenario(m, hazards, p, res + inj, g, 2, map_=map_)


def fire():
    m = meta("qingshi_fire", "青石镇森林火灾演练：林场村山火", "Qingshi forest fire drill: the Linchang hill fire",
             "Fire", 10800, 20260403, "13:30", "Special")
    hazards = """    hazards: (
        fire: (
            ignition: (300.0, 1250.0),
            ignition_s: 600,
            // A dry, windy spring afternoon: wind from the north-west.
            wind_speed: [(0, 4.0), (3600, 7.0), (7200, 9.0), (10800, 6.0)],
            wind_from_deg: 315.0,
        ),
    ),
"""
    p = plans([
        ("grid_linchang", [
            step("gl_patrol", 'At(0)', 'Patrol(route: ["l1", "factory"])', 1800),
            step("gl_report", 'Inject("smoke_seen")', 'SendReport(kind: First)', 300),
        ]),
        ("office_director", [
            step("od_dispatch", 'Inject("smoke_seen")', 'Dispatch(force: "fire_team", to: Point(500.0, 1150.0), task: SuppressFire)', 300),
            step("od_warn", 'Inject("smoke_seen")', 'IssueWarning(level: Orange, channels: [Broadcast, Megaphone, Gong], villages: ["linchang"])', 600),
            step("od_call", 'Inject("smoke_seen")', 'CallAndResponse(role: "head_linchang")', 300),
        ]),
        ("commander", [
            step("cmd_evac", 'Step("od_warn")', 'OrderEvacuation(village: "linchang")', 900),
            step("cmd_support", 'Step("od_dispatch")', 'RequestSupport(what: (zh: "请求县消防救援大队增援", en: "Request the county fire brigade"))', 900),
            # Linchang's own team alone takes most of the hour before the
            # fire could arrive to reach every door: the volunteers go door
            # to door too, sent as soon as the fire is confirmed.
            step("cmd_volunteers", 'Step("od_dispatch")', 'Dispatch(force: "volunteers", to: Village("linchang"), task: DoorToDoor)', 600),
        ]),
        ("head_linchang", [
            step("lc_open", 'Step("cmd_evac")', 'OpenShelter(shelter: "lc_shelter")', 600),
            step("lc_doors", 'Step("cmd_evac")', 'DoorToDoor(area: "lc_grid1")', 1800),
        ]),
        ("rescue_leader", [
            step("rl_break", 'Step("od_dispatch")', 'Dispatch(force: "town_team", to: Node("factory"), task: SuppressFire)', 900),
        ]),
        ("info_officer", [
            step("io_first", 'Step("od_dispatch")', 'SendReport(kind: First)', 1800),
        ]),
    ])
    inj = "    injects: [\n" + "\n".join([
        inject("fire_danger", ["office_director"], "At(60)", "县林业局", "County Forestry Bureau",
               "森林火险橙色预警：高温少雨，风力较大。", "Orange forest-fire danger: hot, dry and windy.", ack=60, warning="Orange"),
        inject("smoke_seen", ["grid_linchang", "office_director"], "At(900)", "林场村护林员", "Linchang forest ranger",
               "西山林场方向冒出浓烟。", "Thick smoke rising from the west hill plantation.", ack=60, jitter=300),
    ]) + "\n    ],\n"
    res = f"""    residents: (
        // The plan's danger zone (危险区): Linchang village below the west hill plantation.
        danger_zones: [(id: "linchang_village", hazard: Fire, zone: {pts([(850, 450), (1250, 450), (1250, 900), (850, 900)])})],
    ),
"""
    g = """    gauges: [
        (id: "factory_fire", name: (zh: "厂区火线到达", en: "Fire front at the factory"), kind: FireArrival(at: (950.0, 950.0)), every_s: 60),
        (id: "linchang_fire", name: (zh: "林场村火线到达", en: "Fire front at Linchang"), kind: FireArrival(at: (1000.0, 650.0)), every_s: 60),
    ],
"""
    return scenario(m, hazards, p, res + inj, g, 5)


if __name__ == "__main__":
    import sys
    out = Path(sys.argv[2]) if sys.argv[1:2] == ["--out"] else OUT
    for name, text_ in (("qingshi_flood", flood()), ("qingshi_landslide", landslide()), ("qingshi_fire", fire())):
        (out / f"{name}.ron").write_text(text_, encoding="utf-8")
        print(f"wrote {out / name}.ron")
