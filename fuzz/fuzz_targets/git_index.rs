//! Fuzzes the git index reader behind `staged_changes` against libgit2's: the input is an
//! index file without its trailing SHA-1, which the target appends (libgit2 verifies it, and
//! random bytes would almost never carry a right one). Any bytes must parse or be refused,
//! never panic; a successful parse must describe no more entries than the bytes can hold; and
//! whatever this reader reads, libgit2 (the library it stands beside) must read too, to the
//! same entries in the same order (a cache-tree libgit2 finds corrupt aside: git drops it).
//! Where this reader declines, the name-length check that guards git2's entry accessors
//! decides: an index it passes must be safe to read through git2 (the sanitizer sees any read
//! past a path).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use metalayer_regression_map::{IndexEntryView, git_index_names_fit, parse_git_index};
use sha1::Digest as _;

/// One file per fuzzing process, rewritten for each input.
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("metalayer-fuzz-index-{}", std::process::id()))
    })
}

fn libgit2_entries(file: &[u8]) -> Result<Vec<IndexEntryView>, String> {
    std::fs::write(scratch(), file).map_err(|e| e.to_string())?;
    let index = git2::Index::open(scratch()).map_err(|e| e.to_string())?;
    Ok(index
        .iter()
        .map(|e| IndexEntryView {
            path: e.path,
            mode: e.mode,
            oid: e.id.as_bytes().try_into().unwrap_or([0; 20]),
            stage: u8::try_from((e.flags >> 12) & 3).unwrap_or(0),
        })
        .collect())
}

fuzz_target!(|data: &[u8]| {
    let mut file = data.to_vec();
    file.extend_from_slice(&sha1::Sha1::digest(data));
    let Ok((entries, tree_nodes)) = parse_git_index(&file) else {
        if git_index_names_fit(&file) {
            // Reads every entry through git2's `IndexEntry`: a path shorter than its declared
            // length would be read past here. The cache-tree is made an unknown optional
            // extension first: libgit2 trusts its subtree counts and allocates what a crafted
            // one says (8 GB for `1000000002001`), which is libgit2's to fix, not this check's.
            let mut renamed = file.clone();
            let body = renamed.len() - 20;
            while let Some(at) = renamed[..body].windows(4).position(|w| w == b"TREE") {
                renamed[at..at + 4].copy_from_slice(b"ZREE");
            }
            let digest = sha1::Sha1::digest(&renamed[..body]);
            renamed[body..].copy_from_slice(&digest);
            let _ = libgit2_entries(&renamed);
        }
        return;
    };
    {
        // Every entry takes at least 62 bytes plus its path's NUL, every cache-tree node 5.
        assert!(entries.len().saturating_mul(63) <= data.len());
        assert!(tree_nodes.saturating_mul(5) <= data.len());
        match libgit2_entries(&file) {
            Ok(theirs) => assert_eq!(entries, theirs, "libgit2 reads other entries"),
            // libgit2 refuses a whole index for a cache-tree it finds corrupt, where git
            // drops the cache-tree and reads on; this reader reads the entries and trusts a
            // tree node only where its id equals HEAD's, as git does. The entries still
            // must agree: compare them with the extension's bytes made unknown-optional.
            Err(e) if e.contains("TREE extension") => {
                let Some(at) = file.windows(4).rposition(|w| w == b"TREE") else {
                    return;
                };
                let mut renamed = file.clone();
                renamed[at..at + 4].copy_from_slice(b"ZREE");
                let body = renamed.len() - 20;
                let digest = sha1::Sha1::digest(&renamed[..body]);
                renamed[body..].copy_from_slice(&digest);
                if let Ok(theirs) = libgit2_entries(&renamed) {
                    assert_eq!(entries, theirs, "libgit2 reads other entries");
                }
            }
            Err(e) => panic!("metalayer reads an index libgit2 refuses: {e}"),
        }
    }
});
