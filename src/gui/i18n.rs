//! The window's words: the shared translator (`crate::i18n`), under the
//! name the window's modules use.

pub use crate::i18n::*;
