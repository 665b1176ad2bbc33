//! The port and the apply engine (being written).
