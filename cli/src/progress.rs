//! The progress display of `apply` on stderr. On a terminal, a live line: a spinner, the
//! elapsed time, a bar of the round's actions and what is in flight by region (the home
//! region first) and service, with what is being waited for. Otherwise (logs, CI, tests), a
//! few plain lines per phase: the round starting, each kind of readiness wait starting,
//! every failed action, and the round's counts when its last action ends. With
//! `--output json`, nothing but diagnostics (failed actions, an interrupted run).
//!
//! The counter counts the current round's actions: a later round starts it again.
//! It also keeps every wait's length for the summary at the end.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use secure_account_core::Plan;
use secure_account_engine::{ActionStatus, Interruption, ProgressEvent};

use crate::output::{RED, eprint_line, paint, unicode};

/// Where the progress goes.
enum Mode {
    /// A live line on a terminal, with a message of what is in flight.
    Bar(ProgressBar),
    /// A few lines per phase (not a terminal).
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

/// This round's counts.
#[derive(Default)]
struct Round {
    number: u32,
    total: usize,
    done: usize,
    applied: usize,
    failed: usize,
    not_run: usize,
    retries: usize,
    /// The kinds of wait announced in this round (plain lines).
    waits_told: BTreeSet<String>,
}

pub struct Progress {
    mode: Mode,
    color: bool,
    home: String,
    round: Round,
    in_flight: BTreeMap<String, InFlight>,
    waits: Vec<WaitRecord>,
}

impl Progress {
    /// `quiet`: `--output json`, where stderr carries diagnostics only.
    pub fn new(plan: &Plan, color: bool, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed:>4} {prefix}[{bar:20}] {pos}/{len} {wide_msg}",
            )
            .expect("the template is valid")
            .progress_chars("=> ");
            // A braille spinner where the locale shows UTF-8, else ASCII.
            let style = if unicode() {
                style
            } else {
                style.tick_strings(&["|", "/", "-", "\\", " "])
            };
            let bar = ProgressBar::new(plan.actions.len() as u64).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Bar(bar)
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            color,
            home: plan.home_region.clone(),
            round: Round::default(),
            in_flight: BTreeMap::new(),
            waits: Vec::new(),
        }
    }

    /// A round starts: its counter starts at 0 of its own actions.
    pub fn start_round(&mut self, number: u32, plan: &Plan) {
        self.round = Round {
            number,
            total: plan.actions.len(),
            ..Round::default()
        };
        let regions = plan
            .actions
            .iter()
            .filter_map(|a| a.region.region())
            .collect::<BTreeSet<_>>()
            .len();
        let what = format!(
            "{} in {}",
            secure_account_core::render::plural(plan.actions.len(), "action", "actions"),
            secure_account_core::render::plural(regions, "region", "regions")
        );
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_position(0);
                bar.set_length(plan.actions.len() as u64);
                if number > 1 {
                    bar.set_prefix(format!("round {number} "));
                }
            }
            Mode::Lines if number == 1 => eprint_line(&format!("Applying {what}…")),
            Mode::Lines => eprint_line(&format!("Round {number}: applying {what}…")),
            Mode::Quiet => {}
        }
    }

    /// Runs `f` (a prompt, a plan printed) with the live line out of the way.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.mode {
            Mode::Bar(bar) => bar.suspend(f),
            Mode::Lines | Mode::Quiet => f(),
        }
    }

    /// A diagnostic: above the live line, or on its own line (also with `--output json`).
    fn diagnostic(&self, text: String) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(crate::output::for_locale(&text)),
            Mode::Lines | Mode::Quiet => eprint_line(&text),
        }
    }

    /// A line of progress in plain-line mode only: on a terminal the live line shows it.
    fn plain_line(&self, text: String) {
        if let Mode::Lines = self.mode {
            eprint_line(&text);
        }
    }

    pub fn event(&mut self, event: ProgressEvent<'_>) {
        match event {
            ProgressEvent::RoundStarted { round, plan } => self.start_round(round, plan),
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
                let what = what.to_string();
                if self.round.waits_told.insert(what.clone()) {
                    self.plain_line(format!("  waiting for {what}…"));
                }
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
                if !ready {
                    // The action's failure follows as a diagnostic; this says how long.
                    self.plain_line(format!(
                        "{} {}: {what} after {}",
                        paint("wait failed", RED, self.color),
                        action.id,
                        seconds(waited)
                    ));
                }
                self.waits.push(WaitRecord {
                    action: action.id.clone(),
                    service: what.service(),
                    waited,
                    ready,
                });
            }
            ProgressEvent::Retrying { .. } => self.round.retries += 1,
            ProgressEvent::Finished { action, result } => {
                self.in_flight.remove(&action.id);
                self.round.done += 1;
                if let Mode::Bar(bar) = &self.mode {
                    bar.inc(1);
                }
                match result.status {
                    ActionStatus::Applied => self.round.applied += 1,
                    ActionStatus::Failed => {
                        self.round.failed += 1;
                        let why = result
                            .error
                            .as_ref()
                            .map(|e| format!("{}: {}", e.code, e.message))
                            .unwrap_or_default();
                        self.diagnostic(format!(
                            "{} {}: {why}",
                            paint("failed", RED, self.color),
                            action.id
                        ));
                    }
                    ActionStatus::NotRun | ActionStatus::Skipped => self.round.not_run += 1,
                }
                if self.round.done == self.round.total {
                    self.round_done();
                }
            }
            ProgressEvent::Interrupted { by } => self.diagnostic(format!(
                "{}: {}",
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
            let message = if self.round.total > 0 && self.round.done == self.round.total {
                "reading the account again to see what is left…".to_string()
            } else {
                in_flight_message(&self.in_flight, &self.home, self.round.retries)
            };
            bar.set_message(crate::output::for_locale(&message).into_owned());
        }
    }

    /// The round's last action ended: its counts (plain lines), then the read again.
    fn round_done(&self) {
        let r = &self.round;
        let mut line = format!(
            "  round {}: {} applied, {} failed, {} not run",
            r.number, r.applied, r.failed, r.not_run
        );
        if r.retries > 0 {
            line.push_str(&format!(
                ", {} retried",
                secure_account_core::render::plural(r.retries, "call", "calls")
            ));
        }
        line.push_str("; reading the account again…");
        self.plain_line(line);
    }

    /// Clears the live line; returns every wait that ended, for the summary.
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
fn in_flight_message(in_flight: &BTreeMap<String, InFlight>, home: &str, retries: usize) -> String {
    #[derive(Default)]
    struct Group<'a> {
        count: usize,
        waiting: usize,
        longest: Option<(&'a str, Duration)>,
    }
    let mut regions: BTreeMap<(u8, &str), BTreeMap<&str, Group<'_>>> = BTreeMap::new();
    for f in in_flight.values() {
        let g = regions
            .entry(secure_account_core::render::region_rank(&f.region, home))
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
    let text = regions
        .iter()
        .map(|((_, region), services)| {
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
        .join("; ");
    if retries > 0 {
        format!("({retries} retried) {text}").trim_end().to_string()
    } else {
        text
    }
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
            in_flight_message(&in_flight, "us-east-1", 0),
            "us-east-1: kms, s3 ×3; \
             eu-west-1: inspector2 ×2 (1 waiting for Inspector EC2 to be ENABLED, 3 s), \
             securityhub (waiting for the FSBP standard to be READY, 42 s)"
        );
        assert_eq!(in_flight_message(&BTreeMap::new(), "us-east-1", 0), "");
        assert_eq!(
            in_flight_message(&BTreeMap::new(), "us-east-1", 3),
            "(3 retried)"
        );
    }
}
