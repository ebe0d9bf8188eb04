//! The error of `init` and `audit`.

use std::path::PathBuf;

use metalayer_kernel::KernelError;

/// Why `init` (or a part of `audit` that reads like it) could not do its work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// `metalayer init` cannot install into the repository (not a git work tree, a settings
    /// file that is not valid JSON, a symlink where a file goes, ...). Nothing was written.
    #[error("init: {message}")]
    Init {
        /// The file or folder concerned.
        path: PathBuf,
        /// What is wrong and what to do, naming the file (and line, for JSON errors).
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The kernel failed: the policy does not load, a generated file cannot be written.
    #[error(transparent)]
    Kernel(#[from] KernelError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_kept() {
        let e = SetupError::Io {
            action: "cannot read",
            path: "a.json".into(),
            source: std::io::Error::other("disk on fire"),
        };
        assert_eq!(e.to_string(), "cannot read `a.json`: disk on fire");
        assert!(std::error::Error::source(&e).is_some());
        let kernel = SetupError::from(KernelError::Event("bad".into()));
        assert_eq!(
            kernel.to_string(),
            KernelError::Event("bad".into()).to_string()
        );
    }
}
