//! Small helpers with no better home: civil-time arithmetic, atomic file writes and a
//! unified diff.

pub mod diff;
pub mod fs;
pub mod time;
