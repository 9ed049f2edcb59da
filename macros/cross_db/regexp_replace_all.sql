{#- Replace every match of the regular expression `pattern` in `expression`. DuckDB and
    PostgreSQL replace only the first match unless given the 'g' flag. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'scorehouse')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ scorehouse.sql_string(pattern) }}, {{ scorehouse.sql_string(replacement) }}, 'g')
{%- endmacro %}

{#- Spark's regexp_replace replaces every match already; its fourth argument is a start
    position, and 'g' there would be cast to an integer: NULL with ANSI mode off (as
    dbt-spark runs), which turns every result into NULL. -#}
{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ scorehouse.sql_string(pattern) }}, {{ scorehouse.sql_string(replacement) }})
{%- endmacro %}
