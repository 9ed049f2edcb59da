{#- The rule baseline as a number in [0, 1]: a weighted mean of the RFM scores (1..5, 0 for
    never ordered), rescaled so that 0 is a customer who never ordered and 1 a perfect 555.
    Higher means more active and valuable: more likely to buy, less likely to churn. Every
    model is compared against it, so it stays simple on purpose. Recency weighs double by
    default, being the strongest single signal of the next purchase. -#}
{% macro rfm_rule_score(recency_score, frequency_score, monetary_score, weights=none) -%}
    {{ return(adapter.dispatch('rfm_rule_score', 'scorehouse')(recency_score, frequency_score, monetary_score, weights)) }}
{%- endmacro %}

{% macro default__rfm_rule_score(recency_score, frequency_score, monetary_score, weights=none) -%}
    {%- set w = weights or {'recency': 2, 'frequency': 1, 'monetary': 1} -%}
    {%- set total = w['recency'] + w['frequency'] + w['monetary'] -%}
    cast(
        ({{ w['recency'] }} * {{ recency_score }}
        + {{ w['frequency'] }} * {{ frequency_score }}
        + {{ w['monetary'] }} * {{ monetary_score }})
        as {{ scorehouse.type_double() }}) / {{ 5 * total }}
{%- endmacro %}
