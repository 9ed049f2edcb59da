{#- Private: a number as an exact DOUBLE literal. A bare `0.94` is DECIMAL in DuckDB and
    numeric in PostgreSQL; parsing its shortest text form as a double gives back the very
    float it came from. -#}
{% macro _double(value) -%}
    cast({{ scorehouse.sql_string(value) }} as {{ scorehouse.type_double() }})
{%- endmacro %}
