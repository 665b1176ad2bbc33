//! A simulated AWS Organization: member accounts, each a [`Simulator`] with its own id,
//! reached by "assuming" a role, for `fleet plan|apply|verify --simulate`.
//!
//! The `mixed` organisation is deterministic from its seed: about 40 % fresh accounts,
//! 30 % lived-in ones and 30 % partly baselined ones (a fresh account on which an earlier
//! apply of the `fsbp` baseline stopped after a seeded number of writes, as a crashed or
//! interrupted run leaves it).

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use secure_account_core::{AwsError, Baseline};
use secure_account_engine::fleet::{FleetAccount, Opener};
use secure_account_engine::{ApplyOptions, flow};

use crate::state::hash_str;
use crate::{FaultPlan, LatencyModel, SCENARIOS, SimError, Simulator, scenarios};

/// The organisation scenario that mixes fresh, lived-in and partly baselined accounts.
pub const MIXED: &str = "mixed";

/// The role every member account has unless the member says otherwise (as AWS
/// Organizations creates it in the accounts it creates).
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

/// How a member account starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberKind {
    /// A built-in scenario (`fresh`, `lived-in`, `newer-standard`).
    Scenario(String),
    /// A fresh account on which an apply of `fsbp` stopped after this many writes.
    PartlyBaselined { writes: u64 },
}

impl MemberKind {
    /// `fresh`, `lived-in`, `newer-standard` or `partly-baselined`.
    pub fn label(&self) -> &str {
        match self {
            MemberKind::Scenario(s) => s,
            MemberKind::PartlyBaselined { .. } => "partly-baselined",
        }
    }
}

/// One member account of the simulated organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub kind: MemberKind,
    /// The role that can be assumed in it; `None`: none (assuming any role is denied).
    pub role: Option<String>,
}

/// A deterministic 64-bit mix (splitmix64).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The member accounts of a simulated organisation of `size` accounts: every one of
/// `scenario` (a built-in scenario), or with [`MIXED`] a seeded mix. Ids are 12 digits and
/// distinct; the same arguments give the same organisation.
pub fn organization(scenario: &str, size: usize, seed: u64) -> Result<Vec<Member>, SimError> {
    if scenario != MIXED && !SCENARIOS.contains(&scenario) {
        return Err(SimError::unknown_scenario(scenario));
    }
    Ok((0..size)
        .map(|i| {
            let r = mix(seed ^ mix(i as u64));
            let id = format!(
                "{:012}",
                100_000_000_000u64 + (i as u64) * 7_919 + (seed % 1_000)
            );
            let kind = if scenario != MIXED {
                MemberKind::Scenario(scenario.to_string())
            } else {
                match r % 10 {
                    0..=3 => MemberKind::Scenario("fresh".into()),
                    4..=6 => MemberKind::Scenario("lived-in".into()),
                    // Between 1 and 400 writes: from a hub just enabled to nearly done (a
                    // fresh 17-region apply makes 419).
                    _ => MemberKind::PartlyBaselined {
                        writes: 1 + (r >> 8) % 400,
                    },
                }
            };
            Member {
                name: format!("member-{i:03}"),
                id,
                kind,
                role: Some(DEFAULT_ROLE.to_string()),
            }
        })
        .collect())
}

impl Simulator {
    /// The same account under another account id: every mention of the scenario's id
    /// (ARNs, bucket names, policies) becomes `account_id`, and the ids the account makes
    /// are salted with it.
    pub fn with_account_id(self, account_id: &str) -> Result<Simulator, SimError> {
        let text = self
            .to_state_json()
            .replace(scenarios::ACCOUNT_ID, account_id);
        let mut sim = Simulator::from_state_json(&text)?;
        {
            let inner = sim.inner.get_mut().unwrap_or_else(|e| e.into_inner());
            inner.hidden.id_salt ^= hash_str(account_id);
        }
        sim.faults = self.faults;
        sim.latency = self.latency;
        Ok(sim)
    }
}

