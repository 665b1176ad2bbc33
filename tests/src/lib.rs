//! Shared helpers of the cross-crate tests: running the engine against the simulator on a
//! paused clock, and the account states and fault schedules the property tests draw.

use std::collections::BTreeMap;
use std::future::Future;

use secure_account_core::{Plan, Snapshot};
use secure_account_engine::{ApplyOptions, ApplyReport};
use secure_account_simulator::Simulator;

pub mod accounts;
pub mod promises;

/// Runs a future on a single-threaded runtime whose clock starts paused: the simulator's
/// latencies and the engine's backoff pass in virtual time, instantly.
pub fn block_on<F: Future>(f: F) -> F::Output {
    secure_account_simulator::virtual_clock_runtime()
        .expect("a current-thread runtime builds")
        .block_on(f)
}

/// Reads the account through the port (with the simulator's read faults).
pub fn read(sim: &Simulator) -> Snapshot {
    block_on(secure_account_engine::flow::read(sim))
        .expect("the simulator always answers a snapshot")
}

/// Applies `plan` through the engine with default options and the given jitter seed.
pub fn apply(sim: &Simulator, plan: &Plan, seed: u64) -> ApplyReport {
    let options = ApplyOptions {
        seed,
        ..ApplyOptions::default()
    };
    block_on(secure_account_engine::apply(
        sim,
        plan,
        &options,
        &mut |_| {},
    ))
}

/// Every resource id the safety rules care about, as `kind:region:id` strings, with the
/// VPC a resource lives in (deleting a VPC deletes its default security group, main route
/// table and default network ACL with it).
pub fn resource_ids(s: &Snapshot) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for (region, r) in &s.regions {
        let svc = &r.services;
        for v in svc.vpcs.known().into_iter().flatten() {
            let owner = Some(v.vpc_id.clone());
            out.insert(format!("vpc:{region}:{}", v.vpc_id), None);
            for sn in &v.subnets {
                out.insert(format!("subnet:{region}:{}", sn.subnet_id), None);
            }
            for g in &v.internet_gateways {
                out.insert(format!("igw:{region}:{g}"), None);
            }
            for sg in &v.security_groups {
                out.insert(format!("sg:{region}:{}", sg.group_id), owner.clone());
            }
            for rt in &v.route_tables {
                out.insert(format!("rtb:{region}:{}", rt.route_table_id), owner.clone());
            }
            for acl in &v.network_acls {
                out.insert(
                    format!("acl:{region}:{}", acl.network_acl_id),
                    owner.clone(),
                );
            }
            for eni in &v.network_interfaces {
                out.insert(format!("eni:{region}:{}", eni.network_interface_id), None);
            }
        }
        for t in svc.trails.known().into_iter().flatten() {
            out.insert(format!("trail:{region}:{}", t.name), None);
        }
        for k in svc.kms_keys.known().into_iter().flatten() {
            out.insert(format!("key:{region}:{}", k.key_id), None);
        }
        if let Some(Some(d)) = svc.guardduty.known() {
            out.insert(format!("detector:{region}:{}", d.detector_id), None);
        }
        for a in svc.analyzers.known().into_iter().flatten() {
            out.insert(format!("analyzer:{region}:{}", a.name), None);
        }
        for g in svc.log_groups.known().into_iter().flatten() {
            out.insert(format!("log_group:{region}:{}", g.name), None);
        }
        for w in svc.athena_workgroups.known().into_iter().flatten() {
            out.insert(format!("workgroup:{region}:{}", w.name), None);
        }
        if let Some(c) = svc.config.known() {
            for rec in &c.recorders {
                out.insert(format!("recorder:{region}:{}", rec.name), None);
            }
            for ch in &c.delivery_channels {
                out.insert(format!("channel:{region}:{}", ch.name), None);
            }
        }
    }
    for b in s.global.buckets.known().into_iter().flatten() {
        out.insert(format!("bucket:{}", b.name), None);
    }
    for r in s.global.roles.known().into_iter().flatten() {
        out.insert(format!("role:{}", r.name), None);
    }
    for u in s.global.users.known().into_iter().flatten() {
        out.insert(format!("user:{}", u.name), None);
    }
    out
}
