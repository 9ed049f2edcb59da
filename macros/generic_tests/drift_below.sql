{#- Drift below a threshold: fails for every row whose `column_name` (default `psi`) is at
    or above `threshold` (default 0.25, the usual line for a major shift). Made for
    ml_score_drift and ml_feature_drift, usable on any table with the column.

    With `latest_only` (the default) only each model's newest cutoff counts, so drift that
    was seen, and handled, months ago does not fail every later build; the table needs
    `model_name` and `cutoff` columns for it. NULLs pass.

      - scorehouse.drift_below:
          arguments: {column_name: psi, threshold: 0.25}
          config: {severity: warn}        # or error, to stop the build -#}
{% test drift_below(model, column_name='psi', threshold=0.25, latest_only=true) %}
    {{ return(adapter.dispatch('test_drift_below', 'scorehouse')(model, column_name, threshold, latest_only)) }}
{% endtest %}

{% macro default__test_drift_below(model, column_name, threshold, latest_only) %}
    {{ scorehouse._monitoring_rows_where(
        model, column_name ~ ' >= ' ~ scorehouse._double(threshold), latest_only) }}
{% endmacro %}
