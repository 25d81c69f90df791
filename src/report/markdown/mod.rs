//! `report.md`: a run written up for someone who will forward it. A function per section, in
//! order: the summary across pools first (the recommendation sentence of every pool, the bill
//! today and as recommended, the saving and its risk), then each pool (its recommendation, the
//! rules side by side, break-even, charts, assumptions), the caveats, and an appendix with the
//! provenance of the numbers. Charts are linked by relative path, next to the report.

mod appendix;
mod pool;
mod summary;
pub use summary::report_title;

use crate::analysis::RunReport;
use crate::report::headline::{Headline, headline};

/// What every section reads: the run, the files of its output set, each pool's headline, and
/// the commitment plans' section when the scenario has plans (`ptsim plan`'s `plans.md`).
pub struct Sections<'a> {
    pub report: &'a RunReport,
    pub files: &'a [String],
    pub headlines: Vec<Headline>,
    pub plans: Option<&'a str>,
}

impl Sections<'_> {
    /// The chart file `<stem>_<pool>.<ext>` (or `<stem>.<ext>` for run-wide charts) if the
    /// output set has it.
    pub fn chart(&self, stem: &str, pool: Option<&str>) -> Option<&str> {
        let prefix = match pool {
            Some(pool) => format!("{stem}_{pool}."),
            None => format!("{stem}."),
        };
        self.files
            .iter()
            .find(|f| f.starts_with(&prefix))
            .map(String::as_str)
    }
}

/// A section of the report: appends its markdown.
type Section = fn(&mut String, &Sections);

/// The sections, in order. A new section is a function added here.
const SECTIONS: [Section; 6] = [
    summary::write_summary,
    pool::write_pools,
    write_plans,
    pool::write_caveats,
    appendix::write_appendix,
    appendix::write_files,
];

/// The commitment plans, when the scenario has them.
fn write_plans(out: &mut String, s: &Sections) {
    if let Some(plans) = s.plans {
        out.push_str(plans);
        out.push('\n');
    }
}

/// The report of `report`, whose output set holds `files` (charts are linked when present), with
/// the commitment plans' section `plans` if any.
pub fn report_md(report: &RunReport, files: &[String], plans: Option<&str>) -> String {
    let sections = Sections {
        report,
        files,
        plans,
        headlines: report
            .pools
            .iter()
            .map(|p| headline(&report.scenario, p))
            .collect(),
    };
    let mut out = String::new();
    for section in SECTIONS {
        section(&mut out, &sections);
    }
    out
}
