//! The progress display of `apply` on stderr: a bar on a terminal, plain lines otherwise
//! (logs, CI, tests).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use secure_account_engine::{ActionStatus, ProgressEvent};

use crate::output::{RED, YELLOW, paint};

pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    color: bool,
}

impl Progress {
    pub fn new(total: usize, color: bool) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("the template is valid")
                .progress_chars("=> ");
            ProgressBar::new(total as u64).with_style(style)
        });
        Progress {
            bar,
            total,
            done: 0,
            color,
        }
    }

    /// A line above the bar, or on its own.
    fn line(&self, text: String) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn event(&mut self, event: ProgressEvent<'_>) {
        match event {
            ProgressEvent::Started { action } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(action.id.clone());
                }
            }
            ProgressEvent::Retrying {
                action,
                attempt,
                error,
                wait,
            } => self.line(format!(
                "{} {} after `{}` (attempt {attempt}; next in {:.1} s)",
                paint("retrying", YELLOW, self.color),
                action.id,
                error.code,
                wait.as_secs_f64()
            )),
            ProgressEvent::Finished { action, result } => {
                self.done += 1;
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                let width = self.total.to_string().len();
                let count = format!("[{:>width$}/{}]", self.done, self.total);
                match result.status {
                    ActionStatus::Applied => {
                        if self.bar.is_none() {
                            self.line(format!("{count} applied  {}", action.id));
                        }
                    }
                    ActionStatus::Failed => {
                        let why = result
                            .error
                            .as_ref()
                            .map(|e| format!("{}: {}", e.code, e.message))
                            .unwrap_or_default();
                        self.line(format!(
                            "{count} {}   {}: {why}",
                            paint("failed", RED, self.color),
                            action.id
                        ));
                    }
                    ActionStatus::NotRun | ActionStatus::Skipped => {
                        self.line(format!(
                            "{count} {} {} ({})",
                            paint("not run", YELLOW, self.color),
                            action.id,
                            result.detail.as_deref().unwrap_or("not run")
                        ));
                    }
                }
            }
            ProgressEvent::Waiting { .. }
            | ProgressEvent::StillWaiting { .. }
            | ProgressEvent::Waited { .. } => {}
            ProgressEvent::Interrupted => self.line(format!(
                "{}: the run stopped between two calls; run `secure-account apply` again to \
                 continue from here",
                paint("interrupted", RED, self.color)
            )),
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
