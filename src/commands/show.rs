//! `docket show`: one case, fields then timeline.

use crate::cli::ShowArgs;
use crate::error::Result;
use crate::render;

use super::Env;

pub fn run(env: &mut Env<'_>, args: ShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let file = cb.load_case(&args.id)?;
    let (format, style) = (env.ui.format, env.ui.style);
    render::text::show(env.ui.out(), format, &file.case, &cb.config, style)?;
    Ok(())
}
