#!/usr/bin/env python3
"""Writes scenarios/qingshi_flood_class.ron: the Qingshi flood drill for a
class of 30 (a party-school class seats every cadre in a role of their own).

It is scenarios/qingshi_flood.ron with the township's roles filled out as a
township staffs them: every village split into three grids with a grid
worker each (网格员), a disaster information officer in every village
(村灾害信息员), and a leader for every rescue force (队长). The map, the
people, the hazard and the rubric are the flood drill's; the new roles'
one-page plans are:

- grid workers of the villages ordered out knock on the doors of their own
  grid when the order comes; Houshan's (not ordered out) patrol its lanes;
- the village heads the flood drill expects nothing of open their
  villages' shelters when the county's warning comes;
- village information officers send their first report once the warning
  is out;
- a village team's leader takes the team to escort the vulnerable when
  the village is ordered out; the fire team's, the volunteers' and Houshan
  team's leaders report back once the commander has sent them.

Edit this script, not the .ron file, and run it from the repository root
after tools/gen_qingshi.py:

    python3 tools/gen_qingshi_class.py

`--out DIR` reads the flood drill from DIR and writes the class drill there.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
where = pathlib.Path(sys.argv[2]) if sys.argv[1:2] == ["--out"] else root / "scenarios"
src = (where / "qingshi_flood.ron").read_text(encoding="utf-8")
out = src

VILLAGES = [
    # id, prefix, zh, en, the order that sends the village out (None: not ordered out)
    ("dongwan", "dw", "东湾村", "Dongwan", "cmd_evac"),
    ("shiqiao", "sq", "石桥村", "Shiqiao", "cmd_evac_sq"),
    ("houshan", "hs", "后山村", "Houshan", None),
    ("linchang", "lc", "林场村", "Linchang", "cmd_evac_lc"),
]
# Houshan's grid workers patrol (route, start) instead: it is not ordered out.
HOUSHAN_PATROLS = {1: ('["hs_square", "hs_center"]', 600), 2: ('["e3", "hs_center"]', 900),
                   3: ('["hs_center", "hs_square"]', 1200)}
# Force leaders beyond the township team's (rescue_leader): (force, zh, en, step).
LEADERS = [
    ("fire_team", "专职消防队队长", "Fire team leader", None),
    ("volunteers", "蓝天救援队青石分队队长", "Blue Sky unit leader", None),
    ("dw_team", "东湾村应急小分队队长", "Dongwan team leader", "dongwan"),
    ("sq_team", "石桥村应急小分队队长", "Shiqiao team leader", "shiqiao"),
    ("hs_team", "后山村应急小分队队长", "Houshan team leader", None),
    ("lc_team", "林场村应急小分队队长", "Linchang team leader", "linchang"),
]
# The commander's step after which a leader without a task of its own reports.
REPORT_AFTER = {"fire_team": "cmd_sq_doors", "volunteers": "cmd_volunteers", "hs_team": "cmd_mutual_aid"}
ORDINAL = {2: ("第二", "second"), 3: ("第三", "third")}
# A grid's name: the village's, and 第一/第二/第三网格 west to east.
GRID_ORDINAL = {1: "第一", 2: "第二", 3: "第三"}


def text(zh, en):
    return f'(zh: "{zh}", en: "{en}")'


def once(old, new):
    global out
    assert out.count(old) == 1, old
    out = out.replace(old, new)


def split_grid(m):
    """A village's one grid box becomes three strips, west to east, named
    like the village's first grid (第一网格), second and third."""
    gid, worker, pts, zh, en = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
    assert zh.endswith("第一网格") and en.endswith(" grid 1"), (zh, en)
    xy = [tuple(map(float, p)) for p in re.findall(r"\((-?[\d.]+), (-?[\d.]+)\)", pts)]
    x0, x1 = min(p[0] for p in xy), max(p[0] for p in xy)
    y0, y1 = min(p[1] for p in xy), max(p[1] for p in xy)
    assert len(xy) == 4, f"{gid} is not a box"
    prefix = gid[: -len("_grid1")]
    strips = []
    for k in range(3):
        a, b = x0 + (x1 - x0) * k / 3, x0 + (x1 - x0) * (k + 1) / 3
        box = f"[({a:.1f}, {y0:.1f}), ({b:.1f}, {y0:.1f}), ({b:.1f}, {y1:.1f}), ({a:.1f}, {y1:.1f})]"
        w = worker if k == 0 else f"{worker}_{k + 1}"
        name = text(zh[: -len("第一网格")] + GRID_ORDINAL[k + 1] + "网格", f"{en[: -len(' grid 1')]} grid {k + 1}")
        strips.append(f'(id: "{prefix}_grid{k + 1}", worker: "{w}", boundary: {box}, name: {name})')
    return "grid_areas: [" + ", ".join(strips) + "]"


