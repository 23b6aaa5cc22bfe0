//! Kea's command line (ARM §9.1, §10.1, §22.1.9), parsed with clap but answering
//! like Kea: usage on stderr and exit code 1 for bad switches, version on stdout and
//! exit code 0 for `-v`/`-V`/`-W`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command, error::ErrorKind};

/// Version we are compatible with, printed by `-v`.
pub const KEA_VERSION: &str = "3.0.0";

/// Which daemon is parsing its command line (decides the allowed switches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    Dhcp4,
    Dhcp6,
    Netconf,
}

impl Daemon {
    /// Process name, also the root logger name and the PID-file suffix.
    pub const fn process_name(self) -> &'static str {
        match self {
            Daemon::Dhcp4 => "kea-dhcp4",
            Daemon::Dhcp6 => "kea-dhcp6",
            Daemon::Netconf => "kea-netconf",
        }
    }

    /// Human-readable name used in the usage banner.
    pub const fn description(self) -> &'static str {
        match self {
            Daemon::Dhcp4 => "Kea DHCPv4 server",
            Daemon::Dhcp6 => "Kea DHCPv6 server",
            Daemon::Netconf => "Kea NETCONF agent",
        }
    }

    const fn is_dhcp(self) -> bool {
        matches!(self, Daemon::Dhcp4 | Daemon::Dhcp6)
    }
}

/// What the daemon was asked to do with its configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `-c`: run the server.
    Run,
    /// `-t`: check the configuration and exit (0 = OK, 1 = error).
    Check,
    /// `-T`: check harder (open databases, load hooks…) and exit; DHCP servers only.
    CheckFull,
}

/// A parsed command line for running or checking a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub daemon: Daemon,
    pub mode: Mode,
    pub config_file: PathBuf,
    /// `-d`: DEBUG severity with debuglevel 99 for every logger.
    pub verbose: bool,
    /// `-p`: server port (DHCP servers only).
    pub server_port: Option<u16>,
    /// `-P`: client port (DHCP servers only).
    pub client_port: Option<u16>,
    /// `-X`: path and permission restrictions lifted.
    pub unrestricted_paths: bool,
}

impl CommandLine {
    /// Path rules for this run (`-X` lifts them).
    pub fn path_policy(&self) -> crate::paths::PathPolicy {
        crate::paths::PathPolicy::new(self.unrestricted_paths)
    }

    /// Whether this run only checks the configuration (`-t` or `-T`).
    pub fn is_check(&self) -> bool {
        self.mode != Mode::Run
    }
}

/// Result of parsing: either work to do or a text to print before exiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Run(CommandLine),
    /// `-v`
    Version,
    /// `-V`
    ExtendedVersion,
    /// `-W`
    BuildReport,
}

/// A command-line error: print [`CliError::message`] then the usage, exit with 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub message: String,
}

/// Exit code for success (Kea's EXIT_SUCCESS).
pub const EXIT_OK: i32 = 0;
/// Exit code for every failure: bad switches, bad configuration, already running.
pub const EXIT_FAILURE: i32 = 1;

fn command(daemon: Daemon) -> Command {
    let file_arg = |id: &'static str, short: char| {
        Arg::new(id)
            .short(short)
            .value_name("file")
            .value_parser(clap::value_parser!(PathBuf))
            .action(ArgAction::Set)
    };
    let flag = |id: &'static str, short: char| Arg::new(id).short(short).action(ArgAction::SetTrue);
    let mut cmd = Command::new(daemon.process_name())
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args_override_self(true)
        .arg(flag("version", 'v'))
        .arg(flag("extended", 'V'))
        .arg(flag("report", 'W'))
        .arg(flag("debug", 'd'))
        .arg(flag("unrestricted", 'X'))
        .arg(file_arg("config", 'c'))
        .arg(file_arg("check", 't'));
    if daemon.is_dhcp() {
        cmd = cmd
            .arg(file_arg("check-full", 'T'))
            .arg(
                Arg::new("server-port")
                    .short('p')
                    .value_name("number")
                    .action(ArgAction::Set),
            )
            .arg(
                Arg::new("client-port")
                    .short('P')
                    .value_name("number")
                    .action(ArgAction::Set),
            );
    }
    cmd
}

