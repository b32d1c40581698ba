"""The demo county 青禾区: raw inputs in the real layouts, the ledger, and the ground truth."""
