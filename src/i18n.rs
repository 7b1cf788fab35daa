//! The words people read — in the window and in the exported evaluation
//! reports: every string comes from `assets/i18n/{zh-CN,en}.ftl` (embedded
//! in the binary), through `Tr`. Bidi isolation marks are off: egui would
//! draw them as boxes, and a PDF would carry them as invisible characters.
//!
//! Owns: `Lang`, `Tr`, the embedded .ftl files. May not touch: the sim,
//! the faces.

use bevy::prelude::Resource;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The two languages of the window and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    #[value(name = "zh-CN")]
    ZhCn,
    #[value(name = "en")]
    En,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The .ftl source of this language.
    pub fn source(self) -> &'static str {
        match self {
            Lang::ZhCn => ZH_CN,
            Lang::En => EN,
        }
    }

    /// The other language (the switch in the top bar).
    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }
}

/// The font that draws them: a subset of WenQuanYi Micro Hei (Apache-2.0,
/// licence in `assets/fonts/`) with Latin and the common hanzi, made by
/// `tools/subset_font.py`; the window and the PDF reports embed it.
pub const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/firstline-cjk.ttf");

pub const ZH_CN: &str = include_str!("../assets/i18n/zh-CN.ftl");
pub const EN: &str = include_str!("../assets/i18n/en.ftl");

/// The translator of one language.
#[derive(Resource)]
pub struct Tr {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        bundle.set_use_isolating(false);
        // The embedded files are checked by the i18n tests; a syntax error
        // in one entry drops only that entry.
        let res = match FluentResource::try_new(lang.source().to_owned()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let _ = bundle.add_resource(res);
        Tr { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text of `key`; a missing key shows as the key itself.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text of `key` with its arguments.
    pub fn a(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::S(s) => fa.set(*k, FluentValue::from(s.clone())),
                Arg::N(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        self.format(key, Some(&fa))
    }

    /// Whether `key` exists.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// The scenario text in this language.
    pub fn text<'a>(&self, t: &'a crate::scenario::schema::Text) -> &'a str {
        match self.lang {
            Lang::ZhCn => &t.zh,
            Lang::En => &t.en,
        }
    }

    /// Drill seconds as h:mm:ss.
    pub fn clock(s: u64) -> String {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// A message argument.
#[derive(Debug, Clone)]
pub enum Arg {
    S(String),
    N(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::S(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::S(s)
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::N(n as f64)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::N(n as f64)
    }
}
impl From<f64> for Arg {
    fn from(n: f64) -> Arg {
        Arg::N(n)
    }
}

/// The message ids of an .ftl source, in file order.
pub fn keys(source: &str) -> Vec<String> {
    let res = match FluentResource::try_new(source.to_owned()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}
