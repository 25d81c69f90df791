//! "Did you mean …?" for mistyped names — scenario keys, models, products, terms, profiles,
//! shipped scenarios and subcommands: the closest valid name by edit distance (a swap of two
//! neighbouring letters counts as one edit, so `rnu` finds `run`), offered only when it is close
//! enough to be a typo.

/// The candidate closest to `word`, if it is within a typo's reach: at most 1 edit for words of
/// up to 4 characters, 2 up to 8, 3 beyond (case is ignored). Ties go to the earlier candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.trim().to_lowercase();
    let reach = match word.chars().count() {
        0 => return None,
        1..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&word, &candidate.to_lowercase());
        if distance <= reach && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// ` Did you mean `x`?` when a candidate is close to `word`, else nothing: ready to append to an
/// error message.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The suggestion for a serde "unknown field `x`, expected one of `a`, `b`" or "unknown variant
/// `x`, expected `a` or `b`" message, taken from the names the message lists; else nothing.
pub fn for_unknown_name(message: &str) -> String {
    let Some(word) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|prefix| message.split_once(prefix))
        .and_then(|(_, rest)| rest.split('`').next())
    else {
        return String::new();
    };
    let Some((_, expected)) = message.split_once("expected") else {
        return String::new();
    };
    // Backticked names are every other piece between backticks.
    did_you_mean(word, expected.split('`').skip(1).step_by(2))
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters, each one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]; three rows suffice.
    let mut before = vec![0usize; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_swaps_as_one_edit() {
        assert_eq!(edit_distance("run", "run"), 0);
        assert_eq!(edit_distance("rnu", "run"), 1);
        assert_eq!(edit_distance("sonet", "sonnet"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn typos_find_the_name_and_strangers_find_nothing() {
        let commands = ["run", "replay", "validate", "rates", "terms"];
        assert_eq!(closest("rnu", commands), Some("run"));
        assert_eq!(closest("valdiate", commands), Some("validate"));
        assert_eq!(closest("Terms", commands), Some("terms"));
        assert_eq!(closest("xyz", commands), None);
        assert_eq!(closest("", commands), None);
        let models = ["claude-sonnet-4.5", "claude-haiku-4.5", "claude-3.5-sonnet"];
        assert_eq!(
            closest("claude-sonet-4.5", models),
            Some("claude-sonnet-4.5")
        );
        assert_eq!(
            closest("claude-sonnet-4-5", models),
            Some("claude-sonnet-4.5")
        );
        assert_eq!(closest("gpt-4o", models), None);
        assert_eq!(
            did_you_mean("one_mont", ["no_commit", "one_month"]),
            "; did you mean `one_month`?"
        );
        assert_eq!(did_you_mean("weekly", ["one_month"]), "");
    }

    #[test]
    fn serde_messages_yield_their_closest_name() {
        assert_eq!(
            for_unknown_name(
                "unknown field `horizon_hourz`, expected one of `name`, `horizon_hours`, `trials`"
            ),
            "; did you mean `horizon_hours`?"
        );
        assert_eq!(
            for_unknown_name("unknown variant `model_units`, expected `model_unit` or `azure_ptu`"),
            "; did you mean `model_unit`?"
        );
        assert_eq!(
            for_unknown_name("unknown field `colour`, expected one of `name`, `trials`"),
            ""
        );
        assert_eq!(
            for_unknown_name("invalid type: string, expected a number"),
            ""
        );
    }
}
