//! The window's words: both languages have the same messages, every key the
//! code asks for exists in both, no UI string is written into the code, and
//! the embedded font draws every character the window can show (so Chinese
//! never renders as boxes).
#![cfg(feature = "gui")]

use firstline::gui::i18n::{self, Lang, Tr};
use std::collections::BTreeSet;
use std::path::Path;

fn gui_sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("src/gui"), &mut out);
    out
}

/// The string literals of a Rust source, outside comments (no raw strings
/// in `src/gui`).
fn literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in src.lines() {
        let code = line.trim_start();
        // Comments, and messages for the command line (stderr, errors a
        // command prints), are not the window's text.
        if code.starts_with("//") || line.contains("eprintln!") || line.contains("// not window text") {
            continue;
        }
        let mut chars = line.chars().peekable();
        let mut prev = ' ';
        while let Some(c) = chars.next() {
            if c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            if c == '\'' && prev != '\\' {
                // A char literal like '"' or a lifetime: skip to its end.
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('"') || rest.starts_with("\\\"") {
                    for _ in 0..rest.find('\'').map_or(0, |k| k + 1) {
                        chars.next();
                    }
                }
            } else if c == '"' {
                let mut s = String::new();
                let mut esc = false;
                for d in chars.by_ref() {
                    if esc {
                        s.push(d);
                        esc = false;
                    } else if d == '\\' {
                        esc = true;
                    } else if d == '"' {
                        break;
                    } else {
                        s.push(d);
                    }
                }
                out.push(s);
            }
            prev = c;
        }
    }
    out
}

#[test]
fn both_languages_have_the_same_messages() {
    let zh = i18n::keys(i18n::ZH_CN);
    let en = i18n::keys(i18n::EN);
    assert!(zh.len() > 200, "{} messages", zh.len());
    for (name, keys) in [("zh-CN", &zh), ("en", &en)] {
        let set: BTreeSet<_> = keys.iter().collect();
        assert_eq!(set.len(), keys.len(), "{name}.ftl has a key twice");
    }
    let (a, b): (BTreeSet<_>, BTreeSet<_>) = (zh.iter().collect(), en.iter().collect());
    assert_eq!(a.difference(&b).collect::<Vec<_>>(), Vec::<&&String>::new(), "in zh-CN.ftl only");
    assert_eq!(b.difference(&a).collect::<Vec<_>>(), Vec::<&&String>::new(), "in en.ftl only");
    for src in [i18n::ZH_CN, i18n::EN] {
        assert!(fluent_bundle::FluentResource::try_new(src.to_owned()).is_ok(), "an .ftl file has a syntax error");
    }
}

