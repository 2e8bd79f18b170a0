//! `scaigrid-sim`: serves the demo stand-in on a loopback port (`--port N` or
//! `SCAIGRID_SIM_PORT`, default 0 = any free port). A test stand-in, not ScaiGrid.

use std::process::ExitCode;

use scaigrid_sim::{DEMO_KEY, SimConfig};
use tokio::net::TcpListener;

const USAGE: &str = "usage: scaigrid-sim [--port N]   (or SCAIGRID_SIM_PORT=N)";

#[tokio::main]
async fn main() -> ExitCode {
    let port = match port(std::env::args().skip(1), std::env::var("SCAIGRID_SIM_PORT").ok()) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("scaigrid-sim: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("scaigrid-sim: cannot bind 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => {
            eprintln!("scaigrid-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    announce(&format!(
        "scaigrid-sim listening on http://{address} (test stand-in, not ScaiGrid)\n\
         demo key: {DEMO_KEY}"
    ));
    match scaigrid_sim::serve(listener, SimConfig::demo()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scaigrid-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

#[expect(clippy::print_stdout, reason = "the address and key are this binary's output")]
fn announce(text: &str) {
    println!("{text}");
}

/// `--port N` / `--port=N` wins over the environment variable.
fn port(mut args: impl Iterator<Item = String>, env: Option<String>) -> Result<u16, String> {
    let mut chosen = env;
    while let Some(arg) = args.next() {
        if arg == "--port" {
            chosen = Some(args.next().ok_or("--port needs a value")?);
        } else if let Some(value) = arg.strip_prefix("--port=") {
            chosen = Some(value.to_owned());
        } else if arg == "--help" || arg == "-h" {
            return Err("help requested".to_owned());
        } else {
            return Err(format!("unknown argument '{arg}'"));
        }
    }
    match chosen {
        None => Ok(0),
        Some(value) => value.parse().map_err(|_| format!("'{value}' is not a port number")),
    }
}

#[cfg(test)]
mod tests {
    use super::port;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        assert_eq!(port(args(&["--port", "9100"]), Some("9200".into())), Ok(9100));
        assert_eq!(port(args(&["--port=9101"]), None), Ok(9101));
        assert_eq!(port(args(&[]), Some("9200".into())), Ok(9200));
        assert_eq!(port(args(&[]), None), Ok(0));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(port(args(&["--port"]), None).is_err());
        assert!(port(args(&["--port", "http"]), None).is_err());
        assert!(port(args(&["--verbose"]), None).is_err());
    }
}
