{#- Private: the rows of uplift_scored_assignments once per ranking subject, with the
    subject's value as `ranking`: 'model' ranks by the model's score, 'rule' by the spec's
    rule baseline (only where the rule has a value). Ties are broken by customer_id,
    descending, wherever a row order matters. -#}
{% macro _uplift_by_subject(relation) -%}
    select model_name, model_version, campaign_id, customer_id, treatment, converted, revenue,
        cast('model' as {{ dbt.type_string() }}) as subject, score as ranking
    from {{ relation }}
    union all
    select model_name, model_version, campaign_id, customer_id, treatment, converted, revenue,
        cast('rule' as {{ dbt.type_string() }}) as subject, rule_score as ranking
    from {{ relation }}
    where rule_score is not null
{%- endmacro %}
