//! The progress display of `apply` on stderr: on a terminal, a bar whose message shows what
//! is in flight, by region and service, and what is being waited for; otherwise (logs, CI,
//! tests) plain lines, one per action and one when a readiness wait starts and ends. With
//! `--output json` nothing but diagnostics (failed actions, an interrupted run).
//!
//! It also keeps every wait's length for the summary at the end.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use secure_account_engine::{ActionStatus, Interruption, ProgressEvent};

use crate::output::{RED, YELLOW, paint};

/// Where the progress goes.
enum Mode {
    /// A bar on a terminal, with a message of what is in flight.
    Bar(ProgressBar),
    /// A line per event (not a terminal).
    Lines,
    /// Diagnostics only (`--output json`).
    Quiet,
}

/// An action in flight.
struct InFlight {
    region: String,
    service: &'static str,
    /// What it waits for and for how long so far (port's clock).
    wait: Option<(String, Duration)>,
}

/// A readiness wait that ended.
#[derive(Debug, Clone)]
pub struct WaitRecord {
    /// The action's id (`us-east-1/batch_enable_standards`).
    pub action: String,
    /// The service waited on (`securityhub`, `inspector2`).
    pub service: &'static str,
    /// How long, on the port's clock (virtual time on the simulator).
    pub waited: Duration,
    pub ready: bool,
}

pub struct Progress {
    mode: Mode,
    total: usize,
    done: usize,
    color: bool,
    in_flight: BTreeMap<String, InFlight>,
    waits: Vec<WaitRecord>,
}

impl Progress {
    /// `quiet`: `--output json`, where stderr carries diagnostics only.
    pub fn new(total: usize, color: bool, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("the template is valid")
                .progress_chars("=> ");
            let bar = ProgressBar::new(total as u64).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Bar(bar)
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            total,
            done: 0,
            color,
            in_flight: BTreeMap::new(),
            waits: Vec::new(),
        }
    }

    /// A line above the bar, or on its own.
    fn line(&self, text: String) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(text),
            Mode::Lines | Mode::Quiet => eprintln!("{text}"),
        }
    }

    /// A line of progress worth seeing above the bar too (a retry, an action not run);
    /// none with `--output json`.
    fn progress_line(&self, text: String) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(text),
            Mode::Lines => eprintln!("{text}"),
            Mode::Quiet => {}
        }
    }

    /// A line of progress in plain-line mode only: on a terminal the bar shows it.
    fn plain_line(&self, text: String) {
        if let Mode::Lines = self.mode {
            eprintln!("{text}");
        }
    }

    /// `[ 12/419]`: actions finished so far.
    fn count(&self) -> String {
        let width = self.total.to_string().len();
        format!("[{:>width$}/{}]", self.done, self.total)
    }

    pub fn event(&mut self, event: ProgressEvent<'_>) {
        match event {
            ProgressEvent::Started { action } => {
                self.in_flight.insert(
                    action.id.clone(),
                    InFlight {
                        region: action.region.to_string(),
                        service: action.op.service(),
                        wait: None,
                    },
                );
            }
            ProgressEvent::Waiting { action, what } => {
                if let Some(f) = self.in_flight.get_mut(&action.id) {
                    f.wait = Some((what.to_string(), Duration::ZERO));
                }
                self.plain_line(format!(
                    "{} waiting  {} for {what}",
                    self.count(),
                    action.id
                ));
            }
            ProgressEvent::StillWaiting { action, waited, .. } => {
                if let Some(f) = self.in_flight.get_mut(&action.id)
                    && let Some((_, so_far)) = &mut f.wait
                {
                    *so_far = waited;
                }
            }
            ProgressEvent::Waited {
                action,
                what,
                waited,
                ready,
            } => {
                if let Some(f) = self.in_flight.get_mut(&action.id) {
                    f.wait = None;
                }
                let verb = if ready {
                    "waited  ".to_string()
                } else {
                    paint("wait failed", RED, self.color)
                };
                self.plain_line(format!(
                    "{} {verb} {} {} for {what}",
                    self.count(),
                    action.id,
                    seconds(waited)
                ));
                self.waits.push(WaitRecord {
                    action: action.id.clone(),
                    service: what.service(),
                    waited,
                    ready,
                });
            }
            ProgressEvent::Retrying {
                action,
                attempt,
                error,
                wait,
            } => self.progress_line(format!(
                "{} {} after `{}` (attempt {attempt}; next in {:.1} s)",
                paint("retrying", YELLOW, self.color),
                action.id,
                error.code,
                wait.as_secs_f64()
            )),
            ProgressEvent::Finished { action, result } => {
                self.in_flight.remove(&action.id);
                self.done += 1;
                if self.done > self.total {
                    // A later round: its actions join the count.
                    self.total = self.done;
                }
                if let Mode::Bar(bar) = &self.mode {
                    bar.set_length(self.total as u64);
                    bar.inc(1);
                }
                let count = self.count();
                match result.status {
                    ActionStatus::Applied => {
                        self.plain_line(format!("{count} applied  {}", action.id));
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
                        self.progress_line(format!(
                            "{count} {} {} ({})",
                            paint("not run", YELLOW, self.color),
                            action.id,
                            result.detail.as_deref().unwrap_or("not run")
                        ));
                    }
                }
            }
            ProgressEvent::Interrupted { by } => self.line(format!(
                "{}: {}; run `secure-account apply` again to continue from here",
                paint("interrupted", RED, self.color),
                match by {
                    Interruption::Crash => {
                        "the run stopped between two calls (a crash); the calls it made are \
                         counted"
                    }
                    Interruption::Drained => {
                        "nothing new was started and the calls in flight finished"
                    }
                    Interruption::StopNow => {
                        "stopped at once; the calls in flight were abandoned and may have taken \
                         effect"
                    }
                }
            )),
        }
        if let Mode::Bar(bar) = &self.mode {
            bar.set_message(in_flight_message(&self.in_flight));
        }
    }

    /// Clears the bar; returns every wait that ended, for the summary.
    pub fn finish(self) -> Vec<WaitRecord> {
        if let Mode::Bar(bar) = self.mode {
            bar.finish_and_clear();
        }
        self.waits
    }
}

