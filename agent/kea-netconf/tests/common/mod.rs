//! Harness of the end-to-end tests: a real kea-dhcp6 (`KEA_DHCP6_BIN`, else
//! ours from the cargo target dir, else Debian's `/usr/sbin/kea-dhcp6`), the
//! real `kea-netconf` and `sysrepocfg` binaries, NETCONF clients in Python
//! (Debian's ncclient). Every process is started in its own tempdir, waited
//! for with a bound and stopped by PID when the harness drops.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const PYTHON: &str = "/usr/bin/python3";
pub const HOOKS_DIR: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks";
pub const NS6: &str = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server";
pub const USER: &str = "admin";
pub const PASSWORD: &str = "walk-through";

/// The kea-dhcp6 binary the tests manage.
pub fn kea_dhcp6_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KEA_DHCP6_BIN").filter(|b| !b.is_empty()) {
        return PathBuf::from(bin);
    }
    let ours = Path::new(env!("CARGO_BIN_EXE_kea-netconf")).with_file_name("kea-dhcp6");
    if ours.exists() {
        return ours;
    }
    PathBuf::from("/usr/sbin/kea-dhcp6")
}

/// Why the end-to-end tests cannot run here, if they cannot.
pub fn missing_tools(need_ncclient: bool) -> Option<String> {
    let kea = kea_dhcp6_bin();
    if !kea.exists() {
        return Some(format!("{} not found (set KEA_DHCP6_BIN)", kea.display()));
    }
    if need_ncclient {
        let ok = Command::new(PYTHON)
            .args(["-c", "import ncclient"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return Some(format!(
                "{PYTHON} with ncclient (python3-ncclient) not found"
            ));
        }
    }
    None
}

/// Skips the calling test (returns) with a message when tools are missing.
#[macro_export]
macro_rules! require_tools {
    ($ncclient:expr) => {
        if let Some(why) = common::missing_tools($ncclient) {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
}

/// netconf-console2, from `NETCONF_CONSOLE2` or where
/// scripts/install-deps.sh puts it.
pub fn netconf_console2() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("NETCONF_CONSOLE2").map(PathBuf::from),
        Some(PathBuf::from("/opt/netconf-console2/bin/netconf-console2")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

/// A loopback TCP port nobody listens on now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// Waits until `ready` holds, at most `limit`.
pub fn wait_for(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    ready()
}

/// Sends SIGTERM (or another signal) to a child by PID.
pub fn signal(child: &Child, signo: i32) {
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain kill(2) on a PID this process started and has not reaped.
    unsafe { libc::kill(pid, signo) };
}

/// Waits for a child to exit, at most `limit`.
pub fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Stops a child: SIGTERM, then SIGKILL after a grace time.
pub fn stop(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    signal(child, libc::SIGTERM);
    if wait_exit(child, Duration::from_secs(5)).is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Runs a command with a time bound; kills it when the bound passes.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let status = match wait_exit(&mut child, limit) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let status = child.wait().expect("wait");
            eprintln!("command timed out after {limit:?}: {cmd:?}");
            status
        }
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Sends one command to a Kea control socket and returns the answer.
pub fn kea_command(socket: &Path, command: &str, arguments: Option<Value>) -> Value {
    let mut request = json!({ "command": command });
    if let Some(arguments) = arguments {
        request["arguments"] = arguments;
    }
    let mut stream =
        UnixStream::connect(socket).unwrap_or_else(|e| panic!("connect {}: {e}", socket.display()));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
        .write_all(request.to_string().as_bytes())
        .expect("send");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = stream.read(&mut chunk).expect("read answer");
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Ok(answer) = serde_json::from_slice::<Value>(&buf) {
            return answer;
        }
    }
    serde_json::from_slice(&buf).expect("JSON answer")
}

/// A kea-dhcp6 started on a boot config with only its control socket (plus
/// what a test needs), in its own tempdir.
pub struct Kea {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    child: Child,
    /// Kea 2.x needs `data-directory` in every pushed config (its DUID file);
    /// Kea 3 takes it from KEA_DHCP_DATA_DIR.
    pub needs_data_directory: bool,
}

impl Kea {
    /// Starts the server with `Dhcp6` = `extra` merged over the minimal boot
    /// config of the walk-through (the control socket only).
    pub fn start(extra: Value) -> Kea {
        Self::start_in(tempfile::tempdir().expect("tempdir"), extra)
    }

    /// Whether the managed binary is Kea 2.x (needs `data-directory`).
    pub fn is_kea_2() -> bool {
        Command::new(kea_dhcp6_bin())
            .arg("-v")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().starts_with("2."))
            .unwrap_or(false)
    }

    /// [`start`](Self::start) in a given directory (its control socket is
    /// `kea6.sock` there), for tests that need the path beforehand.
    pub fn start_in(dir: tempfile::TempDir, extra: Value) -> Kea {
        let socket = dir.path().join("kea6.sock");
        let bin = kea_dhcp6_bin();
        let needs_data_directory = Self::is_kea_2();
        let mut dhcp6 = json!({
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "interfaces-config": {"interfaces": []},
        });
        if needs_data_directory {
            dhcp6["data-directory"] = json!(dir.path());
        }
        if let (Some(map), Some(extra)) = (dhcp6.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                map.insert(k.clone(), v.clone());
            }
        }
        let config = dir.path().join("boot.json");
        std::fs::write(&config, json!({ "Dhcp6": dhcp6 }).to_string()).expect("write boot");
        let log = std::fs::File::create(dir.path().join("kea-dhcp6.out")).expect("log");
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&config)
            .envs(Self::env(dir.path()))
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut kea = Kea {
            dir,
            socket,
            child,
            needs_data_directory,
        };
        let up = wait_for(Duration::from_secs(20), || {
            kea.socket.exists() && UnixStream::connect(&kea.socket).is_ok()
        });
        if !up {
            let log = kea.log();
            stop(&mut kea.child);
            panic!("kea-dhcp6 did not open its control socket:\n{log}");
        }
        kea
    }

    fn env(dir: &Path) -> Vec<(&'static str, PathBuf)> {
        [
            "KEA_PIDFILE_DIR",
            "KEA_LOCKFILE_DIR",
            "KEA_DHCP_DATA_DIR",
            "KEA_CONTROL_SOCKET_DIR",
            "KEA_LOG_FILE_DIR",
        ]
        .into_iter()
        .map(|k| (k, dir.to_path_buf()))
        .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("kea-dhcp6.out")).unwrap_or_default()
    }

    pub fn command(&self, command: &str, arguments: Option<Value>) -> Value {
        kea_command(&self.socket, command, arguments)
    }

    /// The server's `Dhcp6` object (`config-get`).
    pub fn config(&self) -> Value {
        let answer = self.command("config-get", None);
        assert_eq!(answer["result"], 0, "config-get: {answer}");
        let mut dhcp6 = answer["arguments"]["Dhcp6"].clone();
        if let Some(map) = dhcp6.as_object_mut() {
            map.remove("hash");
        }
        dhcp6
    }

    /// The `subnet` prefixes the server runs.
    pub fn subnets(&self) -> Vec<String> {
        self.config()["subnet6"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s["subnet"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// XML leaves every pushed config must carry for this server (the
    /// control socket, and the data directory for Kea 2.x).
    pub fn required_xml(&self) -> String {
        let mut xml = format!(
            "<control-socket><socket-type>unix</socket-type><socket-name>{}</socket-name></control-socket>",
            self.socket.display()
        );
        if self.needs_data_directory {
            xml.push_str(&format!(
                "<data-directory>{}</data-directory>",
                self.dir.path().display()
            ));
        }
        xml
    }
}

impl Drop for Kea {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Options of the agent's `netconf-server` map a test may change.
pub struct AgentOptions {
    pub drift_check_interval: u64,
    pub drift_policy: &'static str,
    pub validate_changes: bool,
    /// An extra user logging in with this OpenSSH public key line.
    pub authorized_key: Option<(String, String)>,
    /// The YANG model of the managed dhcp6 server.
    pub model: &'static str,
    /// `pool-utilization-threshold` of the dhcp6 server.
    pub pool_utilization_threshold: Option<f64>,
    /// `pool-check-interval`.
    pub pool_check_interval: u64,
}

impl Default for AgentOptions {
    fn default() -> Self {
        Self {
            drift_check_interval: 0,
            drift_policy: "report",
            validate_changes: true,
            authorized_key: None,
            model: "kea-dhcp6-server",
            pool_utilization_threshold: None,
            pool_check_interval: 0,
        }
    }
}

/// kea-netconf managing one kea-dhcp6, with its datastore in a tempdir.
pub struct Agent {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub config_file: PathBuf,
    pub datastore: PathBuf,
    child: Option<Child>,
}

impl Agent {
    /// Writes the agent's config (not started yet).
    pub fn configure(kea_socket: &Path, options: &AgentOptions) -> Agent {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let datastore = dir.path().join("datastore");
        let mut config = json!({"Netconf": {
            "managed-servers": {"dhcp6": {
                "model": options.model,
                "validate-changes": options.validate_changes,
                "control-socket": {"socket-type": "unix", "socket-name": kea_socket}}},
            "netconf-server": {
                "address": "127.0.0.1",
                "port": port,
                "users": [{"name": USER, "password": PASSWORD}],
                "host-key-file": dir.path().join("ssh_host_ed25519_key"),
                "datastore-directory": datastore,
                "drift-check-interval": options.drift_check_interval,
                "drift-policy": options.drift_policy,
                "pool-check-interval": options.pool_check_interval},
            "loggers": [{"name": "kea-netconf", "output-options": [{"output": "stderr"}],
                         "severity": "DEBUG", "debuglevel": 99}]}});
        if let Some(threshold) = options.pool_utilization_threshold {
            config["Netconf"]["managed-servers"]["dhcp6"]["pool-utilization-threshold"] =
                json!(threshold);
        }
        if let Some((name, key)) = &options.authorized_key
            && let Some(users) = config["Netconf"]["netconf-server"]["users"].as_array_mut()
        {
            users.push(json!({"name": name, "authorized-key": key}));
        }
        let config_file = dir.path().join("netconf.json");
        std::fs::write(&config_file, config.to_string()).expect("write netconf.json");
        Agent {
            dir,
            port,
            config_file,
            datastore,
            child: None,
        }
    }

    pub fn local_socket(&self) -> PathBuf {
        self.datastore.join("kea-netconf.sock")
    }

    /// Starts kea-netconf and waits until NETCONF and the local socket answer.
    pub fn start(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("kea-netconf.out")).expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_kea-netconf"))
            .arg("-c")
            .arg(&self.config_file)
            .env("KEA_PIDFILE_DIR", self.dir.path())
            .env("KEA_LOCKFILE_DIR", self.dir.path())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start kea-netconf");
        self.child = Some(child);
        let port = self.port;
        let socket = self.local_socket();
        let up = wait_for(Duration::from_secs(30), || {
            UnixStream::connect(&socket).is_ok()
                && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if !up {
            let log = self.log();
            self.stop();
            panic!("kea-netconf did not come up:\n{log}");
        }
    }

    pub fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("agent started")
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("kea-netconf.out")).unwrap_or_default()
    }

    /// Runs `sysrepocfg` on this agent's datastore directory.
    pub fn sysrepocfg(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sysrepocfg"));
        cmd.args(args).arg("--datastore-dir").arg(&self.datastore);
        run_bounded(&mut cmd, Duration::from_secs(60))
    }

    /// `sysrepocfg -d <ds> -m kea-dhcp6-server --export` (XML).
    pub fn export(&self, datastore: &str) -> String {
        let out = self.sysrepocfg(&[
            "-d",
            datastore,
            "-f",
            "xml",
            "-m",
            "kea-dhcp6-server",
            "--export",
        ]);
        assert!(
            out.status.success(),
            "export {datastore}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a Python NETCONF client script (from tests/py) against the
    /// agent; `KN_*` variables tell it where everything is.
    pub fn python(&self, script: &str, kea: &Kea, extra: &[(&str, String)]) -> Output {
        self.python_with(script, &kea.socket, &kea.required_xml(), extra)
    }

    /// [`python`](Self::python) without a running server.
    pub fn python_with(
        &self,
        script: &str,
        kea_socket: &Path,
        required_xml: &str,
        extra: &[(&str, String)],
    ) -> Output {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/py")
            .join(script);
        let mut cmd = Command::new(PYTHON);
        cmd.arg(path)
            .env("KN_PORT", self.port.to_string())
            .env("KN_USER", USER)
            .env("KN_PASSWORD", PASSWORD)
            .env("KN_KEA_SOCKET", kea_socket)
            .env("KN_REQUIRED_XML", required_xml)
            .env("KN_HOOKS_DIR", HOOKS_DIR);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        run_bounded(&mut cmd, Duration::from_secs(180))
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Panics with both sides' output when a client script failed.
pub fn assert_script_ok(what: &str, out: &Output, agent: &Agent, kea: &Kea) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{what} stdout:\n{stdout}");
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}\nagent log (tail):\n{}\nkea log (tail):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            tail(&agent.log(), 40),
            tail(&kea.log(), 20),
        );
    }
}

pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Our kea-dhcp4 (`KEA_DHCP4_BIN`, else beside kea-netconf in the target dir).
pub fn kea_dhcp4_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KEA_DHCP4_BIN").filter(|b| !b.is_empty()) {
        return PathBuf::from(bin);
    }
    Path::new(env!("CARGO_BIN_EXE_kea-netconf")).with_file_name("kea-dhcp4")
}

