//! What each action does to the account's state (being written).
