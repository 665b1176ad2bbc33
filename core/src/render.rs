//! Plan rendering (being written).
