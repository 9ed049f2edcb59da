"""Translators for scikit-learn transformers, one module per family.

Each takes ``(estimator, inputs, ctx)`` and returns the output columns in the order
scikit-learn's ``transform`` yields them. A NULL input stands for NaN (or None), and a NaN
read from the source is NULL (``columns.as_double``): steps that keep NaN keep NULL, and
steps that refuse NaN refuse the row (``Context.refuse_missing``), never yield a number.
Steps that refuse ±inf say so with ``Context.refuse_infinite``; an output column's
``domain`` says whether it can still be infinite.
"""
