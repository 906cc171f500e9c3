//! The layer rule, checked: `src/` is a stack of layers (one top-level folder each), a file
//! imports only from its own layer or the ones below it, and no two files import each other,
//! directly or around a loop. How an import is found is in `checker.rs`.
//!
//! `PGPULSE_ARCH_DUMP=1 cargo test --test architecture -- --nocapture` prints every edge.

mod checker;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// pgpulse's layers, bottom first. Each `src/<layer>/mod.rs` says the same in its doc comment.
const LAYERS: &[&str] = &[
    "text",
    "settings",
    "pg",
    "cluster",
    "monitor",
    "recording",
    "analysis",
    "actions",
    "tui",
    "demo",
    "commands",
];

#[test]
fn layers_import_only_downwards_and_files_form_no_cycle() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = checker::read_tree(base, Path::new("src"));
    let report = checker::check(&files, Path::new("src/lib.rs"), LAYERS);
    if std::env::var_os("PGPULSE_ARCH_DUMP").is_some() {
        for edge in &report.edges {
            println!(
                "{} -> {}  ({}:{} `{}`)",
                edge.from.display(),
                edge.to.display(),
                edge.from.display(),
                edge.line,
                edge.path
            );
        }
    }
    assert!(
        report.edges.len() > 100,
        "the checker found almost no imports: is it reading src/?"
    );
    assert!(report.is_clean(), "\n{}", report.describe());
}

/// A tiny crate: `text` (bottom) and `tui` (top), written as `(path, source)` pairs.
fn tree(files: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
    files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_string()))
        .collect()
}

const TWO_LAYERS: &[&str] = &["text", "tui"];

#[test]
fn the_checker_accepts_a_clean_tree() {
    let files = tree(&[
        ("src/lib.rs", "pub mod text; pub mod tui;"),
        ("src/text/mod.rs", "pub mod format; pub use format::width;"),
        ("src/text/format.rs", "pub fn width() -> usize { 1 }"),
        (
            "src/tui/mod.rs",
            "mod view;\nuse crate::text::width;\npub fn draw() -> usize { width() + view::rows() }",
        ),
        (
            "src/tui/view.rs",
            "pub fn rows() -> usize { crate::text::format::width() }",
        ),
    ]);
    let report = checker::check(&files, Path::new("src/lib.rs"), TWO_LAYERS);
    assert!(report.is_clean(), "{}", report.describe());
    let edges: Vec<String> = report
        .edges
        .iter()
        .map(|e| format!("{} -> {}", e.from.display(), e.to.display()))
        .collect();
    // A re-export is an import of its own file, and it is followed to the defining file
    // (`width` comes from format.rs, not from text/mod.rs); `mod view;` is not an edge.
    assert_eq!(
        edges,
        [
            "src/text/mod.rs -> src/text/format.rs",
            "src/tui/mod.rs -> src/text/format.rs",
            "src/tui/mod.rs -> src/tui/view.rs",
            "src/tui/view.rs -> src/text/format.rs",
        ]
    );
}

#[test]
fn the_checker_reports_an_upward_import() {
    let files = tree(&[
        ("src/lib.rs", "pub mod text; pub mod tui;"),
        (
            "src/text/mod.rs",
            "use crate::tui::terminal::Screen;\npub fn name(_: Screen) {}",
        ),
        ("src/tui/mod.rs", "pub enum Screen { Dashboard }"),
    ]);
    let report = checker::check(&files, Path::new("src/lib.rs"), TWO_LAYERS);
    assert_eq!(
        report.upward,
        [
            "src/text/mod.rs:1 `crate::tui::terminal::Screen` -> src/tui/mod.rs (text may not import tui)"
        ]
    );
}

#[test]
fn the_checker_reports_a_cycle_through_super_globs_and_macro_arguments() {
    let files = tree(&[
        ("src/lib.rs", "pub mod text; pub mod tui;"),
        ("src/text/mod.rs", "pub mod a; pub mod b; pub mod c;"),
        (
            "src/text/a.rs",
            "use super::b::helper;\npub fn start() { helper() }",
        ),
        // A glob brings `finish` in; it is only named inside a macro's arguments.
        (
            "src/text/b.rs",
            "use super::c::*;\npub fn helper() { assert!(finish()) }",
        ),
        (
            "src/text/c.rs",
            "pub fn finish() -> bool {\n    super::a::start();\n    true\n}",
        ),
        ("src/tui/mod.rs", ""),
    ]);
    let report = checker::check(&files, Path::new("src/lib.rs"), TWO_LAYERS);
    assert!(report.upward.is_empty(), "{}", report.describe());
    assert_eq!(
        report.cycles,
        ["3 files [src/text/a.rs, src/text/b.rs, src/text/c.rs]: \
          src/text/a.rs:1 `super::b::helper` -> src/text/b.rs:2 `finish` -> \
          src/text/c.rs:2 `super::a::start` -> back to src/text/a.rs"]
    );
}

#[test]
fn the_checker_reports_modules_outside_the_layers_and_stray_files() {
    let files = tree(&[
        ("src/lib.rs", "pub mod text; pub mod util;"),
        ("src/text/mod.rs", ""),
        ("src/util.rs", ""),
        ("src/text/forgotten.rs", ""),
    ]);
    let report = checker::check(&files, Path::new("src/lib.rs"), TWO_LAYERS);
    assert_eq!(
        report.problems,
        [
            "top-level module `util` is not a layer: add it to a layer's folder",
            "src/text/forgotten.rs is not part of the module tree",
        ]
    );
}
