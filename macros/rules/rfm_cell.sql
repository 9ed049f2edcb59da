{#- The RFM cell, the three scores as one label such as '545' (recency, frequency,
    monetary); '000' for a customer who never ordered. -#}
{% macro rfm_cell(recency_score, frequency_score, monetary_score) -%}
    {{ return(adapter.dispatch('rfm_cell', 'scorehouse')(recency_score, frequency_score, monetary_score)) }}
{%- endmacro %}

{% macro default__rfm_cell(recency_score, frequency_score, monetary_score) -%}
    {{ dbt.concat([
        "cast(" ~ recency_score ~ " as " ~ dbt.type_string() ~ ")",
        "cast(" ~ frequency_score ~ " as " ~ dbt.type_string() ~ ")",
        "cast(" ~ monetary_score ~ " as " ~ dbt.type_string() ~ ")",
    ]) }}
{%- endmacro %}
