"""Translators for scikit-learn transformers, one module per family.

Each takes ``(estimator, inputs, ctx)`` and returns the output columns in the order
scikit-learn's ``transform`` yields them. A NULL input stands for NaN (or None): steps that
keep NaN keep NULL, and steps that refuse NaN give NULL, never a number.
"""
