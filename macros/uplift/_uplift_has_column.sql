{#- Private: whether the relation exists in the warehouse with a column `name`. False while
    dbt parses (nothing is known then). -#}
{% macro _uplift_has_column(relation, name) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema,
                                         identifier=relation.identifier) -%}
    {%- if found is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for column in adapter.get_columns_in_relation(found) if column.name | lower == name -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