/// A process stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Stopped(pub Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        stop(&mut self.0);
    }
}

/// Our kea-dhcp4 on `dhcp4` (a `Dhcp4` map), with every Kea directory in
/// `dir`; waits for its unix control socket `dir/kea4.sock`.
pub fn start_dhcp4(dir: &Path, dhcp4: Value) -> Stopped {
    start_dhcp4_from(Command::new(kea_dhcp4_bin()), dir, dhcp4)
}

/// [`start_dhcp4`] with `cmd` running the binary, e.g. inside a network
/// namespace (`Testbed::in_server`).
pub fn start_dhcp4_from(mut cmd: Command, dir: &Path, dhcp4: Value) -> Stopped {
    let config = dir.join("kea-dhcp4.json");
    std::fs::write(&config, json!({ "Dhcp4": dhcp4 }).to_string()).expect("write config");
    let log = std::fs::File::create(dir.join("kea-dhcp4.out")).expect("log");
    cmd.arg("-c")
        .arg(&config)
        .stdout(log.try_clone().expect("log"))
        .stderr(log);
    for var in [
        "KEA_PIDFILE_DIR",
        "KEA_LOCKFILE_DIR",
        "KEA_DHCP_DATA_DIR",
        "KEA_CONTROL_SOCKET_DIR",
        "KEA_LOG_FILE_DIR",
    ] {
        cmd.env(var, dir);
    }
    let server = Stopped(cmd.spawn().expect("start kea-dhcp4"));
    let socket = dir.join("kea4.sock");
    assert!(
        wait_for(Duration::from_secs(30), || UnixStream::connect(&socket)
            .is_ok()),
        "kea-dhcp4 did not open its socket: {}",
        std::fs::read_to_string(dir.join("kea-dhcp4.out")).unwrap_or_default()
    );
    server
}
