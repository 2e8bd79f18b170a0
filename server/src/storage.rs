//! Storage: every SQL statement of the server, per table family and written once for both
//! dialects (`db` runs it on the SQLite or MySQL pool), and the object store the versions live
//! in. Nothing here knows about HTTP.

pub mod acls;
pub mod db;
pub mod flows;
pub mod mirror;
pub mod objects;
pub mod principals;
pub mod secrets;
