//! The editing core from outside: commands as they travel between editors and the server.

mod commands;
