//! moto (`moto[server]` from PyPI) on 127.0.0.1 for the tests that talk to AWS over HTTP.
//!
//! [`verdict`] tells a moto test what to do, deciding once per test process:
//!
//! - `SECURE_ACCOUNT_MOTO_ENDPOINT` set (a moto server someone started on this machine):
//!   run against it.
//! - Otherwise install `moto[server]==5.1.22` into a virtual environment in the user's cache
//!   folder (`${XDG_CACHE_HOME:-$HOME/.cache}/secure-account/moto-5.1.22`, or
//!   `SECURE_ACCOUNT_MOTO_VENV`) unless it is there, under a file lock so that two test
//!   processes never install at once; start `moto_server -H 127.0.0.1 -p <free port>` for
//!   this test process, wait until it answers `/moto-api/`, and run against it. The server
//!   ends with the test process: it runs under a small Python wrapper that exits when its
//!   standard input (a pipe from this process, closed by the OS when this process ends,
//!   however it ends) reaches its end, or when its parent process changes.
//! - Where that is impossible (no `python3`, or the installation fails: no network, no
//!   `venv` module) the test is skipped, and [`print_summary`] says so after the test
//!   binary's result line. With `CI=true` (or `1`) a skip is a failure: CI requires the moto
//!   tests to run.
//! - What should have worked and did not (a server that does not start or answer, an
//!   endpoint that is not on this machine) fails every moto test with the reason.
//!
//! [`run_alone`] runs one test in a child process of the test binary, against this
//! process's server, and shows its output only when it fails.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::venv;

/// The moto release the tests are written against. 5.2.x answers GetBucketVersioning with
/// a root element the Rust SDK rejects.
pub const VERSION: &str = "5.1.22";

/// The endpoint of a moto server already running on this machine (`http://127.0.0.1:PORT`).
pub const ENDPOINT_VAR: &str = "SECURE_ACCOUNT_MOTO_ENDPOINT";

/// Where to install moto instead of the user's cache folder.
pub const VENV_VAR: &str = "SECURE_ACCOUNT_MOTO_VENV";

/// What a moto test does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Run against moto at this endpoint (`http://127.0.0.1:PORT`).
    Run(&'static str),
    /// Skip (moto cannot be installed on this machine), with this note for the test's
    /// line; the reason is in [`summary`].
    Skip(&'static str),
    /// Fail, with this message.
    Fail(String),
}

/// What this test process found out about moto (once).
enum State {
    Ready {
        endpoint: String,
        /// The wrapper's standard input, kept open for as long as this process lives.
        _server: Option<ChildStdin>,
    },
    /// moto cannot be installed here (skip, or fail in CI).
    Unavailable(String),
    /// moto should have worked and did not (fail).
    Broken(String),
}

static STATE: OnceLock<State> = OnceLock::new();
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// What the calling moto test does; the first call of the process installs and starts
/// moto when needed (the other callers wait for it). A skip is counted for
/// [`print_summary`].
pub fn verdict() -> Verdict {
    let verdict = judge(STATE.get_or_init(prepare), required());
    if let Verdict::Skip(_) = verdict {
        SKIPPED.fetch_add(1, Ordering::SeqCst);
    }
    verdict
}

fn judge(state: &'static State, required: bool) -> Verdict {
    match state {
        State::Ready { endpoint, .. } => Verdict::Run(endpoint),
        State::Broken(message) => Verdict::Fail(message.clone()),
        State::Unavailable(reason) if required => Verdict::Fail(format!(
            "CI is set, so the moto tests must run, but they cannot: {reason}"
        )),
        State::Unavailable(_) => Verdict::Skip(SKIP_NOTE),
    }
}

/// A skipped test's note; the reason follows the test binary's result line.
pub const SKIP_NOTE: &str = "moto cannot run here: why is said after the result line";

/// Whether skipping is a failure: `CI=true` or `CI=1`.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The banner for the end of a test binary's output when moto tests were skipped.
pub fn summary() -> Option<String> {
    let skipped = SKIPPED.load(Ordering::SeqCst);
    let Some(State::Unavailable(reason)) = STATE.get() else {
        return None;
    };
    if skipped == 0 {
        return None;
    }
    let tests = if skipped == 1 { "test" } else { "tests" };
    Some(format!(
        "\nSKIPPED {skipped} moto {tests} (counted as ignored above): {reason}.\n\
         SKIPPED They run when python3 can install moto[server]=={VERSION} from PyPI into \
         the cache folder (with its `venv` module and network), or against a moto server \
         you started: {ENDPOINT_VAR}=http://127.0.0.1:PORT.\n"
    ))
}

/// Prints [`summary`], if any, on stdout (after the test binary's result line).
pub fn print_summary() {
    if let Some(banner) = summary() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    }
}

