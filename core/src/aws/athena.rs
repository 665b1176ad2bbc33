//! Athena: the region's workgroups; reading them; the `primary` workgroup's CloudWatch
//! metrics (Athena.4) and result encryption.

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Operation};
use crate::effects::{Effect, find_mut, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkGroup {
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    pub publish_cloud_watch_metrics_enabled: bool,
    pub output_location: Option<String>,
    /// `SSE_S3`, `SSE_KMS` or `CSE_KMS`; `None` when results are not encrypted by default.
    pub encryption_option: Option<String>,
    pub enforce_work_group_configuration: bool,
}

/// `athena_workgroups`.
pub const READ_WORKGROUPS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "athena",
    iam_actions: &["athena:ListWorkGroups", "athena:GetWorkGroup"],
};

/// `athena:UpdateWorkGroup`: CloudWatch metrics, and result encryption when the workgroup
/// has none (an existing stronger option is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateWorkGroup {
    pub work_group: String,
    pub publish_cloud_watch_metrics_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_option: Option<String>,
}

impl Operation for UpdateWorkGroup {
    const FACTS: ActionFacts = ActionFacts {
        service: "athena",
        iam_actions: &["athena:UpdateWorkGroup"],
        reads: &[Part::AthenaWorkgroups],
        controls: &["Athena.4"],
        ..ActionFacts::DEFAULT
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let groups = known(&mut e.regional()?.athena_workgroups, "Athena workgroups")?;
        let wg = find_mut(
            groups,
            |w| w.name == self.work_group,
            || format!("workgroup `{}`", self.work_group),
        )?;
        wg.publish_cloud_watch_metrics_enabled = self.publish_cloud_watch_metrics_enabled;
        if let Some(option) = &self.encryption_option {
            wg.encryption_option = Some(option.clone());
        }
        Ok(())
    }
}
