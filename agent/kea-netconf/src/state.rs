//! Operational state served on `<get>`: live leases (`lease*-get-page`)
//! and lease statistics (`stat-lease*-get`), fetched from the servers over
//! their control sockets when a client asks. A server without the lease or
//! statistics commands (no hook library loaded) contributes no leases or
//! statistics. Hosts are the reservations of the server's `config-get`;
//! those of a host database backend are not served.

use std::sync::Arc;

use kea_translators::StateInputs;
use kea_yang::yang2::data::DataTree;
use serde_json::Value;
use tokio::runtime::Handle;
use yang_datastore::OperationalProvider;

use crate::binding::ServerBinding;
use crate::control::CommandError;

/// Largest number of leases fetched for one `<get>` (lease*-get-page pages
/// of this size are walked until the end or this bound).
pub const MAX_STATE_LEASES: usize = 100_000;
const PAGE: usize = 1000;

/// State provider of one model, backed by the server bound to it.
pub struct ServerState {
    binding: Arc<ServerBinding>,
    runtime: Handle,
}

impl ServerState {
    pub fn new(binding: Arc<ServerBinding>, runtime: Handle) -> Self {
        Self { binding, runtime }
    }

    async fn leases(&self) -> Result<Option<Vec<Value>>, CommandError> {
        let family = if self.binding.model().contains("dhcp6") {
            "6"
        } else {
            "4"
        };
        let command = format!("lease{family}-get-page");
        let mut all = Vec::new();
        let mut from = Value::from("start");
        loop {
            let args = serde_json::json!({"from": from, "limit": PAGE});
            let answer = self.binding.control.send(&command, Some(args)).await?;
            match answer.result {
                0 => {}
                // 3: no (more) leases; 2: lease commands not available.
                3 => break,
                2 => return Ok(None),
                result => {
                    return Err(CommandError::Rejected {
                        result,
                        text: answer.text.unwrap_or_default(),
                    });
                }
            }
            let leases = answer
                .arguments
                .as_ref()
                .and_then(|a| a.get("leases"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let count = leases.len();
            let last = leases.last().and_then(|l| l.get("ip-address")).cloned();
            all.extend(leases);
            match last {
                Some(address) if count == PAGE && all.len() < MAX_STATE_LEASES => from = address,
                _ => break,
            }
        }
        Ok(Some(all))
    }

    async fn lease_stats(&self) -> Result<Option<Value>, CommandError> {
        let family = if self.binding.model().contains("dhcp6") {
            "6"
        } else {
            "4"
        };
        let answer = self
            .binding
            .control
            .send(&format!("stat-lease{family}-get"), None)
            .await?;
        Ok(match answer.result {
            0 => answer.arguments.and_then(|a| a.get("result-set").cloned()),
            _ => None,
        })
    }
}

/// Whether a `<get>` selecting `xpath` can reach the `state` subtree: a
/// filter on the config container alone does not, and needs no round trip
/// to the server (nor a live server).
fn wants_state(xpath: Option<&str>) -> bool {
    match xpath {
        None => true,
        Some(xpath) => xpath.contains("state") || !xpath.contains(":config"),
    }
}

impl OperationalProvider for ServerState {
    fn state(
        &self,
        _module: &str,
        xpath: Option<&str>,
    ) -> Result<Option<DataTree<'static>>, String> {
        let Some(translator) = self.binding.translator.as_ref() else {
            return Ok(None);
        };
        if !wants_state(xpath) {
            return Ok(None);
        }
        if !self.binding.control.is_connected() {
            return Ok(None);
        }
        let (leases, stats, config) = self.runtime.block_on(async {
            let leases = self.leases().await;
            let stats = self.lease_stats().await;
            let config = self.binding.config_get().await;
            (leases, stats, config)
        });
        let leases = leases.map_err(|e| format!("{}: leases: {e}", self.binding.name()))?;
        let stats = stats.map_err(|e| format!("{}: lease statistics: {e}", self.binding.name()))?;
        let config = config.map_err(|e| format!("{}: config-get: {e}", self.binding.name()))?;
        let inner = config
            .as_object()
            .and_then(|m| m.values().next())
            .and_then(Value::as_object);
        let inputs = StateInputs {
            leases: leases.as_deref(),
            lease_stats: stats.as_ref(),
            config: inner,
        };
        translator
            .state_to_yang(&inputs)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::wants_state;

    #[test]
    fn config_filters_skip_the_server() {
        assert!(wants_state(None));
        assert!(wants_state(Some("/kea-dhcp6-server:state")));
        assert!(wants_state(Some("/kea-dhcp6-server:*")));
        assert!(wants_state(Some(
            "/kea-dhcp6-server:config | /kea-dhcp6-server:state/leases"
        )));
        assert!(!wants_state(Some("/kea-dhcp6-server:config/subnet6")));
    }
}
