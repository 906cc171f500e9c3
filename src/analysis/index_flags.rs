//! What is wrong with each index, decided from catalog data alone (pure, no IO): unused,
//! duplicate, prefix-redundant, invalid, and REINDEX CONCURRENTLY leftovers.
//!
//! Indexes are compared only with the other indexes of their own table: sorting by table
//! is O(n log n), duplicates are found by sorting each table's indexes by definition,
//! and prefix redundancy compares pairs within a table (tables have a handful of
//! indexes; comparing every pair in the database would not scale to thousands).

use std::cmp::Reverse;

use crate::monitor::snapshot::indexes::IndexInfo;

/// What is wrong with one index. The default is "nothing".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexFlags {
    /// Never scanned since the stats reset, and nothing (uniqueness, a constraint)
    /// needs it: a candidate to drop.
    pub unused: bool,
    /// Same definition as this index (by `indexrelid`), which is the one to keep.
    pub duplicate_of: Option<u32>,
    /// Its columns are a leading part of this other btree index (by `indexrelid`), which
    /// can serve every query it serves.
    pub redundant_prefix_of: Option<u32>,
    /// `indisvalid = false`.
    pub invalid: bool,
    /// Invalid and named `*_ccnew[N]` / `*_ccold[N]`: left by a failed or interrupted
    /// REINDEX CONCURRENTLY.
    pub ccnew_leftover: bool,
}