#[test]
fn every_key_the_window_asks_for_exists() {
    let tr = [Tr::new(Lang::ZhCn), Tr::new(Lang::En)];
    let mut asked = BTreeSet::new();
    for (_, src) in gui_sources() {
        for l in literals(&src) {
            let key_like = l.len() > 3
                && l.contains('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && l.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && !l.ends_with('-');
            // Not keys: a language tag and the font's name.
            if key_like && !["zh-CN", "firstline-cjk"].contains(&l.as_str()) {
                asked.insert(l);
            }
        }
    }
    // Keys made from enum variants (`format!("task-{t:?}")`…).
    let families: [(&str, &[&str]); 14] = [
        (
            "action",
            &[
                "DeclareResponse",
                "IssueWarning",
                "CallAndResponse",
                "OrderEvacuation",
                "OpenShelter",
                "CloseShelter",
                "Dispatch",
                "CloseRoad",
                "RequestSupport",
                "SendReport",
                "Patrol",
                "DoorToDoor",
            ],
        ),
        ("warning", &["Blue", "Yellow", "Orange", "Red"]),
        ("channel", &["Broadcast", "Phone", "Sms", "Megaphone", "Gong", "DoorToDoor"]),
        (
            "task",
            &["Rescue", "SuppressFire", "Pump", "Sandbag", "ClearRoad", "EscortVulnerable", "DoorToDoor", "Standby"],
        ),
        ("road", &["County", "Township", "Village", "Track", "Footpath"]),
        ("report", &["First", "FollowUp"]),
        ("do-report", &["First", "FollowUp"]),
        ("hazard", &["Flood", "Landslide", "Fire"]),
        ("role", &["Commander", "OfficeDirector", "VillageHead", "GridWorker", "RescueLeader", "InfoOfficer"]),
        ("competence", &["Perfect", "Typical", "Poor"]),
        ("mode", &["Practice", "Assessment"]),
        ("house", &["Normal", "Warned", "Left", "Flooded", "Struck"]),
        ("step", &["waiting", "due", "done", "late"]),
        (
            "metric",
            &[
                "WarningDelay",
                "CallResponseTime",
                "AlarmTaken",
                "TurnOut",
                "OnScene",
                "FirstReport",
                "EvacuatedBeforeArrival",
                "TimeTo50",
                "TimeTo90",
                "TimeTo100",
                "Casualties",
                "VulnerableEvacuated",
                "ShelterOverflow",
                "PlanAdherence",
                "Rescued",
                "TimeToRescue",
                "CrewSafety",
                "RouteFailures",
            ],
        ),
    ];
    for (prefix, variants) in families {
        for v in variants {
            asked.insert(format!("{prefix}-{v}"));
        }
    }
    assert!(asked.len() > 150, "found {} keys", asked.len());
    let missing: Vec<String> = asked
        .iter()
        .flat_map(|k| tr.iter().filter(|t| !t.has(k)).map(move |t| format!("{} ({})", k, t.lang().tag())))
        .collect();
    assert!(missing.is_empty(), "keys the window asks for but the .ftl files lack: {missing:?}");
}

#[test]
fn no_ui_string_is_written_into_the_code() {
    // What a person reads comes from the .ftl files: a literal with words in
    // it (Chinese characters, or two letters in a row) in `src/gui` is a
    // hard-coded string, except keys, ids, file names, format patterns and
    // the fixed few below (names of files, the font, test data).
    let tr = Tr::new(Lang::En);
    let allowed = |s: &str| {
        // Keys, and keys made from a variant: `task-{t:?}`.
        let key_pattern = s.split_once("-{").is_some_and(|(head, tail)| {
            head.chars().all(|c| c.is_ascii_lowercase() || c == '-') && tail.ends_with(":?}") && !tail.contains(' ')
        });
        s.is_empty()
            || tr.has(s)
            || key_pattern
            // ids (egui's, the font's), format patterns without words
            || s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.:/{}".contains(c))
            // embedded files
            || s.starts_with("../../") && (s.ends_with(".ftl") || s.ends_with(".ttf") || s.ends_with(".ron"))
            // a language tag; the scenario language's non-burnable fuel code
            || ["zh-CN", "NB"].contains(&s)
    };
    let mut found = Vec::new();
    for (path, src) in gui_sources() {
        // Tests inside the window's modules may use any text.
        let body = src.split("#[cfg(test)]").next().unwrap_or(&src);
        for l in literals(body) {
            // Words outside `{…}` (format arguments are not text).
            let mut bare = String::new();
            let mut depth = 0;
            for c in l.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ if depth == 0 => bare.push(c),
                    _ => {}
                }
            }
            let cjk = bare.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let words = bare.as_bytes().windows(2).any(|w| w[0].is_ascii_alphabetic() && w[1].is_ascii_alphabetic());
            if (cjk || words) && !allowed(&l) {
                found.push(format!("{path}: {l:?}"));
            }
        }
    }
    let expected_only: Vec<&str> = vec![];
    assert_eq!(found, expected_only, "hard-coded strings in src/gui");
}

#[test]
fn the_embedded_font_draws_every_character_the_window_shows() {
    let ctx = bevy_egui::egui::Context::default();
    ctx.set_fonts(firstline::gui::fonts::definitions());
    ctx.run_ui(Default::default(), |_| {}).textures_delta.clear();
    let font = bevy_egui::egui::FontId::proportional(16.0);
    let mut text = String::new();
    text.push_str(i18n::ZH_CN);
    text.push_str(i18n::EN);
    for (_, t) in firstline::gui::catalog::EMBEDDED {
        text.push_str(t);
    }
    let chars: BTreeSet<char> = text.chars().filter(|c| !c.is_control()).collect();
    let missing: String = ctx.fonts_mut(|f| chars.iter().filter(|c| !f.has_glyph(&font, **c)).collect());
    assert!(missing.is_empty(), "characters the embedded font cannot draw: {missing:?}");
    // And without it, Chinese would not draw at all (the check can fail).
    let bare = bevy_egui::egui::Context::default();
    bare.run_ui(Default::default(), |_| {}).textures_delta.clear();
    assert!(!bare.fonts_mut(|f| f.has_glyph(&font, '洪')), "egui's own fonts have no Chinese");
}
