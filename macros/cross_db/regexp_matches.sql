{#- Whether `expression` (text) has a match of the regular expression `pattern` anywhere. -#}
{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'scorehouse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ scorehouse.sql_string(pattern) }})
{%- endmacro %}

{% macro postgres__regexp_matches(expression, pattern) -%}
    ({{ expression }} ~ {{ scorehouse.sql_string(pattern) }})
{%- endmacro %}

{% macro spark__regexp_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ scorehouse.sql_string(pattern) }})
{%- endmacro %}
