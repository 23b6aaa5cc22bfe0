//! Daemon process lifecycle shared by every Kea binary: command line, PID file, signals
