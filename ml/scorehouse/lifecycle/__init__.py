"""A model's life: its declared spec, training, evaluation, registry and passport."""
