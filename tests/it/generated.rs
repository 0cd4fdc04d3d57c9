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

/// Issue 9: errors are typed where they start; no function returns a bare `String` error
/// (the rule `grep -rn 'Result<[^>]*, String>' src` checks).
#[test]
fn no_function_returns_a_string_error() {
    let pattern = regex::Regex::new(r"Result<[^>]*, String>").unwrap();
    let mut found = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    if pattern.is_match(line) {
                        found.push(format!("{}:{}: {line}", path.display(), i + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "string errors:\n{}", found.join("\n"));
}
