{#- Spark's `at time zone` does not parse. A TIMESTAMP_NTZ holding UTC, moved to the
    session's time zone, then read as a TIMESTAMP (an instant, shown in the session's zone):
    the same instant whatever the session's time zone. Beside default__utc_timestamptz in
    utc_timestamptz.sql. -#}
{% macro spark__utc_timestamptz(expression) -%}
    cast(convert_timezone('UTC', current_timezone(), cast({{ expression }} as timestamp_ntz)) as timestamp)
{%- endmacro %}
