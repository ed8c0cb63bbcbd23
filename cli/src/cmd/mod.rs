//! One module per subcommand. Each `run` returns `Result<ExitCode, CliError>` and goes
//! through the shared modules for input ([`crate::rom_path`]), output ([`crate::output`]),
//! errors ([`crate::error`]) and Ctrl-C ([`crate::interrupt`]).

pub mod agent;
pub mod bench;
pub mod conformance;
pub mod movie;
pub mod play;
pub mod random;
pub mod replay;
pub mod rom;
pub mod screenshot;
pub mod trace;
