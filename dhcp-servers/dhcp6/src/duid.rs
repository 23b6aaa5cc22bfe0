//! The server's DUID (`server-id`, ARM 10.2.x): generated from the configuration and an
//! interface's hardware address, kept across restarts in `kea-dhcp6-serverid` in the data
//! directory (one line of colon-separated hex, as Kea writes it).

use std::path::{Path, PathBuf};

use kea_config::{DuidType, ServerId};

/// File name of the stored server DUID inside the data directory.
pub const SERVER_ID_FILE: &str = "kea-dhcp6-serverid";

/// ISC's enterprise number, Kea's default for DUID-EN.
pub const ISC_ENTERPRISE: u32 = 2495;

/// Seconds between 1970-01-01 and 2000-01-01 (DUID-LLT time base).
const DUID_EPOCH: i64 = 946_684_800;

/// Where the server DUID is stored.
pub fn default_file() -> PathBuf {
    kea_process::paths::data_dir().join(SERVER_ID_FILE)
}

/// Colon-separated hex, Kea's DUID text form.
pub fn to_text(duid: &[u8]) -> String {
    dhcp_lease::hex_text(duid)
}

fn parse_text(s: &str) -> Option<Vec<u8>> {
    let b = dhcp_lease::parse_hex(s.trim())?;
    (b.len() >= 3 && b.len() <= dhcp_packet::v6::MAX_DUID_LEN).then_some(b)
}

fn type_code(t: DuidType) -> u16 {
    match t {
        DuidType::Llt => 1,
        DuidType::En => 2,
        DuidType::Ll => 3,
    }
}

/// True when a stored DUID agrees with every value the configuration pins down.
fn compatible(stored: &[u8], cfg: &ServerId, explicit_id: Option<&[u8]>) -> bool {
    let t = u16::from_be_bytes([stored[0], stored[1]]);
    if t != type_code(cfg.duid_type) {
        return false;
    }
    let rest = &stored[2..];
    match cfg.duid_type {
        DuidType::Llt => {
            rest.len() >= 6
                && (cfg.htype == 0 || u16::from_be_bytes([rest[0], rest[1]]) == cfg.htype)
                && (cfg.time == 0
                    || u32::from_be_bytes([rest[2], rest[3], rest[4], rest[5]]) == cfg.time)
                && explicit_id.is_none_or(|id| &rest[6..] == id)
        }
        DuidType::En => {
            rest.len() >= 4
                && (cfg.enterprise_id == 0
                    || u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]])
                        == cfg.enterprise_id)
                && explicit_id.is_none_or(|id| &rest[4..] == id)
        }
        DuidType::Ll => {
            rest.len() >= 2
                && (cfg.htype == 0 || u16::from_be_bytes([rest[0], rest[1]]) == cfg.htype)
                && explicit_id.is_none_or(|id| &rest[2..] == id)
        }
    }
}

/// Builds a new DUID from the configuration. `mac` is the hardware address of an
/// interface (used when no identifier is configured for LLT/LL); `now` is Unix seconds;
/// `random` fills a DUID-EN identifier when none is configured.
pub fn generate(
    cfg: &ServerId,
    mac: Option<[u8; 6]>,
    now: i64,
    random: [u8; 6],
) -> Result<Vec<u8>, String> {
    let explicit = parse_identifier(cfg)?;
    let mut out = type_code(cfg.duid_type).to_be_bytes().to_vec();
    let lladdr = || -> Result<Vec<u8>, String> {
        match (&explicit, mac) {
            (Some(id), _) => Ok(id.clone()),
            (None, Some(m)) => Ok(m.to_vec()),
            (None, None) => Err(
                "unable to generate the server DUID: no interface with a hardware address".into(),
            ),
        }
    };
    match cfg.duid_type {
        DuidType::Llt => {
            let htype = if cfg.htype == 0 { 1 } else { cfg.htype };
            let time = if cfg.time == 0 {
                (now - DUID_EPOCH).max(0) as u32
            } else {
                cfg.time
            };
            out.extend_from_slice(&htype.to_be_bytes());
            out.extend_from_slice(&time.to_be_bytes());
            out.extend_from_slice(&lladdr()?);
        }
        DuidType::En => {
            let ent = if cfg.enterprise_id == 0 {
                ISC_ENTERPRISE
            } else {
                cfg.enterprise_id
            };
            out.extend_from_slice(&ent.to_be_bytes());
            out.extend_from_slice(explicit.as_deref().unwrap_or(&random));
        }
        DuidType::Ll => {
            let htype = if cfg.htype == 0 { 1 } else { cfg.htype };
            out.extend_from_slice(&htype.to_be_bytes());
            out.extend_from_slice(&lladdr()?);
        }
    }
    if out.len() > dhcp_packet::v6::MAX_DUID_LEN {
        return Err("server-id: the identifier makes the DUID longer than 130 bytes".into());
    }
    Ok(out)
}

