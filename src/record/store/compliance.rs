//! The yearly drill requirement (每年至少组织一次综合演练): for each
//! township and village in the records, the comprehensive and special
//! drills it held in a year, who took part, and whether it met the
//! requirement. A village meets it with a comprehensive drill of its own,
//! or by taking part — one of its people seated — in a comprehensive drill
//! its township held (the township's drill runs down to its villages).
//! A session recorded without a kind counts as special.
//!
//! Owns: the compliance query and its table. May not touch: the sim.

use super::db::{ORG_SELECT, OrgKind, Organisation, Result, Store, org_row};
use crate::scenario::schema::DrillKind;
use rusqlite::params;

/// One drill session an organisation held (or took part in).
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub session: i64,
    pub date: String,
    pub kind: DrillKind,
    /// The drill's title (中文), or its id when no run of it is stored.
    pub drill: String,
    /// The organisation that held it, by code.
    pub held_by: String,
}

/// One township's or village's year.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceRow {
    pub org: Organisation,
    /// Its own comprehensive drills, by date.
    pub comprehensive: Vec<Held>,
    /// Its own special drills, by date.
    pub special: Vec<Held>,
    /// Its township's comprehensive drills its people took part in.
    pub joined: Vec<Held>,
    /// Who took part: (code, name, post), by code.
    pub people: Vec<(String, String, Option<String>)>,
}

impl ComplianceRow {
    /// Whether it held, or took part in, a comprehensive drill this year.
    pub fn met(&self) -> bool {
        !self.comprehensive.is_empty() || !self.joined.is_empty()
    }
}

/// Every township and village with its drills of `year`: townships first,
/// each followed by its villages.
pub fn compliance(store: &Store, year: i32) -> Result<Vec<ComplianceRow>> {
    let conn = store.conn();
    let mut st = conn.prepare(&format!("{ORG_SELECT} WHERE o.kind IN ('township', 'village') ORDER BY o.code"))?;
    let mut orgs: Vec<Organisation> = st.query_map([], org_row)?.collect::<std::result::Result<_, _>>()?;
    // A township, then its villages; villages of no township in the records last.
    let home = |o: &Organisation| match (o.kind, &o.parent) {
        (OrgKind::Township, _) => (0, o.code.clone(), 0),
        (_, Some(p)) => (0, p.clone(), 1),
        (_, None) => (1, o.code.clone(), 1),
    };
    orgs.sort_by(|a, b| home(a).cmp(&home(b)).then(a.code.cmp(&b.code)));

    let (from, to) = (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1));
    let mut st = conn.prepare(
        "SELECT s.id, s.date, s.kind, s.scenario_id, o.code,
            (SELECT sc.title_zh FROM runs r JOIN scenarios sc ON sc.sha256 = r.scenario_sha256
             WHERE r.session_id = s.id ORDER BY r.id LIMIT 1)
         FROM sessions s JOIN organisations o ON o.id = s.organisation_id
         WHERE s.date >= ?1 AND s.date < ?2 ORDER BY s.date, s.id",
    )?;
    let sessions: Vec<Held> = st
        .query_map(params![from, to], |r| {
            let kind: Option<String> = r.get(2)?;
            let id: String = r.get(3)?;
            Ok(Held {
                session: r.get(0)?,
                date: r.get(1)?,
                kind: match kind.as_deref() {
                    Some("comprehensive") => DrillKind::Comprehensive,
                    _ => DrillKind::Special,
                },
                drill: r.get::<_, Option<String>>(5)?.unwrap_or(id),
                held_by: r.get(4)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    // Who sat in each session, with their organisation.
    let mut st = conn.prepare(
        "SELECT DISTINCT p.code, p.name, p.post, po.code FROM runs r
         JOIN run_roles rr ON rr.run_id = r.id JOIN people p ON p.id = rr.person_id
         LEFT JOIN organisations po ON po.id = p.organisation_id
         WHERE r.session_id = ?1 ORDER BY p.code",
    )?;
    type Sat = (String, String, Option<String>, Option<String>);
    let mut seated: Vec<Vec<Sat>> = Vec::new();
    for s in &sessions {
        seated.push(
            st.query_map(params![s.session], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<std::result::Result<_, _>>()?,
        );
    }

    let mut rows = Vec::new();
    for org in orgs {
        let mut row = ComplianceRow {
            comprehensive: Vec::new(),
            special: Vec::new(),
            joined: Vec::new(),
            people: Vec::new(),
            org,
        };
        for (s, sat) in sessions.iter().zip(&seated) {
            let own = s.held_by == row.org.code;
            let ours: Vec<&Sat> = sat.iter().filter(|p| p.3.as_deref() == Some(row.org.code.as_str())).collect();
            let joined = !own
                && s.kind == DrillKind::Comprehensive
                && row.org.kind == OrgKind::Village
                && row.org.parent.as_deref() == Some(s.held_by.as_str())
                && !ours.is_empty();
            if own {
                match s.kind {
                    DrillKind::Comprehensive => row.comprehensive.push(s.clone()),
                    DrillKind::Special => row.special.push(s.clone()),
                }
                row.people.extend(sat.iter().map(|p| (p.0.clone(), p.1.clone(), p.2.clone())));
            } else if joined {
                row.joined.push(s.clone());
                row.people.extend(ours.iter().map(|p| (p.0.clone(), p.1.clone(), p.2.clone())));
            }
        }
        row.people.sort();
        row.people.dedup();
        rows.push(row);
    }
    Ok(rows)
}

/// The table offices file (header row first).
pub fn compliance_table(rows: &[ComplianceRow]) -> Vec<Vec<String>> {
    let mut out = vec![
        [
            "单位编号",
            "单位名称",
            "类型",
            "上级单位",
            "综合演练次数",
            "综合演练",
            "专项演练次数",
            "专项演练",
            "参演人员",
            "结论",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let list = |h: &[Held]| h.iter().map(|s| format!("{} {}", s.date, s.drill)).collect::<Vec<_>>().join("; ");
    for r in rows {
        let verdict = if !r.comprehensive.is_empty() {
            "已开展综合演练"
        } else if !r.joined.is_empty() {
            "参加乡镇综合演练"
        } else {
            "未开展综合演练"
        };
        let mut comprehensive = list(&r.comprehensive);
        if !r.joined.is_empty() {
            let joined =
                r.joined.iter().map(|s| format!("{} {}（{}）", s.date, s.drill, s.held_by)).collect::<Vec<_>>();
            comprehensive =
                [comprehensive, joined.join("; ")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ");
        }
        out.push(vec![
            r.org.code.clone(),
            r.org.name.clone(),
            match r.org.kind {
                OrgKind::Township => "乡镇",
                OrgKind::Village => "村（社区）",
                OrgKind::Team => "队伍",
            }
            .to_owned(),
            r.org.parent.clone().unwrap_or_default(),
            (r.comprehensive.len() + r.joined.len()).to_string(),
            comprehensive,
            r.special.len().to_string(),
            list(&r.special),
            r.people
                .iter()
                .map(|(_, name, post)| match post {
                    Some(p) => format!("{name}（{p}）"),
                    None => name.clone(),
                })
                .collect::<Vec<_>>()
                .join("、"),
            verdict.to_owned(),
        ]);
    }
    out
}
