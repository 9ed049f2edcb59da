"""The registry: every trained version and its state (challenger, champion, retired,
disabled), the passports BI reads, the artifacts on disk, and the rule that says whether a
version may serve without a human's decision."""
