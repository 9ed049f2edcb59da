"""Training a declared model: read its rows, fit the pipeline, evaluate it against its rule,
compile it, and hand the version to the registry."""
