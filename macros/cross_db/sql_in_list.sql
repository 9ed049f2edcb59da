{#- `expression in (v1, v2, ...)` with each value quoted by sql_string: a declared list
    (regions, categories) reaches SQL as values, never as SQL text. -#}
{% macro sql_in_list(expression, values) -%}
    {{ expression }} in ({% for value in values %}{{ scorehouse.sql_string(value) }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
