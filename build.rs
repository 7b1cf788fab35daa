//! Records the target triple for the build id that logs and reports carry:
//! a replay is checked with the same version on the same target.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=FIRSTLINE_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
