//! Prompts on a terminal (dialoguer), behind `core::guide::Prompter`: answers given with
//! `--answer` come first; what is missing is asked when there is a terminal.

use std::io::Write;

use crate::core::guide::{AnswerError, Prompter, Scripted, Stop};

/// Scripted answers, then (on a terminal) dialoguer prompts on stderr.
pub struct Terminal {
    pub scripted: Scripted,
    pub interactive: bool,
}

fn aborted(_: dialoguer::Error) -> Stop {
    Stop::Aborted
}

fn help_line(help: Option<&str>) {
    if let Some(h) = help {
        let _ = writeln!(std::io::stderr(), "  {h}");
    }
}

impl Prompter for Terminal {
    fn choose(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        options: &[String],
    ) -> Result<usize, Stop> {
        match self.scripted.choose(node, prompt, help, options) {
            Err(Stop::Missing(_)) if self.interactive => {
                help_line(help);
                dialoguer::Select::new()
                    .with_prompt(prompt)
                    .items(options)
                    .default(0)
                    .interact_opt()
                    .map_err(aborted)?
                    .ok_or(Stop::Aborted)
            }
            other => other,
        }
    }

    fn input(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        validate: &dyn Fn(&str) -> Result<String, AnswerError>,
    ) -> Result<String, Stop> {
        match self.scripted.input(node, prompt, help, validate) {
            Err(Stop::Missing(_)) if self.interactive => {
                help_line(help);
                let text: String = dialoguer::Input::new()
                    .with_prompt(prompt)
                    .allow_empty(true)
                    .validate_with(|s: &String| validate(s).map(|_| ()))
                    .interact_text()
                    .map_err(aborted)?;
                validate(&text).map_err(|e| Stop::Invalid(e.0))
            }
            other => other,
        }
    }

    fn confirm(&mut self, summary: &str, actions: &[String]) -> Result<bool, Stop> {
        if !self.interactive {
            return Ok(true);
        }
        let mut err = std::io::stderr();
        let _ = writeln!(err, "Outcome: {summary}");
        for a in actions {
            let _ = writeln!(err, "  • {a}");
        }
        dialoguer::Confirm::new()
            .with_prompt("Apply these actions to the case?")
            .default(true)
            .interact_opt()
            .map_err(aborted)?
            .ok_or(Stop::Aborted)
    }
}

/// Asks the user to pick one of `labels`; `None` when they abort (Esc, Ctrl-C).
pub fn pick(prompt: &str, labels: &[String]) -> Option<usize> {
    dialoguer::Select::new()
        .with_prompt(prompt)
        .items(labels)
        .default(0)
        .interact_opt()
        .ok()
        .flatten()
}

/// Opens `$EDITOR` (or `$VISUAL`) on `template`; `None` when closed without saving.
pub fn editor(template: &str) -> Result<Option<String>, dialoguer::Error> {
    dialoguer::Editor::new().edit(template)
}