/// Runs test `name` of this test binary alone, in a child process of it, against
/// `endpoint`, and keeps what it prints unless it fails (as the built-in harness captures a
/// test's output): `Ok` if it passed, else its output. The child is this binary with the
/// exact name, `--nocapture`, and `SECURE_ACCOUNT_MOTO_ENDPOINT` set to this process's
/// server; it must report exactly one test passed.
pub fn run_alone(name: &str, endpoint: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("this test binary's path: {e}"))?;
    let out = Command::new(&exe)
        .args([name, "--exact", "--nocapture", "--test-threads", "1"])
        .env(ENDPOINT_VAR, endpoint)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running {} {name}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let passed_alone = stdout
        .lines()
        .any(|l| l.starts_with("test result: ok. 1 passed; 0 failed;"));
    if out.status.success() && passed_alone {
        Ok(())
    } else {
        Err(format!(
            "{name} alone ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn prepare() -> State {
    if let Some(endpoint) = std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty()) {
        return given(endpoint);
    }
    let Some(venv) = venv_dir() else {
        return State::Unavailable(format!(
            "neither {VENV_VAR}, XDG_CACHE_HOME nor HOME is set: there is no folder to \
             install moto into"
        ));
    };
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return State::Unavailable(format!(
                "`python3 --version` failed ({}): {}",
                out.status,
                tail(&out.stderr)
            ));
        }
        Err(e) => return State::Unavailable(format!("python3 is not on PATH ({e})")),
    }
    if let Err(e) = install(&venv) {
        return State::Unavailable(format!(
            "moto[server]=={VERSION} could not be installed into {}: {e}",
            venv.display()
        ));
    }
    start(&venv)
}

/// A server someone started: it must be on this machine, and answer.
fn given(endpoint: String) -> State {
    let Some(port) = ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .find_map(|p| endpoint.strip_prefix(p))
        .and_then(|rest| rest.trim_end_matches('/').parse::<u16>().ok())
    else {
        return State::Broken(format!(
            "{ENDPOINT_VAR} must be a moto server on this machine (http://127.0.0.1:PORT), \
             not `{endpoint}`"
        ));
    };
    if !answers(port) {
        return State::Broken(format!(
            "{ENDPOINT_VAR}={endpoint}: nothing answers /moto-api/ there (unset it and the \
             tests start moto themselves)"
        ));
    }
    State::Ready {
        endpoint: endpoint.trim_end_matches('/').to_string(),
        _server: None,
    }
}

/// `SECURE_ACCOUNT_MOTO_VENV`, else `${XDG_CACHE_HOME:-$HOME/.cache}/secure-account/moto-<VERSION>`.
pub fn venv_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(VENV_VAR) {
        return Some(dir);
    }
    let cache = var("XDG_CACHE_HOME")
        .filter(|d| d.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".cache")))?;
    Some(cache.join("secure-account").join(format!("moto-{VERSION}")))
}

/// Installs moto into `venv` unless a finished installation of [`VERSION`] is there (the
/// marker `.secure-account-moto`, written once moto imports at that version).
fn install(venv: &Path) -> Result<(), String> {
    let requirement = format!("moto[server]=={VERSION}");
    let pinned = venv::Pinned {
        name: "moto",
        requirement: &requirement,
        version: VERSION,
        marker: ".secure-account-moto",
    };
    venv::install(venv, &pinned, |python| {
        run(
            "import moto",
            Command::new(python).args([
                "-c",
                &format!(
                    "import sys, moto, moto.server; sys.exit(moto.__version__ != '{VERSION}' \
                 and 'moto ' + moto.__version__ + ' was installed')"
                ),
            ]),
        )
        .map(|_| ())
    })
}

