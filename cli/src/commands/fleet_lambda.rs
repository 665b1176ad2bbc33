//! The fleet on AWS Lambda: the handler of one Distributed Map item (`fleet handle FILE`
//! runs it once on a file; `fleet lambda` runs it for every invocation), and the runtime
//! loop that speaks the Lambda Runtime API when the binary is the `provided.al2023`
//! function's `bootstrap`.
//!
//! The loop: `GET /2018-06-01/runtime/invocation/next` (it waits for the next event), the
//! handler on its body, then `POST …/invocation/{id}/response` with the handler's JSON, or
//! `POST …/invocation/{id}/error` with `{"errorMessage", "errorType"}` when the event
//! cannot be handled. A failure before the first event (the default baseline does not
//! load) is posted to `…/runtime/init/error`, and the process exits.
//!
//! The deadline (`Lambda-Runtime-Deadline-Ms`): `--deadline-margin` seconds before it the
//! invocation's [`Cancel`] is interrupted, as a first Ctrl-C interrupts an apply: no new
//! action starts, the calls in flight finish. An account whose apply was cut short is
//! `incomplete`, one not started (too little time left) is `not_run`; either answers
//! `resume: true`, and the state machine invokes `next`, which reads the account again and
//! plans what is left: the account itself is the ledger between invocations.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use secure_account_engine::Cancel;
use secure_account_engine::fleet::{AccountStatus, FleetCommand as Command, FleetOptions};
use serde_json::{Value, json};

use super::fleet::{FleetArgs, aws, parse_accounts, simulate};
use crate::account::load_baseline;
use crate::args::{GlobalArgs, OutputFormat};
use crate::output::print_json;

#[derive(Debug, Args)]
pub struct HandleArgs {
    /// The event: `{"account": ID, "name": ..., "baseline": ..., "command": "plan|apply|verify", "round": N}`
    #[arg(value_name = "EVENT_FILE")]
    pub event: PathBuf,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

#[derive(Debug, Args)]
pub struct LambdaArgs {
    /// Seconds before the invocation's deadline at which no new action starts (the
    /// account is answered `resume: true` and run again by the state machine)
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=900))]
    pub deadline_margin: u64,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// One item of the Distributed Map, as the template's `ItemSelector` makes it.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct Event {
    pub account: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub baseline: Option<String>,
    pub command: Command,
    #[serde(default = "first_round")]
    pub round: u32,
}

fn first_round() -> u32 {
    1
}

/// Why an event was not handled: the `errorType` Lambda reports, and the error.
#[derive(Debug)]
pub struct HandlerError {
    pub error_type: &'static str,
    pub error: anyhow::Error,
}

/// The event is not one of the fleet (not JSON, a field missing, a bad account id or
/// baseline): running it again cannot help.
pub const INVALID_EVENT: &str = "secure-account.InvalidEvent";
/// The handler failed around the account (the output folder, the runtime): the account's
/// own failures (role missing, access denied) are rows, not this.
pub const HANDLER_FAILED: &str = "secure-account.HandlerFailed";

/// `fleet handle EVENT_FILE`: the handler once, its answer printed.
pub fn handle(global: &GlobalArgs, h: &HandleArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&h.event)
        .with_context(|| format!("cannot read the event `{}`", h.event.display()))?;
    let answer = handle_event(global, &h.fleet, &text, None)
        .map_err(|e| e.error.context(format!("event `{}`", h.event.display())))?;
    print_json(&answer)?;
    Ok(ExitCode::SUCCESS)
}

/// The Lambda handler's work for one event: the account through the same engine as
/// `fleet`, one account per invocation. Answers `{"row": …, "resume": bool, "next":
/// event}`: `resume` when the account was left unfinished (an apply cut short, or not
/// started because `cancel` was interrupted: the deadline) — the state machine runs `next`,
/// which continues where this one stopped — never for an account that could not be opened.
pub fn handle_event(
    global: &GlobalArgs,
    args: &FleetArgs,
    text: &str,
    cancel: Option<Cancel>,
) -> Result<Value, HandlerError> {
    let invalid = |error: anyhow::Error| HandlerError {
        error_type: INVALID_EVENT,
        error,
    };
    let failed = |error: anyhow::Error| HandlerError {
        error_type: HANDLER_FAILED,
        error,
    };
    let event: Event = serde_json::from_str(text)
        .context("not an event of the fleet")
        .map_err(invalid)?;
    let line = format!(
        "{},{},{}",
        event.account,
        event.name.clone().unwrap_or_default().replace(',', " "),
        event.baseline.clone().unwrap_or_default()
    );
    let default_baseline = Arc::new(load_baseline(global).map_err(failed)?);
    let accounts = parse_accounts(&line, global, &default_baseline).map_err(invalid)?;
    let mut options = FleetOptions {
        accounts_in_flight: 1,
        ..FleetOptions::default()
    };
    options.apply.concurrency = 64;
    options.apply.cancel = cancel;
    let mut args = args.clone();
    args.accounts_in_flight = 1;
    let json_global = GlobalArgs {
        output: OutputFormat::Json,
        ..global.clone()
    };
    // The summary of one account, as JSON, through the same code as `fleet`.
    let simulated = global.simulate.is_some() || global.sim_state.is_some();
    let run = if simulated { simulate } else { aws };
    let (_, summary) = run(
        &json_global,
        &args,
        event.command,
        &options,
        Some(accounts),
        default_baseline,
        false,
    )
    .map_err(failed)?;
    let row = summary
        .accounts
        .into_iter()
        .next()
        .context("the fleet of one account has no row")
        .map_err(failed)?;
    let resume = matches!(
        row.status,
        AccountStatus::Incomplete | AccountStatus::NotRun
    );
    let next = Event {
        round: event.round + 1,
        ..event
    };
    Ok(json!({"row": row, "resume": resume, "next": next}))
}

