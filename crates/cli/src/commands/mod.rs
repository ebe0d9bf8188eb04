//! One module per subcommand.

pub(crate) mod capture;
pub(crate) mod check;
pub(crate) mod hook;
pub(crate) mod schema;
pub(crate) mod validate;
