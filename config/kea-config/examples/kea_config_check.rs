//! `kea_config_check <daemon> <file>`: validates a file like `kea-dhcp4 -t` and prints
//! the effective configuration (config-get form) and its hash.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(daemon), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: kea_config_check dhcp4|dhcp6|netconf <file>");
        return ExitCode::from(2);
    };
    let result =
        match daemon.as_str() {
            "dhcp4" => kea_config::Dhcp4Config::from_file(file)
                .map(|l| (l.config.to_element(), l.warnings)),
            "dhcp6" => kea_config::Dhcp6Config::from_file(file)
                .map(|l| (l.config.to_element(), l.warnings)),
            "netconf" => kea_config::NetconfConfig::from_file(file)
                .map(|l| (l.config.to_element(), l.warnings)),
            _ => {
                eprintln!("unknown daemon {daemon}");
                return ExitCode::from(2);
            }
        };
    match result {
        Ok((el, warnings)) => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            println!("{}", el.to_pretty_string());
            eprintln!("hash: {}", kea_config::config_hash(&el));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Syntax check failed with: {e}");
            ExitCode::FAILURE
        }
    }
}
