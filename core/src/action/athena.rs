//! Athena: the region's workgroups; reading them; the `primary` workgroup's CloudWatch
//! metrics (Athena.4) and result encryption.

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Effect, Operation, find_mut, known};
use crate::part::Part;
use crate::snapshot::AwsError;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_athena {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            athena::UpdateWorkGroup,
        ] $rest }
    };
}

/// `athena:UpdateWorkGroup`: CloudWatch metrics, and result encryption when the workgroup
/// has none (an existing stronger option is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
