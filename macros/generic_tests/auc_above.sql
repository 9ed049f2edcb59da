{#- AUC above a threshold: fails for every row whose `column_name` (default `roc_auc`) is
    below `threshold` (default 0.6). Made for ml_quality; with `latest_only` (the default)
    only each model's newest matured cutoff counts (see `drift_below`). NULLs pass. Keep the
    rule baseline out with dbt's `where` config:

      - scorehouse.auc_above:
          arguments: {threshold: 0.65}
          config: {severity: error, where: "subject = 'model'"} -#}
{% test auc_above(model, column_name='roc_auc', threshold=0.6, latest_only=true) %}
    {{ return(adapter.dispatch('test_auc_above', 'scorehouse')(model, column_name, threshold, latest_only)) }}
{% endtest %}

{% macro default__test_auc_above(model, column_name, threshold, latest_only) %}
    {{ scorehouse._monitoring_rows_where(
        model, column_name ~ ' < ' ~ scorehouse._double(threshold), latest_only) }}
{% endmacro %}
