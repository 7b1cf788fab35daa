//! The drill evaluation report (`firstline report`): from a recorded run
//! of the Qingshi landslide drill with poor plan followers (seed 2: so metrics
//! fail, steps run late and there are problems to name), an HTML file with
//! the five sections of a 演练评估报告, one row per rubric metric, SVG
//! charts, and a PDF that poppler renders, whose Chinese text can be
//! extracted and whose CJK font is embedded; both the same bytes when made
//! again; an English one; and no report at all for a log that does not
//! replay.

use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {cmd}")).output().is_ok_and(|o| o.status.success())
}

fn firstline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firstline")).args(args).output().unwrap()
}

/// A recorded landslide drill (poor followers, seed 2: warnings and a dispatch, late steps, 16 harmed) in `dir`.
fn recorded(dir: &Path) -> std::path::PathBuf {
    let log = dir.join("drill.log.jsonl");
    let out = firstline(&[
        "run",
        "scenarios/qingshi_landslide.ron",
        "--seed",
        "2",
        "--competence",
        "poor",
        "--quiet",
        "--log",
        log.to_str().unwrap(),
        "--report",
        dir.join("drill.report.json").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    log
}

#[test]
fn the_evaluation_report_is_written_in_html_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let log = recorded(dir.path());
    let (html, pdf) = (dir.path().join("eval.html"), dir.path().join("eval.pdf"));
    let args = |h: &Path, p: &Path, lang: &str| {
        firstline(&[
            "report",
            log.to_str().unwrap(),
            "--scenario",
            "scenarios/qingshi_landslide.ron",
            "--html",
            h.to_str().unwrap(),
            "--pdf",
            p.to_str().unwrap(),
            "--lang",
            lang,
        ])
    };
    let out = args(&html, &pdf, "zh-CN");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&html).unwrap();
    // The five sections, in order, and balanced structure.
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no `{needle}`"));
    let order = ["id=\"overview\"", "id=\"timeline\"", "id=\"metrics\"", "id=\"problems\"", "id=\"suggestions\""];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "sections out of order");
    for h in ["一、演练概况", "二、过程回顾", "三、指标评价", "四、存在问题", "五、改进建议"]
    {
        assert!(text.contains(h), "{h}");
    }
    for tag in ["section", "table", "tr", "svg", "ol", "li", "figure"] {
        let open = text.matches(&format!("<{tag}>")).count() + text.matches(&format!("<{tag} ")).count();
        let close = text.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
    assert!(text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>"));
    let loaded = firstline::scenario::load(Path::new("scenarios/qingshi_landslide.ron")).unwrap();
    let rubric = loaded.scenario.rubric.metrics.len();
    assert_eq!(text.matches("<tr class=\"metric ").count(), rubric, "one row per rubric metric");
    assert!(text.matches("<svg").count() >= 2, "charts");
    assert!(text.contains("未达标") && text.contains("<li>"), "poor play has problems");
    assert!(!text.contains("<script"), "no scripts in a report");
    // A county office reads names, not the scenario's ids: no plan step,
    // force or shelter id anywhere; the late steps say what they asked.
    let s = &loaded.scenario;
    let no_ids = |text: &str, lang: &str| {
        let steps = s.plans.iter().flat_map(|p| p.steps.iter().map(|st| st.id.as_str()));
        let forces = s.forces.iter().map(|f| f.id.as_str());
        let shelters = s.villages.iter().flat_map(|v| v.shelters.iter().map(|x| x.id.as_str()));
        for id in steps.chain(forces).chain(shelters) {
            assert!(!text.contains(id), "the {lang} report shows the id `{id}`");
        }
    };
    no_ids(&text, "Chinese");
    assert!(text.contains("未按时完成预案步骤（"), "a late step named by what it asked");
    assert!(!text.contains("expected steps done"), "the scorecard's English note is not in the Chinese report");
    assert!(text.contains("居民死亡（后山村 hs-"), "the dead named by village and house");
    // The PDF: renders, embeds the CJK font, carries the Chinese as text.
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    if have("pdftoppm") && have("pdffonts") && have("pdftotext") {
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let cjk = fonts.lines().find(|l| l.contains("WenQuanYi")).unwrap_or_else(|| panic!("{fonts}"));
        assert!(cjk.split_whitespace().filter(|w| *w == "yes").count() >= 2, "embedded and subset: {cjk}");
        let words = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let words: String = String::from_utf8_lossy(&words.stdout).chars().filter(|c| !c.is_whitespace()).collect();
        for w in ["演练评估报告", "演练概况", "存在问题", "改进建议"] {
            assert!(words.contains(w), "`{w}` not found in the PDF's text");
        }
        let png = dir.path().join("page");
        let r = Command::new("pdftoppm")
            .args(["-png", "-r", "50", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(&png)
            .output()
            .unwrap();
        assert!(r.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&r.stderr));
    } else {
        assert!(
            std::env::var_os("FIRSTLINE_REQUIRE_DISPLAY").is_none(),
            "poppler-utils (pdftoppm, pdffonts, pdftotext) are missing"
        );
    }
    // Made again: the same bytes (no dates, no paths).
    let (html2, pdf2) = (dir.path().join("again.html"), dir.path().join("again.pdf"));
    assert!(args(&html2, &pdf2, "zh-CN").status.success());
    assert_eq!(std::fs::read(&html2).unwrap(), text.as_bytes());
    assert_eq!(std::fs::read(&pdf2).unwrap(), bytes);
    // In English.
    let (html_en, pdf_en) = (dir.path().join("en.html"), dir.path().join("en.pdf"));
    assert!(args(&html_en, &pdf_en, "en").status.success());
    let en = std::fs::read_to_string(&html_en).unwrap();
    assert!(en.contains("Drill evaluation report") && en.contains("Problems found") && en.contains("lang=\"en\""));
    // The English report names things too: the scorecard keeps the plan
    // steps behind a failure apart from its note (`MetricResult::steps`),
    // and the report says what they asked.
    no_ids(&en, "English");
    assert!(en.contains("late: Patrol "), "a late step named by what it asked");
    assert!(en.contains("not done: Call "), "a step never done named by what it asked");
    assert!(text.contains("未完成：叫应 "), "and in Chinese beside the metric");
}

#[test]
fn a_log_that_does_not_replay_gets_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let log = recorded(dir.path());
    let text = std::fs::read_to_string(&log).unwrap();
    // Someone improves the record: the first warning comes a minute sooner.
    let line = text.lines().find(|l| l.contains("\"kind\":\"order_given\"")).unwrap();
    let tick: u64 = line.split("\"tick\":").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    let forged = line.replacen(&format!("\"tick\":{tick}"), &format!("\"tick\":{}", tick.saturating_sub(1)), 1);
    std::fs::write(&log, text.replacen(line, &forged, 1)).unwrap();
    let html = dir.path().join("eval.html");
    let out = firstline(&[
        "report",
        log.to_str().unwrap(),
        "--scenario",
        "scenarios/qingshi_landslide.ron",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not replay"));
    assert!(!html.exists(), "no report for a log that does not replay");
}
