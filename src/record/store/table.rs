//! Tables in and out of the store, as offices keep them: import of people
//! and organisations from CSV (Chinese or English headers) or RON, and
//! export of the runs — one row per person and run — as CSV (UTF-8 with a
//! byte-order mark, so Excel reads the Chinese) and XLSX.
//!
//! Owns: the table formats. May not touch: the sim.

use super::db::{NewPerson, OrgKind, Organisation, Person, Result, StoreError, check_id_number};
use super::records::Records;
use serde::Deserialize;
use std::path::Path;

/// The headers each column may have (Chinese first, as offices write them).
const PERSON_COLS: [(&str, &[&str]); 5] = [
    ("code", &["编号", "人员编号", "code"]),
    ("name", &["姓名", "name"]),
    ("id_number", &["身份证号", "身份证号码", "id_number"]),
    ("organisation", &["单位", "单位编号", "organisation"]),
    ("post", &["岗位", "职务", "post"]),
];
const ORG_COLS: [(&str, &[&str]); 6] = [
    ("code", &["编号", "单位编号", "code"]),
    ("name", &["名称", "单位名称", "name"]),
    ("kind", &["类型", "kind"]),
    ("category", &["类别", "category"]),
    ("claimed_grade", &["申报等级", "claimed_grade"]),
    ("parent", &["上级单位", "所属乡镇", "parent"]),
];

/// A RON file of records.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RonRecords {
    organisations: Vec<RonOrg>,
    people: Vec<RonPerson>,
}

