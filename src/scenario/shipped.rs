//! The scenarios shipped in `scenarios/`, built into the binary so that `ptsim run rag-sonnet`
//! (or `ptsim run default`) works from any folder, and a name that is neither a file nor a
//! shipped scenario gets the list and the closest name.

/// Every shipped scenario: (name, TOML). `default` is the built-in default.
pub const SHIPPED: [(&str, &str); 12] = [
    ("default", super::DEFAULT_TOML),
    ("azure-ptu", include_str!("../../scenarios/azure-ptu.toml")),
    (
        "bench_year",
        include_str!("../../scenarios/bench_year.toml"),
    ),
    (
        "enterprise-platform",
        include_str!("../../scenarios/enterprise-platform.toml"),
    ),
    (
        "large-fleet",
        include_str!("../../scenarios/large-fleet.toml"),
    ),
    (
        "nightly-batch",
        include_str!("../../scenarios/nightly-batch.toml"),
    ),
    (
        "plan-growth",
        include_str!("../../scenarios/plan-growth.toml"),
    ),
    (
        "rag-cascade",
        include_str!("../../scenarios/rag-cascade.toml"),
    ),
    ("rag-haiku", include_str!("../../scenarios/rag-haiku.toml")),
    (
        "rag-sonnet",
        include_str!("../../scenarios/rag-sonnet.toml"),
    ),
    (
        "reserved-tier",
        include_str!("../../scenarios/reserved-tier.toml"),
    ),
    (
        "spiky-consumer",
        include_str!("../../scenarios/spiky-consumer.toml"),
    ),
];

/// The shipped scenario an argument names: `rag-sonnet` or `rag-sonnet.toml`, without a folder.
pub fn find(argument: &str) -> Option<(&'static str, &'static str)> {
    if argument.contains(['/', '\\']) {
        return None;
    }
    let name = argument.strip_suffix(".toml").unwrap_or(argument);
    SHIPPED.iter().copied().find(|(n, _)| *n == name)
}

/// The names, comma-separated.
pub fn names() -> String {
    SHIPPED.map(|(n, _)| n).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_scenarios_is_shipped_byte_for_byte() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        files.sort();
        let mut names: Vec<String> = SHIPPED.iter().map(|(n, _)| format!("{n}.toml")).collect();
        names.sort();
        assert_eq!(files, names);
        for (name, text) in SHIPPED {
            let on_disk = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
            assert_eq!(on_disk, text, "{name}");
        }
    }

    #[test]
    fn names_find_scenarios_and_paths_do_not() {
        assert_eq!(find("rag-sonnet").unwrap().0, "rag-sonnet");
        assert_eq!(find("rag-sonnet.toml").unwrap().0, "rag-sonnet");
        assert_eq!(find("default").unwrap().1, crate::scenario::DEFAULT_TOML);
        assert!(find("scenarios/rag-sonnet.toml").is_none());
        assert!(find("rag").is_none());
    }
}
