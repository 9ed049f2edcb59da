{#- Freshness within a window: fails for every row whose timestamp `column_name` is NULL or
    more than `days` days before now. The column holds UTC times without a time zone, as
    scorehouse's tables do; e.g. `last_scored_at` of ml_freshness against the SLA's
    maximum staleness:

      - name: last_scored_at
        data_tests:
          - scorehouse.freshness_within:
              arguments: {days: 35}
              config: {severity: warn} -#}
{% test freshness_within(model, column_name, days) %}
    {{ return(adapter.dispatch('test_freshness_within', 'scorehouse')(model, column_name, days)) }}
{% endtest %}

{% macro default__test_freshness_within(model, column_name, days) %}
    select *
    from {{ model }}
    where {{ column_name }} is null
        or {{ column_name }} < {{ dbt.dateadd('day', -1 * (days | int), scorehouse.utc_now()) }}
{% endmacro %}
