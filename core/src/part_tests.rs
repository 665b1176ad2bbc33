//! Tests of the read seam.

use super::*;

fn info() -> AccountInfo {
    AccountInfo {
        account_id: "123456789012".into(),
        regions: [
            ("us-east-1".to_string(), OptInStatus::OptInNotRequired),
            ("af-south-1".to_string(), OptInStatus::NotOptedIn),
        ]
        .into_iter()
        .collect(),
    }
}

#[test]
fn names_are_the_snapshot_field_names() {
    let snapshot = serde_json::to_value(Snapshot::from_account_info(&info())).unwrap();
    for p in Part::ACCOUNT {
        assert!(snapshot["global"].get(p.name()).is_some(), "{p}");
        assert_eq!(Part::from_name(p.name()), Some(p));
    }
    for p in Part::REGIONAL {
        assert!(
            snapshot["regions"]["us-east-1"]["services"]
                .get(p.name())
                .is_some(),
            "{p}"
        );
    }
    assert_eq!(Part::all().count(), 23);
    assert!(Part::ACCOUNT.iter().all(|p| p.reach() == Reach::Account));
    assert!(Part::REGIONAL.iter().all(|p| p.reach() == Reach::Regional));
}

#[test]
fn every_part_can_be_set_read_and_marked_unreadable() {
    let mut s = Snapshot::from_account_info(&info());
    let reads = reads_of(&info());
    assert_eq!(reads.len(), 7 + 16, "only the enabled region is read");
    for (scope, part) in &reads {
        let value = s.part(scope, *part).unwrap().unwrap();
        assert_eq!(value, PartValue::empty(*part), "a new snapshot is empty");
        assert_eq!(value.part(), *part);
        s.set_part(scope, value).unwrap();
        let e = AwsError::new("AccessDenied", format!("no {part}"));
        s.set_unreadable(scope, *part, e.clone()).unwrap();
        assert_eq!(s.part(scope, *part).unwrap(), Err(e));
    }
    assert_eq!(s.unreadable_parts().len(), reads.len());
    let json = serde_json::to_string(&s).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

#[test]
fn a_part_in_the_wrong_scope_is_refused() {
    let mut s = Snapshot::from_account_info(&info());
    let us = Scope::Region("us-east-1".into());
    assert!(s.set_part(&us, PartValue::Users(vec![])).is_err());
    assert!(
        s.set_part(&Scope::Account, PartValue::Guardduty(None))
            .is_err()
    );
    assert!(
        s.set_part(
            &Scope::Region("nowhere-1".into()),
            PartValue::Ebs(Ebs::default())
        )
        .is_err()
    );
    let e = AwsError::new("X", "y");
    assert!(s.set_unreadable(&us, Part::Root, e.clone()).is_err());
    assert!(s.set_unreadable(&Scope::Account, Part::Vpcs, e).is_err());
    assert!(s.part(&Scope::Account, Part::Macie).is_err());
}

#[test]
fn scope_serialises_as_global_or_the_region() {
    assert_eq!(
        serde_json::to_string(&Scope::Account).unwrap(),
        "\"global\""
    );
    let r: Scope = serde_json::from_str("\"eu-west-1\"").unwrap();
    assert_eq!(r, Scope::Region("eu-west-1".into()));
    assert_eq!(Scope::parse("global"), Scope::Account);
}
