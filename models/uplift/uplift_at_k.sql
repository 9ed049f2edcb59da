-- Uplift at k: the conversion rate of the treated minus that of the control customers among
-- the top k of a subject's ranking, as scikit-uplift's uplift_at_k computes it, for each k
-- of var('scorehouse_uplift_k', [0.1, 0.2, 0.3]) and both strategies:
--   overall   the first floor(N * k) customers, then the rates of each arm among them;
--   by_group  the first floor(N_t * k) treated and floor(N_c * k) control customers.
-- Order: descending score, ties broken by customer_id descending (scikit-uplift's
-- reversed stable sort of rows ordered by customer_id). The rate of an empty arm is NULL.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}
{%- set ks = var('scorehouse_uplift_k', [0.1, 0.2, 0.3]) %}

with

ranked as (
    select
        subjects.*,
        row_number() over (partition by model_name, model_version, campaign_id, subject
                           order by ranking desc, customer_id desc) as position,
        row_number() over (partition by model_name, model_version, campaign_id, subject, treatment
                           order by ranking desc, customer_id desc) as position_in_arm,
        count(*) over (partition by model_name, model_version, campaign_id, subject) as n_all,
        count(*) over (partition by model_name, model_version, campaign_id, subject, treatment) as n_arm
    from ({{ scorehouse._uplift_by_subject(ref('uplift_scored_assignments')) }}) as subjects
),

ks as (
    {%- for k in ks %}
    select {{ scorehouse.sql_double(k, 'a share of var scorehouse_uplift_k') }} as k{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

selected as (
    select ranked.*, ks.k, cast('overall' as {{ dbt.type_string() }}) as strategy
    from ranked cross join ks
    where ranked.position <= floor(cast(ranked.n_all as {{ double }}) * ks.k)
    union all
    select ranked.*, ks.k, cast('by_group' as {{ dbt.type_string() }}) as strategy
    from ranked cross join ks
    where ranked.position_in_arm <= floor(cast(ranked.n_arm as {{ double }}) * ks.k)
),

arms as (
    select
        model_name, model_version, campaign_id, subject, k, strategy,
        sum(treatment) as n_treatment,
        sum(1 - treatment) as n_control,
        {{ scorehouse.safe_divide('sum(treatment * converted)', 'sum(treatment)') }} as rate_treatment,
        {{ scorehouse.safe_divide('sum((1 - treatment) * converted)', 'sum(1 - treatment)') }} as rate_control
    from selected
    group by model_name, model_version, campaign_id, subject, k, strategy
)

select arms.*, rate_treatment - rate_control as uplift
from arms
