//! completions/ and man/ are generated from the CLI; they must not drift.

#[test]
fn committed_completions_and_man_pages_match_the_cli() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (path, content) in docket::commands::generated_files() {
        match std::fs::read(root.join(&path)) {
            Ok(existing) if existing == content => {}
            _ => stale.push(path),
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nregenerate them with: cargo run -- generate-files ."
    );
}
