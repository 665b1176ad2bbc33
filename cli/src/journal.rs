//! The journal of the buckets the tool set out to create in an account: a name is written
//! to it *before* its `CreateBucket` call goes out, so a bucket whose tag was lost (the
//! run stopped between the create and its tagging, or the endpoint dropped the create
//! call's tags, as moto does) is still known for the tool's on the next run, gets its tag
//! back, and serves as the trail's and Config's log bucket instead of blocking them as a
//! name someone else took.
//!
//! Where it lives: beside a `--sim-state` file (`.<file>.journal-<account>.json`), or for
//! AWS in `$SECURE_ACCOUNT_STATE_DIR`, else `$XDG_STATE_HOME/secure-account`, else
//! `~/.local/state/secure-account` (`journal-<account>.json`). Without any of them (a
//! simulated account kept in memory) it lives as long as the command.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use secure_account_core::snapshot::Bucket;
use serde::{Deserialize, Serialize};

use crate::output::{cap, read_capped, write_state};

/// The journal's file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    format_version: u32,
    account_id: String,
    /// Buckets whose `CreateBucket` the tool sent (or was about to send).
    buckets: BTreeSet<String>,
}

#[derive(Debug)]
pub struct Journal {
    /// The folder of the journal files and their name's start; `None`: kept in memory.
    place: Option<(PathBuf, String)>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The file of the account read, once it is known.
    file: Option<PathBuf>,
    account_id: String,
    buckets: BTreeSet<String>,
}

impl Journal {
    /// A journal that lives as long as the command.
    pub fn in_memory() -> Journal {
        Journal {
            place: None,
            state: Mutex::default(),
        }
    }

    /// The journal beside the simulated account's state file.
    pub fn beside(state_file: &Path) -> anyhow::Result<Journal> {
        let resolved = crate::output::resolve_target(state_file)?;
        let dir = resolved.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = resolved
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Journal {
            place: Some((dir, format!(".{name}.journal-"))),
            state: Mutex::default(),
        })
    }

    /// The journal of a real account, in the user's state folder (see the module
    /// documentation); in memory when there is none.
    pub fn in_state_dir() -> Journal {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let dir = var("SECURE_ACCOUNT_STATE_DIR")
            .map(PathBuf::from)
            .or_else(|| var("XDG_STATE_HOME").map(|d| PathBuf::from(d).join("secure-account")))
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/state/secure-account")));
        Journal {
            place: dir.map(|d| (d, "journal-".to_string())),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens the journal of `account_id` (the account just read): what earlier runs
    /// recorded for it.
    pub fn bind(&self, account_id: &str) -> anyhow::Result<()> {
        let mut state = self.state();
        if state.account_id == account_id {
            return Ok(());
        }
        state.account_id = account_id.to_string();
        state.buckets.clear();
        state.file = None;
        let Some((dir, prefix)) = &self.place else {
            return Ok(());
        };
        let file = dir.join(format!("{prefix}{account_id}.json"));
        if file.exists() {
            let text = read_capped(&file, cap::SIM_STATE, "journal of created buckets")?;
            let saved: File = serde_json::from_str(&text).with_context(|| {
                format!(
                    "`{}` is not a journal of created buckets; move it away to start a new one",
                    file.display()
                )
            })?;
            state.buckets = saved.buckets;
        }
        state.file = Some(file);
        Ok(())
    }

    /// Records that the tool is about to create `bucket`, on disk before the call goes
    /// out. An error means the call must not go out: a bucket the journal does not know
    /// could be orphaned.
    pub fn record(&self, bucket: &str) -> anyhow::Result<()> {
        let mut state = self.state();
        if state.buckets.contains(bucket) {
            return Ok(());
        }
        let Some(file) = state.file.clone() else {
            state.buckets.insert(bucket.to_string());
            return Ok(());
        };
        let mut buckets = state.buckets.clone();
        buckets.insert(bucket.to_string());
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(&File {
            format_version: 1,
            account_id: state.account_id.clone(),
            buckets: buckets.clone(),
        })?;
        write_state(&file, &text)
            .with_context(|| format!("cannot record bucket `{bucket}` in the journal"))?;
        state.buckets = buckets;
        Ok(())
    }

    /// Marks the buckets the journal knows as the tool's.
    pub fn mark(&self, buckets: &mut [Bucket]) {
        let state = self.state();
        for b in buckets {
            if state.buckets.contains(&b.name) {
                b.created_by_this_tool = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_bucket_is_known_by_the_next_command_on_the_same_account() {
        let dir = tempfile::tempdir().unwrap();
        let state_file = dir.path().join("a.json");
        let first = Journal::beside(&state_file).unwrap();
        first.bind("111122223333").unwrap();
        first.record("logs-111122223333").unwrap();

        let next = Journal::beside(&state_file).unwrap();
        next.bind("111122223333").unwrap();
        let mut buckets = vec![
            Bucket {
                name: "logs-111122223333".into(),
                ..Bucket::default()
            },
            Bucket {
                name: "customer".into(),
                ..Bucket::default()
            },
        ];
        next.mark(&mut buckets);
        assert!(buckets[0].created_by_this_tool);
        assert!(!buckets[1].created_by_this_tool, "only what was recorded");

        let other = Journal::beside(&state_file).unwrap();
        other.bind("444455556666").unwrap();
        let mut again = vec![Bucket {
            name: "logs-111122223333".into(),
            ..Bucket::default()
        }];
        other.mark(&mut again);
        assert!(!again[0].created_by_this_tool, "journals are per account");
    }

    #[test]
    fn a_journal_that_cannot_be_written_stops_the_create() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "").unwrap();
        let journal = Journal {
            place: Some((blocker.join("sub"), "journal-".into())),
            state: Mutex::default(),
        };
        journal.bind("111122223333").unwrap();
        assert!(journal.record("logs").is_err());
    }
}
