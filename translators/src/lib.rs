//! Kea JSON ⇄ YANG for the `kea-dhcp4-server` and `kea-dhcp6-server` models
//! (ARM 22.1.4–22.1.5).
//!
//! ```text
//! let t = Translator::new(context, Model::KeaDhcp4)?;
//! let tree = t.to_yang(&json!({"Dhcp4": {...}}))?;   // validated libyang tree
//! let kea  = t.to_kea(&tree)?;                        // {"Dhcp4": {...}}
//! ```
//!
//! The mapping is driven by the schema: at construction the translator walks
//! the model's config nodes and gives each a [`rules::Rule`]. Most leaves are
//! same-named scalars; renamed nodes, Kea's pool and prefix notations, host
//! identifiers, option defaults and JSON-in-a-string leaves (`user-context`,
//! hook `parameters`, `dhcp-queue-control`) have their own rules, listed in
//! `rules.rs`. [`Translator::unmapped_nodes`] names any config node without a
//! rule, and a test keeps that list empty.
//!
//! Where ISC's translators silently lose data, these refuse: an unknown JSON
//! key, a JSON list whose entries collide on their YANG keys, or a
//! `user-context` that is not a JSON map is an error naming the JSON path.
//! The normalisations a round trip makes on purpose are listed in
//! [`Translator::normalize`]'s documentation.
//!
//! Deviation, list order: as in ISC's models, only subnets, pools,
//! pd-pools and client classes are `ordered-by user`. libyang keeps every
//! other list and leaf-list sorted by key, so YANG → JSON gives them in
//! that order, not Kea's, although Kea depends on the order of
//! `hooks-libraries` (load and callout order) and
//! `host-reservation-identifiers` (lookup order), and option data, host
//! reservations, shared networks, loggers... come back reordered too.
//! [`Translator::follow_order`] takes the order back from a reference
//! config (the one the server runs); a NETCONF client that needs a given
//! hook order cannot express it in these models. (libyang's
//! `LYD_PARSE_ORDERED` would keep the JSON order in the tree, but an
//! unsorted system-ordered list makes libyang 2.2 loop forever on the
//! next insert into it, so it is not used.)
//!
//! Speed: 10,000 subnets with 100,000 reservations translate JSON → YANG
//! (validated) in about 0.63 s of CPU and back in about 0.14 s
//! (`examples/translate_bench.rs`); most of the first is libyang storing
//! the values (its string dictionary, the patterns of `inet` types) and
//! validating the tree, about 0.2 s of it the final validation.

mod error;
mod ietf;
mod normalize;
mod options;
mod order;
mod path;
mod rules;
mod schema;
mod state;
mod to_kea;
mod to_yang;

pub use error::TranslateError;
pub use normalize::{NoStandardOptions, OptionCodes};
pub use options::StandardOptions;
pub use schema::Model;
pub use state::{StateInputs, state_json};

use yang2::context::Context;
use yang2::data::DataTree;

/// Translates one model's config between Kea JSON and YANG.
#[derive(Debug)]
pub struct Translator {
    context: &'static Context,
    model: Model,
    root: schema::Node,
}

impl Translator {
    /// Builds the translator of `model` from the schema loaded in `context`
    /// (the module must be loaded and implemented).
    pub fn new(context: &'static Context, model: Model) -> Result<Self, TranslateError> {
        let root = schema::build(context, model)?;
        Ok(Self {
            context,
            model,
            root,
        })
    }

    pub fn model(&self) -> Model {
        self.model
    }

    /// YANG config tree → `{"Dhcp4": {...}}` / `{"Dhcp6": {...}}`. Default
    /// nodes libyang added are left out, as are state nodes.
    pub fn to_kea(&self, tree: &DataTree<'static>) -> Result<serde_json::Value, TranslateError> {
        if self.model == Model::IetfDhcpv6 {
            return ietf::to_kea(tree);
        }
        to_kea::translate(&self.root, self.model, tree)
    }

