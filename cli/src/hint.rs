//! The exact next command to run, with the flags this run used: a hint that dropped
//! `--simulate` or `--endpoint-url` would send the operator's next command to another
//! account (real AWS).

use crate::args::GlobalArgs;

/// `secure-account <the account-choosing flags of this run> <rest>`, e.g.
/// `secure-account --simulate fresh --sim-state acct.json apply plan2.json`.
pub fn command(global: &GlobalArgs, rest: &str) -> String {
    let mut words: Vec<String> = vec!["secure-account".into()];
    let mut flag = |name: &str, value: Option<&str>| {
        words.push(name.to_string());
        if let Some(v) = value {
            words.push(quote(v));
        }
    };
    if let Some(s) = &global.simulate {
        flag("--simulate", Some(s));
    }
    if let Some(p) = &global.sim_state {
        flag("--sim-state", Some(&p.display().to_string()));
    }
    if let Some(p) = &global.profile {
        flag("--profile", Some(p));
    }
    if let Some(u) = &global.endpoint_url {
        flag("--endpoint-url", Some(u));
    }
    if let Some(b) = &global.baseline {
        flag("--baseline", Some(b));
    }
    if let Some(r) = &global.region {
        flag("--region", Some(r));
    }
    if !global.regions.is_empty() {
        flag("--regions", Some(&global.regions.join(",")));
    }
    words.push(rest.to_string());
    words.join(" ")
}

/// A word as a POSIX shell reads it back: as is when it is plain, else in single quotes.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, normalize_args};
    use clap::Parser;

    fn global(line: &str) -> GlobalArgs {
        let args = normalize_args(line.split_whitespace().map(Into::into));
        Cli::try_parse_from(args).unwrap().global
    }

    #[test]
    fn a_hint_keeps_the_flags_that_choose_the_account() {
        let g = global("secure-account --simulate --sim-state acct.json plan --out p.json");
        assert_eq!(
            command(&g, "apply p.json"),
            "secure-account --simulate fresh --sim-state acct.json apply p.json"
        );
        let g = global(
            "secure-account --endpoint-url http://127.0.0.1:5000 --regions us-east-1,eu-west-1 \
             --profile moto --region eu-west-1 --baseline my.toml plan",
        );
        assert_eq!(
            command(&g, "verify"),
            "secure-account --profile moto --endpoint-url http://127.0.0.1:5000 --baseline \
             my.toml --region eu-west-1 --regions us-east-1,eu-west-1 verify"
        );
        assert_eq!(
            command(&global("secure-account plan"), "apply"),
            "secure-account apply"
        );
    }

    #[test]
    fn words_a_shell_would_split_are_quoted() {
        assert_eq!(quote("my plan.json"), "'my plan.json'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("a/b-c.json"), "a/b-c.json");
    }
}
