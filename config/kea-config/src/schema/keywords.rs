//! Keyword tables for every map context of the Dhcp4 (§29.1), Dhcp6 (§29.2) and Netconf
//! (§29.5) grammars, with value kinds, ranges, enumerations and `config-get` defaults.
//!
//! A few keywords newer than 3.0 that appear in ISC's current examples and YANG models
//! (`adaptive-lease-time-threshold`, `allow-address-registration`, `ssl-mode`) are
//! accepted too, so every upstream example validates.

use super::{Alias, Ctx, Def, Field, IdText, Kind};

const U32: i64 = u32::MAX as i64;
const U16: i64 = u16::MAX as i64;

const fn b(k: &'static str) -> Field {
    Field::new(k, Kind::Bool)
}
const fn u32f(k: &'static str) -> Field {
    Field::new(k, Kind::Int(0, U32))
}
const fn u16f(k: &'static str) -> Field {
    Field::new(k, Kind::Int(0, U16))
}
const fn s(k: &'static str) -> Field {
    Field::new(k, Kind::Str)
}
const fn frac(k: &'static str) -> Field {
    Field::new(k, Kind::Float(0.0, 1.0))
}
const fn en(k: &'static str, v: &'static [&'static str]) -> Field {
    Field::new(k, Kind::Enum(v))
}
const fn sl(k: &'static str) -> Field {
    Field::new(k, Kind::StrList)
}
const fn map(k: &'static str, c: &'static Ctx) -> Field {
    Field::new(k, Kind::Map(c))
}
const fn list(k: &'static str, c: &'static Ctx) -> Field {
    Field::new(k, Kind::MapList(c))
}

// ----- enumerations ---------------------------------------------------------------

pub(crate) const REPLACE_CLIENT_NAME: &[&str] =
    &["when-present", "never", "always", "when-not-present"];
pub(crate) const CONFLICT_RESOLUTION: &[&str] = &[
    "check-with-dhcid",
    "no-check-with-dhcid",
    "check-exists-with-dhcid",
    "no-check-without-dhcid",
];
pub(crate) const ALLOCATORS: &[&str] = &["iterative", "random", "flq"];
pub(crate) const HOST_IDS4: &[&str] = &["hw-address", "duid", "circuit-id", "client-id", "flex-id"];
pub(crate) const HOST_IDS6: &[&str] = &["hw-address", "duid", "flex-id"];
pub(crate) const DB_TYPES: &[&str] = &["memfile", "mysql", "postgresql"];
pub(crate) const ON_FAIL: &[&str] = &[
    "stop-retry-exit",
    "serve-retry-exit",
    "serve-retry-continue",
];
pub(crate) const SEVERITIES: &[&str] = &["FATAL", "ERROR", "WARN", "INFO", "DEBUG", "NONE"];
pub(crate) const LEASE_CHECKS: &[&str] = &["none", "warn", "fix", "fix-del", "del"];
pub(crate) const EXTENDED_INFO_CHECKS: &[&str] = &["none", "fix", "strict", "pedantic"];
pub(crate) const SOCKET_TYPES: &[&str] = &["unix", "http", "https"];
pub(crate) const NETCONF_SOCKET_TYPES: &[&str] = &["unix", "http", "stdout"];
pub(crate) const DUID_TYPES: &[&str] = &["LLT", "EN", "LL"];

// ----- shared keyword groups ------------------------------------------------------

static META: &[Field] = &[
    Field::new("user-context", Kind::UserContext),
    Field::new("comment", Kind::Comment),
];

static VALID_LIFETIMES: &[Field] = &[
    u32f("valid-lifetime"),
    u32f("min-valid-lifetime"),
    u32f("max-valid-lifetime"),
];
static PREFERRED_LIFETIMES: &[Field] = &[
    u32f("preferred-lifetime"),
    u32f("min-preferred-lifetime"),
    u32f("max-preferred-lifetime"),
];
static TIMERS: &[Field] = &[
    u32f("renew-timer"),
    u32f("rebind-timer"),
    b("calculate-tee-times"),
    frac("t1-percent"),
    frac("t2-percent"),
];
static CACHE: &[Field] = &[
    frac("cache-threshold"),
    u32f("cache-max-age"),
    frac("adaptive-lease-time-threshold"),
];
/// The DDNS and hostname-sanitizing keywords (global, network, subnet and pool level).
static DDNS: &[Field] = &[
    b("ddns-send-updates"),
    b("ddns-override-no-update"),
    b("ddns-override-client-update"),
    en("ddns-replace-client-name", REPLACE_CLIENT_NAME),
    s("ddns-generated-prefix"),
    s("ddns-qualifying-suffix"),
    b("ddns-update-on-renew"),
    en("ddns-conflict-resolution-mode", CONFLICT_RESOLUTION),
    frac("ddns-ttl-percent"),
    u32f("ddns-ttl"),
    u32f("ddns-ttl-min"),
    u32f("ddns-ttl-max"),
    s("hostname-char-set"),
    s("hostname-char-replacement"),
];
/// The deprecated boolean form, accepted at global, network and subnet level (not pools).
static DDNS_LEGACY: &[Field] =
    &[b("ddns-use-conflict-resolution").alias(Alias::ConflictResolution)];
static RESERVATION_FLAGS: &[Field] = &[
    b("reservations-global"),
    b("reservations-in-subnet"),
    b("reservations-out-of-pool"),
];
static CLASS_REFS: &[Field] = &[
    s("client-class").alias(Alias::ClassToList("client-classes")),
    sl("client-classes"),
    sl("require-client-classes").alias(Alias::Rename("evaluate-additional-classes")),
    sl("evaluate-additional-classes"),
];
static V4_HEADER: &[Field] = &[s("next-server"), s("server-hostname"), s("boot-file-name")];
static V4_NETWORK: &[Field] = &[
    b("match-client-id"),
    b("authoritative"),
    u32f("offer-lifetime"),
];
static NETWORK_COMMON: &[Field] = &[
    s("interface"),
    map("relay", &RELAY),
    b("store-extended-info"),
    en("allocator", ALLOCATORS),
];
static V6_NETWORK: &[Field] = &[
    s("interface-id"),
    b("rapid-commit"),
    en("pd-allocator", ALLOCATORS),
];

// ----- small shared contexts ------------------------------------------------------

pub(crate) static RELAY: Ctx =
    Ctx::new("relay", &[&[sl("ip-addresses").def(Def::EmptyList)]], false);

static DATABASE_FIELDS: &[Field] = &[
    en("type", DB_TYPES),
    s("user"),
    s("password"),
    s("host"),
    u16f("port"),
    s("name"),
    b("persist"),
    u32f("lfc-interval"),
    b("readonly"),
    u32f("connect-timeout"),
    u32f("read-timeout"),
    u32f("write-timeout"),
    u32f("tcp-user-timeout"),
    u32f("max-reconnect-tries"),
    u32f("reconnect-wait-time"),
    en("on-fail", ON_FAIL),
    b("retry-on-startup"),
    u32f("max-row-errors"),
    s("trust-anchor"),
    s("cert-file"),
    s("key-file"),
    s("cipher-list"),
    s("ssl-mode"),
];

pub(crate) static HOSTS_DATABASE: Ctx = Ctx::new("hosts-database", &[DATABASE_FIELDS], false);
pub(crate) static HOSTS_DATABASES: Ctx = Ctx::new("hosts-databases", &[DATABASE_FIELDS], false);
pub(crate) static CONFIG_DATABASES: Ctx = Ctx::new("config-databases", &[DATABASE_FIELDS], false);

/// The lease database: like any database, but config-get shows `type: memfile` when
/// nothing is configured.
pub(crate) static LEASE_DATABASE: Ctx = Ctx::new(
    "lease-database",
    &[
        &[en("type", DB_TYPES).def(Def::Str("memfile"))],
        DATABASE_FIELDS,
    ],
    false,
);

pub(crate) static HOOKS_LIBRARY: Ctx = Ctx::new(
    "hooks-libraries",
    &[&[s("library"), Field::new("parameters", Kind::AnyMap)]],
    false,
);

pub(crate) static OUTPUT_OPTIONS: Ctx = Ctx::new(
    "output-options",
    &[&[
        s("output"),
        b("flush").def(Def::Bool(true)),
        u32f("maxsize").def(Def::Int(10_240_000)),
        Field::new("maxver", Kind::Int(1, U32)).def(Def::Int(1)),
        s("pattern").def(Def::Str("")),
    ]],
    false,
);

pub(crate) static LOGGER: Ctx = Ctx::new(
    "loggers",
    &[
        &[
            s("name"),
            list("output-options", &OUTPUT_OPTIONS),
            list("output_options", &OUTPUT_OPTIONS).alias(Alias::Rename("output-options")),
            Field::new("debuglevel", Kind::Int(0, 99)).def(Def::Int(0)),
            Field::new("severity", Kind::EnumAnyCase(SEVERITIES)).def(Def::Str("INFO")),
        ],
        META,
    ],
    false,
);

static CLIENT: Ctx = Ctx::new(
    "clients",
    &[
        &[s("user"), s("user-file"), s("password"), s("password-file")],
        META,
    ],
    false,
);

static AUTHENTICATION: Ctx = Ctx::new(
    "authentication",
    &[
        &[
            en("type", &["basic"]),
            s("realm"),
            s("directory"),
            list("clients", &CLIENT),
        ],
        META,
    ],
    false,
);

static HTTP_HEADER: Ctx = Ctx::new("http-headers", &[&[s("name"), s("value")], META], false);

static CONTROL_SOCKET_FIELDS: &[&[Field]] = &[
    &[
        en("socket-type", SOCKET_TYPES),
        s("socket-name"),
        s("socket-address"),
        u16f("socket-port"),
        map("authentication", &AUTHENTICATION),
        s("trust-anchor"),
        s("cert-file"),
        s("key-file"),
        b("cert-required"),
        list("http-headers", &HTTP_HEADER),
    ],
    META,
];

pub(crate) static CONTROL_SOCKET: Ctx = Ctx::new("control-socket", CONTROL_SOCKET_FIELDS, false);
pub(crate) static CONTROL_SOCKETS: Ctx = Ctx::new("control-sockets", CONTROL_SOCKET_FIELDS, false);

pub(crate) static EXPIRED_LEASES: Ctx = Ctx::new(
    "expired-leases-processing",
    &[&[
        u32f("reclaim-timer-wait-time").def(Def::Int(10)),
        u32f("flush-reclaimed-timer-wait-time").def(Def::Int(25)),
        u32f("hold-reclaimed-time").def(Def::Int(3600)),
        u32f("max-reclaim-leases").def(Def::Int(100)),
        u32f("max-reclaim-time").def(Def::Int(250)),
        u32f("unwarned-reclaim-cycles").def(Def::Int(5)),
    ]],
    false,
);

pub(crate) static MULTI_THREADING: Ctx = Ctx::new(
    "multi-threading",
    &[
        &[
            b("enable-multi-threading").def(Def::Bool(true)),
            u32f("thread-pool-size").def(Def::Int(0)),
            u32f("packet-queue-size").def(Def::Int(64)),
        ],
        META,
    ],
    false,
);

pub(crate) static SANITY_CHECKS: Ctx = Ctx::new(
    "sanity-checks",
    &[&[
        en("lease-checks", LEASE_CHECKS).def(Def::Str("warn")),
        en("extended-info-checks", EXTENDED_INFO_CHECKS).def(Def::Str("fix")),
    ]],
    false,
);

pub(crate) static CONFIG_CONTROL: Ctx = Ctx::new(
    "config-control",
    &[&[
        list("config-databases", &CONFIG_DATABASES),
        u32f("config-fetch-wait-time"),
    ]],
    false,
);

static DHCP_DDNS_COMMON: &[Field] = &[
    b("enable-updates").def(Def::Bool(false)),
    s("server-ip").def(Def::Str("127.0.0.1")),
    u16f("server-port").def(Def::Int(53001)),
    u16f("sender-port").def(Def::Int(0)),
    u32f("max-queue-size").def(Def::Int(1024)),
    Field::new("ncr-protocol", Kind::EnumAnyCase(&["UDP", "TCP"])).def(Def::Str("UDP")),
    Field::new("ncr-format", Kind::EnumAnyCase(&["JSON"])).def(Def::Str("JSON")),
];

pub(crate) static DHCP_DDNS4: Ctx = Ctx::new(
    "dhcp-ddns",
    &[
        DHCP_DDNS_COMMON,
        &[s("sender-ip").def(Def::Str("0.0.0.0"))],
        META,
    ],
    false,
);

pub(crate) static DHCP_DDNS6: Ctx = Ctx::new(
    "dhcp-ddns",
    &[
        DHCP_DDNS_COMMON,
        &[s("sender-ip").def(Def::Str("::"))],
        META,
    ],
    false,
);

/// `dhcp-queue-control` accepts arbitrary entries for custom queue implementations.
pub(crate) static QUEUE_CONTROL4: Ctx = Ctx::new(
    "dhcp-queue-control",
    &[
        &[
            b("enable-queue").def(Def::Bool(false)),
            s("queue-type").def(Def::Str("kea-ring4")),
            u32f("capacity").def(Def::Int(64)),
        ],
        META,
    ],
    true,
);

pub(crate) static QUEUE_CONTROL6: Ctx = Ctx::new(
    "dhcp-queue-control",
    &[
        &[
            b("enable-queue").def(Def::Bool(false)),
            s("queue-type").def(Def::Str("kea-ring6")),
            u32f("capacity").def(Def::Int(64)),
        ],
        META,
    ],
    true,
);

static OPTION_DATA_FIELDS: &[Field] = &[
    s("name"),
    s("data"),
    b("csv-format").def(Def::Bool(true)),
    b("always-send").def(Def::Bool(false)),
    b("never-send").def(Def::Bool(false)),
    sl("client-classes"),
];

pub(crate) static OPTION_DATA4: Ctx = Ctx::new(
    "option-data",
    &[
        OPTION_DATA_FIELDS,
        &[
            Field::new("code", Kind::Int(0, 255)),
            s("space").def(Def::Str("dhcp4")),
        ],
        META,
    ],
    false,
);

pub(crate) static OPTION_DATA6: Ctx = Ctx::new(
    "option-data",
    &[
        OPTION_DATA_FIELDS,
        &[
            Field::new("code", Kind::Int(0, U16)),
            s("space").def(Def::Str("dhcp6")),
        ],
        META,
    ],
    false,
);

static OPTION_DEF_FIELDS: &[Field] = &[
    s("name"),
    s("type"),
    s("record-types").def(Def::Str("")),
    s("encapsulate").def(Def::Str("")),
    b("array").def(Def::Bool(false)),
];

pub(crate) static OPTION_DEF4: Ctx = Ctx::new(
    "option-def",
    &[
        OPTION_DEF_FIELDS,
        &[
            Field::new("code", Kind::Int(0, 255)),
            s("space").def(Def::Str("dhcp4")),
        ],
        META,
    ],
    false,
);

pub(crate) static OPTION_DEF6: Ctx = Ctx::new(
    "option-def",
    &[
        OPTION_DEF_FIELDS,
        &[
            Field::new("code", Kind::Int(0, U16)),
            s("space").def(Def::Str("dhcp6")),
        ],
        META,
    ],
    false,
);

static CLASS_COMMON: &[Field] = &[
    s("name"),
    s("test"),
    s("template-test"),
    b("only-if-required").alias(Alias::Rename("only-in-additional-list")),
    b("only-in-additional-list"),
];

// ----- Dhcp4 ----------------------------------------------------------------------

pub(crate) static INTERFACES4: Ctx = Ctx::new(
    "interfaces-config",
    &[
        &[
            sl("interfaces").def(Def::EmptyList),
            en("dhcp-socket-type", &["raw", "udp"]),
            en("outbound-interface", &["same-as-inbound", "use-routing"]),
            b("re-detect").def(Def::Bool(true)),
            b("service-sockets-require-all"),
            u32f("service-sockets-retry-wait-time"),
            u32f("service-sockets-max-retries"),
        ],
        META,
    ],
    false,
);

pub(crate) static POOL4: Ctx = Ctx::new(
    "pools",
    &[
        &[
            Field::new("pool", Kind::Pool),
            u32f("pool-id"),
            list("option-data", &OPTION_DATA4).def(Def::EmptyList),
        ],
        CLASS_REFS,
        DDNS,
        META,
    ],
    false,
);

pub(crate) static RESERVATION4: Ctx = Ctx::new(
    "reservations",
    &[
        &[
            Field::new("duid", Kind::Identifier(IdText::Colons)),
            Field::new("hw-address", Kind::Identifier(IdText::Colons)),
            Field::new("client-id", Kind::Identifier(IdText::Hex)),
            Field::new("circuit-id", Kind::Identifier(IdText::Hex)),
            Field::new("flex-id", Kind::Identifier(IdText::Hex)),
            s("ip-address"),
            s("hostname").def(Def::Str("")),
            sl("client-classes").def(Def::EmptyList),
            list("option-data", &OPTION_DATA4).def(Def::EmptyList),
            s("next-server").def(Def::Str("0.0.0.0")),
            s("server-hostname").def(Def::Str("")),
            s("boot-file-name").def(Def::Str("")),
        ],
        META,
    ],
    false,
);

pub(crate) static CLIENT_CLASS4: Ctx = Ctx::new(
    "client-classes",
    &[
        CLASS_COMMON,
        &[
            list("option-def", &OPTION_DEF4).def(Def::EmptyList),
            list("option-data", &OPTION_DATA4).def(Def::EmptyList),
            u32f("offer-lifetime"),
            s("next-server").def(Def::Str("0.0.0.0")),
            s("server-hostname").def(Def::Str("")),
            s("boot-file-name").def(Def::Str("")),
        ],
        VALID_LIFETIMES,
        META,
    ],
    false,
);

static SUBNET4_OWN: &[Field] = &[
    Field::new("id", Kind::Int(1, U32 - 1)),
    Field::new("subnet", Kind::Prefix),
    list("pools", &POOL4).def(Def::EmptyList),
    list("reservations", &RESERVATION4).def(Def::EmptyList),
    list("option-data", &OPTION_DATA4).def(Def::EmptyList),
    s("4o6-interface").def(Def::Str("")),
    s("4o6-interface-id").def(Def::Str("")),
    s("4o6-subnet").def(Def::Str("")),
    map("relay", &RELAY).def(Def::Map),
];

pub(crate) static SUBNET4: Ctx = Ctx::new(
    "subnet4",
    &[
        SUBNET4_OWN,
        VALID_LIFETIMES,
        TIMERS,
        CACHE,
        DDNS,
        DDNS_LEGACY,
        RESERVATION_FLAGS,
        CLASS_REFS,
        V4_HEADER,
        V4_NETWORK,
        NETWORK_COMMON,
        META,
    ],
    false,
);

pub(crate) static SHARED_NETWORK4: Ctx = Ctx::new(
    "shared-networks",
    &[
        &[
            s("name"),
            list("subnet4", &SUBNET4).def(Def::EmptyList),
            list("option-data", &OPTION_DATA4).def(Def::EmptyList),
            map("relay", &RELAY).def(Def::Map),
        ],
        VALID_LIFETIMES,
        TIMERS,
        CACHE,
        DDNS,
        DDNS_LEGACY,
        RESERVATION_FLAGS,
        CLASS_REFS,
        V4_HEADER,
        V4_NETWORK,
        NETWORK_COMMON,
        META,
    ],
    false,
);

/// Global keywords with defaults (both daemons).
static GLOBAL_COMMON: &[Field] = &[
    list("hooks-libraries", &HOOKS_LIBRARY).def(Def::EmptyList),
    map("expired-leases-processing", &EXPIRED_LEASES).def(Def::Map),
    map("lease-database", &LEASE_DATABASE).def(Def::Map),
    map("hosts-database", &HOSTS_DATABASE),
    list("hosts-databases", &HOSTS_DATABASES),
    map("control-socket", &CONTROL_SOCKET),
    list("control-sockets", &CONTROL_SOCKETS),
    map("multi-threading", &MULTI_THREADING).def(Def::Map),
    map("sanity-checks", &SANITY_CHECKS).def(Def::Map),
    map("config-control", &CONFIG_CONTROL),
    list("loggers", &LOGGER),
    u32f("decline-probation-period").def(Def::Int(86400)),
    u16f("dhcp4o6-port").def(Def::Int(0)),
    s("server-tag").def(Def::Str("")),
    u32f("statistic-default-sample-count").def(Def::Int(20)),
    u32f("statistic-default-sample-age").def(Def::Int(0)),
    b("early-global-reservations-lookup").def(Def::Bool(false)),
    b("ip-reservations-unique").def(Def::Bool(true)),
    b("reservations-lookup-first").def(Def::Bool(false)),
    u32f("parked-packet-limit").def(Def::Int(256)),
    // Global values of the inheritable parameters.
    b("reservations-global").def(Def::Bool(false)),
    b("reservations-in-subnet").def(Def::Bool(true)),
    b("reservations-out-of-pool").def(Def::Bool(false)),
    frac("cache-threshold").def(Def::Float(0.25)),
    u32f("cache-max-age"),
    frac("adaptive-lease-time-threshold"),
    b("ddns-send-updates").def(Def::Bool(true)),
    b("ddns-override-no-update").def(Def::Bool(false)),
    b("ddns-override-client-update").def(Def::Bool(false)),
    en("ddns-replace-client-name", REPLACE_CLIENT_NAME).def(Def::Str("never")),
    s("ddns-generated-prefix").def(Def::Str("myhost")),
    s("ddns-qualifying-suffix").def(Def::Str("")),
    b("ddns-update-on-renew").def(Def::Bool(false)),
    b("ddns-use-conflict-resolution").alias(Alias::ConflictResolution),
    en("ddns-conflict-resolution-mode", CONFLICT_RESOLUTION).def(Def::Str("check-with-dhcid")),
    frac("ddns-ttl-percent"),
    u32f("ddns-ttl"),
    u32f("ddns-ttl-min"),
    u32f("ddns-ttl-max"),
    s("hostname-char-set").def(Def::Str("[^A-Za-z0-9.-]")),
    s("hostname-char-replacement").def(Def::Str("")),
    b("store-extended-info").def(Def::Bool(false)),
    en("allocator", ALLOCATORS).def(Def::Str("iterative")),
    u32f("min-valid-lifetime"),
    u32f("max-valid-lifetime"),
    u32f("renew-timer"),
    u32f("rebind-timer"),
];

pub(crate) static DHCP4: Ctx = Ctx::new(
    "Dhcp4",
    &[
        GLOBAL_COMMON,
        &[
            list("subnet4", &SUBNET4).def(Def::EmptyList),
            list("shared-networks", &SHARED_NETWORK4).def(Def::EmptyList),
            map("interfaces-config", &INTERFACES4).def(Def::Map),
            Field::new("host-reservation-identifiers", Kind::EnumList(HOST_IDS4)).def(
                Def::StrList(&["hw-address", "duid", "circuit-id", "client-id"]),
            ),
            list("reservations", &RESERVATION4),
            list("client-classes", &CLIENT_CLASS4),
            list("option-def", &OPTION_DEF4).def(Def::EmptyList),
            list("option-data", &OPTION_DATA4).def(Def::EmptyList),
            map("dhcp-queue-control", &QUEUE_CONTROL4).def(Def::Map),
            map("dhcp-ddns", &DHCP_DDNS4).def(Def::Map),
            map("compatibility", &COMPATIBILITY4),
            b("echo-client-id").def(Def::Bool(true)),
            b("match-client-id").def(Def::Bool(true)),
            b("authoritative").def(Def::Bool(false)),
            s("next-server").def(Def::Str("0.0.0.0")),
            s("server-hostname").def(Def::Str("")),
            s("boot-file-name").def(Def::Str("")),
            u32f("offer-lifetime"),
            b("stash-agent-options").def(Def::Bool(false)),
            u32f("valid-lifetime").def(Def::Int(7200)),
            b("calculate-tee-times").def(Def::Bool(false)),
            frac("t1-percent").def(Def::Float(0.5)),
            frac("t2-percent").def(Def::Float(0.875)),
        ],
        META,
    ],
    false,
);

pub(crate) static COMPATIBILITY4: Ctx = Ctx::new(
    "compatibility",
    &[&[
        b("lenient-option-parsing"),
        b("ignore-dhcp-server-identifier"),
        b("ignore-rai-link-selection"),
        b("exclude-first-last-24"),
    ]],
    false,
);

// ----- Dhcp6 ----------------------------------------------------------------------

pub(crate) static INTERFACES6: Ctx = Ctx::new(
    "interfaces-config",
    &[
        &[
            sl("interfaces").def(Def::EmptyList),
            b("re-detect").def(Def::Bool(true)),
            b("service-sockets-require-all"),
            u32f("service-sockets-retry-wait-time"),
            u32f("service-sockets-max-retries"),
        ],
        META,
    ],
    false,
);

pub(crate) static POOL6: Ctx = Ctx::new(
    "pools",
    &[
        &[
            Field::new("pool", Kind::Pool),
            u32f("pool-id"),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
        ],
        CLASS_REFS,
        DDNS,
        META,
    ],
    false,
);

pub(crate) static PD_POOL: Ctx = Ctx::new(
    "pd-pools",
    &[
        &[
            s("prefix"),
            Field::new("prefix-len", Kind::Int(1, 128)),
            Field::new("delegated-len", Kind::Int(1, 128)),
            s("excluded-prefix"),
            Field::new("excluded-prefix-len", Kind::Int(0, 128)),
            u32f("pool-id"),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
        ],
        CLASS_REFS,
        META,
    ],
    false,
);

pub(crate) static RESERVATION6: Ctx = Ctx::new(
    "reservations",
    &[
        &[
            Field::new("duid", Kind::Identifier(IdText::Colons)),
            Field::new("hw-address", Kind::Identifier(IdText::Colons)),
            Field::new("flex-id", Kind::Identifier(IdText::Hex)),
            sl("ip-addresses").def(Def::EmptyList),
            sl("prefixes").def(Def::EmptyList),
            sl("excluded-prefixes"),
            s("hostname").def(Def::Str("")),
            sl("client-classes").def(Def::EmptyList),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
        ],
        META,
    ],
    false,
);

pub(crate) static CLIENT_CLASS6: Ctx = Ctx::new(
    "client-classes",
    &[
        CLASS_COMMON,
        &[list("option-data", &OPTION_DATA6).def(Def::EmptyList)],
        VALID_LIFETIMES,
        PREFERRED_LIFETIMES,
        META,
    ],
    false,
);

pub(crate) static SUBNET6: Ctx = Ctx::new(
    "subnet6",
    &[
        &[
            Field::new("id", Kind::Int(1, U32 - 1)),
            Field::new("subnet", Kind::Prefix),
            list("pools", &POOL6).def(Def::EmptyList),
            list("pd-pools", &PD_POOL).def(Def::EmptyList),
            list("reservations", &RESERVATION6).def(Def::EmptyList),
            map("relay", &RELAY).def(Def::Map),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
        ],
        VALID_LIFETIMES,
        PREFERRED_LIFETIMES,
        TIMERS,
        CACHE,
        DDNS,
        DDNS_LEGACY,
        RESERVATION_FLAGS,
        CLASS_REFS,
        NETWORK_COMMON,
        V6_NETWORK,
        META,
    ],
    false,
);

pub(crate) static SHARED_NETWORK6: Ctx = Ctx::new(
    "shared-networks",
    &[
        &[
            s("name"),
            list("subnet6", &SUBNET6).def(Def::EmptyList),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
            map("relay", &RELAY).def(Def::Map),
        ],
        VALID_LIFETIMES,
        PREFERRED_LIFETIMES,
        TIMERS,
        CACHE,
        DDNS,
        DDNS_LEGACY,
        RESERVATION_FLAGS,
        CLASS_REFS,
        NETWORK_COMMON,
        V6_NETWORK,
        META,
    ],
    false,
);

pub(crate) static SERVER_ID: Ctx = Ctx::new(
    "server-id",
    &[
        &[
            en("type", DUID_TYPES).def(Def::Str("LLT")),
            s("identifier").def(Def::Str("")),
            u32f("time").def(Def::Int(0)),
            u16f("htype").def(Def::Int(0)),
            u32f("enterprise-id").def(Def::Int(0)),
            b("persist").def(Def::Bool(true)),
        ],
        META,
    ],
    false,
);

pub(crate) static COMPATIBILITY6: Ctx =
    Ctx::new("compatibility", &[&[b("lenient-option-parsing")]], false);

pub(crate) static DHCP6: Ctx = Ctx::new(
    "Dhcp6",
    &[
        GLOBAL_COMMON,
        &[
            list("subnet6", &SUBNET6).def(Def::EmptyList),
            list("shared-networks", &SHARED_NETWORK6).def(Def::EmptyList),
            map("interfaces-config", &INTERFACES6).def(Def::Map),
            Field::new("host-reservation-identifiers", Kind::EnumList(HOST_IDS6))
                .def(Def::StrList(&["hw-address", "duid"])),
            list("reservations", &RESERVATION6),
            list("client-classes", &CLIENT_CLASS6),
            list("option-def", &OPTION_DEF6).def(Def::EmptyList),
            list("option-data", &OPTION_DATA6).def(Def::EmptyList),
            map("dhcp-queue-control", &QUEUE_CONTROL6).def(Def::Map),
            map("dhcp-ddns", &DHCP_DDNS6).def(Def::Map),
            map("compatibility", &COMPATIBILITY6),
            map("server-id", &SERVER_ID).def(Def::Map),
            s("data-directory"),
            Field::new("mac-sources", Kind::StrList),
            Field::new("relay-supplied-options", Kind::StrList),
            en("pd-allocator", ALLOCATORS).def(Def::Str("iterative")),
            b("allow-address-registration"),
            u32f("valid-lifetime").def(Def::Int(7200)),
            u32f("preferred-lifetime").def(Def::Int(3600)),
            u32f("min-preferred-lifetime"),
            u32f("max-preferred-lifetime"),
            b("calculate-tee-times").def(Def::Bool(true)),
            frac("t1-percent").def(Def::Float(0.5)),
            frac("t2-percent").def(Def::Float(0.8)),
        ],
        META,
    ],
    false,
);

// ----- Netconf --------------------------------------------------------------------

static NETCONF_SOCKET: Ctx = Ctx::new(
    "control-socket",
    &[
        &[
            en("socket-type", NETCONF_SOCKET_TYPES).def(Def::Str("stdout")),
            s("socket-name").def(Def::Str("")),
            s("socket-url").def(Def::Str("http://127.0.0.1:8000/")),
        ],
        META,
    ],
    false,
);

static MANAGED_SERVER_FIELDS: &[Field] = &[
    b("boot-update"),
    b("subscribe-changes"),
    b("validate-changes"),
    map("control-socket", &NETCONF_SOCKET).def(Def::Map),
];

static MS_DHCP4: Ctx = Ctx::new(
    "dhcp4",
    &[
        MANAGED_SERVER_FIELDS,
        &[s("model").def(Def::Str("kea-dhcp4-server"))],
        META,
    ],
    false,
);
static MS_DHCP6: Ctx = Ctx::new(
    "dhcp6",
    &[
        MANAGED_SERVER_FIELDS,
        &[s("model").def(Def::Str("kea-dhcp6-server"))],
        META,
    ],
    false,
);
static MS_D2: Ctx = Ctx::new(
    "d2",
    &[
        MANAGED_SERVER_FIELDS,
        &[s("model").def(Def::Str("kea-dhcp-ddns"))],
        META,
    ],
    false,
);
static MS_CA: Ctx = Ctx::new(
    "ca",
    &[
        MANAGED_SERVER_FIELDS,
        &[s("model").def(Def::Str("kea-ctrl-agent"))],
        META,
    ],
    false,
);

static MANAGED_SERVERS: Ctx = Ctx::new(
    "managed-servers",
    &[&[
        map("dhcp4", &MS_DHCP4),
        map("dhcp6", &MS_DHCP6),
        map("d2", &MS_D2),
        map("ca", &MS_CA),
    ]],
    false,
);

static NETCONF_USER: Ctx = Ctx::new(
    "users",
    &[&[s("name"), s("password"), s("authorized-key")], META],
    false,
);

/// Our extension: the NETCONF-over-SSH listener of kea-netconf.
static NETCONF_SERVER: Ctx = Ctx::new(
    "netconf-server",
    &[
        &[
            s("address").def(Def::Str("127.0.0.1")),
            u16f("port").def(Def::Int(830)),
            list("users", &NETCONF_USER).def(Def::EmptyList),
            s("host-key-file"),
            s("datastore-directory"),
        ],
        META,
    ],
    false,
);

pub(crate) static NETCONF: Ctx = Ctx::new(
    "Netconf",
    &[
        &[
            b("boot-update").def(Def::Bool(true)),
            b("subscribe-changes").def(Def::Bool(true)),
            b("validate-changes").def(Def::Bool(true)),
            map("managed-servers", &MANAGED_SERVERS).def(Def::Map),
            list("hooks-libraries", &HOOKS_LIBRARY).def(Def::EmptyList),
            list("loggers", &LOGGER),
            map("netconf-server", &NETCONF_SERVER),
        ],
        META,
    ],
    false,
);
