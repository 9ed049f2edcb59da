{#- Whole days elapsed from timestamp `start` to timestamp `end` (24-hour periods, rounded
    down), as an integer: a model trained 29 days and 23 hours ago is 29 days old. Both
    timestamps must be of the same kind (both UTC without time zone, or both with one). -#}
{% macro elapsed_days(start, end) -%}
    {{ return(adapter.dispatch('elapsed_days', 'scorehouse')(start, end)) }}
{%- endmacro %}

{#- Counting microsecond boundaries is the exact difference: timestamps hold microseconds. -#}
{% macro default__elapsed_days(start, end) -%}
    cast(floor(date_diff('microsecond', {{ start }}, {{ end }}) / 86400000000e0) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro postgres__elapsed_days(start, end) -%}
    cast(floor(extract(epoch from (({{ end }}) - ({{ start }}))) / 86400) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro snowflake__elapsed_days(start, end) -%}
    cast(floor(datediff(microsecond, {{ start }}, {{ end }}) / 86400000000e0) as integer)
{%- endmacro %}

{% macro bigquery__elapsed_days(start, end) -%}
    cast(floor(timestamp_diff({{ end }}, {{ start }}, microsecond) / 86400000000e0) as int64)
{%- endmacro %}

{% macro trino__elapsed_days(start, end) -%}
    cast(floor(date_diff('microsecond', {{ start }}, {{ end }}) / 86400000000e0) as integer)
{%- endmacro %}

{#- Spark cannot extract an epoch from an interval; timestampdiff counts the microseconds
    between two timestamps of the same kind. -#}
{% macro spark__elapsed_days(start, end) -%}
    cast(floor(timestampdiff(MICROSECOND, {{ start }}, {{ end }}) / 86400000000e0) as {{ dbt.type_int() }})
{%- endmacro %}
