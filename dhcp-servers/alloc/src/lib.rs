//! Allocation engine: subnet selection, reservations, allocators, reclamation
