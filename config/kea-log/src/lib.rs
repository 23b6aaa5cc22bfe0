//! Kea-style logging: loggers section, message-ID catalogue, output options, built on tracing
