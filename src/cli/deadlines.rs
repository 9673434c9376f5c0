//! The deadline flags of the commands that judge images from registries (`verify`,
//! `verify-attestation`, `check`): one for each image and one for the whole command, so that
//! a registry that is slow on purpose cannot keep a run going for hours.

use std::time::Duration;

use clap::Args;

use crate::deadline::Deadlines;
use crate::policy::parse_timeout;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Deadlines")]
pub struct DeadlineArgs {
    /// Deadline for the whole command (as cosign's --timeout): 5m, 90s; at most 1 hour
    #[arg(long = "timeout", value_name = "DURATION", default_value = "5m", value_parser = parse_timeout)]
    pub command_timeout: Duration,

    /// Deadline for each image, from when its turn comes (--max-concurrency images at once)
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout)]
    pub image_timeout: Duration,
}

impl DeadlineArgs {
    /// The deadlines, starting now, with at most `at_once` images worked on at a time.
    pub fn start(&self, at_once: usize) -> Deadlines {
        Deadlines::start(self.image_timeout, Some(self.command_timeout), at_once)
    }
}