/// The starting state of `member`, as the simulator's state JSON. A partly baselined
/// member is made by applying `baseline` to a fresh account with no latency until the
/// account stops answering after the member's number of writes (call it before timing
/// anything: the apply waits on the runtime's clock).
pub async fn starting_state(member: &Member, baseline: &Baseline) -> Result<String, SimError> {
    let sim = match &member.kind {
        MemberKind::Scenario(s) => Simulator::scenario(s)?.with_account_id(&member.id)?,
        MemberKind::PartlyBaselined { writes } => {
            let sim = Simulator::scenario("fresh")?
                .with_account_id(&member.id)?
                .with_faults(FaultPlan {
                    crash_after_writes: Some(*writes),
                    ..FaultPlan::seeded(*writes)
                });
            // The crash ends it; whatever it reached is the member's state.
            let _ = flow::converge(&sim, baseline, &ApplyOptions::default()).await;
            sim
        }
    };
    Ok(sim.to_state_json())
}

/// The simulated organisation as the fleet sees it: each member's current state, opened
/// with the latency model and faults given, behind the role check of `sts:AssumeRole`.
#[derive(Debug)]
pub struct SimulatedFleet {
    members: BTreeMap<String, (Member, String)>,
    role_name: String,
    latency: LatencyModel,
    faults: BTreeMap<String, FaultPlan>,
    start: Instant,
}

impl SimulatedFleet {
    /// The members with their starting states ([`starting_state`]); the fleet's clock
    /// starts now.
    pub fn new(
        members: Vec<(Member, String)>,
        role_name: &str,
        latency: LatencyModel,
    ) -> SimulatedFleet {
        SimulatedFleet {
            members: members
                .into_iter()
                .map(|(m, state)| (m.id.clone(), (m, state)))
                .collect(),
            role_name: role_name.to_string(),
            latency,
            faults: BTreeMap::new(),
            start: Instant::now(),
        }
    }

    /// Faults for one member account.
    pub fn with_faults(mut self, account_id: &str, faults: FaultPlan) -> SimulatedFleet {
        self.faults.insert(account_id.to_string(), faults);
        self
    }

    /// Restarts the fleet's clock.
    pub fn restart_clock(&mut self) {
        self.start = Instant::now();
    }

    /// The member accounts, in id order (what `organizations:ListAccounts` lists).
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values().map(|(m, _)| m)
    }

    /// Replaces a member's state (a state file saved by an earlier run).
    pub fn set_state(&mut self, account_id: &str, state: String) {
        if let Some((_, s)) = self.members.get_mut(account_id) {
            *s = state;
        }
    }

    /// A member's account as it is now, without latency or faults and whatever its role
    /// (for checking what a run left).
    pub fn open_member(&self, account_id: &str) -> Option<Simulator> {
        let (_, state) = self.members.get(account_id)?;
        Simulator::from_state_json(state).ok()
    }

    /// Keeps a member's state after a run (so that the next run starts from it).
    pub fn keep(&mut self, account_id: &str, sim: &Simulator) {
        self.set_state(account_id, sim.to_state_json());
    }
}

/// What STS answers when the role cannot be assumed (it does not exist in the account, or
/// its trust policy does not name the caller): `AccessDenied`.
pub fn assume_role_denied(account_id: &str, role_name: &str) -> AwsError {
    AwsError::new(
        "AccessDenied",
        format!(
            "User: arn:aws:iam::{}:user/{} is not authorized to perform: sts:AssumeRole on \
             resource: arn:aws:iam::{account_id}:role/{role_name}",
            scenarios::ACCOUNT_ID,
            crate::CALLER_NAME
        ),
    )
}

impl Opener for SimulatedFleet {
    type Port = Simulator;

    async fn open(&self, account: &FleetAccount) -> Result<Simulator, AwsError> {
        // `sts:AssumeRole` takes a read call's time of STS.
        let delay = self
            .latency
            .reads
            .get("sts")
            .copied()
            .unwrap_or(self.latency.default_read);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let Some((member, state)) = self.members.get(&account.id) else {
            return Err(assume_role_denied(&account.id, &self.role_name));
        };
        if member.role.as_deref() != Some(self.role_name.as_str()) {
            return Err(assume_role_denied(&account.id, &self.role_name));
        }
        let sim = Simulator::from_state_json(state)
            .map_err(|e| AwsError::new("secure-account:InvalidState", e.to_string()))?
            .with_latency(self.latency.clone());
        Ok(match self.faults.get(&account.id) {
            Some(f) => sim.with_faults(f.clone()),
            None => sim,
        })
    }

    fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(self.start)
    }
}
