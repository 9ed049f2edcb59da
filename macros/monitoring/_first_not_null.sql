{#- Private: the first non-NULL of `columns`, NULL when the list is empty. -#}
{% macro _first_not_null(columns) -%}
    {{ ('coalesce(' ~ columns | join(', ') ~ ')') if columns else 'null' }}
{%- endmacro %}
