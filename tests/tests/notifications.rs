//! The notification template: its golden text (`golden/notifications_template/`, reviewed
//! like the golden plans), and cfn-lint over it with every rule, informational ones
//! included. The rules' patterns against sample events are tested in core
//! (`core/src/notifications/tests.rs`).

use std::path::Path;

use secure_account_core::notifications::{MinSeverity, TemplateOptions, template_text};
use secure_account_testkit::cfn_lint::{self, Lint};

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/notifications_template")
}

#[test]
fn the_template_is_pinned() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(golden_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("template.yaml", template_text(&TemplateOptions::default()));
    });
}

/// The template lints clean with cfn-lint, for each threshold and with an address.
#[test]
fn the_template_lints_clean() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("notifications-template");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, options) in [
        ("default.yaml", TemplateOptions::default()),
        (
            "medium-with-email.yaml",
            TemplateOptions {
                email: Some("security@example.com".into()),
                min_severity: MinSeverity::Medium,
            },
        ),
        (
            "critical.yaml",
            TemplateOptions {
                email: None,
                min_severity: MinSeverity::Critical,
            },
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, template_text(&options)).unwrap();
        match cfn_lint::lint(&path) {
            Lint::Ran { code, output } => {
                assert_eq!(code, Some(0), "cfn-lint on {name}:\n{output}");
                assert!(output.trim().is_empty(), "cfn-lint on {name}:\n{output}");
            }
            Lint::Unavailable(why) if secure_account_testkit::moto::required() => {
                panic!("CI is set, so cfn-lint must run, but it cannot: {why}")
            }
            Lint::Unavailable(why) => {
                eprintln!("SKIPPED cfn-lint on the notification template: {why}");
                return;
            }
        }
    }
}
