{#- Private: `cast(null as <type>) as <name>, ...` for a list of (name, type) pairs, the
    select list of a typed empty relation (a monitoring model before any model is scored). -#}
{% macro _typed_nulls(columns) -%}
    {%- for name, type in columns %}
    cast(null as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