/// Runs `cmd` (called `what` in messages); its failure with what it said.
pub(crate) fn run(what: &str, cmd: &mut Command) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{what}` did not run: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        let mut text = out.stderr.clone();
        text.extend_from_slice(&out.stdout);
        Err(format!("`{what}` failed ({}): {}", out.status, tail(&text)))
    }
}

/// What `bytes` (a program's output) says, on one line: its `ERROR` lines (pip's reasons,
/// without its retry warnings) if it has any, else its last lines.
pub(crate) fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("ERROR"))
        .collect();
    let shown = if errors.is_empty() { &lines } else { &errors };
    shown[shown.len().saturating_sub(8)..].join(" | ")
}

/// Runs moto's server in a process that ends with its parent: argv is the port and the log
/// file, which it removes when it ends that way.
const WRAPPER: &str = r#"
import os, sys, threading, time
port, log = sys.argv[1], sys.argv[2]
parent = os.getppid()

def end():
    try:
        os.unlink(log)
    except OSError:
        pass
    os._exit(0)

def on_end_of_input():
    # A pipe from the test process: it reaches its end when that process ends.
    sys.stdin.buffer.read()
    end()

def on_new_parent():
    while os.getppid() == parent:
        time.sleep(0.5)
    end()

threading.Thread(target=on_end_of_input, daemon=True).start()
threading.Thread(target=on_new_parent, daemon=True).start()
from moto.server import main
main(["-H", "127.0.0.1", "-p", port])
"#;

/// Starts moto from `venv` on a free port (a second port if another process took the first
/// meanwhile), and waits until it answers.
fn start(venv: &Path) -> State {
    let python = venv::python(venv);
    let mut problem = String::new();
    for _ in 0..3 {
        let port = match free_port() {
            Ok(p) => p,
            Err(e) => return State::Broken(format!("no free port on 127.0.0.1: {e}")),
        };
        let log = std::env::temp_dir().join(format!(
            "secure-account-moto-{}-{port}.log",
            std::process::id()
        ));
        match launch(&python, port, &log) {
            Ok(stdin) => {
                let endpoint = format!("http://127.0.0.1:{port}");
                eprintln!(
                    "moto: moto_server {VERSION} answers at {endpoint} for this test process \
                     (from {}; it stops when this process ends)",
                    venv.display()
                );
                return State::Ready {
                    endpoint,
                    _server: Some(stdin),
                };
            }
            Err(Launch::PortTaken) => {
                problem = format!("port {port} was taken before moto bound it");
            }
            Err(Launch::Failed(e)) => return State::Broken(e),
        }
    }
    State::Broken(format!("moto did not start: {problem}"))
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

enum Launch {
    PortTaken,
    Failed(String),
}

/// How long moto may take to answer once started (its first start imports much).
const START_TIMEOUT: Duration = Duration::from_secs(120);

fn launch(python: &Path, port: u16, log: &Path) -> Result<ChildStdin, Launch> {
    let failed = |what: &str, e: std::io::Error| Launch::Failed(format!("{what}: {e}"));
    let out = File::create(log).map_err(|e| failed(&format!("creating {}", log.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| failed("duplicating the log file", e))?;
    let mut child = Command::new(python)
        .arg("-u")
        .arg("-c")
        .arg(WRAPPER)
        .arg(port.to_string())
        .arg(log)
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| failed(&format!("starting {}", python.display()), e))?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let started = Instant::now();
    loop {
        if answers(port) {
            return Ok(stdin);
        }
        let ended = child.try_wait().ok().flatten();
        if ended.is_some() || started.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let printed = fs::read(log).unwrap_or_default();
            let _ = fs::remove_file(log);
            if String::from_utf8_lossy(&printed).contains("Address already in use") {
                return Err(Launch::PortTaken);
            }
            let how = match ended {
                Some(status) => format!("exited ({status})"),
                None => format!("did not answer within {} s", START_TIMEOUT.as_secs()),
            };
            return Err(Launch::Failed(format!(
                "moto_server {VERSION} on 127.0.0.1:{port} {how}; its output: {}",
                tail(&printed)
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether a moto server answers `GET /moto-api/` with 200 on 127.0.0.1:`port`.
fn answers(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let request =
        format!("GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 32];
    let mut len = 0;
    while len < head.len() {
        match stream.read(&mut head[len..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    let status_line = String::from_utf8_lossy(&head[..len]);
    let mut words = status_line.split_whitespace();
    words.next().is_some_and(|v| v.starts_with("HTTP/1.")) && words.next() == Some("200")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_decides_whether_moto_answers() {
        // A server that answers 404 is not moto; one that answers 200 is.
        for (answer, expected) in [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 404 NOT FOUND\r\nContent-Length: 0\r\n\r\n", false),
            ("SSH-2.0-OpenSSH\r\n", false),
        ] {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            let port = listener.local_addr().unwrap().port();
            let server = std::thread::spawn(move || {
                let (mut s, _) = listener.accept().unwrap();
                let mut request = [0u8; 256];
                let _ = s.read(&mut request);
                s.write_all(answer.as_bytes()).unwrap();
                String::from_utf8_lossy(&request).into_owned()
            });
            assert_eq!(answers(port), expected, "{answer:?}");
            assert!(
                server
                    .join()
                    .unwrap()
                    .starts_with("GET /moto-api/ HTTP/1.1\r\n")
            );
        }
        // Nothing listening.
        let port = free_port().unwrap();
        assert!(!answers(port));
    }

    #[test]
    fn a_given_endpoint_must_be_on_this_machine() {
        for endpoint in [
            "http://10.0.0.1:5000",
            "https://127.0.0.1:5000",
            "http://127.0.0.1",
        ] {
            let State::Broken(message) = given(endpoint.to_string()) else {
                panic!("{endpoint} was accepted");
            };
            assert!(message.contains(endpoint), "{message}");
        }
        // On this machine but nothing answers: broken too, with a hint.
        let port = free_port().unwrap();
        let State::Broken(message) = given(format!("http://127.0.0.1:{port}")) else {
            panic!("a silent port was accepted");
        };
        assert!(message.contains("nothing answers"), "{message}");
    }

    #[test]
    fn unavailable_skips_except_in_ci_and_broken_always_fails() {
        let unavailable: &'static State = Box::leak(Box::new(State::Unavailable(
            "python3 is not on PATH".into(),
        )));
        assert_eq!(judge(unavailable, false), Verdict::Skip(SKIP_NOTE));
        let Verdict::Fail(message) = judge(unavailable, true) else {
            panic!("a skip in CI");
        };
        assert!(message.contains("CI is set") && message.contains("python3 is not on PATH"));
        let broken: &'static State =
            Box::leak(Box::new(State::Broken("moto_server exited".into())));
        for required in [false, true] {
            assert_eq!(
                judge(broken, required),
                Verdict::Fail("moto_server exited".into())
            );
        }
        let ready: &'static State = Box::leak(Box::new(State::Ready {
            endpoint: "http://127.0.0.1:5000".into(),
            _server: None,
        }));
        assert_eq!(judge(ready, true), Verdict::Run("http://127.0.0.1:5000"));
    }

    #[test]
    fn the_last_lines_on_one_line() {
        let text = (1..=12)
            .map(|i| format!("line {i}\n\n"))
            .collect::<String>();
        assert_eq!(
            tail(text.as_bytes()),
            "line 5 | line 6 | line 7 | line 8 | line 9 | line 10 | line 11 | line 12"
        );
        let pip = "WARNING: Retrying (Retry(total=4))\nERROR: Could not find a version\n\
                   WARNING: x\nERROR: No matching distribution found\n";
        assert_eq!(
            tail(pip.as_bytes()),
            "ERROR: Could not find a version | ERROR: No matching distribution found"
        );
    }
}
