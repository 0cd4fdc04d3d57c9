//! `docket show`: one case, fields then timeline (and with `--suggest`, what may help).

use crate::cli::ShowArgs;
use crate::error::Result;
use crate::render::{self, Format};

use super::Env;

pub fn run(env: &mut Env<'_>, args: ShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let mut file = cb.load_case(&args.id)?;
    // Internal notes are not shown to teams whose access rule says so.
    if !env.may_read_internal_notes(&cb) {
        crate::core::access::hide_internal_notes(&mut file.case);
    }
    let suggestions = if args.suggest {
        let index = cb.search_index()?;
        Some(super::search::suggestions(&cb, &index, &file.case, 3)?)
    } else {
        None
    };
    let (format, style) = (env.ui.format, env.ui.style);
    match (&suggestions, format) {
        (Some(s), Format::Json) => {
            let mut v = render::json::case(&file.case, true);
            v["suggestions"] = s.to_json();
            env.ui.print_json(&v)?;
        }
        (Some(s), _) => {
            render::text::show(env.ui.out(), format, &file.case, &cb.config, style)?;
            if format == Format::Table {
                env.ui.out().write_all(b"\n")?;
            }
            render::search::suggestions(env.ui.out(), format, s, style)?;
        }
        (None, _) => render::text::show(env.ui.out(), format, &file.case, &cb.config, style)?,
    }
    Ok(())
}
