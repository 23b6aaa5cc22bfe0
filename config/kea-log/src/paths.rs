//! Kea 3.0 path restrictions (ARM §5.3.6): files a configuration names must live in a
//! directory fixed at build time (our prefix is `/`) or overridden by an environment
//! variable; a bare file name is placed in that directory. `-X` lifts the rule.

use std::path::{Path, PathBuf};

/// Default directory for log files.
pub const DEFAULT_LOG_FILE_DIR: &str = "/var/log/kea";
/// Environment variable overriding [`DEFAULT_LOG_FILE_DIR`].
pub const LOG_FILE_DIR_ENV: &str = "KEA_LOG_FILE_DIR";

/// A path that breaks the directory rule, with Kea's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("path: '{0}' has no filename")]
    NoFilename(String),
    #[error("invalid path specified: '{given}', supported path is '{supported}'")]
    NotSupported { given: String, supported: String },
}

/// Directory from `env_var` if set and not empty, else `default`.
pub fn dir_from_env(env_var: &str, default: &str) -> PathBuf {
    match std::env::var_os(env_var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from(default),
    }
}

/// The directory log files must be in (`KEA_LOG_FILE_DIR`, default `/var/log/kea`).
pub fn log_file_dir() -> PathBuf {
    dir_from_env(LOG_FILE_DIR_ENV, DEFAULT_LOG_FILE_DIR)
}

/// Checks a user-given file path against `allowed_dir` as Kea does: a bare file name is
/// placed in `allowed_dir`; a path with a directory part is accepted only if that
/// part is exactly `allowed_dir` (compared as text, trailing slashes ignored, like Kea).
/// With `allowed_dir == None` (`-X`) any path with a file name is accepted unchanged.
pub fn validate_path(allowed_dir: Option<&Path>, input: &str) -> Result<PathBuf, PathError> {
    let input = input.trim();
    let (parent, file) = match input.rfind('/') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    if file.is_empty() || file == "." || file == ".." {
        return Err(PathError::NoFilename(input.to_string()));
    }
    let Some(dir) = allowed_dir else {
        return Ok(PathBuf::from(input));
    };
    let supported = dir.to_string_lossy();
    let supported = trim_trailing_slashes(&supported);
    if input.contains('/') {
        let given = if parent.is_empty() { "/" } else { parent };
        if trim_trailing_slashes(given) != supported {
            return Err(PathError::NotSupported {
                given: given.to_string(),
                supported: supported.to_string(),
            });
        }
    }
    Ok(Path::new(supported).join(file))
}

fn trim_trailing_slashes(s: &str) -> &str {
    let t = s.trim_end_matches('/');
    if t.is_empty() && s.starts_with('/') {
        "/"
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = "/var/log/kea";

    #[test]
    fn bare_name_goes_into_the_directory() {
        assert_eq!(
            validate_path(Some(Path::new(DIR)), "kea-dhcp4.log"),
            Ok(PathBuf::from("/var/log/kea/kea-dhcp4.log"))
        );
        assert_eq!(
            validate_path(Some(Path::new("/var/log/kea/")), " x.log "),
            Ok(PathBuf::from("/var/log/kea/x.log"))
        );
    }

    #[test]
    fn the_allowed_directory_is_accepted() {
        assert_eq!(
            validate_path(Some(Path::new(DIR)), "/var/log/kea/x.log"),
            Ok(PathBuf::from("/var/log/kea/x.log"))
        );
    }

    #[test]
    fn other_directories_are_refused_with_keas_text() {
        let err = validate_path(Some(Path::new(DIR)), "/tmp/x.log").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid path specified: '/tmp', supported path is '/var/log/kea'"
        );
        assert!(validate_path(Some(Path::new(DIR)), "logs/x.log").is_err());
        assert!(validate_path(Some(Path::new(DIR)), "/var/log/kea/sub/x.log").is_err());
        assert!(validate_path(Some(Path::new(DIR)), "/x.log").is_err());
    }

    #[test]
    fn missing_file_name_is_refused() {
        assert_eq!(
            validate_path(Some(Path::new(DIR)), "/var/log/kea/"),
            Err(PathError::NoFilename("/var/log/kea/".into()))
        );
        assert!(validate_path(None, "").is_err());
    }

    #[test]
    fn no_restriction_keeps_the_path() {
        assert_eq!(
            validate_path(None, "/tmp/x.log"),
            Ok(PathBuf::from("/tmp/x.log"))
        );
        assert_eq!(
            validate_path(None, "rel/x.log"),
            Ok(PathBuf::from("rel/x.log"))
        );
    }
}
