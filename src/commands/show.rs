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
    let text = crate::render::text::case_view(&file.case, &cb.config);
    write!(env.out, "{text}")?;
    Ok(())
}
