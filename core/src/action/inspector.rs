//! Amazon Inspector: its state in a region (which resource types it scans, and those still
//! on their way, `ENABLING`, or ended in an error, for the engine's readiness wait); reading
//! it; enabling the resource types the reviewed controls need.

use serde::{Deserialize, Serialize};

use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, Operation, PerItem, SLR, Waits, known,
};
use crate::part::Part;
use crate::readiness::Readiness;
use crate::snapshot::AwsError;
use crate::snapshot::inspector::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_inspector {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            inspector::EnableInspector,
        ] $rest }
    };
}

/// `inspector2:Enable` for the account in the region, for these resource types. AWS
/// answers with the types `ENABLING`; the engine waits until each is `ENABLED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableInspector {
    pub resource_types: Vec<String>,
}

impl Operation for EnableInspector {
    const FACTS: ActionFacts = ActionFacts {
        service: "inspector2",
        iam_actions: &["inspector2:Enable", SLR],
        change: Change::Create,
        reads: &[Part::Inspector],
        controls: &["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"],
        client_token: true,
        // `failedAccounts[].errorCode` (API_FailedAccount): `ALREADY_ENABLED` and
        // `ENABLE_IN_PROGRESS` say where the account is heading, not that it failed;
        // `SSM_*` and `EVENTBRIDGE_*` `THROTTLED`/`UNAVAILABLE` are another service's
        // passing trouble: the call is sent again.
        per_item: Some(PerItem {
            field: "failedAccounts",
            not_offered: &[],
            progress: &["ALREADY_ENABLED", "ENABLE_IN_PROGRESS"],
            transient: &[
                ("SSM_THROTTLED", ErrorClass::Throttling),
                ("SSM_UNAVAILABLE", ErrorClass::Throttling),
                ("EVENTBRIDGE_THROTTLED", ErrorClass::Throttling),
                ("EVENTBRIDGE_UNAVAILABLE", ErrorClass::Throttling),
            ],
        }),
        // AmazonInspector2FullAccess_v2 grants its service-linked role and the agentless
        // scanning role.
        service_linked_roles: &[
            "inspector2.amazonaws.com",
            "agentless.inspector2.amazonaws.com",
        ],
        ..ActionFacts::DEFAULT
    };

    /// The controls of the resource types it enables, in the order it names them.
    fn satisfies(&self) -> Vec<&'static str> {
        self.resource_types
            .iter()
            .filter_map(|t| RESOURCE_TYPES.iter().find(|(rt, _)| rt == t))
            .map(|(_, control)| *control)
            .collect()
    }

    fn waits(&self) -> Waits {
        Waits {
            before: None,
            after: (!self.resource_types.is_empty()).then(|| Readiness::InspectorEnabled {
                resource_types: self.resource_types.clone(),
            }),
        }
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let i = known(&mut e.regional()?.inspector, "Inspector")?;
        // What the planner predicts: each type scanning. AWS gets there through
        // `ENABLING`, which the simulator plays and the engine waits out.
        for t in &self.resource_types {
            i.set_scans(t, true);
            i.resource_states.remove(t);
        }
        Ok(())
    }
}
