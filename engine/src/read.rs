//! Reading an account: the preamble, then every part of the account and of each enabled
//! region, concurrently and bounded, assembled into one [`Snapshot`]. Written once for
//! every port: the simulator and the AWS adapters only read single parts.

use futures::StreamExt;
use futures::stream;

use secure_account_core::part::reads_of;
use secure_account_core::{AwsError, Snapshot};

use crate::port::{Port, PortError};

/// Parts read at the same time by default. The 17 regions every account has, 15 parts
/// each, plus 7 account-wide parts are 262 reads: they fit in one round, so reading takes
/// the preamble plus the slowest part. AWS's rate limits are per service and region, so
/// parts of different regions do not compete; an account with every opt-in region enabled
/// takes two rounds.
pub const DEFAULT_READ_CONCURRENCY: usize = 272;

/// Reads the whole account with at most `concurrency` part reads in flight.
///
/// A part whose read fails is `Observed::Unreadable` with AWS's error; the other parts
/// and regions go on. Only the preamble failing, or the process being interrupted
/// ([`PortError::Crashed`]), fails the read.
pub async fn read_snapshot<P: Port>(port: &P, concurrency: usize) -> Result<Snapshot, PortError> {
    let info = port.read_account().await?;
    let mut snapshot = Snapshot::from_account_info(&info);
    let mut answers = stream::iter(reads_of(&info))
        .map(|(scope, part)| async move {
            let answer = port.read_part(&scope, part).await;
            (scope, part, answer)
        })
        .buffered(concurrency.max(1));
    while let Some((scope, part, answer)) = answers.next().await {
        let placed = match answer {
            Ok(value) if value.part() == part => snapshot.set_part(&scope, value),
            Ok(value) => snapshot.set_unreadable(
                &scope,
                part,
                AwsError::new(
                    AwsError::INTERNAL,
                    format!("the read of `{part}` answered with `{}`", value.part()),
                ),
            ),
            Err(PortError::Aws(e)) => snapshot.set_unreadable(&scope, part, e),
            Err(PortError::Crashed) => return Err(PortError::Crashed),
        };
        placed.expect("reads_of only lists parts in their own scope");
    }
    Ok(snapshot)
}
