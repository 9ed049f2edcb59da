{#- Aggregate: how many rows fall in the `days` days before the cutoff (all history when
    `days` is none), optionally only those matching the SQL condition `where`. A DOUBLE,
    0 when none. -#}
{% macro rolling_count(timestamp_column, cutoff_column, days=none, where=none) -%}
    {{ return(adapter.dispatch('rolling_count', 'scorehouse')(timestamp_column, cutoff_column, days, where)) }}
{%- endmacro %}

{% macro default__rolling_count(timestamp_column, cutoff_column, days=none, where=none) -%}
    cast(count(case when {{ scorehouse._window_condition(timestamp_column, cutoff_column, days, where) }} then 1 end)
        as {{ scorehouse.type_double() }})
{%- endmacro %}
