//! `docket show`: one case, fields then timeline.

use crate::cli::ShowArgs;
use crate::error::Result;
use crate::render;

use super::Env;

pub fn run(env: &mut Env<'_>, args: ShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let mut file = cb.load_case(&args.id)?;
    // Internal notes are not shown to teams whose access rule says so.
    if !env.may_read_internal_notes(&cb) {
        crate::core::access::hide_internal_notes(&mut file.case);
    }
    let (format, style) = (env.ui.format, env.ui.style);
    render::text::show(env.ui.out(), format, &file.case, &cb.config, style)?;
    Ok(())
}
