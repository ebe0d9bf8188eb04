//! One module per subcommand.

pub(crate) mod affected;
pub(crate) mod audit;
pub(crate) mod capture;
pub(crate) mod check;
pub(crate) mod compare;
pub(crate) mod distill;
pub(crate) mod hook;
pub(crate) mod init;
pub(crate) mod promote;
pub(crate) mod scan;
pub(crate) mod schema;
pub(crate) mod stamp;
pub(crate) mod validate;
