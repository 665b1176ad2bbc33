//! What the account keeps that a snapshot does not show, after an action took effect:
//! internet gateways detached but not deleted.

use secure_account_core::Action;

use crate::state::Hidden;

/// Records the hidden state `action` leaves behind in `region`.
pub(crate) fn record_hidden_state(hidden: &mut Hidden, region: &str, action: &Action) {
    match action {
        Action::DetachInternetGateway {
            internet_gateway_id,
            ..
        } => {
            hidden
                .detached_internet_gateways
                .entry(region.to_string())
                .or_default()
                .insert(internet_gateway_id.clone());
        }
        Action::DeleteInternetGateway {
            internet_gateway_id,
        } => {
            if let Some(set) = hidden.detached_internet_gateways.get_mut(region) {
                set.remove(internet_gateway_id);
                if set.is_empty() {
                    hidden.detached_internet_gateways.remove(region);
                }
            }
        }
        Action::EnableSecurityHub { .. }
        | Action::UpdateSecurityHubConfiguration { .. }
        | Action::BatchEnableStandards { .. }
        | Action::BatchUpdateStandardsControlAssociations { .. }
        | Action::CreateFindingAggregator { .. }
        | Action::CreateDetector { .. }
        | Action::UpdateDetector { .. }
        | Action::CreateServiceLinkedRole { .. }
        | Action::CreateRole { .. }
        | Action::UpdateAssumeRolePolicy { .. }
        | Action::PutRolePolicy { .. }
        | Action::UpdateAccountPasswordPolicy { .. }
        | Action::PutConfigurationRecorder { .. }
        | Action::PutDeliveryChannel { .. }
        | Action::StartConfigurationRecorder { .. }
        | Action::CreateBucket { .. }
        | Action::PutPublicAccessBlock { .. }
        | Action::PutAccountPublicAccessBlock { .. }
        | Action::PutBucketOwnershipControls { .. }
        | Action::PutBucketEncryption { .. }
        | Action::PutBucketVersioning { .. }
        | Action::PutBucketPolicy { .. }
        | Action::PutBucketLifecycleConfiguration { .. }
        | Action::PutBucketLogging { .. }
        | Action::CreateKey { .. }
        | Action::CreateAlias { .. }
        | Action::PutKeyPolicy { .. }
        | Action::EnableKeyRotation { .. }
        | Action::CreateLogGroup { .. }
        | Action::PutRetentionPolicy { .. }
        | Action::CreateTrail { .. }
        | Action::UpdateTrail { .. }
        | Action::PutEventSelectors { .. }
        | Action::StartLogging { .. }
        | Action::CreateAnalyzer { .. }
        | Action::CreateArchiveRule { .. }
        | Action::UpdateArchiveRule { .. }
        | Action::EnableEbsEncryptionByDefault {}
        | Action::EnableSnapshotBlockPublicAccess { .. }
        | Action::ModifyVpcBlockPublicAccessOptions { .. }
        | Action::DeleteSubnet { .. }
        | Action::DeleteVpc { .. }
        | Action::UpdateWorkGroup { .. }
        | Action::PutAlternateContact { .. }
        | Action::UpdateServiceSetting { .. }
        | Action::EnableInspector { .. }
        | Action::EnableMacie { .. }
        | Action::UpdateAutomatedDiscoveryConfiguration { .. }
        | Action::UpdateClassificationScope { .. } => {}
    }
}
