//! AWS Config: the region's recorders and delivery channels; reading them; creating,
//! converging and starting them (Config.1).

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Effect, Operation, PassedRole, find_mut, known};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::config::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_config {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            config::PutConfigurationRecorder,
            config::PutDeliveryChannel,
            config::StartConfigurationRecorder,
        ] $rest }
    };
}

const CONFIG: ActionFacts = ActionFacts {
    service: "config",
    reads: &[Part::Config, Part::Roles],
    controls: &["Config.1"],
    ..ActionFacts::DEFAULT
};

/// `config:PutConfigurationRecorder`: creates or updates the recorder.
/// Precondition: the role exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutConfigurationRecorder {
    pub name: String,
    pub role_arn: String,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
}

impl Operation for PutConfigurationRecorder {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["config:PutConfigurationRecorder", "iam:PassRole"],
        passes_role: Some(PassedRole::ConfigServiceLinkedRole),
        ..CONFIG
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let config = known(&mut e.regional()?.config, "AWS Config")?;
        match config.recorders.iter_mut().find(|r| r.name == self.name) {
            Some(r) => {
                r.role_arn = self.role_arn.clone();
                r.all_supported = self.all_supported;
                r.include_global_resource_types = self.include_global_resource_types;
                if self.all_supported {
                    r.resource_types.clear();
                }
            }
            None => config.recorders.push(ConfigRecorder {
                name: self.name.clone(),
                role_arn: self.role_arn.clone(),
                all_supported: self.all_supported,
                include_global_resource_types: self.include_global_resource_types,
                resource_types: vec![],
                recording: false,
            }),
        }
        Ok(())
    }
}

/// `config:PutDeliveryChannel`. Precondition: a recorder exists, the bucket exists and its
/// policy lets Config write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutDeliveryChannel {
    pub name: String,
    pub s3_bucket_name: String,
}

impl Operation for PutDeliveryChannel {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["config:PutDeliveryChannel"],
        reads: &[Part::Config, Part::Roles, Part::Buckets],
        ..CONFIG
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let config = known(&mut e.regional()?.config, "AWS Config")?;
        match config
            .delivery_channels
            .iter_mut()
            .find(|c| c.name == self.name)
        {
            Some(c) => c.s3_bucket_name = self.s3_bucket_name.clone(),
            None => config.delivery_channels.push(DeliveryChannel {
                name: self.name.clone(),
                s3_bucket_name: self.s3_bucket_name.clone(),
                s3_key_prefix: None,
            }),
        }
        Ok(())
    }
}

/// `config:StartConfigurationRecorder`. Precondition: a delivery channel exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartConfigurationRecorder {
    pub name: String,
}

impl Operation for StartConfigurationRecorder {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["config:StartConfigurationRecorder"],
        ..CONFIG
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let config = known(&mut e.regional()?.config, "AWS Config")?;
        find_mut(
            &mut config.recorders,
            |r| r.name == self.name,
            || format!("configuration recorder `{}`", self.name),
        )?
        .recording = true;
        Ok(())
    }
}
