{#- How many rows of the group meet `condition` (a boolean; NULL does not count). DuckDB and
    Spark have count_if, several times faster in DuckDB than counting a CASE; PostgreSQL
    filters the aggregate. -#}
{% macro count_where(condition) -%}
    {{ return(adapter.dispatch('count_where', 'scorehouse')(condition)) }}
{%- endmacro %}

{% macro default__count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}

{% macro duckdb__count_where(condition) -%}
    count_if({{ condition }})
{%- endmacro %}

{% macro spark__count_where(condition) -%}
    count_if({{ condition }})
{%- endmacro %}

{% macro postgres__count_where(condition) -%}
    count(*) filter (where {{ condition }})
{%- endmacro %}
