{#- A TIMESTAMP without time zone that holds UTC, as a TIMESTAMP WITH TIME ZONE: the same
    instant, with its zone stated, whatever the session's time zone. -#}
{% macro utc_timestamptz(expression) -%}
    {{ return(adapter.dispatch('utc_timestamptz', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamptz(expression) -%}
    (cast({{ expression }} as {{ dbt.type_timestamp() }}) at time zone 'UTC')
{%- endmacro %}
