//! `TestEnv`: a temporary HOME (no global Git config), a fixed Git identity, a casebook
//! folder, and helpers to run docket and git there.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub const NOW: &str = "2026-11-20T09:00:00Z";

pub struct TestEnv {
    /// The next `DOCKET_RANDOM_SEED`: each docket run gets its own, so IDs are the same
    /// on every run of a test (snapshots) yet differ between commands.
    seed: std::cell::Cell<u64>,
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub dir: PathBuf,
    pub now: String,
    pub identity: Option<(String, String)>,
}

impl TestEnv {
    /// An environment with an empty HOME and no casebook yet.
    pub fn bare() -> TestEnv {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let dir = tmp.path().join("book");
        TestEnv {
            seed: std::cell::Cell::new(1),
            tmp,
            home,
            dir,
            now: NOW.to_string(),
            identity: Some(("Alice Martin".into(), "alice@example.com".into())),
        }
    }

    /// An environment with an initialised casebook in `dir`.
    pub fn new() -> TestEnv {
        let env = TestEnv::bare();
        env.docket(&["init", env.dir.to_str().unwrap()])
            .assert()
            .success();
        env
    }

    /// `docket ARGS` in the casebook folder (or the temp root when there is none yet).
    pub fn docket(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_docket(args))
    }

    /// The same as a plain `std::process::Command` (to spawn several at once).
    pub fn std_docket(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_docket"));
        self.setup(&mut cmd);
        cmd.args(args);
        cmd
    }

    fn next_seed(&self) -> u64 {
        let n = self.seed.get();
        self.seed.set(n + 1);
        n
    }

    /// Replaces this environment's temporary folder in `text` by `[TMP]` (snapshots).
    pub fn normalize(&self, text: &str) -> String {
        let tmp = self.tmp.path().to_string_lossy().to_string();
        let canonical = self
            .tmp
            .path()
            .canonicalize()
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_else(|_| tmp.clone());
        text.replace(&canonical, "[TMP]").replace(&tmp, "[TMP]")
    }

    /// Runs `cmd` (a shell pipeline, say) with docket's test environment and waits.
    pub fn run_with_env(&self, mut cmd: std::process::Command) -> std::process::Output {
        self.setup(&mut cmd);
        cmd.output().expect("the command runs")
    }

    /// Applies this environment (HOME, identity, time, seed) to any command.
    pub fn prepare(&self, cmd: &mut std::process::Command) {
        self.setup(cmd);
    }

    fn setup(&self, cmd: &mut std::process::Command) {
        let cwd = if self.dir.exists() {
            self.dir.clone()
        } else {
            self.tmp.path().to_path_buf()
        };
        cmd.current_dir(cwd)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("DOCKET_NOW", &self.now)
            .env("TZ", "UTC")
            .env("DOCKET_RANDOM_SEED", self.next_seed().to_string())
            .env_remove("DOCKET_DIR")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL")
            .env_remove("EDITOR")
            .env_remove("VISUAL")
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1");
        match &self.identity {
            Some((name, email)) => {
                cmd.env("GIT_AUTHOR_NAME", name)
                    .env("GIT_AUTHOR_EMAIL", email);
            }
            None => {
                cmd.env_remove("GIT_AUTHOR_NAME")
                    .env_remove("GIT_AUTHOR_EMAIL");
            }
        }
    }

    /// Runs docket expecting success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.docket(args).output().unwrap();
        assert!(
            out.status.success(),
            "docket {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs docket expecting failure with `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.docket(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "docket {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let text = self.ok(&all);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }

    /// JSON output of a command expected to exit with `code`.
    pub fn json_code(&self, args: &[&str], code: i32) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.docket(&all).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Creates a case and returns its ID.
    pub fn create(&self, title: &str, extra: &[&str]) -> String {
        let mut args = vec!["create", "--title", title, "--quiet"];
        args.extend(extra);
        let id = self.ok(&args).trim().to_string();
        assert!(id.starts_with("DK-"), "not an ID: {id:?}");
        id
    }

    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Tester")
            .env("GIT_AUTHOR_EMAIL", "tester@example.com")
            .env("GIT_COMMITTER_NAME", "Tester")
            .env("GIT_COMMITTER_EMAIL", "tester@example.com")
            .output()
            .expect("git is installed");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.dir, args)
    }

    /// `git status --porcelain` output (empty when clean).
    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain"])
    }

    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    pub fn case_path(&self, id: &str) -> PathBuf {
        let rand = id.rsplit('-').next().unwrap();
        self.dir
            .join("cases")
            .join(&rand[..2])
            .join(format!("{id}.toml"))
    }

    /// A case file's path inside the casebook (`cases/XX/ID.toml`), as Git names it.
    pub fn case_rel(&self, id: &str) -> String {
        self.case_path(id)
            .strip_prefix(&self.dir)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    }

    pub fn case_text(&self, id: &str) -> String {
        std::fs::read_to_string(self.case_path(id)).unwrap()
    }

    pub fn show(&self, id: &str) -> Value {
        self.json(&["show", id])
    }
}
