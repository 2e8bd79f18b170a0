//! What the build runs on: with a server (the pages `cargo leptos` renders and hydrates, and
//! the editor's own client-rendered bundle) or without one (the playground Trunk builds, where
//! flows live in the browser only). The one place that knows; everything that needs a server
//! asks here.

/// The server-less playground: no API, no sign-in, no deploys.
pub const PLAYGROUND: bool = cfg!(feature = "playground");