    /// `{"Dhcp4": {...}}` (or the inner map alone) → a validated YANG tree.
    /// The JSON is normalised on the way (see [`Translator::normalize`],
    /// which gives the same result as a separate map) with the standard
    /// option definitions of `codes`.
    pub fn to_yang_with(
        &self,
        kea: &serde_json::Value,
        codes: &dyn OptionCodes,
    ) -> Result<DataTree<'static>, TranslateError> {
        let inner = self.inner_map(kea)?;
        if self.model == Model::IetfDhcpv6 {
            return ietf::to_yang(self.context, inner);
        }
        to_yang::translate(self.context, &self.root, self.model, inner, codes)
    }

    /// The Kea JSON that a round trip of `kea` through YANG gives back (the
    /// inner map of `Dhcp4`/`Dhcp6`); see the `normalize` module for the
    /// list of normalisations.
    pub fn normalize(
        &self,
        kea: &serde_json::Value,
        codes: &dyn OptionCodes,
    ) -> Result<serde_json::Map<String, serde_json::Value>, TranslateError> {
        normalize::normalize(&self.root, self.model, self.inner_map(kea)?, codes)
    }

    /// [`Self::to_yang_with`] without standard option definitions: option
    /// data must name its `code` or refer to the config's own `option-def`.
    pub fn to_yang(&self, kea: &serde_json::Value) -> Result<DataTree<'static>, TranslateError> {
        self.to_yang_with(kea, &normalize::NoStandardOptions)
    }

    /// Puts the lists that the YANG model orders by system (everything but
    /// subnets, pools and client classes) in a canonical order, so that two
    /// configs can be compared after a trip through YANG. `kea` is
    /// `{"Dhcp4": {...}}` or the inner map.
    pub fn sort_system_ordered(&self, kea: &mut serde_json::Value) {
        let top = self.model.kea_object();
        match kea.get_mut(top) {
            Some(inner) => schema::sort_system_ordered(&self.root, inner),
            None => schema::sort_system_ordered(&self.root, kea),
        }
    }

    /// Puts the lists and leaf-lists that the YANG model orders by system
    /// back in the order they have in `reference` (both `{"Dhcp4": {...}}`
    /// or the inner map), typically the config the server runs.
    ///
    /// libyang keeps such lists sorted by key, so a trip through YANG loses
    /// Kea's order, which matters for `hooks-libraries` (load and callout
    /// order) and `host-reservation-identifiers` (lookup order), and is
    /// kept for the others too. Entries are matched by their YANG keys,
    /// leaf-list items by value; entries `reference` lacks keep their
    /// relative order after the others. Lists the model orders by user
    /// (subnets, pools, client classes) keep their YANG order, and the
    /// lists inside their entries are reordered.
    pub fn follow_order(&self, kea: &mut serde_json::Value, reference: &serde_json::Value) {
        let top = self.model.kea_object();
        let reference = reference.get(top).unwrap_or(reference);
        let Some(reference) = reference.as_object() else {
            return;
        };
        let inner = match kea.get_mut(top) {
            Some(inner) => inner,
            None => kea,
        };
        if let Some(map) = inner.as_object_mut() {
            order::follow(&self.root, self.model, map, reference);
        }
    }

    /// The model's operational `state` subtree from what the server
    /// answered (see [`StateInputs`]).
    pub fn state_to_yang(
        &self,
        inputs: &StateInputs<'_>,
    ) -> Result<DataTree<'static>, TranslateError> {
        state::state_tree(self.context, self.model, inputs)
    }

    /// Config schema nodes (YANG paths) that no rule covers. Empty when the
    /// translator handles the whole model.
    pub fn unmapped_nodes(&self) -> Vec<String> {
        let mut out = Vec::new();
        schema::unmapped(&self.root, "", &mut out);
        out
    }

    fn inner_map<'v>(
        &self,
        kea: &'v serde_json::Value,
    ) -> Result<&'v serde_json::Map<String, serde_json::Value>, TranslateError> {
        let top = self.model.kea_object();
        let map = kea
            .as_object()
            .ok_or_else(|| TranslateError::json("", "expected a JSON map"))?;
        match map.get(top) {
            Some(inner) if map.len() == 1 => inner
                .as_object()
                .ok_or_else(|| TranslateError::json(top, "expected a JSON map")),
            Some(_) => Err(TranslateError::json(
                "",
                format!("only the {top} object can be translated, found other top-level keys"),
            )),
            None => Ok(map),
        }
    }
}
