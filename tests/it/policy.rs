//! Issue 13: the user's own Git policy. docket's commits are signed when
//! `commit.gpgSign` says so (SSH keys made here with ssh-keygen; OpenPGP when gpg is
//! installed) and verify with `git verify-commit`; `verify.require_signed` finds unsigned
//! commits; the repository's hooks run with `docket.runHooks` and a failing one stops the
//! action with nothing written.

use std::path::Path;
use std::process::Command;

use crate::util::TestEnv;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
}

fn git_env(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("git");
    cmd.args(args);
    env.prepare(&mut cmd);
    cmd.output().unwrap()
}

/// An SSH key for alice, set as this repository's signing key, trusted for verify-commit.
fn ssh_signing(env: &TestEnv) {
    let key = env.home.join("id_ed25519");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = env.home.join("allowed_signers");
    std::fs::write(&allowed, format!("alice@example.com {public}")).unwrap();
    env.git(&["config", "gpg.format", "ssh"]);
    env.git(&["config", "user.signingKey", key.to_str().unwrap()]);
    env.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        allowed.to_str().unwrap(),
    ]);
    env.git(&["config", "commit.gpgSign", "true"]);
}

fn require_signed(env: &TestEnv) {
    let config = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[verify]\nrequire_signed = true\n"),
    )
    .unwrap();
}

#[test]
fn commits_are_signed_with_an_ssh_key_and_verify_with_git() {
    if !have("ssh-keygen") {
        eprintln!("skipped: ssh-keygen is not installed (apt-get install openssh-client)");
        return;
    }
    let env = TestEnv::new();
    let id = env.create("Card declined", &[]);
    let unsigned_tip = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    ssh_signing(&env);
    env.ok(&["comment", &id, "-m", "Signed comment"]);
    let out = git_env(&env, &["verify-commit", "HEAD"]);
    assert!(
        out.status.success(),
        "git verify-commit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Good \"git\" signature"));
    assert_eq!(env.status(), "");

    // With require_signed, the unsigned commits before are findings; the signed are not.
    require_signed(&env);
    env.git(&["add", "docket.toml"]);
    // A commit by git itself, signed by git (the same settings).
    crate::verify::git_as(
        &env,
        crate::verify::ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qm", "require signatures"],
    );
    let r = env.json_code(&["verify"], 1);
    let findings = r["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["kind"] == "unsigned"), "{r}");
    let unsigned = env.git(&["rev-list", "--count", &unsigned_tip]);
    assert_eq!(
        findings.len(),
        unsigned.trim().parse::<usize>().unwrap(),
        "{r}"
    );
    let r = env.json(&["verify", "--since", &unsigned_tip]);
    assert_eq!(r["clean"], true, "{r}");
    // A key the allowed signers do not list is anyone's key: a bad signature.
    let allowed = env.home.join("allowed_signers");
    std::fs::write(&allowed, "").unwrap();
    let r = env.json_code(&["verify", "--since", &unsigned_tip], 1);
    let k: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(k, ["bad-signature", "bad-signature"], "{r}");
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("allowedSignersFile")
    );
}

#[test]
fn a_signing_failure_is_named_and_nothing_is_written() {
    let env = TestEnv::new();
    let id = env.create("Card declined", &[]);
    env.git(&["config", "gpg.format", "ssh"]);
    env.git(&["config", "user.signingKey", "/no/such/key"]);
    env.git(&["config", "commit.gpgSign", "true"]);
    let (commits, text) = (env.commit_count(), env.case_text(&id));
    let err = env.fails(&["comment", &id, "-m", "Hello"], 2);
    assert!(
        err.contains("signing the commit with ssh-keygen failed"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(env.commit_count(), commits);
    assert_eq!(env.case_text(&id), text);
    assert_eq!(env.status(), "");
    // A format docket does not know is refused the same way.
    env.git(&["config", "gpg.format", "x509"]);
    let err = env.fails(&["comment", &id, "-m", "Hello"], 2);
    assert!(err.contains("x509"), "{err}");
}

#[test]
fn commits_are_signed_with_an_openpgp_key_when_gpg_is_installed() {
    if !have("gpg") {
        eprintln!("skipped: gpg is not installed (apt-get install gnupg)");
        return;
    }
    let env = TestEnv::new();
    let gnupg = env.home.join(".gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
    let gpg = |args: &[&str]| {
        let out = Command::new("gpg")
            .args(["--batch", "--homedir"])
            .arg(&gnupg)
            .args(args)
            .env("HOME", &env.home)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    gpg(&[
        "--passphrase",
        "",
        "--quick-gen-key",
        "Alice Martin <alice@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    let id = env.create("Card declined", &[]);
    env.git(&["config", "commit.gpgSign", "true"]);
    env.git(&["config", "user.signingKey", "alice@example.com"]);
    env.ok(&["comment", &id, "-m", "Signed with OpenPGP"]);
    let out = git_env(&env, &["verify-commit", "HEAD"]);
    let _ = Command::new("gpgconf")
        .args(["--homedir"])
        .arg(&gnupg)
        .args(["--kill", "gpg-agent"])
        .output();
    assert!(
        out.status.success(),
        "git verify-commit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Good signature"));
}

fn hook(env: &TestEnv, name: &str, body: &str) {
    let path = env.dir.join(".git/hooks").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn hooks_run_when_enabled_and_a_failing_one_stops_the_action() {
    let env = TestEnv::new();
    let id = env.create("Card declined", &[]);
    hook(
        &env,
        "pre-commit",
        "echo 'no case changes on Fridays' >&2\nexit 1",
    );
    // Off by default: the failing hook does not run.
    env.ok(&["comment", &id, "-m", "Hooks are off"]);
    env.git(&["config", "docket.runHooks", "true"]);
    let (commits, text) = (env.commit_count(), env.case_text(&id));
    let err = env.fails(&["comment", &id, "-m", "Refused"], 2);
    assert!(
        err.contains("pre-commit hook refused") && err.contains("Fridays"),
        "{err}"
    );
    assert_eq!(env.commit_count(), commits);
    assert_eq!(env.case_text(&id), text);
    assert_eq!(env.status(), "");

    // pre-commit sees the change staged; commit-msg may edit the message.
    let seen = env.tmp.path().join("staged.txt");
    hook(
        &env,
        "pre-commit",
        &format!("git diff --cached --name-only > '{}'", seen.display()),
    );
    hook(
        &env,
        "commit-msg",
        "printf 'Signed-off-by: Alice Martin <alice@example.com>\\n' >> \"$1\"",
    );
    env.ok(&["comment", &id, "-m", "Accepted"]);
    let staged = std::fs::read_to_string(&seen).unwrap();
    assert!(staged.contains(&format!("{id}.toml")), "{staged}");
    let body = env.git(&["log", "-1", "--format=%B"]);
    assert!(body.contains("Signed-off-by: Alice Martin"), "{body}");
    assert!(body.contains("Docket-Action: comment"), "{body}");
    assert_eq!(env.status(), "");

    // A failing commit-msg hook stops it too.
    hook(
        &env,
        "commit-msg",
        "echo 'missing ticket reference' >&2; exit 1",
    );
    let err = env.fails(&["comment", &id, "-m", "Refused"], 2);
    assert!(err.contains("commit-msg hook refused"), "{err}");
    let _ = Path::new("");
}
