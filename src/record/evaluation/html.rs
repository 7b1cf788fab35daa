//! The evaluation report as one self-contained HTML file: inline style,
//! charts as inline SVG, every text escaped; prints on A4.
//!
//! Owns: the HTML rendering. May not touch: anything else.

use super::Evaluation;
use super::chart::esc;
use crate::i18n::Tr;

pub fn render(e: &Evaluation) -> String {
    let tr = Tr::new(e.lang);
    let mut o = String::new();
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>\n",
        e.lang.tag(),
        esc(&e.title),
        STYLE
    ));
    o.push_str(&format!("<h1>{}</h1>\n", esc(&e.title)));
    o.push_str(&format!("<p class=\"verdict\">{}</p>\n", esc(&e.verdict)));
    // 1. 演练概况
    o.push_str(&format!("<section id=\"overview\"><h2>{}</h2><table>", esc(&tr.t("eval-h-overview"))));
    for (k, v) in &e.overview {
        o.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v)));
    }
    o.push_str("</table>");
    o.push_str(&format!(
        "<table class=\"roles\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(&tr.t("eval-col-role")),
        esc(&tr.t("eval-col-played")),
        esc(&tr.t("eval-col-score"))
    ));
    for (r, who, score) in &e.roles {
        o.push_str(&format!("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>", esc(r), esc(who), esc(score)));
    }
    o.push_str("</table></section>\n");
    // 2. 过程回顾
    o.push_str(&format!(
        "<section id=\"timeline\"><h2>{}</h2><table class=\"timeline\">",
        esc(&tr.t("eval-h-timeline"))
    ));
    for (t, what) in &e.timeline {
        o.push_str(&format!("<tr><td class=\"num\">{}</td><td>{}</td></tr>", esc(t), esc(what)));
    }
    o.push_str("</table></section>\n");
    // 3. 指标评价
    o.push_str(&format!(
        "<section id=\"metrics\"><h2>{}</h2><table class=\"metrics\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(&tr.t("eval-h-metrics")),
        esc(&tr.t("eval-col-metric")),
        esc(&tr.t("eval-col-value")),
        esc(&tr.t("eval-col-threshold")),
        esc(&tr.t("eval-col-passed")),
        esc(&tr.t("eval-col-credit")),
        esc(&tr.t("eval-col-evidence")),
    ));
    for m in &e.metrics {
        let (class, pass) = match m.passed {
            Some(true) => ("pass", tr.t("eval-pass")),
            Some(false) => ("fail", tr.t("eval-fail")),
            None => ("na", "—".to_owned()),
        };
        let mut ev = m.evidence.iter().map(|x| esc(x)).collect::<Vec<_>>().join("<br>");
        if m.evidence_total > m.evidence.len() {
            ev.push_str(&format!(
                "<br>{}",
                esc(&tr.a("eval-more", &[("n", ((m.evidence_total - m.evidence.len()) as u64).into())]))
            ));
        }
        o.push_str(&format!(
            "<tr class=\"metric {class}\"><td>{}<div class=\"why\">{}</div></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"ev\">{}</td></tr>",
            esc(&m.name),
            esc(&m.why),
            esc(&m.value),
            esc(&m.threshold),
            esc(&pass),
            esc(&m.credit),
            ev
        ));
    }
    o.push_str("</table>");
    for c in &e.charts {
        o.push_str(&format!("<figure>{}</figure>", c.svg()));
    }
    o.push_str("</section>\n");
    // 4. 存在问题, 5. 改进建议
    for (id, key, items) in
        [("problems", "eval-h-problems", &e.problems), ("suggestions", "eval-h-suggestions", &e.suggestions)]
    {
        o.push_str(&format!("<section id=\"{id}\"><h2>{}</h2>", esc(&tr.t(key))));
        if items.is_empty() {
            o.push_str(&format!("<p>{}</p>", esc(&tr.t("eval-none"))));
        } else {
            o.push_str("<ol>");
            for p in items {
                o.push_str(&format!("<li>{}</li>", esc(p)));
            }
            o.push_str("</ol>");
        }
        o.push_str("</section>\n");
    }
    o.push_str(&format!("<footer>{}</footer>\n</body></html>\n", esc(&tr.t("eval-footer"))));
    o
}

const STYLE: &str = "body{font-family:'Noto Sans SC','Source Han Sans SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.45}\
h1{font-size:1.6em;border-bottom:2px solid #0072b2;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;color:#0072b2}\
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}\
th{background:#f2f5f8}.num{text-align:right;white-space:nowrap}.why{font-size:.85em;color:#555}.ev{font-size:.8em;color:#444}\
tr.fail td:nth-child(4){color:#d55e00;font-weight:bold}tr.pass td:nth-child(4){color:#009e73;font-weight:bold}\
.verdict{font-size:1.2em;font-weight:bold}figure{margin:1em 0}footer{margin-top:2em;font-size:.8em;color:#666}\
@media print{body{margin:0;max-width:none}section{break-inside:avoid-page}}";
