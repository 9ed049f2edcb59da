{#- Aggregate: the sum of `value` over rows in the `days` days before the cutoff (all history
    when `days` is none), optionally only those matching the SQL condition `where`. A DOUBLE,
    0 when none. -#}
{% macro rolling_sum(value, timestamp_column, cutoff_column, days=none, where=none) -%}
    {{ return(adapter.dispatch('rolling_sum', 'scorehouse')(value, timestamp_column, cutoff_column, days, where)) }}
{%- endmacro %}

{% macro default__rolling_sum(value, timestamp_column, cutoff_column, days=none, where=none) -%}
    cast(coalesce(sum(case when {{ scorehouse._window_condition(timestamp_column, cutoff_column, days, where) }}
        then {{ value }} end), 0) as {{ scorehouse.type_double() }})
{%- endmacro %}
