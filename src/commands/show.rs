//! `docket show`: one case, fields then timeline.

use std::io::Write;

use crate::cli::ShowArgs;
use crate::error::Result;

use super::Env;

pub fn run(env: &mut Env, args: ShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let file = cb.load_case(&args.id)?;
    if env.json() {
        let v = crate::render::json::case(&file.case, true);
        return env.print_json(&v);
    }
    if env.global.format == crate::cli::Format::Tsv {
        let tsv = crate::render::text::list_tsv(&[&file.case], false);
        return Ok(write!(env.out, "{tsv}")?);
    }
    let text = crate::render::text::case_view(&file.case, &cb.config, env.style);
    write!(env.out, "{text}")?;
    Ok(())
}
