{#- A TIMESTAMP WITH TIME ZONE (what dbt's current_timestamp() gives DuckDB and PostgreSQL,
    e.g. `scored_at`) as the UTC TIMESTAMP without time zone, comparable with registry
    times. -#}
{% macro as_utc(expression) -%}
    {{ return(adapter.dispatch('as_utc', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__as_utc(expression) -%}
    cast(({{ expression }}) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Spark's current_timestamp() is a TIMESTAMP (with local time zone semantics): its wall
    clock in the session's time zone, moved to UTC, as a TIMESTAMP_NTZ (the type scorehouse
    writes its registry times in on Spark). Right whatever the session's time zone. -#}
{% macro spark__as_utc(expression) -%}
    convert_timezone(current_timezone(), 'UTC', cast(({{ expression }}) as timestamp_ntz))
{%- endmacro %}
