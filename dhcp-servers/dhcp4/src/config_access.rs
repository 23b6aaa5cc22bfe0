//! The running kea-dhcp4 configuration for the subnet and host commands of
//! [`dhcp_config_cmds`]: they read what config-get shows and apply changes through the same
//! transactional path as config-set ([`crate::commands::apply`]).

use std::sync::Arc;

use dhcp_config_cmds::{BoxFuture, ConfigAccess, Family};
use kea_command::CommandRegistry;
use kea_config::Element;
use serde_json::Value;

use crate::commands::{Ctx, apply};

struct Access(Ctx);

impl ConfigAccess for Access {
    fn current(&self) -> Value {
        self.0.server.state().cfg.model_json()
    }

    fn apply(&self, new: Value) -> BoxFuture<Result<(), String>> {
        let ctx = self.0.clone();
        Box::pin(async move {
            let root = Element::from_json(&new, "<wire>").map_err(|e| e.command_text())?;
            apply(&ctx, &root).await
        })
    }
}

/// Registers subnetX-*, networkX-* and reservation-* on `reg`.
pub fn register(reg: &CommandRegistry, ctx: &Ctx) {
    dhcp_config_cmds::register(reg, Family::V4, Arc::new(Access(ctx.clone())));
}
