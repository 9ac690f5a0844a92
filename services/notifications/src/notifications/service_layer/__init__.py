"""The use cases: what consumed events change here, subscription commands, delivery loops."""
