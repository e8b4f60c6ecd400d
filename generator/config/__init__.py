"""The configuration: the settings a team may change, the csmetrics.toml reader,
and their resolution (checked once, language defaults filled in)."""
