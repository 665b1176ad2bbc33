//! The simulator's state: its JSON form (round trip, hidden state, errors) and the
//! account a snapshot starts it from.

use super::*;

#[test]
fn state_json_round_trips_and_is_deterministic() {
    for name in SCENARIOS {
        let sim = Simulator::scenario(name).unwrap();
        let text = sim.to_state_json();
        assert_eq!(text, Simulator::scenario(name).unwrap().to_state_json());
        let back = Simulator::from_state_json(&text).unwrap();
        assert_eq!(back.account(), sim.account());
        assert_eq!(back.to_state_json(), text);
    }
}

#[tokio::test(start_paused = true)]
async fn state_json_keeps_hidden_state() {
    let mut h = H::fresh();
    let v = default_vpc(&h, "eu-west-2");
    let igw = v.internet_gateways[0].clone();
    h.ok(
        "eu-west-2",
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: igw.clone(),
            vpc_id: v.vpc_id.clone(),
        }),
    )
    .await;
    let key = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    // Reloaded: the detached gateway can still be deleted, and new ids do not repeat.
    let mut h2 = H::new(Simulator::from_state_json(&h.sim.to_state_json()).unwrap());
    h2.ok(
        "eu-west-2",
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw,
        }),
    )
    .await;
    let key2 = h2
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    assert_ne!(key, key2);
}

#[test]
fn state_json_errors_name_the_line_and_the_version() {
    let e =
        Simulator::from_state_json("{\n  \"format_version\": 1,\n  \"account\": 7\n}").unwrap_err();
    assert!(matches!(e, SimError::Parse { line: 3, .. }), "{e}");
    let e = Simulator::from_state_json("{\"format_version\": 99}").unwrap_err();
    assert!(
        matches!(e, SimError::FormatVersion { found: 99, .. }),
        "{e}"
    );
    let e = Simulator::from_state_json("{\n\"format_version\": ").unwrap_err();
    assert!(matches!(e, SimError::Parse { line: 2, .. }), "{e}");
}

#[test]
fn from_snapshot_makes_every_part_known() {
    let mut s = Simulator::scenario("fresh").unwrap().account();
    s.global.users = Observed::unreadable("AccessDenied", "no");
    let sim = Simulator::from_snapshot(s);
    assert_eq!(sim.account().global.users, Observed::Known(vec![]));
}

#[test]
fn snapshot_type_is_the_core_one() {
    // The simulator's account is a plain core snapshot: JSON of it reads back as one.
    let a = Simulator::scenario("lived-in").unwrap().account();
    let text = serde_json::to_string(&a).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, a);
}
