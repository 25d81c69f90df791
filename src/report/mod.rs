//! Output formats as small writers that return bytes: CSV files, the manifest, the replay JSON,
//! the terminal summary, report.md (and report.html) and the charts, with the recommendation sentence they share
//! (`headline`) and the business words they use for identifiers (`words`). Nothing here touches
//! the disk.

pub mod backtest;
pub mod chart;
pub mod csv;
pub mod format;
pub mod headline;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod plans;
pub mod portfolio;
pub mod replay;
pub mod risk;
pub mod summary_json;
pub mod table;
pub mod words;
