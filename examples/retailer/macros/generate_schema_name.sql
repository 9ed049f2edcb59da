{#- A model or seed with a custom schema lands in exactly that schema (for example the raw
    tables in `raw`), not in `<target schema>_<custom>`: scorehouse and dbt must agree on
    where the raw tables live. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