impl IndexFlags {
    /// Whether anything is flagged.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

/// Flags for every index, in the order given: `(indexrelid, flags)`.
///
/// - unused: never scanned, valid, and neither unique, primary nor backing a
///   constraint (those enforce something even when no query reads them);
/// - duplicate: another valid index of the same table has the same access method, key
///   and INCLUDE columns, opclasses, collations, sort options, expressions and
///   predicate. One index of each such group is kept (a primary key first, then one
///   backing a constraint, then a unique one, then the oldest by oid); the others are
///   `duplicate_of` it;
/// - prefix-redundant: a valid, non-unique btree index without expressions or INCLUDE
///   columns whose columns (with their opclasses, collations and sort options) are a
///   strict leading part of the key columns of another valid btree index with the same
///   predicate and no expressions. The narrowest such other index is named;
/// - invalid: `indisvalid = false`; `ccnew_leftover` when its name also ends in
///   `_ccnew`/`_ccold` with optional digits (what REINDEX CONCURRENTLY leaves behind).
///   Invalid indexes take no part in duplicate and prefix checks: they serve no query.
pub fn flag_indexes(indexes: &[IndexInfo]) -> Vec<(u32, IndexFlags)> {
    let mut flags: Vec<IndexFlags> = indexes.iter().map(own_flags).collect();
    let mut by_table: Vec<usize> = (0..indexes.len()).collect();
    by_table.sort_by_key(|&i| (indexes[i].table_relid, indexes[i].indexrelid));
    for table in by_table.chunk_by(|&a, &b| indexes[a].table_relid == indexes[b].table_relid) {
        flag_duplicates(indexes, table, &mut flags);
        flag_prefixes(indexes, table, &mut flags);
    }
    indexes
        .iter()
        .zip(flags)
        .map(|(index, flags)| (index.indexrelid, flags))
        .collect()
}

/// The flags an index earns on its own, without looking at its neighbours.
fn own_flags(index: &IndexInfo) -> IndexFlags {
    let needed = index.is_unique || index.is_primary || index.backs_constraint;
    IndexFlags {
        unused: index.idx_scan == 0 && index.is_valid && !needed,
        invalid: !index.is_valid,
        ccnew_leftover: !index.is_valid && is_reindex_leftover_name(&index.name),
        ..IndexFlags::default()
    }
}

/// REINDEX CONCURRENTLY builds `<name>_ccnew` (`_ccnew1`, ... when taken) and renames
/// the old index to `<name>_ccold` before dropping it; a failure at either step leaves
/// one of them behind, invalid.
fn is_reindex_leftover_name(name: &str) -> bool {
    ["_ccnew", "_ccold"].iter().any(|suffix| {
        name.rfind(suffix)
            .and_then(|at| name.get(at + suffix.len()..))
            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Everything that makes two indexes interchangeable, borrowed for sorting.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Definition<'a> {
    access_method: &'a str,
    key_columns: usize,
    columns: &'a [i16],
    opclasses: &'a [u32],
    collations: &'a [u32],
    options: &'a [i16],
    expressions: Option<&'a str>,
    predicate: Option<&'a str>,
}

impl<'a> Definition<'a> {
    fn of(index: &'a IndexInfo) -> Self {
        Self {
            access_method: &index.access_method,
            key_columns: index.key_columns,
            columns: &index.columns,
            opclasses: &index.opclasses,
            collations: &index.collations,
            options: &index.options,
            expressions: index.expressions.as_deref(),
            predicate: index.predicate.as_deref(),
        }
    }
}

/// Marks all but one index of each group of identical valid indexes of one table.
fn flag_duplicates(indexes: &[IndexInfo], table: &[usize], flags: &mut [IndexFlags]) {
    let mut valid: Vec<usize> = table
        .iter()
        .copied()
        .filter(|&i| indexes[i].is_valid)
        .collect();
    valid.sort_by(|&a, &b| Definition::of(&indexes[a]).cmp(&Definition::of(&indexes[b])));
    let same = |&a: &usize, &b: &usize| Definition::of(&indexes[a]) == Definition::of(&indexes[b]);
    for group in valid.chunk_by(same).filter(|group| group.len() > 1) {
        let Some(&keeper) = group.iter().max_by_key(|&&i| keep_rank(&indexes[i])) else {
            continue;
        };
        for &i in group.iter().filter(|&&i| i != keeper) {
            flags[i].duplicate_of = Some(indexes[keeper].indexrelid);
        }
    }
}

/// Which of two identical indexes to keep: the one something depends on, else the
/// older (lower oid) one.
fn keep_rank(index: &IndexInfo) -> (bool, bool, bool, Reverse<u32>) {
    (
        index.is_primary,
        index.backs_constraint,
        index.is_unique,
        Reverse(index.indexrelid),
    )
}

/// Marks btree indexes whose columns lead another btree index of the same table.
fn flag_prefixes(indexes: &[IndexInfo], table: &[usize], flags: &mut [IndexFlags]) {
    let plain_btree = |index: &IndexInfo| {
        index.is_valid && index.access_method == "btree" && index.expressions.is_none()
    };
    for &x in table {
        let candidate = &indexes[x];
        if !plain_btree(candidate)
            || candidate.is_unique
            || candidate.is_primary
            || candidate.backs_constraint
            || candidate.has_include_columns()
        {
            continue;
        }
        let wider = table
            .iter()
            .map(|&y| &indexes[y])
            .filter(|other| plain_btree(other) && leads(candidate, other))
            .min_by_key(|other| (other.columns.len(), other.indexrelid));
        flags[x].redundant_prefix_of = wider.map(|other| other.indexrelid);
    }
}

/// Whether `prefix`'s columns are a strict leading part of `other`'s key columns, with
/// the same opclasses, collations and sort options, under the same predicate.
fn leads(prefix: &IndexInfo, other: &IndexInfo) -> bool {
    let n = prefix.columns.len();
    n < other.columns.len()
        && n <= other.key_columns
        && prefix.predicate == other.predicate
        && other.columns.starts_with(&prefix.columns)
        && other.opclasses.starts_with(&prefix.opclasses)
        && other.collations.starts_with(&prefix.collations)
        && other.options.starts_with(&prefix.options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid, non-unique btree index on `columns` of table 100, scanned once.
    fn idx(oid: u32, columns: &[i16]) -> IndexInfo {
        IndexInfo {
            indexrelid: oid,
            table_relid: 100,
            schema: "public".into(),
            table: "learning_sessions".into(),
            name: format!("idx_{oid}"),
            access_method: "btree".into(),
            idx_scan: 1,
            idx_tup_read: 1,
            idx_tup_fetch: 1,
            size_bytes: 8192,
            is_unique: false,
            is_primary: false,
            is_valid: true,
            is_ready: true,
            backs_constraint: false,
            key_columns: columns.len(),
            columns: columns.to_vec(),
            opclasses: vec![3124; columns.len()],
            collations: vec![0; columns.len()],
            options: vec![0; columns.len()],
            expressions: None,
            predicate: None,
        }
    }

    fn with(mut index: IndexInfo, change: impl FnOnce(&mut IndexInfo)) -> IndexInfo {
        change(&mut index);
        index
    }

    fn unique(index: IndexInfo) -> IndexInfo {
        with(index, |i| i.is_unique = true)
    }

    fn flags_of(indexes: &[IndexInfo], oid: u32) -> IndexFlags {
        flag_indexes(indexes)
            .into_iter()
            .find(|(o, _)| *o == oid)
            .map(|(_, f)| f)
            .unwrap_or_else(|| panic!("no flags for {oid}"))
    }

    #[test]
    fn unused_spares_what_enforces_something() {
        let never = |i: IndexInfo| with(i, |i| i.idx_scan = 0);
        let cases = [
            ("scanned", idx(1, &[1]), false),
            ("never scanned", never(idx(1, &[1])), true),
            ("unique", never(unique(idx(1, &[1]))), false),
            (
                "primary key",
                never(with(unique(idx(1, &[1])), |i| i.is_primary = true)),
                false,
            ),
            (
                "exclusion constraint",
                never(with(idx(1, &[1]), |i| i.backs_constraint = true)),
                false,
            ),
            (
                "invalid: flagged invalid instead",
                never(with(idx(1, &[1]), |i| i.is_valid = false)),
                false,
            ),
        ];
        for (what, index, unused) in cases {
            assert_eq!(flags_of(&[index], 1).unused, unused, "{what}");
        }
    }

    #[test]
    fn duplicates_keep_one_per_group() {
        let on_table = |i: IndexInfo, t: u32| with(i, |i| i.table_relid = t);
        // (indexes, oid looked at, expected duplicate_of)
        let cases: Vec<(&str, Vec<IndexInfo>, u32, Option<u32>)> = vec![
            (
                "the later oid is marked",
                vec![idx(2, &[1]), idx(1, &[1])],
                2,
                Some(1),
            ),
            (
                "the earlier oid is kept",
                vec![idx(2, &[1]), idx(1, &[1])],
                1,
                None,
            ),
            (
                "three of a kind all point at the oldest",
                vec![idx(1, &[1, 2]), idx(2, &[1, 2]), idx(3, &[1, 2])],
                3,
                Some(1),
            ),
            (
                "a unique index is kept over an older plain one",
                vec![idx(1, &[1]), unique(idx(2, &[1]))],
                1,
                Some(2),
            ),
            (
                "the primary key is kept",
                vec![
                    with(unique(idx(5, &[1])), |i| i.is_primary = true),
                    unique(idx(1, &[1])),
                ],
                1,
                Some(5),
            ),
            (
                "column order matters",
                vec![idx(1, &[1, 2]), idx(2, &[2, 1])],
                2,
                None,
            ),
            (
                "other table",
                vec![idx(1, &[1]), on_table(idx(2, &[1]), 101)],
                2,
                None,
            ),
            (
                "other access method",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1]), |i| i.access_method = "hash".into()),
                ],
                2,
                None,
            ),
            (
                "other opclass",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1]), |i| i.opclasses = vec![10_043]),
                ],
                2,
                None,
            ),
            (
                "DESC differs",
                vec![idx(1, &[1]), with(idx(2, &[1]), |i| i.options = vec![3])],
                2,
                None,
            ),
            (
                "other predicate",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1]), |i| i.predicate = Some("p".into())),
                ],
                2,
                None,
            ),
            (
                "same predicate",
                vec![
                    with(idx(1, &[1]), |i| i.predicate = Some("p".into())),
                    with(idx(2, &[1]), |i| i.predicate = Some("p".into())),
                ],
                2,
                Some(1),
            ),
            (
                "other expression",
                vec![
                    with(idx(1, &[0]), |i| i.expressions = Some("lower(a)".into())),
                    with(idx(2, &[0]), |i| i.expressions = Some("upper(a)".into())),
                ],
                2,
                None,
            ),
            (
                "INCLUDE column is not a key column",
                vec![
                    idx(1, &[1, 2]),
                    with(idx(2, &[1, 2]), |i| i.key_columns = 1),
                ],
                2,
                None,
            ),
            (
                "an invalid copy is not a duplicate",
                vec![idx(1, &[1]), with(idx(2, &[1]), |i| i.is_valid = false)],
                2,
                None,
            ),
        ];
        for (what, indexes, oid, expected) in cases {
            assert_eq!(flags_of(&indexes, oid).duplicate_of, expected, "{what}");
        }
    }

    #[test]
    fn prefix_redundancy_needs_a_wider_plain_btree() {
        let cases: Vec<(&str, Vec<IndexInfo>, Option<u32>)> = vec![
            (
                "(a) vs (a, b)",
                vec![idx(1, &[1]), idx(2, &[1, 2])],
                Some(2),
            ),
            ("(b) vs (a, b)", vec![idx(1, &[2]), idx(2, &[1, 2])], None),
            (
                "(a, b) vs (a, b): a duplicate",
                vec![idx(1, &[1, 2]), idx(2, &[1, 2])],
                None,
            ),
            (
                "the narrowest wider index is named",
                vec![idx(1, &[1]), idx(3, &[1, 2, 3]), idx(2, &[1, 2])],
                Some(2),
            ),
            (
                "unique (a) enforces something",
                vec![unique(idx(1, &[1])), idx(2, &[1, 2])],
                None,
            ),
            (
                "(a) vs (a) INCLUDE (b)",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1, 2]), |i| {
                        i.key_columns = 1;
                        i.opclasses.truncate(1);
                        i.collations.truncate(1);
                        i.options.truncate(1);
                    }),
                ],
                Some(2),
            ),
            (
                "(a) INCLUDE (b) vs (a, c)",
                vec![
                    with(idx(1, &[1, 2]), |i| i.key_columns = 1),
                    idx(2, &[1, 3]),
                ],
                None,
            ),
            (
                "(a, b) vs (a) INCLUDE (b, c)",
                vec![
                    idx(1, &[1, 2]),
                    with(idx(2, &[1, 2, 3]), |i| i.key_columns = 1),
                ],
                None,
            ),
            (
                "wider one is gin",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1, 2]), |i| i.access_method = "gin".into()),
                ],
                None,
            ),
            (
                "wider one is invalid",
                vec![idx(1, &[1]), with(idx(2, &[1, 2]), |i| i.is_valid = false)],
                None,
            ),
            (
                "different predicates",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1, 2]), |i| i.predicate = Some("p".into())),
                ],
                None,
            ),
            (
                "wider one has an expression",
                vec![
                    idx(1, &[1]),
                    with(idx(2, &[1, 0]), |i| i.expressions = Some("lower(b)".into())),
                ],
                None,
            ),
            (
                "DESC prefix",
                vec![with(idx(1, &[1]), |i| i.options = vec![3]), idx(2, &[1, 2])],
                None,
            ),
        ];
        for (what, indexes, expected) in cases {
            assert_eq!(
                flags_of(&indexes, 1).redundant_prefix_of,
                expected,
                "{what}"
            );
        }
    }

    #[test]
    fn invalid_and_reindex_leftovers() {
        let invalid = |name: &str| {
            with(idx(1, &[1]), |i| {
                i.is_valid = false;
                i.name = name.into();
            })
        };
        let cases = [
            ("users_email_idx", false),
            ("users_email_idx_ccnew", true),
            ("users_email_idx_ccnew1", true),
            ("users_email_idx_ccnew12", true),
            ("users_email_idx_ccold", true),
            ("users_email_idx_ccold3", true),
            ("users_email_idx_ccnewer", false),
            ("users_email_idx_ccnew_2", false),
            ("ccnew", false),
            ("a_ccnew_b_ccnew", true),
        ];
        for (name, leftover) in cases {
            let flags = flags_of(&[invalid(name)], 1);
            assert!(flags.invalid, "{name}");
            assert_eq!(flags.ccnew_leftover, leftover, "{name}");
        }
        let valid = with(idx(1, &[1]), |i| i.name = "t_idx_ccnew".into());
        assert!(!flags_of(&[valid], 1).any(), "a valid index is left alone");
    }

    #[test]
    fn output_follows_input_order() {
        let indexes = [
            idx(9, &[1]),
            with(idx(3, &[2]), |i| i.table_relid = 1),
            idx(5, &[3]),
        ];
        let oids: Vec<u32> = flag_indexes(&indexes).into_iter().map(|(o, _)| o).collect();
        assert_eq!(oids, [9, 3, 5]);
    }
}
