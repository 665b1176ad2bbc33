//! CloudTrail: the region's trails (those whose home is the region); reading them; the
//! baseline's multi-region trail, created or converged, with its event selectors and
//! logging on.

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Change, Effect, ErrorClass, Operation, PassedRole, known};
use crate::part::Part;
use crate::snapshot::cloudtrail::*;
use crate::snapshot::{AwsError, RegionServices};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_cloudtrail {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            cloudtrail::CreateTrail,
            cloudtrail::UpdateTrail,
            cloudtrail::PutEventSelectors,
            cloudtrail::StartLogging,
        ] $rest }
    };
}

const CLOUDTRAIL: ActionFacts = ActionFacts {
    service: "cloudtrail",
    reads: &[Part::Trails],
    controls: &["CloudTrail.1"],
    // "The specified resource is not ready for an operation ... before CloudTrail has time
    // to fully load the resource" (CloudTrail API reference, `ConflictException`).
    transient: &[("ConflictException", ErrorClass::ResourcePropagation)],
    ..ActionFacts::DEFAULT
};

/// What a trail's destination answers while it settles: its KMS key created seconds ago is
/// not found yet (`KmsKeyNotFoundException`; the planner puts the key in the bucket's
/// region, the other cause of that error), or the trail is not loaded yet.
const TRAIL_SETTLING: &[(&str, ErrorClass)] = &[
    ("KmsKeyNotFoundException", ErrorClass::ResourcePropagation),
    ("ConflictException", ErrorClass::ResourcePropagation),
];

const TRAIL_CONTROLS: &[&str] = &[
    "CloudTrail.1",
    "CloudTrail.2",
    "CloudTrail.4",
    "CloudTrail.5",
];

/// `cloudtrail:CreateTrail`. Preconditions (as CloudTrail checks them): the bucket exists
/// and its policy lets CloudTrail write; the key policy lets CloudTrail encrypt; the role
/// lets CloudTrail deliver to the log group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateTrail {
    pub name: String,
    pub s3_bucket_name: String,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub enable_log_file_validation: bool,
    pub kms_key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<String>,
}

impl Operation for CreateTrail {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudtrail:CreateTrail", "iam:PassRole"],
        change: Change::Create,
        reads: &[Part::Trails, Part::KmsKeys, Part::Buckets],
        controls: TRAIL_CONTROLS,
        transient: TRAIL_SETTLING,
        passes_role: Some(PassedRole::TrailLogsRole),
        ..CLOUDTRAIL
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let region = e.region().to_string();
        known(&mut e.regional()?.trails, "trails")?.push(Trail {
            name: self.name.clone(),
            home_region: region,
            s3_bucket_name: self.s3_bucket_name.clone(),
            is_multi_region_trail: self.is_multi_region_trail,
            include_global_service_events: self.include_global_service_events,
            log_file_validation_enabled: self.enable_log_file_validation,
            kms_key_id: Some(self.kms_key_id.clone()),
            cloud_watch_logs_log_group_arn: self.cloud_watch_logs_log_group_arn.clone(),
            cloud_watch_logs_role_arn: self.cloud_watch_logs_role_arn.clone(),
            is_logging: false,
            management_events: Some("All".into()),
            data_events: false,
            insights: false,
        });
        Ok(())
    }
}

/// `cloudtrail:UpdateTrail`: converges an adopted trail. Fields that are `None` are not
/// sent and keep their value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateTrail {
    pub name: String,
    pub s3_bucket_name: String,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub enable_log_file_validation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<String>,
}

impl Operation for UpdateTrail {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudtrail:UpdateTrail", "iam:PassRole"],
        controls: TRAIL_CONTROLS,
        transient: TRAIL_SETTLING,
        passes_role: Some(PassedRole::TrailLogsRole),
        ..CLOUDTRAIL
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let t = trail_mut(e.regional()?, &self.name)?;
        t.s3_bucket_name = self.s3_bucket_name.clone();
        t.is_multi_region_trail = self.is_multi_region_trail;
        t.include_global_service_events = self.include_global_service_events;
        t.log_file_validation_enabled = self.enable_log_file_validation;
        if self.kms_key_id.is_some() {
            t.kms_key_id = self.kms_key_id.clone();
        }
        if self.cloud_watch_logs_log_group_arn.is_some() {
            t.cloud_watch_logs_log_group_arn = self.cloud_watch_logs_log_group_arn.clone();
            t.cloud_watch_logs_role_arn = self.cloud_watch_logs_role_arn.clone();
        }
        Ok(())
    }
}

/// `cloudtrail:PutEventSelectors`: management events, read and write, no data events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutEventSelectors {
    pub trail_name: String,
    pub read_write_type: String,
    pub include_management_events: bool,
}

impl Operation for PutEventSelectors {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudtrail:PutEventSelectors"],
        ..CLOUDTRAIL
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let t = trail_mut(e.regional()?, &self.trail_name)?;
        t.management_events = self
            .include_management_events
            .then(|| self.read_write_type.clone());
        t.data_events = false;
        Ok(())
    }
}

/// `cloudtrail:StartLogging`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartLogging {
    pub name: String,
}

impl Operation for StartLogging {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudtrail:StartLogging"],
        ..CLOUDTRAIL
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        trail_mut(e.regional()?, &self.name)?.is_logging = true;
        Ok(())
    }
}

fn trail_mut<'a>(s: &'a mut RegionServices, name: &str) -> Result<&'a mut Trail, AwsError> {
    known(&mut s.trails, "trails")?
        .iter_mut()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            AwsError::new(
                "TrailNotFoundException",
                format!("trail `{name}` not found"),
            )
        })
}
