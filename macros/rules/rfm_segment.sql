{#- The rule-baseline segment of a customer, from the recency and frequency scores (1..5,
    0 for never ordered), on the usual RFM grid:

                    frequency 1      2         3         4         5
        recency 5   new_customers   potential_loyalists  champions champions
        recency 4   promising       potential_loyalists  loyal     champions
        recency 3   about_to_sleep  about_to_sleep  need_attention  loyal  loyal
        recency 2   hibernating     hibernating     at_risk   at_risk   cant_lose
        recency 1   lost            lost            at_risk   at_risk   cant_lose

    A customer without orders before the cutoff is a `prospect`. -#}
{% macro rfm_segment(recency_score, frequency_score) -%}
    {{ return(adapter.dispatch('rfm_segment', 'scorehouse')(recency_score, frequency_score)) }}
{%- endmacro %}

{% macro default__rfm_segment(recency_score, frequency_score) -%}
    {%- set r, f = recency_score, frequency_score -%}
    case
        when {{ r }} = 0 or {{ f }} = 0 then 'prospect'
        when {{ r }} = 5 and {{ f }} >= 4 then 'champions'
        when {{ r }} = 4 and {{ f }} = 5 then 'champions'
        when {{ r }} >= 3 and {{ f }} >= 4 then 'loyal'
        when {{ r }} >= 4 and {{ f }} >= 2 then 'potential_loyalists'
        when {{ r }} = 5 then 'new_customers'
        when {{ r }} = 4 then 'promising'
        when {{ r }} = 3 and {{ f }} = 3 then 'need_attention'
        when {{ r }} = 3 then 'about_to_sleep'
        when {{ f }} = 5 then 'cant_lose'
        when {{ f }} >= 3 then 'at_risk'
        when {{ r }} = 2 then 'hibernating'
        else 'lost'
    end
{%- endmacro %}
