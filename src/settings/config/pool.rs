//! Application connection pools from the config's `[[pools]]`: which sessions belong to
//! one, and how many it may open.

/// One application pool: the sessions whose `application_name` matches `application`,
/// against the pool's `max` size (the seed's app pools: 10 in development, 50 in
/// production).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// How the Pool screen names it; the pattern itself when the config gives no name.
    pub name: String,
    /// An exact `application_name`, or a glob where `*` stands for any run of characters
    /// (`learning-assistant-*`).
    pub application: String,
    /// The pool's maximum size (`max` of the application's pool settings), at least 1.
    pub max: u32,
}

impl Pool {
    /// Whether a session with this `application_name` belongs to the pool. Only `*` is
    /// special; everything else, `?` and `[` included, matches itself, since
    /// PostgreSQL already turns non-ASCII characters of application names into `?`.
    pub fn matches(&self, application_name: &str) -> bool {
        glob_matches(&self.application, application_name)
    }
}

/// `*`-only glob matching: the text must start with the part before the first `*`, end
/// with the part after the last one, and contain the parts between in order. Taking the
/// earliest occurrence of each middle part is always right for `*`-only patterns, so no
/// backtracking is needed.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        // No `*` at all: an exact name.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(application: &str) -> Pool {
        Pool {
            name: application.into(),
            application: application.into(),
            max: 10,
        }
    }

    #[test]
    fn exact_names_and_globs() {
        let cases = [
            (
                "learning-assistant-production",
                "learning-assistant-production",
                true,
            ),
            (
                "learning-assistant-production",
                "learning-assistant-production2",
                false,
            ),
            (
                "learning-assistant-production",
                "Learning-assistant-production",
                false,
            ),
            (
                "learning-assistant-*",
                "learning-assistant-production",
                true,
            ),
            ("learning-assistant-*", "learning-assistant-", true),
            ("learning-assistant-*", "learning-assistant", false),
            ("*-production", "learning-assistant-production", true),
            ("*-production", "learning-assistant-staging", false),
            (
                "learning-*-production",
                "learning-assistant-production",
                true,
            ),
            ("learning-*-production", "learning-production", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "acb", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*", "", true),
            ("*", "anything", true),
            ("**", "x", true),
            ("", "", true),
            ("", "psql", false),
            ("app?", "app?", true),
            ("app?", "app1", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(pool(pattern).matches(name), want, "{pattern:?} vs {name:?}");
        }
    }
}
