//! Output formats as small writers that return bytes: CSV files, the manifest, the replay JSON
//! and the terminal summary. Nothing here touches the disk.

pub mod chart;
pub mod csv;
pub mod format;
pub mod manifest;
pub mod markdown;
pub mod plans;
pub mod replay;
pub mod risk;
pub mod summary_json;
pub mod table;
