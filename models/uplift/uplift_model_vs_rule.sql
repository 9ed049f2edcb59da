-- The model against its rule at equal budget: for each model, campaign and budget share b
-- of var('scorehouse_uplift_budgets', [0.1, 0.2, 0.3]), the floor(N * b) customers the
-- model would contact (highest scores) against the same number the rule would contact.
--
-- Incremental conversions (revenue) of a selection are estimated from the randomised
-- campaign, stratum by stratum: customers chosen by both, by the model only, by the rule
-- only. A stratum of N_s customers adds N_s * (rate_treatment - rate_control) (revenue:
-- the difference of mean revenue). The customers both chose count the same for both, so
-- model minus rule = stratum "model only" minus stratum "rule only": two disjoint groups,
-- each a two-arm comparison, whose Wald variances add. Intervals are 95 % normal ones.
-- ROMI = (incremental revenue - contact cost) / contact cost, with the campaign's cost per
-- contact for every selected customer (equal for both). NULL where a stratum lacks an arm.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}
{%- set text = dbt.type_string() %}
{%- set z = '1.959963984540054e0' %}
{%- set budgets = var('scorehouse_uplift_budgets', [0.1, 0.2, 0.3]) %}

with

scored as (
    select
        scored.*,
        row_number() over (partition by model_name, model_version, campaign_id
                           order by score desc, customer_id desc) as model_position,
        row_number() over (partition by model_name, model_version, campaign_id
                           order by rule_score desc, customer_id desc) as rule_position,
        count(*) over (partition by model_name, model_version, campaign_id) as n_all
    from {{ ref('uplift_scored_assignments') }} as scored
    where rule_score is not null
),

budgets as (
    {%- for b in budgets %}
    select {{ scorehouse.sql_double(b, 'a share of var scorehouse_uplift_budgets') }} as budget_share{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

chosen as (
    select
        scored.*,
        budgets.budget_share,
        cast(floor(cast(n_all as {{ double }}) * budgets.budget_share) as {{ dbt.type_bigint() }}) as contacts,
        case
            when model_position <= floor(cast(n_all as {{ double }}) * budgets.budget_share)
                and rule_position <= floor(cast(n_all as {{ double }}) * budgets.budget_share) then 'both'
            when model_position <= floor(cast(n_all as {{ double }}) * budgets.budget_share) then 'model_only'
            when rule_position <= floor(cast(n_all as {{ double }}) * budgets.budget_share) then 'rule_only'
        end as stratum
    from scored cross join budgets
),

strata as (
    select
        model_name, model_version, campaign_id, budget_share, contacts, stratum,
        count(*) as customers,
        sum(treatment) as n_treatment,
        sum(1 - treatment) as n_control,
        {{ scorehouse.safe_divide('sum(treatment * converted)', 'sum(treatment)') }} as rate_treatment,
        {{ scorehouse.safe_divide('sum((1 - treatment) * converted)', 'sum(1 - treatment)') }} as rate_control,
        avg(case when treatment = 1 then revenue end) as revenue_treatment,
        avg(case when treatment = 0 then revenue end) as revenue_control,
        var_samp(case when treatment = 1 then revenue end) as revenue_variance_treatment,
        var_samp(case when treatment = 0 then revenue end) as revenue_variance_control
    from chosen
    where stratum is not null
    group by model_name, model_version, campaign_id, budget_share, contacts, stratum
),

effects as (
    select
        strata.*,
        customers * (rate_treatment - rate_control) as conversions,
        cast(customers as {{ double }}) * customers
            * (rate_treatment * (1.0e0 - rate_treatment) / n_treatment
               + rate_control * (1.0e0 - rate_control) / n_control) as conversions_var,
        customers * (revenue_treatment - revenue_control) as revenue,
        cast(customers as {{ double }}) * customers
            * (revenue_variance_treatment / n_treatment + revenue_variance_control / n_control) as revenue_var
    from strata
),

-- one row per model, campaign and budget, with each stratum's effect in its own columns
-- (0 for a stratum nobody is in)
wide as (
    select
        model_name, model_version, campaign_id, budget_share, contacts,
        {%- for s in ['both', 'model_only', 'rule_only'] %}
        {%- for measure in ['conversions', 'conversions_var', 'revenue', 'revenue_var'] %}
        case when count(case when stratum = {{ scorehouse.sql_string(s) }} then 1 end) = 0 then 0.0e0
            else max(case when stratum = {{ scorehouse.sql_string(s) }} then {{ measure }} end) end as {{ s }}_{{ measure }},
        {%- endfor %}
        {%- endfor %}
        coalesce(max(case when stratum = 'both' then customers end), 0) as overlap
    from effects
    group by model_name, model_version, campaign_id, budget_share, contacts
),

judged as (
    select
        wide.*,
        both_conversions + model_only_conversions as model_conversions,
        both_conversions + rule_only_conversions as rule_conversions,
        model_only_conversions - rule_only_conversions as conversions_difference,
        sqrt(model_only_conversions_var + rule_only_conversions_var) as conversions_difference_se,
        sqrt(both_conversions_var + model_only_conversions_var) as model_conversions_se,
        both_revenue + model_only_revenue as model_revenue,
        both_revenue + rule_only_revenue as rule_revenue,
        model_only_revenue - rule_only_revenue as revenue_difference,
        sqrt(model_only_revenue_var + rule_only_revenue_var) as revenue_difference_se
    from wide
)

select
    judged.model_name,
    judged.model_version,
    judged.campaign_id,
    judged.budget_share,
    judged.contacts,
    judged.overlap,
    judged.contacts * campaigns.cost_per_contact as contact_cost,
    judged.model_conversions as model_incremental_conversions,
    judged.model_conversions - {{ z }} * judged.model_conversions_se as model_incremental_conversions_ci_low,
    judged.rule_conversions as rule_incremental_conversions,
    judged.conversions_difference,
    judged.conversions_difference - {{ z }} * judged.conversions_difference_se as conversions_difference_ci_low,
    judged.conversions_difference + {{ z }} * judged.conversions_difference_se as conversions_difference_ci_high,
    judged.model_revenue as model_incremental_revenue,
    judged.rule_revenue as rule_incremental_revenue,
    judged.revenue_difference,
    judged.revenue_difference - {{ z }} * judged.revenue_difference_se as revenue_difference_ci_low,
    judged.revenue_difference + {{ z }} * judged.revenue_difference_se as revenue_difference_ci_high,
    {{ scorehouse.safe_divide('judged.model_revenue - judged.contacts * campaigns.cost_per_contact',
                              'judged.contacts * campaigns.cost_per_contact') }} as model_romi,
    {{ scorehouse.safe_divide('judged.rule_revenue - judged.contacts * campaigns.cost_per_contact',
                              'judged.contacts * campaigns.cost_per_contact') }} as rule_romi
from judged
inner join {{ ref('uplift_campaigns') }} as campaigns
    on campaigns.campaign_id = judged.campaign_id