#[derive(Debug, Deserialize)]
struct RonOrg {
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    claimed_grade: Option<String>,
    #[serde(default)]
    parent: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RonPerson {
    code: String,
    name: String,
    #[serde(default)]
    id_number: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    post: Option<String>,
}

/// Reads a CSV or RON file of people and/or organisations and stores them
/// all in one transaction (a bad row stores nothing, and its line is named).
/// Returns (organisations, people) read.
pub fn import(store: &mut dyn Records, path: &Path) -> Result<(usize, usize)> {
    let text = std::fs::read_to_string(path).map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
    let text = text.trim_start_matches('\u{feff}');
    let (orgs, people) = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")) {
        let r: RonRecords = crate::scenario::load::ron_options().from_str(text).map_err(|e| {
            StoreError::Invalid(format!("{}:{}:{}: {}", path.display(), e.span.start.line, e.span.start.col, e.code))
        })?;
        (
            r.organisations
                .into_iter()
                .map(|o| {
                    let kind = OrgKind::parse(&o.kind).map_err(|e| {
                        StoreError::Invalid(format!("{}: organisation {}: {e}", path.display(), o.code))
                    })?;
                    Ok(Organisation {
                        code: o.code,
                        name: o.name,
                        kind,
                        category: o.category,
                        claimed_grade: o.claimed_grade,
                        parent: o.parent,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            r.people
                .into_iter()
                .map(|p| NewPerson {
                    code: p.code,
                    name: p.name,
                    id_number: p.id_number,
                    organisation: p.organisation,
                    post: p.post,
                })
                .collect::<Vec<_>>(),
        )
    } else {
        read_csv(path, text)?
    };
    let n = (orgs.len(), people.len());
    store.put_all(&orgs, &people)?;
    Ok(n)
}

fn read_csv(path: &Path, text: &str) -> Result<(Vec<Organisation>, Vec<NewPerson>)> {
    let mut rd = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| StoreError::Invalid(format!("{}: {e}", path.display())))?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h));
    let bad = |line: u64, msg: String| StoreError::Invalid(format!("{}:{line}: {msg}", path.display()));
    let is_people = col(PERSON_COLS[1].1).is_some();
    let is_orgs = col(ORG_COLS[1].1).is_some();
    if !is_people && !is_orgs {
        return Err(StoreError::Invalid(format!(
            "{}:1: the header names neither 姓名 (people) nor 名称 (organisations); found {}",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let cols: Vec<Option<usize>> = if is_people {
        PERSON_COLS.iter().map(|(_, names)| col(names)).collect()
    } else {
        ORG_COLS.iter().map(|(_, names)| col(names)).collect()
    };
    for (k, required) in [(0, "编号"), (1, if is_people { "姓名" } else { "名称" })] {
        if cols[k].is_none() {
            return Err(bad(1, format!("no {required} column")));
        }
    }
    if !is_people && cols[2].is_none() {
        return Err(bad(1, "no 类型 column (乡镇, 村 or 队伍)".into()));
    }
    let (mut orgs, mut people) = (Vec::new(), Vec::new());
    for rec in rd.records() {
        let rec = rec.map_err(|e| StoreError::Invalid(format!("{}: {e}", path.display())))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |k: usize| cols[k].and_then(|c| rec.get(c)).map(str::to_owned).filter(|s| !s.is_empty());
        let code = get(0).ok_or_else(|| bad(line, "no 编号".into()))?;
        let name = get(1).ok_or_else(|| bad(line, "no name".into()))?;
        if is_people {
            if let Some(id) = get(2) {
                check_id_number(&id).map_err(|e| bad(line, e))?;
            }
            people.push(NewPerson { code, name, id_number: get(2), organisation: get(3), post: get(4) });
        } else {
            let kind = OrgKind::parse(&get(2).unwrap_or_default()).map_err(|e| bad(line, format!("类型: {e}")))?;
            orgs.push(Organisation { code, name, kind, category: get(3), claimed_grade: get(4), parent: get(5) });
        }
    }
    Ok((orgs, people))
}

/// The export's columns.
const EXPORT_HEADERS: [&str; 11] =
    ["记录号", "日期", "演练", "种子", "角色", "人员编号", "姓名", "单位", "角色得分", "总分", "等级"];

/// One row per (run, role played by a person), newest run first.
fn export_rows(store: &mut dyn Records) -> Result<Vec<[String; 11]>> {
    let people: std::collections::BTreeMap<String, Person> =
        store.people()?.into_iter().map(|p| (p.code.clone(), p)).collect();
    let mut rows = Vec::new();
    for run in store.runs(None)? {
        for (role, by, score) in &run.roles {
            let Some(p) = people.get(by) else { continue };
            rows.push([
                run.id.to_string(),
                run.recorded_at.clone(),
                run.scenario_title_zh.clone(),
                run.seed.to_string(),
                role.clone(),
                p.code.clone(),
                p.name.clone(),
                p.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
                score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                format!("{:.1}", run.score),
                run.level.clone(),
            ]);
        }
    }
    Ok(rows)
}

/// Rows as CSV bytes (UTF-8 with a byte-order mark, so Excel reads the Chinese).
pub fn csv_bytes<R: AsRef<[String]>>(rows: &[R]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for r in rows {
        w.write_record(r.as_ref()).map_err(|e| StoreError::Io(e.to_string()))?;
    }
    w.into_inner().map_err(|e| StoreError::Io(e.to_string()))
}

/// Rows as an XLSX workbook of one sheet (the first row bold and frozen;
/// the `numeric` columns written as numbers where they read as one).
pub fn xlsx_bytes<R: AsRef<[String]>>(sheet_name: &str, rows: &[R], numeric: &[usize]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| StoreError::Io(format!("XLSX: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(x)?;
    let bold = Format::new().set_bold();
    for (k, r) in rows.iter().enumerate() {
        for (c, v) in r.as_ref().iter().enumerate() {
            let (row, col) = (k as u32, c as u16);
            match v.parse::<f64>() {
                _ if k == 0 => sheet.write_string_with_format(row, col, v, &bold).map_err(x)?,
                Ok(n) if numeric.contains(&c) => sheet.write_number(row, col, n).map_err(x)?,
                _ => sheet.write_string(row, col, v).map_err(x)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    book.save_to_buffer().map_err(x)
}

fn export_table(store: &mut dyn Records) -> Result<Vec<Vec<String>>> {
    let mut rows = vec![EXPORT_HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    rows.extend(export_rows(store)?.into_iter().map(Vec::from));
    Ok(rows)
}

/// The runs as CSV bytes.
pub fn export_csv(store: &mut dyn Records) -> Result<Vec<u8>> {
    csv_bytes(&export_table(store)?)
}

/// The runs as an XLSX workbook's bytes (numbers as numbers).
pub fn export_xlsx(store: &mut dyn Records) -> Result<Vec<u8>> {
    xlsx_bytes("演练记录", &export_table(store)?, &[0, 3, 8, 9])
}