/// The deadline of an invocation as a [`Cancel`]: interrupted `margin` before `deadline`
/// (milliseconds since the Unix epoch), at once if that is already past. Dropping the
/// guard ends the wait without interrupting.
struct DeadlineGuard {
    _ended: Option<std::sync::mpsc::Sender<()>>,
}

fn watch_deadline(deadline_ms: u64, margin: std::time::Duration, cancel: Cancel) -> DeadlineGuard {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let stop_at = std::time::Duration::from_millis(deadline_ms).saturating_sub(margin);
    let Some(left) = stop_at.checked_sub(now).filter(|d| !d.is_zero()) else {
        eprintln!(
            "the invocation's deadline is less than {} s away: nothing is started",
            margin.as_secs()
        );
        cancel.interrupt();
        return DeadlineGuard { _ended: None };
    };
    let (ended, wait) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(left) {
            eprintln!(
                "{} s before the invocation's deadline: no new action starts",
                margin.as_secs()
            );
            cancel.interrupt();
        }
    });
    DeadlineGuard {
        _ended: Some(ended),
    }
}

/// The error object Lambda takes for a failed invocation or initialisation.
fn error_body(error_type: &str, error: &anyhow::Error) -> Value {
    json!({"errorMessage": format!("{error:#}"), "errorType": error_type})
}

/// `fleet lambda`: the runtime loop, until the Runtime API fails (Lambda then starts the
/// runtime again).
#[cfg(feature = "aws")]
pub fn lambda(global: &GlobalArgs, args: &LambdaArgs) -> anyhow::Result<ExitCode> {
    let address = std::env::var("AWS_LAMBDA_RUNTIME_API")
        .ok()
        .filter(|a| !a.is_empty())
        .context(
            "`fleet lambda` is the Lambda function's runtime: AWS_LAMBDA_RUNTIME_API (set by \
             Lambda) names the Runtime API; to run one event here, use `fleet handle FILE`",
        )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let api = runtime_api::RuntimeApi::new(&address);
    let mut fleet = args.fleet.clone();
    // The template's function passes these through its environment.
    if let Some(role) = env_value("SECURE_ACCOUNT_ROLE_NAME") {
        fleet.role_name = role;
    }
    if let Some(id) = env_value("SECURE_ACCOUNT_EXTERNAL_ID") {
        fleet.external_id = Some(id);
    }
    // Initialisation: what every invocation needs, checked once before the first.
    if let Err(error) = load_baseline(global) {
        let error = error.context("the function cannot start");
        let posted = runtime.block_on(api.init_error(&error_body("Runtime.InitError", &error)));
        if let Err(e) = posted {
            eprintln!("warning: cannot report the initialisation error to Lambda: {e:#}");
        }
        return Err(error);
    }
    let margin = std::time::Duration::from_secs(args.deadline_margin);
    loop {
        let invocation = runtime
            .block_on(api.next())
            .context("the Lambda Runtime API gave no next invocation")?;
        let cancel = Cancel::new();
        let guard = invocation
            .deadline_ms
            .map(|d| watch_deadline(d, margin, cancel.clone()));
        let answer = handle_event(global, &fleet, &invocation.body, Some(cancel));
        drop(guard);
        let id = &invocation.request_id;
        let posted = match answer {
            Ok(value) => runtime.block_on(api.respond(id, &value)),
            Err(e) => {
                eprintln!("error: invocation {id}: {:#}", e.error);
                runtime.block_on(api.fail(id, e.error_type, &error_body(e.error_type, &e.error)))
            }
        };
        // Lambda refusing one answer (too large, the invocation gone) is that
        // invocation's failure, not the runtime's.
        if let Err(e) = posted {
            eprintln!("error: invocation {id}: the answer was not accepted: {e:#}");
        }
    }
}

#[cfg(not(feature = "aws"))]
pub fn lambda(_: &GlobalArgs, _: &LambdaArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no AWS support, and so no Lambda runtime")
}

