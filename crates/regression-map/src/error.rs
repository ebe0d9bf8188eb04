//! Errors of loading and compiling a feature map.

use std::error::Error as StdError;
use std::path::PathBuf;

use crate::feature::FeatureName;

/// A boxed error from a parser or matcher library, reachable through `source()` only.
pub(crate) type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a feature map could not be loaded or compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MapError {
    /// The file could not be read.
    #[error("cannot read the feature map `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file name has no extension this crate can read.
    #[error("cannot tell the format of the feature map `{}`", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The text is not a valid map (JSON or YAML syntax, or the shape of the map).
    #[error("invalid {format} feature map{}: {message}", location(*line, *column))]
    Parse {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// 1-based line of the problem, when the parser knows it.
        line: Option<usize>,
        /// 1-based column of the problem, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
        /// The parser's error.
        #[source]
        source: BoxError,
    },
    /// A pattern of a feature does not compile.
    #[error("invalid pattern `{pattern}` in feature `{feature}`: {message}")]
    Pattern {
        /// The feature.
        feature: FeatureName,
        /// The pattern as written.
        pattern: String,
        /// What is wrong with it.
        message: String,
        /// The glob library's error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// The compiled set of all patterns could not be built.
    #[error("cannot compile the patterns of the feature map: {message}")]
    Set {
        /// What went wrong.
        message: String,
        /// The matcher library's error.
        #[source]
        source: BoxError,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" at line {line} column {column}"),
        (Some(line), None) => format!(" at line {line}"),
        _ => String::new(),
    }
}