/// The usage text Kea prints after a command-line error.
pub fn usage(daemon: Daemon) -> String {
    let name = daemon.process_name();
    let mut s = format!(
        "{}, version {KEA_VERSION} (stable)\n\n",
        daemon.description()
    );
    if daemon.is_dhcp() {
        s += &format!(
            "Usage: {name} -[v|V|W] [-d] [-{{c|t|T}} cfgfile] [-p number] [-P number] [-X]\n"
        );
    } else {
        s += &format!("Usage: {name} -[v|V|W] [-d] [-{{c|t}} cfgfile] [-X]\n");
    }
    s += "  -v: print version number and exit\n";
    s += "  -V: print extended version and exit\n";
    s += "  -W: display the configuration report and exit\n";
    s += "  -d: debug mode with extra verbosity (former -v)\n";
    s += "  -c file: specify configuration file\n";
    s += "  -t file: check the configuration file syntax and exit\n";
    if daemon.is_dhcp() {
        s += "  -T file: check the configuration file doing hooks load and extra checks and exit\n";
        s += "  -p number: specify non-standard server port number 1-65535 (useful for testing only)\n";
        s += "  -P number: specify non-standard client port number 1-65535 (useful for testing only)\n";
    }
    s += "  -X: disables security restrictions\n";
    s
}

/// Parses `args` (including the program name first, as from `std::env::args_os`).
pub fn parse_args<I, T>(daemon: Daemon, args: I) -> Result<Invocation, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let name = daemon.process_name();
    let matches = command(daemon).try_get_matches_from(args).map_err(|e| {
        let arg = e
            .get(clap::error::ContextKind::InvalidArg)
            .map(|v| v.to_string());
        let message = match (e.kind(), arg) {
            (ErrorKind::UnknownArgument, Some(a)) => {
                format!("{name}: invalid option -- '{}'", a.trim_start_matches('-'))
            }
            (ErrorKind::InvalidValue | ErrorKind::NoEquals, Some(a))
            | (ErrorKind::TooFewValues, Some(a)) => {
                let opt = a
                    .split_whitespace()
                    .next()
                    .unwrap_or(&a)
                    .trim_start_matches('-')
                    .to_string();
                format!("{name}: option requires an argument -- '{opt}'")
            }
            _ => {
                let rendered = e.to_string();
                let first = rendered
                    .lines()
                    .next()
                    .unwrap_or("invalid command line")
                    .trim();
                format!("{name}: {}", first.trim_start_matches("error: "))
            }
        };
        CliError { message }
    })?;
    if matches.get_flag("version") {
        return Ok(Invocation::Version);
    }
    if matches.get_flag("extended") {
        return Ok(Invocation::ExtendedVersion);
    }
    if matches.get_flag("report") {
        return Ok(Invocation::BuildReport);
    }
    // Like getopt, the last of -c/-t/-T wins.
    let mut chosen: Option<(usize, Mode, PathBuf)> = None;
    for (id, mode) in [
        ("config", Mode::Run),
        ("check", Mode::Check),
        ("check-full", Mode::CheckFull),
    ] {
        if matches.try_contains_id(id).unwrap_or(false)
            && let (Some(index), Some(file)) =
                (matches.index_of(id), matches.get_one::<PathBuf>(id))
            && chosen.as_ref().is_none_or(|(i, _, _)| index > *i)
        {
            chosen = Some((index, mode, file.clone()));
        }
    }
    let port = |id: &str, what: &str| -> Result<Option<u16>, CliError> {
        if !matches.try_contains_id(id).unwrap_or(false) {
            return Ok(None);
        }
        match matches.get_one::<String>(id) {
            None => Ok(None),
            Some(text) => match text.parse::<u16>() {
                Ok(p) if p > 0 => Ok(Some(p)),
                _ => Err(CliError {
                    message: format!(
                        "Failed to parse {what} port number: [{text}], 1-65535 allowed."
                    ),
                }),
            },
        }
    };
    let server_port = port("server-port", "server")?;
    let client_port = port("client-port", "client")?;
    let Some((_, mode, config_file)) = chosen else {
        return Err(CliError {
            message: "Configuration file not specified.".to_string(),
        });
    };
    if config_file.as_os_str().is_empty() {
        return Err(CliError {
            message: "Configuration file not specified.".to_string(),
        });
    }
    Ok(Invocation::Run(CommandLine {
        daemon,
        mode,
        config_file,
        verbose: matches.get_flag("debug"),
        server_port,
        client_port,
        unrestricted_paths: matches.get_flag("unrestricted"),
    }))
}