fn parse_identifier(cfg: &ServerId) -> Result<Option<Vec<u8>>, String> {
    if cfg.identifier.is_empty() {
        return Ok(None);
    }
    dhcp_lease::parse_hex(&cfg.identifier)
        .filter(|b| !b.is_empty())
        .map(Some)
        .ok_or_else(|| format!("server-id: invalid identifier '{}'", cfg.identifier))
}

/// The DUID in use: the stored one when it agrees with the configuration, else a new one
/// (stored when `persist` is on). Returns the DUID and whether it was written.
pub fn load_or_create(
    cfg: &ServerId,
    file: &Path,
    mac: Option<[u8; 6]>,
    now: i64,
) -> Result<(Vec<u8>, bool), String> {
    let explicit = parse_identifier(cfg)?;
    if cfg.persist
        && let Ok(text) = std::fs::read_to_string(file)
        && let Some(stored) = parse_text(&text)
        && compatible(&stored, cfg, explicit.as_deref())
    {
        return Ok((stored, false));
    }
    let random: [u8; 6] = rand::random();
    let duid = generate(cfg, mac, now, random)?;
    if cfg.persist {
        let text = format!("{}\n", to_text(&duid));
        std::fs::write(file, text)
            .map_err(|e| format!("unable to store the server DUID in {}: {e}", file.display()))?;
        return Ok((duid, true));
    }
    Ok((duid, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(t: DuidType) -> ServerId {
        ServerId {
            duid_type: t,
            identifier: String::new(),
            time: 0,
            htype: 0,
            enterprise_id: 0,
            persist: true,
            user_context: None,
        }
    }

    #[test]
    fn generates_each_type() {
        let mac = Some([2, 0, 0, 0, 0, 1]);
        let llt = generate(&cfg(DuidType::Llt), mac, DUID_EPOCH + 100, [0; 6]).unwrap();
        assert_eq!(llt, vec![0, 1, 0, 1, 0, 0, 0, 100, 2, 0, 0, 0, 0, 1]);
        let ll = generate(&cfg(DuidType::Ll), mac, 0, [0; 6]).unwrap();
        assert_eq!(ll, vec![0, 3, 0, 1, 2, 0, 0, 0, 0, 1]);
        let en = generate(&cfg(DuidType::En), None, 0, [9; 6]).unwrap();
        assert_eq!(en, vec![0, 2, 0, 0, 9, 191, 9, 9, 9, 9, 9, 9]);
        assert!(generate(&cfg(DuidType::Ll), None, 0, [0; 6]).is_err());
        let mut explicit = cfg(DuidType::En);
        explicit.identifier = "0102".into();
        explicit.enterprise_id = 7;
        assert_eq!(
            generate(&explicit, None, 0, [0; 6]).unwrap(),
            vec![0, 2, 0, 0, 0, 7, 1, 2]
        );
        explicit.identifier = "zz".into();
        assert!(generate(&explicit, None, 0, [0; 6]).is_err());
    }

    #[test]
    fn persists_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(SERVER_ID_FILE);
        let c = cfg(DuidType::Llt);
        let (a, wrote) = load_or_create(&c, &f, Some([2, 0, 0, 0, 0, 1]), 1_800_000_000).unwrap();
        assert!(wrote);
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("00:01:00:01:"), "{text}");
        let (b, wrote) = load_or_create(&c, &f, Some([2, 0, 0, 0, 0, 9]), 1_900_000_000).unwrap();
        assert!(!wrote);
        assert_eq!(a, b);
        // A different configured type replaces the stored DUID.
        let (c2, wrote) =
            load_or_create(&cfg(DuidType::Ll), &f, Some([2, 0, 0, 0, 0, 9]), 0).unwrap();
        assert!(wrote);
        assert_eq!(&c2[..2], &[0, 3]);
        // Garbage in the file is replaced, never trusted.
        std::fs::write(&f, "not a duid").unwrap();
        let (d, wrote) = load_or_create(&c, &f, Some([2, 0, 0, 0, 0, 1]), 1_800_000_000).unwrap();
        assert!(wrote);
        assert_eq!(d, a);
    }
}
