//! Kea's command channel: answers, command registry, unix and HTTP(S) control sockets, client
