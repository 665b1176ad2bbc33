//! Where an action may run: account-wide actions in `global`, regional ones in an enabled
//! region.

use super::*;

#[tokio::test(start_paused = true)]
async fn disabled_region_answers_unrecognized_client() {
    let mut h = H::fresh();
    let e = h
        .code(
            "af-south-1",
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
            "UnrecognizedClientException",
        )
        .await;
    assert_eq!(
        e.message,
        "The security token included in the request is invalid"
    );
    h.code("af-south-1", enable_hub(), "UnrecognizedClientException")
        .await;
    let snap = secure_account_engine::read_snapshot(
        &h.sim,
        secure_account_engine::DEFAULT_READ_CONCURRENCY,
    )
    .await
    .unwrap();
    let r = &snap.regions["af-south-1"];
    assert_eq!(r.opt_in_status, OptInStatus::NotOptedIn);
    assert_eq!(r.services, RegionServices::default());
}

#[tokio::test(start_paused = true)]
async fn actions_run_where_they_belong() {
    let mut h = H::fresh();
    h.code(GLOBAL, enable_hub(), "InvalidRegion").await;
    h.code(HOME, slr_config(), "InvalidRegion").await;
    h.code("xx-nowhere-1", enable_hub(), "InvalidRegion").await;
}
