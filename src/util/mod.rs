//! Small helpers with no better home: civil-time arithmetic, bounded reads and atomic
//! writes of local files, guarded YAML parsing, parse-error positions and a unified diff.

pub mod diff;
pub mod fs;
pub mod located;
pub mod time;
pub mod yaml;