/// `61.3 s`.
fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// What is in flight, by region and service, with what it waits for:
/// `us-east-1: s3 ×3, kms; eu-west-1: securityhub (waiting for the FSBP standard to be
/// READY, 42 s)`. Of several waits of one service in a region, the longest is named.
fn in_flight_message(in_flight: &BTreeMap<String, InFlight>) -> String {
    #[derive(Default)]
    struct Group<'a> {
        count: usize,
        waiting: usize,
        longest: Option<(&'a str, Duration)>,
    }
    let mut regions: BTreeMap<&str, BTreeMap<&str, Group<'_>>> = BTreeMap::new();
    for f in in_flight.values() {
        let g = regions
            .entry(f.region.as_str())
            .or_default()
            .entry(f.service)
            .or_default();
        g.count += 1;
        if let Some((what, waited)) = &f.wait {
            g.waiting += 1;
            if g.longest.is_none_or(|(_, w)| *waited > w) {
                g.longest = Some((what, *waited));
            }
        }
    }
    regions
        .iter()
        .map(|(region, services)| {
            let services = services
                .iter()
                .map(|(service, g)| {
                    let mut text = service.to_string();
                    if g.count > 1 {
                        text.push_str(&format!(" ×{}", g.count));
                    }
                    if let Some((what, waited)) = g.longest {
                        let of = if g.count > 1 {
                            format!("{} ", g.waiting)
                        } else {
                            String::new()
                        };
                        text.push_str(&format!(
                            " ({of}waiting for {what}, {} s)",
                            waited.as_secs()
                        ));
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{region}: {services}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(region: &str, service: &'static str, wait: Option<(&str, u64)>) -> InFlight {
        InFlight {
            region: region.into(),
            service,
            wait: wait.map(|(w, s)| (w.to_string(), Duration::from_secs(s))),
        }
    }

    #[test]
    fn the_message_groups_what_is_in_flight_by_region_and_service() {
        let in_flight: BTreeMap<String, InFlight> = [
            ("a", flight("us-east-1", "s3", None)),
            ("b", flight("us-east-1", "s3", None)),
            ("c", flight("us-east-1", "s3", None)),
            ("d", flight("us-east-1", "kms", None)),
            (
                "e",
                flight(
                    "eu-west-1",
                    "securityhub",
                    Some(("the FSBP standard to be READY", 42)),
                ),
            ),
            (
                "f",
                flight(
                    "eu-west-1",
                    "inspector2",
                    Some(("Inspector EC2 to be ENABLED", 3)),
                ),
            ),
            ("g", flight("eu-west-1", "inspector2", None)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(
            in_flight_message(&in_flight),
            "eu-west-1: inspector2 ×2 (1 waiting for Inspector EC2 to be ENABLED, 3 s), \
             securityhub (waiting for the FSBP standard to be READY, 42 s); \
             us-east-1: kms, s3 ×3"
        );
        assert_eq!(in_flight_message(&BTreeMap::new()), "");
    }
}
