//! `fleet lambda`, the Lambda function's runtime loop, through the built binary against a
//! fake Lambda Runtime API on 127.0.0.1: it serves recorded events (as the state machine's
//! `ItemSelector` makes them), with their deadlines, and records what the runtime posts.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

/// One invocation the fake API hands out: request id, deadline (ms since the epoch), event.
struct Invocation {
    id: String,
    deadline_ms: u64,
    body: String,
}

/// What the runtime posted: the path, the error type header, the body.
#[derive(Debug, Clone)]
struct Posted {
    path: String,
    error_type: Option<String>,
    body: Value,
}

#[derive(Default)]
struct FakeApi {
    queue: Mutex<VecDeque<Invocation>>,
    posted: Mutex<Vec<Posted>>,
    nexts: Mutex<u32>,
}

/// Starts the fake Runtime API on a free port; returns its `host:port`.
fn start(api: Arc<FakeApi>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let api = api.clone();
            std::thread::spawn(move || serve(stream, &api));
        }
    });
    address
}

/// HTTP/1.1 with keep-alive, as the runtime's client speaks it: requests until the
/// connection closes.
fn serve(stream: TcpStream, api: &FakeApi) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut length = 0usize;
        let mut error_type = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap(),
                "lambda-runtime-function-error-type" => error_type = Some(value.trim().into()),
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        let (status, headers, answer) = route(api, &method, &path, error_type, &body);
        let mut response = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\ncontent-type: application/json\r\n",
            answer.len()
        );
        for (name, value) in headers {
            response.push_str(&format!("{name}: {value}\r\n"));
        }
        response.push_str("\r\n");
        response.push_str(&answer);
        if out.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn route(
    api: &FakeApi,
    method: &str,
    path: &str,
    error_type: Option<String>,
    body: &[u8],
) -> (&'static str, Vec<(&'static str, String)>, String) {
    let prefix = "/2018-06-01/runtime";
    let Some(rest) = path.strip_prefix(prefix) else {
        return ("404 Not Found", vec![], "{}".into());
    };
    if method == "GET" && rest == "/invocation/next" {
        *api.nexts.lock().unwrap() += 1;
        // No more events: the API fails, and the runtime must exit (Lambda would start it
        // again); that ends the test's run.
        let Some(next) = api.queue.lock().unwrap().pop_front() else {
            return (
                "500 Internal Server Error",
                vec![],
                r#"{"errorMessage":"no more events"}"#.into(),
            );
        };
        return (
            "200 OK",
            vec![
                ("Lambda-Runtime-Aws-Request-Id", next.id),
                ("Lambda-Runtime-Deadline-Ms", next.deadline_ms.to_string()),
                (
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:fleet".into(),
                ),
            ],
            next.body,
        );
    }
    if method == "POST" {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        api.posted.lock().unwrap().push(Posted {
            path: rest.to_string(),
            error_type,
            body,
        });
        return ("202 Accepted", vec![], r#"{"status":"OK"}"#.into());
    }
    ("405 Method Not Allowed", vec![], "{}".into())
}

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn event(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/fleet-events")
            .join(name),
    )
    .unwrap()
}

