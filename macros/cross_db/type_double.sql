{#- The 64-bit floating point type, for numeric ML features and scores.

    dbt's `type_float()` is 32-bit FLOAT on DuckDB, which would round features before
    training; `double precision` is the SQL-standard name that DuckDB and PostgreSQL share. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{#- Spark has no `double precision`; its 64-bit type is `double`. -#}
{% macro spark__type_double() -%}
    double
{%- endmacro %}
