"""NetworkPolicy conformance suite: upstream e2e scenarios and API traps, expected tables by hand."""