/// What `-V` and `-W` print besides the version: daemons add their own lines
/// (e.g. `lease backends:` / `- Memfile backend 3.0`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionInfo {
    pub extra_lines: Vec<String>,
}

/// `-v` output: the version alone.
pub fn version_text() -> String {
    format!("{KEA_VERSION}\n")
}

/// `-V` output: version, extended version, the libraries we are built with, then the
/// daemon's own lines.
pub fn extended_version_text(info: &VersionInfo) -> String {
    let mut s = format!(
        "{KEA_VERSION}\n{KEA_VERSION} (kea-rs {})\n",
        env!("CARGO_PKG_VERSION")
    );
    s += "premium: no\n";
    s += "linked with:\n";
    s += &format!("- kea-log {} (tracing)\n", env!("CARGO_PKG_VERSION"));
    for line in &info.extra_lines {
        s += line;
        s += "\n";
    }
    s
}

/// `-W` output: a configuration report in the shape of Kea's `config.report`.
pub fn build_report_text(info: &VersionInfo) -> String {
    let mut s = String::new();
    s += "\n        Kea source configure results:\n     -=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-\n\n";
    s += " Package:\n";
    s += "   Name:              kea\n";
    s += &format!("   Version:           {KEA_VERSION}\n");
    s += &format!(
        "   Extended version:  {KEA_VERSION} (kea-rs {})\n",
        env!("CARGO_PKG_VERSION")
    );
    s += "   Version type:      stable\n";
    s += &format!("   OS Family:         {}\n", std::env::consts::OS);
    s += &format!("   Architecture:      {}\n", std::env::consts::ARCH);
    s += "   Prefix:            /\n";
    s += "   Premium hooks:     no\n\n";
    s += " Directories:\n";
    s += &format!("   Data:              {}\n", crate::paths::DEFAULT_DATA_DIR);
    s += &format!(
        "   Logs:              {}\n",
        kea_log::paths::DEFAULT_LOG_FILE_DIR
    );
    s += &format!(
        "   Sockets:           {}\n",
        crate::paths::DEFAULT_CONTROL_SOCKET_DIR
    );
    s += &format!(
        "   PID files:         {}\n\n",
        crate::pidfile::DEFAULT_PIDFILE_DIR
    );
    s += " Build:\n";
    s += "   Language:          Rust\n";
    s += &format!(
        "   Profile:           {}\n",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    for line in &info.extra_lines {
        s += "   ";
        s += line;
        s += "\n";
    }
    s
}

/// Parses the process arguments; prints and exits for `-v`, `-V`, `-W` (code 0) and
/// for errors (message and usage on stderr, code 1), as Kea does. Returns the
/// command line otherwise.
pub fn parse_or_exit(daemon: Daemon, info: &VersionInfo) -> CommandLine {
    match parse_args(daemon, std::env::args_os()) {
        Ok(Invocation::Run(cmd)) => cmd,
        Ok(Invocation::Version) => {
            print!("{}", version_text());
            std::process::exit(EXIT_OK)
        }
        Ok(Invocation::ExtendedVersion) => {
            print!("{}", extended_version_text(info));
            std::process::exit(EXIT_OK)
        }
        Ok(Invocation::BuildReport) => {
            print!("{}", build_report_text(info));
            std::process::exit(EXIT_OK)
        }
        Err(e) => {
            eprintln!("{}", e.message);
            eprint!("{}", usage(daemon));
            std::process::exit(EXIT_FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(daemon: Daemon, args: &[&str]) -> Result<Invocation, CliError> {
        let mut v = vec![daemon.process_name()];
        v.extend_from_slice(args);
        parse_args(daemon, v)
    }

    fn run(daemon: Daemon, args: &[&str]) -> CommandLine {
        match parse(daemon, args) {
            Ok(Invocation::Run(c)) => c,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn run_with_all_switches() {
        let c = run(
            Daemon::Dhcp4,
            &[
                "-c",
                "/etc/kea/kea-dhcp4.conf",
                "-d",
                "-p",
                "1067",
                "-P",
                "1068",
                "-X",
            ],
        );
        assert_eq!(c.mode, Mode::Run);
        assert_eq!(c.config_file, PathBuf::from("/etc/kea/kea-dhcp4.conf"));
        assert!(c.verbose && c.unrestricted_paths && !c.is_check());
        assert_eq!(c.path_policy(), crate::paths::PathPolicy::new(true));
        assert_eq!((c.server_port, c.client_port), (Some(1067), Some(1068)));
        let c = run(Daemon::Dhcp6, &["-c/etc/x.json"]);
        assert_eq!(c.config_file, PathBuf::from("/etc/x.json"));
        assert!(!c.verbose && !c.unrestricted_paths && c.server_port.is_none());
    }

    #[test]
    fn check_modes_and_last_file_switch_wins() {
        assert_eq!(run(Daemon::Dhcp4, &["-t", "a.json"]).mode, Mode::Check);
        assert!(run(Daemon::Dhcp4, &["-t", "a.json"]).is_check());
        assert_eq!(run(Daemon::Dhcp6, &["-T", "a.json"]).mode, Mode::CheckFull);
        let c = run(Daemon::Dhcp4, &["-c", "a.json", "-t", "b.json"]);
        assert_eq!(
            (c.mode, c.config_file),
            (Mode::Check, PathBuf::from("b.json"))
        );
        let c = run(Daemon::Dhcp4, &["-t", "b.json", "-c", "a.json"]);
        assert_eq!(
            (c.mode, c.config_file),
            (Mode::Run, PathBuf::from("a.json"))
        );
        let c = run(Daemon::Netconf, &["-t", "n.json", "-d"]);
        assert_eq!(c.mode, Mode::Check);
    }

    #[test]
    fn version_switches_win() {
        assert_eq!(parse(Daemon::Dhcp4, &["-v"]), Ok(Invocation::Version));
        assert_eq!(
            parse(Daemon::Dhcp4, &["-d", "-v", "-c", "x"]),
            Ok(Invocation::Version)
        );
        assert_eq!(
            parse(Daemon::Netconf, &["-V"]),
            Ok(Invocation::ExtendedVersion)
        );
        assert_eq!(parse(Daemon::Dhcp6, &["-W"]), Ok(Invocation::BuildReport));
        assert_eq!(version_text(), "3.0.0\n");
        let ext = extended_version_text(&VersionInfo {
            extra_lines: vec!["lease backends:".into(), "- Memfile backend 3.0".into()],
        });
        assert!(ext.starts_with("3.0.0\n3.0.0 (kea-rs "), "{ext}");
        assert!(ext.ends_with("lease backends:\n- Memfile backend 3.0\n"));
        assert!(
            build_report_text(&VersionInfo::default()).contains("   Version:           3.0.0\n")
        );
    }

    #[test]
    fn errors_read_like_keas() {
        let msg = |d, a: &[&str]| parse(d, a).unwrap_err().message;
        assert_eq!(msg(Daemon::Dhcp4, &[]), "Configuration file not specified.");
        assert_eq!(
            msg(Daemon::Dhcp4, &["-d"]),
            "Configuration file not specified."
        );
        assert_eq!(
            msg(Daemon::Dhcp4, &["-h"]),
            "kea-dhcp4: invalid option -- 'h'"
        );
        assert_eq!(
            msg(Daemon::Dhcp4, &["-c"]),
            "kea-dhcp4: option requires an argument -- 'c'"
        );
        assert_eq!(
            msg(Daemon::Dhcp4, &["-p", "0", "-c", "a"]),
            "Failed to parse server port number: [0], 1-65535 allowed."
        );
        assert_eq!(
            msg(Daemon::Dhcp6, &["-P", "70000", "-c", "a"]),
            "Failed to parse client port number: [70000], 1-65535 allowed."
        );
        assert_eq!(
            msg(Daemon::Dhcp4, &["-p", "abc", "-c", "a"]),
            "Failed to parse server port number: [abc], 1-65535 allowed."
        );
        // kea-netconf has no -p/-P/-T.
        assert_eq!(
            msg(Daemon::Netconf, &["-p", "1", "-c", "a"]),
            "kea-netconf: invalid option -- 'p'"
        );
        assert_eq!(
            msg(Daemon::Netconf, &["-T", "a"]),
            "kea-netconf: invalid option -- 'T'"
        );
        assert!(parse(Daemon::Dhcp4, &["-c", "a", "extra"]).is_err());
    }

    #[test]
    fn usage_lists_the_daemons_switches() {
        assert!(usage(Daemon::Dhcp4).contains(
            "Usage: kea-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number] [-X]"
        ));
        let n = usage(Daemon::Netconf);
        assert!(n.starts_with("Kea NETCONF agent, version 3.0.0"));
        assert!(!n.contains("-p number"));
    }
}