out, grids = re.subn(
    r'grid_areas: \[\(id: "(\w+_grid1)", worker: "(\w+)", boundary: (\[[^\]]*\]), '
    r'name: \(zh: "([^"]+)", en: "([^"]+)"\)\)\]',
    split_grid,
    out,
)
assert grids == 4, grids

def grid_step(p, k, order):
    """Grid k's worker: door to door in the grid on the village's order, or
    (Houshan) a patrol."""
    if order:
        return (f'(id: "{p}_g{k}_doors", trigger: Step("{order}"), '
                f'action: DoorToDoor(area: "{p}_grid{k}"), deadline_s: 1800)')
    route, at = HOUSHAN_PATROLS[k]
    return f'(id: "{p}_g{k}_patrol", trigger: At({at}), action: Patrol(route: {route}), deadline_s: 1800)'


roles, plan = [], []
# The flood drill expects nothing of three village heads and three grid
# workers; in a class every seat has work: the heads open their villages'
# shelters when the county's warning comes, the grid workers knock on the
# doors of their grid (Houshan's patrols).
SHELTERS = {"shiqiao": "sq_school", "houshan": "hs_square", "linchang": "lc_shelter"}
for vid, p, zh, en, order in VILLAGES:
    if vid in SHELTERS:
        assert f'(role: "head_{vid}"' not in out and f'(role: "grid_{vid}"' not in out, vid
        plan.append(f'(role: "head_{vid}", steps: [(id: "{p}_open", trigger: Inject("county_red_rain"), '
                    f'action: OpenShelter(shelter: "{SHELTERS[vid]}"), deadline_s: 1200)])')
        plan.append(f'(role: "grid_{vid}", steps: [{grid_step(p, 1, order)}])')
for vid, p, zh, en, order in VILLAGES:
    for k in (2, 3):
        oz, oe = ORDINAL[k]
        roles.append(f'(id: "grid_{vid}_{k}", kind: GridWorker, village: "{vid}", '
                     f'name: {text(f"{zh}{oz}网格网格员", f"{en} grid worker, {oe} grid")})')
        plan.append(f'(role: "grid_{vid}_{k}", steps: [{grid_step(p, k, order)}])')
    roles.append(f'(id: "info_{vid}", kind: InfoOfficer, village: "{vid}", '
                 f'name: {text(f"{zh}灾害信息员", f"{en} information officer")})')
    plan.append(f'(role: "info_{vid}", steps: [(id: "{p}_io_first", trigger: Step("od_warn"), '
                f'action: SendReport(kind: First), deadline_s: 1800)])')
for force, zh, en, village in LEADERS:
    rid = f"leader_{force}"
    roles.append(f'(id: "{rid}", kind: RescueLeader, force: "{force}", name: {text(zh, en)})')
    if village:
        order = next(o for v, _, _, _, o in VILLAGES if v == village)
        step = (f'(id: "{force}_escort", trigger: Step("{order}"), action: Dispatch(force: "{force}", '
                f'to: Village("{village}"), task: EscortVulnerable), deadline_s: 900)')
    else:
        step = (f'(id: "{force}_report", trigger: Step("{REPORT_AFTER[force]}"), '
                f'action: SendReport(kind: FollowUp), deadline_s: 1800)')
    plan.append(f'(role: "{rid}", steps: [{step}])')

last_role = re.search(r'\n        \(id: "info_officer", kind: InfoOfficer[^\n]*\n', out)
assert last_role, "the information officer's role"
out = out.replace(last_role.group(0), last_role.group(0) + "".join(f"        {r},\n" for r in roles), 1)
plans_end = out.index("\n    ],\n    hazards: (")
out = out[:plans_end] + "".join(f"\n        {s}," for s in plan) + out[plans_end:]

once('id: "qingshi_flood"', 'id: "qingshi_flood_class"')
once('title: (zh: "青石镇防汛综合演练：暴雨红色预警与堤防溃口", en: "Qingshi flood drill: red rainstorm warning and dike breach")',
     'title: (zh: "青石镇防汛综合演练（30 人课堂版）", en: "Qingshi flood drill for a class of 30")')
n_roles = len(re.findall(r'^        \(id: "[\w]+", kind: (?:Commander|OfficeDirector|VillageHead|GridWorker|RescueLeader|InfoOfficer)', out, re.M))
assert n_roles == 30, n_roles

(where / "qingshi_flood_class.ron").write_text(
    "// Generated by tools/gen_qingshi_class.py from scenarios/qingshi_flood.ron: do not edit.\n"
    + out.replace("// Generated by tools/gen_qingshi.py — edit that script, not this file.\n", ""),
    encoding="utf-8",
)
print(f"{n_roles} roles, {len(plan)} one-page plans added")
