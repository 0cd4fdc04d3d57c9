//! Cases created under the same ID in two clones: the local one gets a new ID before
//! the merge, so two cases are never merged into one.

use std::collections::BTreeSet;

use crate::core::case::Actor;
use crate::error::{CmdError, Result};
use crate::render::sync::{Reidentified, Synced};
use crate::store::remote::Rev;
use crate::store::{Casebook, casefile, fsutil};

use super::super::Env;
use super::one_line;

/// Cases created under the same ID here and in the other clone (a copied file, a fixed
/// seed): the local one gets a new ID (file moved, a timeline note), in a commit of its
/// own, so two cases are never merged into one. Returns the new local tip.
pub fn reidentify_clashes(
    env: &mut Env<'_>,
    cb: &Casebook,
    ours: Rev,
    theirs: Rev,
    report: &mut Synced,
) -> Result<Rev> {
    let Some(base) = cb.merge_base(ours, theirs)? else {
        return Ok(ours);
    };
    let mine: BTreeSet<String> = cb.changed_cases(base, ours)?.into_iter().collect();
    for path in cb.changed_cases(base, theirs)? {
        if !mine.contains(&path) || cb.case_at(base, &path).is_some() {
            continue;
        }
        let (Some(local), Some(remote)) = (cb.case_at(ours, &path), cb.case_at(theirs, &path))
        else {
            continue;
        };
        if local.timeline.first() == remote.timeline.first() {
            continue; // The same case (a copy of one history): merged as usual.
        }
        let old = local.id.clone();
        let new = (0..16)
            .map(|_| crate::core::id::generate(&cb.config.id_prefix, super::super::random_u64()))
            .find(|id| {
                let p = casefile::path_for(id);
                !cb.case_exists(id) && cb.case_at(theirs, &p).is_none()
            })
            .ok_or(crate::store::StoreError::NoFreeId)?;
        let mut case = local;
        let before = case.timeline.len();
        case.id = new.clone().into();
        let mut ctx = env.ctx(Actor::system());
        let mut e = ctx.event("reidentified");
        e.from = Some(old.clone());
        e.to = Some(new.clone().into());
        e.reason = Some(
            format!("re-identified from {old}: the same ID was created in another clone").into(),
        );
        case.timeline.push(e);
        crate::core::merge::stamp_clocks(&mut case, before);
        let new_path = casefile::path_for(&new);
        fsutil::atomic_write(
            &cb.dir.join(&new_path),
            casefile::render_new(&case).as_bytes(),
        )?;
        let full = |p: &str| format!("{}{p}", cb.prefix());
        let (old_full, new_full) = (full(&path), full(&new_path));
        let message = crate::store::git::message("reidentify", Some(&new), &format!("was {old}"));
        // Dated like its event (`docket verify` compares the two).
        let date = crate::core::case::format_time(env.now);
        for args in [
            vec!["rm", "-q", "--", old_full.as_str()],
            vec!["add", "--", new_full.as_str()],
            vec![
                "commit",
                "-q",
                "--date",
                date.as_str(),
                "-m",
                message.as_str(),
                "--",
                old_full.as_str(),
                new_full.as_str(),
            ],
        ] {
            let out = cb.git(&args)?;
            if !out.ok {
                return Err(CmdError::user(format!(
                    "could not re-identify {old} as {new}: {}",
                    one_line(&out.stderr)
                )));
            }
        }
        report.reidentified.push(Reidentified {
            from: old.to_string(),
            to: new,
        });
    }
    Ok(cb.rev("HEAD")?.expect("the branch has a commit"))
}
