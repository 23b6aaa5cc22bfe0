//! The project's YANG modules and the one libyang context built from them
