{#- Private: the rows of uplift_scored_assignments once per ranking subject, with the
    subject's value as `ranking`: 'model' ranks by the model's score, 'rule' by the spec's
    rule baseline (only where the rule has a value). One pass over the relation. Ties are
    broken by customer_id, descending, wherever a row order matters. -#}
{% macro _uplift_by_subject(relation) -%}
    select * from (
        select
            scored.model_name, scored.model_version, scored.campaign_id, scored.customer_id,
            scored.treatment, scored.converted, scored.revenue, subjects.subject,
            case when subjects.subject = 'model' then scored.score else scored.rule_score end as ranking
        from {{ relation }} as scored
        cross join (
            select cast('model' as {{ dbt.type_string() }}) as subject
            union all
            select cast('rule' as {{ dbt.type_string() }}) as subject
        ) as subjects
    ) as by_subject
    where ranking is not null
{%- endmacro %}
