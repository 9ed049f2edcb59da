{#- A TIMESTAMP WITH TIME ZONE (what dbt's current_timestamp() gives DuckDB and PostgreSQL,
    e.g. `scored_at`) as the UTC TIMESTAMP without time zone, comparable with registry
    times. -#}
{% macro as_utc(expression) -%}
    {{ return(adapter.dispatch('as_utc', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__as_utc(expression) -%}
    cast(({{ expression }}) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}
