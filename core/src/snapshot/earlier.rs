//! A region's parts as snapshots are read from JSON, this version's and earlier ones'.
//!
//! Earlier versions read EBS encryption by default, the snapshot block public access
//! state and the public snapshots as one part, `ebs`, with the state in
//! `ebs.snapshot_block_public_access` and no `snapshot_block_public_access` part. Such a
//! snapshot loads with the state moved to its own part; where the old `ebs` part was
//! unreadable, both are, with its error (the state was not seen either).
//!
//! Every field is listed here and in [`RegionServices`] and the conversion destructures
//! both, so a new part is a compile error here too.

use serde::Deserialize;

use super::{
    Analyzer, ConfigService, Detector, Ebs, Inspector, KmsKey, LogGroup, Macie, Observed,
    RegionServices, SecurityHub, SnapshotBlockPublicAccess, Ssm, Stack, Trail, Vpc,
    VpcBlockPublicAccess, WorkGroup,
};

/// [`RegionServices`] as read from JSON.
#[derive(Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub(super) struct RegionServicesIn {
    security_hub: Observed<Option<SecurityHub>>,
    guardduty: Observed<Option<Detector>>,
    config: Observed<ConfigService>,
    trails: Observed<Vec<Trail>>,
    kms_keys: Observed<Vec<KmsKey>>,
    log_groups: Observed<Vec<LogGroup>>,
    analyzers: Observed<Vec<Analyzer>>,
    ebs: Observed<EbsIn>,
    /// Absent from snapshots of earlier versions.
    snapshot_block_public_access: Option<Observed<SnapshotBlockPublicAccess>>,
    vpcs: Observed<Vec<Vpc>>,
    vpc_block_public_access: Observed<VpcBlockPublicAccess>,
    athena_workgroups: Observed<Vec<WorkGroup>>,
    ssm: Observed<Ssm>,
    inspector: Observed<Inspector>,
    macie: Observed<Macie>,
    /// Absent from snapshots of earlier versions: no stack then.
    cloudformation_stacks: Observed<Vec<Stack>>,
}

/// [`Ebs`] as read from JSON: every field of today's, and where snapshots of earlier
/// versions kept the snapshot block public access state.
#[derive(Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
struct EbsIn {
    #[serde(flatten)]
    ebs: Ebs,
    snapshot_block_public_access: Option<String>,
}

impl From<RegionServicesIn> for RegionServices {
    fn from(r: RegionServicesIn) -> RegionServices {
        let RegionServicesIn {
            security_hub,
            guardduty,
            config,
            trails,
            kms_keys,
            log_groups,
            analyzers,
            ebs,
            snapshot_block_public_access,
            vpcs,
            vpc_block_public_access,
            athena_workgroups,
            ssm,
            inspector,
            macie,
            cloudformation_stacks,
        } = r;
        let (ebs, earlier_state) = match ebs {
            Observed::Known(EbsIn {
                ebs,
                snapshot_block_public_access: state,
            }) => (
                Observed::Known(ebs),
                state.map(|state| Observed::Known(SnapshotBlockPublicAccess { state })),
            ),
            Observed::Unreadable { read_error } => (
                Observed::Unreadable {
                    read_error: read_error.clone(),
                },
                Some(Observed::Unreadable { read_error }),
            ),
        };
        RegionServices {
            security_hub,
            guardduty,
            config,
            trails,
            kms_keys,
            log_groups,
            analyzers,
            ebs,
            // This version's part when the snapshot has it, else what the old `ebs` held.
            snapshot_block_public_access: snapshot_block_public_access
                .or(earlier_state)
                .unwrap_or_default(),
            vpcs,
            vpc_block_public_access,
            athena_workgroups,
            ssm,
            inspector,
            macie,
            cloudformation_stacks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{AwsError, Snapshot};

    fn region(services: serde_json::Value) -> RegionServices {
        serde_json::from_value(services).expect("loads")
    }

    #[test]
    fn an_earlier_snapshot_moves_the_state_out_of_ebs() {
        let r = region(serde_json::json!({
            "ebs": {
                "encryption_by_default": true,
                "snapshot_block_public_access": "block-new-sharing",
                "public_snapshots": ["snap-1"]
            }
        }));
        assert_eq!(
            r.ebs,
            Observed::Known(Ebs {
                encryption_by_default: true,
                public_snapshots: vec!["snap-1".into()],
                ..Ebs::default()
            })
        );
        assert_eq!(
            r.snapshot_block_public_access,
            Observed::Known(SnapshotBlockPublicAccess {
                state: "block-new-sharing".into()
            })
        );
        // Written again, it is in this version's shape and loads the same.
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["ebs"].get("snapshot_block_public_access").is_none());
        assert_eq!(
            json["snapshot_block_public_access"],
            serde_json::json!({"state": "block-new-sharing"})
        );
        assert_eq!(region(json), r);
    }

    #[test]
    fn an_earlier_unreadable_ebs_leaves_both_parts_unreadable() {
        let e = AwsError::new(
            "AccessDenied",
            "not authorized: ec2:GetEbsEncryptionByDefault",
        );
        let r = region(serde_json::json!({ "ebs": { "read_error": e } }));
        assert_eq!(r.ebs.read_error(), Some(&e));
        assert_eq!(r.snapshot_block_public_access.read_error(), Some(&e));
    }

    #[test]
    fn this_versions_part_wins_and_a_missing_one_is_the_default() {
        let r = region(serde_json::json!({
            "ebs": { "encryption_by_default": false, "public_snapshots": [] },
            "snapshot_block_public_access": { "read_error": { "code": "NotImplemented", "message": "m" } }
        }));
        assert_eq!(r.ebs, Observed::Known(Ebs::default()));
        assert_eq!(
            r.snapshot_block_public_access
                .read_error()
                .map(|e| e.code.as_str()),
            Some("NotImplemented")
        );
        let r = region(serde_json::json!({}));
        assert_eq!(r, RegionServices::default());
    }

    #[test]
    fn an_earlier_whole_snapshot_loads() {
        let text = r#"{
          "format_version": 1,
          "account_id": "123456789012",
          "global": {},
          "regions": {
            "us-east-1": {
              "opt_in_status": "opt-in-not-required",
              "services": {
                "ebs": {
                  "encryption_by_default": false,
                  "snapshot_block_public_access": "unblocked",
                  "public_snapshots": []
                }
              }
            }
          }
        }"#;
        let s: Snapshot = serde_json::from_str(text).unwrap();
        let services = &s.regions["us-east-1"].services;
        assert_eq!(services.ebs, Observed::Known(Ebs::default()));
        assert_eq!(
            services.snapshot_block_public_access,
            Observed::Known(SnapshotBlockPublicAccess {
                state: "unblocked".into()
            })
        );
    }
}
