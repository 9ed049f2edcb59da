{#- A TIMESTAMP without time zone that holds UTC, as a TIMESTAMP WITH TIME ZONE: the same
    instant, with its zone stated, whatever the session's time zone. -#}
{% macro utc_timestamptz(expression) -%}
    {{ return(adapter.dispatch('utc_timestamptz', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamptz(expression) -%}
    (cast({{ expression }} as {{ dbt.type_timestamp() }}) at time zone 'UTC')
{%- endmacro %}

{#- Spark's `at time zone` does not parse. A TIMESTAMP_NTZ holding UTC, moved to the
    session's time zone, then read as a TIMESTAMP (an instant, shown in the session's zone):
    the same instant whatever the session's time zone. -#}
{% macro spark__utc_timestamptz(expression) -%}
    cast(convert_timezone('UTC', current_timezone(), cast({{ expression }} as timestamp_ntz)) as timestamp)
{%- endmacro %}
