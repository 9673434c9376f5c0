//! Deadlines for one image's work and for a whole command.
//!
//! Each registry request has a timeout, and pagination, referrers and retries have caps, but
//! the bounds multiply: a registry that answers every referrers page just inside the request
//! timeout, always with a next page, could keep one image going for 1,000 pages × 60 s. So the
//! work for each image runs under a deadline of its own, and every image under the command's.
//! Past either, the image's work is dropped (its requests are cancelled with it) and the image
//! is an error naming the deadline and the last registry request made: never a pass.
//!
//! `verify`, `verify-attestation` and `check` use [`Deadlines::run`] for each image; a
//! service judging one image per request (an admission webhook) would make one
//! [`Deadlines`] with no command deadline and run each review through it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::registry::{Activity, RegistryClient};

/// The per-image deadline, the command's (if any), and how many images are worked on at once
/// (an image waiting for its turn is not yet on its own clock).
#[derive(Debug, Clone)]
pub struct Deadlines {
    per_image: Duration,
    /// When the command must be done, and the length it was given (for messages).
    command: Option<(Instant, Duration)>,
    slots: Arc<Semaphore>,
}

/// An image that ran out of time.
#[derive(Debug, thiserror::Error)]
pub enum DeadlineError {
    #[error(
        "not finished within the per-image deadline of {} (--image-timeout){}",
        Human(*limit),
        Doing(doing)
    )]
    Image {
        limit: Duration,
        doing: Option<String>,
    },
    #[error(
        "not finished when the deadline of {} for the whole command passed (--timeout){}",
        Human(*limit),
        Doing(doing)
    )]
    Command {
        limit: Duration,
        doing: Option<String>,
    },
    #[error(
        "not started before the deadline of {} for the whole command passed (--timeout)",
        Human(*limit)
    )]
    NotStarted { limit: Duration },
}

impl Deadlines {
    /// Deadlines starting now: `per_image` for each image from when its work starts,
    /// `command` for everything, with at most `at_once` images worked on at a time.
    pub fn start(per_image: Duration, command: Option<Duration>, at_once: usize) -> Deadlines {
        Deadlines {
            per_image,
            command: command.map(|d| (Instant::now() + d, d)),
            slots: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    /// Runs `work` for one image with a view of `client` that notes its requests, once a
    /// slot is free, until it finishes or a deadline passes.
    pub async fn run<T, F, Fut>(
        &self,
        client: &Arc<RegistryClient>,
        work: F,
    ) -> Result<T, DeadlineError>
    where
        F: FnOnce(Arc<RegistryClient>) -> Fut,
        Fut: Future<Output = T>,
    {
        let _slot = match self.command {
            Some((end, limit)) => tokio::time::timeout_at(end, self.slots.acquire())
                .await
                .map_err(|_| DeadlineError::NotStarted { limit })?,
            None => self.slots.acquire().await,
        };
        let activity = Arc::new(Activity::default());
        let image_end = Instant::now() + self.per_image;
        let (end, command_first) = match self.command {
            Some((c, _)) if c < image_end => (c, true),
            _ => (image_end, false),
        };
        let result = tokio::time::timeout_at(end, work(client.recording(activity.clone()))).await;
        result.map_err(|_| {
            let doing = activity.describe();
            match self.command {
                Some((_, limit)) if command_first => DeadlineError::Command { limit, doing },
                _ => DeadlineError::Image {
                    limit: self.per_image,
                    doing,
                },
            }
        })
    }
}

/// A duration as the flags spell it: `2m`, `90s`, `300ms`.
struct Human(Duration);

impl std::fmt::Display for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0.as_millis();
        match ms {
            _ if ms % 1000 != 0 => write!(f, "{ms}ms"),
            _ if ms % 60_000 == 0 => write!(f, "{}m", ms / 60_000),
            _ => write!(f, "{}s", ms / 1000),
        }
    }
}

/// `; by then …` when something was done.
struct Doing<'a>(&'a Option<String>);

impl std::fmt::Display for Doing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(d) => write!(f, "; by then {d}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ClientOptions;

    fn client() -> Arc<RegistryClient> {
        RegistryClient::new(ClientOptions {
            use_docker_config: false,
            ..ClientOptions::default()
        })
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn work_past_the_image_deadline_is_dropped_and_named() {
        let d = Deadlines::start(Duration::from_secs(120), None, 4);
        let started = Instant::now();
        let e = d
            .run(&client(), |_| tokio::time::sleep(Duration::from_secs(3600)))
            .await
            .unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(120));
        assert_eq!(
            e.to_string(),
            "not finished within the per-image deadline of 2m (--image-timeout)"
        );
        assert_eq!(d.run(&client(), |_| async { 7 }).await.unwrap(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn the_command_deadline_wins_when_it_comes_first() {
        let (d, c) = (
            Deadlines::start(
                Duration::from_secs(120),
                Some(Duration::from_millis(1500)),
                1,
            ),
            client(),
        );
        let (first, second) = tokio::join!(
            d.run(&c, |_| tokio::time::sleep(Duration::from_secs(60))),
            d.run(&c, |_| async {}),
        );
        assert_eq!(
            first.unwrap_err().to_string(),
            "not finished when the deadline of 1500ms for the whole command passed (--timeout)"
        );
        // One slot: the second image waited for it and never started.
        assert_eq!(
            second.unwrap_err().to_string(),
            "not started before the deadline of 1500ms for the whole command passed (--timeout)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_image_clock_starts_when_its_slot_is_free() {
        let (d, c) = (Deadlines::start(Duration::from_secs(10), None, 1), client());
        let (first, second) = tokio::join!(
            d.run(&c, |_| tokio::time::sleep(Duration::from_secs(8))),
            d.run(&c, |_| tokio::time::sleep(Duration::from_secs(8))),
        );
        assert!(first.is_ok() && second.is_ok(), "16 s in all, 8 s each");
    }
}