#[cfg(feature = "aws")]
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A client of the Lambda Runtime API (HTTP/1.1, `hyper` as the SDK already builds it).
#[cfg(feature = "aws")]
mod runtime_api {
    use anyhow::{Context, bail};
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper::{Method, Request, StatusCode};
    use hyper_util::client::legacy::Client;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::rt::TokioExecutor;
    use serde_json::Value;

    const VERSION: &str = "2018-06-01";

    pub struct RuntimeApi {
        base: String,
        client: Client<HttpConnector, Full<Bytes>>,
    }

    /// One invocation: its id, its deadline (ms since the Unix epoch) and its event.
    pub struct Invocation {
        pub request_id: String,
        pub deadline_ms: Option<u64>,
        pub body: String,
    }

    impl RuntimeApi {
        pub fn new(address: &str) -> RuntimeApi {
            RuntimeApi {
                base: format!("http://{address}/{VERSION}/runtime"),
                client: Client::builder(TokioExecutor::new()).build_http(),
            }
        }

        async fn call(
            &self,
            method: Method,
            path: &str,
            body: Option<(&Value, Option<&str>)>,
        ) -> anyhow::Result<(StatusCode, hyper::HeaderMap, Bytes)> {
            let uri = format!("{}{path}", self.base);
            let mut request = Request::builder().method(method).uri(&uri);
            let bytes = match body {
                Some((value, error_type)) => {
                    request = request.header("content-type", "application/json");
                    if let Some(t) = error_type {
                        request = request.header("Lambda-Runtime-Function-Error-Type", t);
                    }
                    Bytes::from(serde_json::to_vec(value).context("cannot serialise")?)
                }
                None => Bytes::new(),
            };
            let request = request
                .body(Full::new(bytes))
                .with_context(|| format!("bad request to `{uri}`"))?;
            let response = self
                .client
                .request(request)
                .await
                .with_context(|| format!("`{uri}`"))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .with_context(|| format!("`{uri}`: the answer's body"))?
                .to_bytes();
            Ok((parts.status, parts.headers, body))
        }

        async fn post(
            &self,
            path: &str,
            value: &Value,
            error_type: Option<&str>,
        ) -> anyhow::Result<()> {
            let (status, _, body) = self
                .call(Method::POST, path, Some((value, error_type)))
                .await?;
            if !status.is_success() {
                bail!(
                    "`{path}` answered {status}: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            Ok(())
        }

        /// Waits for the next invocation.
        pub async fn next(&self) -> anyhow::Result<Invocation> {
            let (status, headers, body) = self.call(Method::GET, "/invocation/next", None).await?;
            if status != StatusCode::OK {
                bail!(
                    "`/invocation/next` answered {status}: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let request_id = header("Lambda-Runtime-Aws-Request-Id")
                .filter(|id| !id.is_empty())
                .context("the invocation has no Lambda-Runtime-Aws-Request-Id")?;
            let deadline_ms = header("Lambda-Runtime-Deadline-Ms").and_then(|d| d.parse().ok());
            Ok(Invocation {
                request_id,
                deadline_ms,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        }

        pub async fn respond(&self, request_id: &str, value: &Value) -> anyhow::Result<()> {
            self.post(&format!("/invocation/{request_id}/response"), value, None)
                .await
        }

        pub async fn fail(
            &self,
            request_id: &str,
            error_type: &str,
            value: &Value,
        ) -> anyhow::Result<()> {
            self.post(
                &format!("/invocation/{request_id}/error"),
                value,
                Some(error_type),
            )
            .await
        }

        pub async fn init_error(&self, value: &Value) -> anyhow::Result<()> {
            self.post("/init/error", value, Some("Runtime.InitError"))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::*;

    fn in_ms(from_now: Duration) -> u64 {
        u64::try_from(
            (SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + from_now).as_millis(),
        )
        .unwrap()
    }

    #[test]
    fn the_deadline_interrupts_its_invocation_margin_before_and_never_after_it_ended() {
        let margin = Duration::from_secs(60);
        // Already inside the margin: interrupted before anything starts.
        let cancel = Cancel::new();
        let _guard = watch_deadline(in_ms(Duration::from_secs(59)), margin, cancel.clone());
        assert!(cancel.stopping());
        // 300 ms of work before the margin: not at once, then once.
        let cancel = Cancel::new();
        let guard = watch_deadline(
            in_ms(margin + Duration::from_millis(300)),
            margin,
            cancel.clone(),
        );
        assert!(!cancel.stopping());
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(cancel.level(), 1);
        drop(guard);
        // The invocation ended first: its deadline never interrupts.
        let cancel = Cancel::new();
        let guard = watch_deadline(
            in_ms(margin + Duration::from_millis(300)),
            margin,
            cancel.clone(),
        );
        drop(guard);
        std::thread::sleep(Duration::from_millis(1000));
        assert_eq!(cancel.level(), 0);
    }
}