fn run(dir: &Path, address: &str, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("AWS_LAMBDA_RUNTIME_API", address)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The runtime exits when the fake API has no more events; a hung one fails the test.
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "the runtime did not exit: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn transcript(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_runtime_loop_answers_each_invocation_and_stops_before_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let api = Arc::new(FakeApi::default());
    let far = now_ms() + 14 * 60 * 1000;
    let member = event("apply-member.json");
    {
        let mut queue = api.queue.lock().unwrap();
        // 30 s left, less than the 60 s margin: nothing is started, run it again.
        queue.push_back(Invocation {
            id: "near-deadline".into(),
            deadline_ms: now_ms() + 30_000,
            body: member.clone(),
        });
        // The state machine's `Again` state passes the answer's `next`: round 2.
        let mut again: Value = serde_json::from_str(&member).unwrap();
        again["round"] = 2.into();
        queue.push_back(Invocation {
            id: "again".into(),
            deadline_ms: far,
            body: again.to_string(),
        });
        // The same account once more: its plan is empty now.
        queue.push_back(Invocation {
            id: "up-to-date".into(),
            deadline_ms: far,
            body: member.clone(),
        });
        queue.push_back(Invocation {
            id: "not-an-event".into(),
            deadline_ms: far,
            body: event("not-an-event.json"),
        });
        queue.push_back(Invocation {
            id: "unknown".into(),
            deadline_ms: far,
            body: event("apply-unknown.json"),
        });
        queue.push_back(Invocation {
            id: "verify".into(),
            deadline_ms: far,
            body: event("verify-seed.json"),
        });
    }
    let address = start(api.clone());
    let out = run(
        dir.path(),
        &address,
        &[
            "--simulate",
            "fresh",
            "--sim-state",
            "org",
            "fleet",
            "lambda",
            "--sim-accounts",
            "1",
            "--out-dir",
            "out",
        ],
    );
    // It ran until the API failed, then exited 1 saying so.
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the Lambda Runtime API gave no next invocation"),
        "{stderr}"
    );
    assert!(stderr.contains("deadline"), "{stderr}");
    assert_eq!(*api.nexts.lock().unwrap(), 7);
    let posted = api.posted.lock().unwrap().clone();
    let paths: Vec<&str> = posted.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/invocation/near-deadline/response",
            "/invocation/again/response",
            "/invocation/up-to-date/response",
            "/invocation/not-an-event/error",
            "/invocation/unknown/response",
            "/invocation/verify/response",
        ],
        "{}",
        transcript(&out)
    );
    let answer = |i: usize| &posted[i].body;

    // Not started: no call made, nothing written, resumed as round 2.
    let near = answer(0);
    assert_eq!(near["row"]["status"], "not_run", "{near}");
    assert_eq!(near["row"]["calls"]["read"], 0, "{near}");
    assert_eq!(near["resume"], true);
    assert_eq!(near["next"]["round"], 2);
    assert_eq!(near["next"]["account"], "100000000000");

    let again = answer(1);
    assert_eq!(again["row"]["status"], "applied", "{again}");
    assert!(again["row"]["actions_applied"].as_u64().unwrap() > 0);
    assert_eq!(again["resume"], false);
    assert_eq!(again["next"]["round"], 3);
    assert!(dir.path().join("out/100000000000/apply.json").exists());

    // The saved simulated account: the second apply has nothing to do.
    let done = answer(2);
    assert_eq!(done["row"]["status"], "up_to_date", "{done}");
    assert_eq!(done["row"]["calls"]["write"], 0, "{done}");
    assert_eq!(done["resume"], false);

    let bad = &posted[3];
    assert_eq!(bad.body["errorType"], "secure-account.InvalidEvent");
    assert_eq!(
        bad.error_type.as_deref(),
        Some("secure-account.InvalidEvent")
    );
    assert!(
        bad.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("not an event of the fleet"),
        "{:?}",
        bad.body
    );

    // An account without the role is a row, not a failed invocation.
    let unknown = answer(4);
    assert_eq!(unknown["row"]["status"], "failed");
    assert_eq!(unknown["row"]["error"]["code"], "AccessDenied");
    assert_eq!(unknown["resume"], false);

    let verified = answer(5);
    assert_eq!(verified["row"]["status"], "verified");
    assert_eq!(verified["row"]["baseline"], "seed-2024-08");
}

/// A default baseline that does not load fails the initialisation: reported to
/// `/runtime/init/error`, and no invocation is asked for.
#[test]
fn a_failed_initialisation_is_posted_to_init_error() {
    let dir = tempfile::tempdir().unwrap();
    let api = Arc::new(FakeApi::default());
    let address = start(api.clone());
    let out = run(
        dir.path(),
        &address,
        &[
            "--simulate",
            "fresh",
            "--baseline",
            "no-such-baseline.toml",
            "fleet",
            "lambda",
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    assert_eq!(*api.nexts.lock().unwrap(), 0);
    let posted = api.posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0].path, "/init/error");
    assert_eq!(posted[0].error_type.as_deref(), Some("Runtime.InitError"));
    assert_eq!(posted[0].body["errorType"], "Runtime.InitError");
    assert!(
        posted[0].body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("no-such-baseline"),
        "{:?}",
        posted[0].body
    );
}

/// Without the Runtime API, `fleet lambda` says what it is and what to use instead.
#[test]
fn fleet_lambda_outside_lambda_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["--simulate", "fresh", "fleet", "lambda"])
        .current_dir(dir.path())
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fleet handle FILE"));
}
