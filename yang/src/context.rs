//! Building the libyang context from the embedded modules.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use yang2::context::{Context, ContextFlags, EmbeddedModuleKey, EmbeddedModules};

use crate::error::{Result, YangError};
use crate::modules::MODULES;

/// The embedded modules in the form libyang's import callback wants. It must
/// outlive every context that uses it, hence a static.
static EMBEDDED: LazyLock<EmbeddedModules> = LazyLock::new(|| {
    let mut map: EmbeddedModules = HashMap::new();
    for m in MODULES {
        map.insert(
            EmbeddedModuleKey::new(m.name, Some(m.revision), None, None),
            m.source,
        );
    }
    map
});

static CONTEXT: OnceLock<std::result::Result<Arc<Context>, YangError>> = OnceLock::new();

/// Builds a fresh context holding every embedded module.
///
/// Search directories are disabled, so nothing is read from the
/// filesystem: modules come from [`crate::MODULES`] (or are libyang's
/// internal ones). Implemented modules are loaded with exactly the features
/// listed for them.
pub fn new_context() -> Result<Context> {
    let mut ctx = Context::new(ContextFlags::DISABLE_SEARCHDIRS)?;
    ctx.set_embedded_modules(&EMBEDDED);
    for m in MODULES.iter().filter(|m| m.implemented) {
        ctx.load_module(m.name, Some(m.revision), m.features)
            .map_err(|e| {
                let mut err = YangError::from(e);
                err.message = format!("loading {}@{}: {}", m.name, m.revision, err.message);
                err
            })?;
    }
    Ok(ctx)
}

/// The process-wide context, built on first use.
///
/// Returns an error only if the embedded modules fail to load, which the
/// crate's tests rule out.
pub fn try_context() -> Result<&'static Arc<Context>> {
    CONTEXT
        .get_or_init(|| new_context().map(Arc::new))
        .as_ref()
        .map_err(Clone::clone)
}

/// The process-wide context (see [`try_context`]).
///
/// # Panics
/// If the embedded modules do not load. That is a build defect, not an
/// input error; `cargo test -p kea-yang` checks it.
pub fn context() -> &'static Arc<Context> {
    match try_context() {
        Ok(ctx) => ctx,
        Err(e) => panic!("embedded YANG modules failed to load: {e}"),
    }
}
