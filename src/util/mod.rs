//! Small helpers with no better home: civil-time arithmetic and atomic file writes.

pub mod fs;
pub mod time;
