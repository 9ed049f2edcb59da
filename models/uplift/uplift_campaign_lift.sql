-- One row per campaign: treatment against control. Everything with a closed form is
-- computed here, in the warehouse; `scorehouse uplift` adds the p-values and the t-based
-- revenue interval, which need distribution functions, as uplift_campaign_tests (from the
-- statistics below: z_statistic, revenue_t_statistic, revenue_welch_df, srm_chi_square).
--
-- Definitions (those of statsmodels, checked against it in tests/e2e/test_uplift_sql.py):
--   absolute lift      p_t - p_c, Wald 95 % interval (confint_proportions_2indep, 'wald')
--   relative lift      p_t / p_c - 1, interval from the log ratio
--                      (confint_proportions_2indep, compare='ratio', method='log')
--   z statistic        pooled two-proportion z (proportions_ztest)
--   revenue            Welch's t statistic and Satterthwaite df (ttest_ind, usevar='unequal')
--   incremental        lift times the treated customers (the effect on the treated arm)
--   ROMI               (incremental revenue - contact cost) / contact cost
-- Sample-ratio mismatch: Pearson's chi-square of the arm sizes against the declared split
-- (uplift_campaign_design). Above 10.827566170662733 (p < 0.001, one degree of freedom)
-- the randomisation is broken: srm_status = 'mismatch' and every lift column is NULL.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}
{%- set z = '1.959963984540054e0' %}

with

arms as (
    select * from {{ ref('uplift_campaign_arms') }}
),

paired as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.cost_per_contact,
        design.treatment_share as declared_treatment_share,
        coalesce(t.customers, 0) as n_treatment,
        coalesce(c.customers, 0) as n_control,
        t.contacted as contacted,
        t.conversions as conversions_treatment,
        c.conversions as conversions_control,
        cast(t.conversion_rate as {{ double }}) as rate_treatment,
        cast(c.conversion_rate as {{ double }}) as rate_control,
        t.revenue_per_customer as revenue_per_customer_treatment,
        c.revenue_per_customer as revenue_per_customer_control,
        t.revenue_variance as revenue_variance_treatment,
        c.revenue_variance as revenue_variance_control,
        coalesce(t.contact_cost, 0) + coalesce(c.contact_cost, 0) as contact_cost
    from {{ ref('uplift_campaigns') }} as campaigns
    inner join {{ ref('uplift_campaign_design') }} as design
        on design.campaign_id = campaigns.campaign_id
    left join arms as t
        on t.campaign_id = campaigns.campaign_id and t.treatment_group = 'treatment'
    left join arms as c
        on c.campaign_id = campaigns.campaign_id and c.treatment_group = 'control'
),

srm as (
    select
        paired.*,
        cast(n_treatment + n_control as {{ double }}) * declared_treatment_share as expected_treatment,
        cast(n_treatment + n_control as {{ double }}) * (1.0e0 - declared_treatment_share) as expected_control
    from paired
),

checked as (
    select
        srm.*,
        case when expected_treatment > 0 and expected_control > 0 then
            (n_treatment - expected_treatment) * (n_treatment - expected_treatment) / expected_treatment
            + (n_control - expected_control) * (n_control - expected_control) / expected_control
        end as srm_chi_square
    from srm
),

flagged as (
    select
        checked.*,
        case
            when declared_treatment_share is null then 'undeclared'
            when n_treatment = 0 or n_control = 0 then 'missing_arm'
            when srm_chi_square > 10.827566170662733e0 then 'mismatch'
            else 'ok'
        end as srm_status
    from checked
),

-- the statistics, on the campaigns whose split is sound (NULL elsewhere)
stats as (
    select
        flagged.*,
        srm_status in ('ok', 'undeclared') as is_reported,
        case when srm_status in ('ok', 'undeclared') then rate_treatment - rate_control end as absolute_lift,
        case when srm_status in ('ok', 'undeclared') then
            sqrt(rate_treatment * (1.0e0 - rate_treatment) / n_treatment
                 + rate_control * (1.0e0 - rate_control) / n_control)
        end as absolute_lift_se,
        case when srm_status in ('ok', 'undeclared') and conversions_treatment > 0 and conversions_control > 0 then
            sqrt(1.0e0 / conversions_treatment - 1.0e0 / n_treatment
                 + 1.0e0 / conversions_control - 1.0e0 / n_control)
        end as log_ratio_se,
        case when srm_status in ('ok', 'undeclared') then
            cast(conversions_treatment + conversions_control as {{ double }}) / (n_treatment + n_control)
        end as pooled_rate,
        case when srm_status in ('ok', 'undeclared') then
            revenue_per_customer_treatment - revenue_per_customer_control
        end as revenue_lift,
        case when srm_status in ('ok', 'undeclared') then
            revenue_variance_treatment / n_treatment + revenue_variance_control / n_control
        end as revenue_lift_var
    from flagged
)

select
    campaign_id,
    campaign_name,
    channel,
    declared_treatment_share,
    n_treatment,
    n_control,
    {{ scorehouse.safe_divide('n_treatment', 'n_treatment + n_control') }} as observed_treatment_share,
    srm_chi_square,
    srm_status,
    is_reported,
    contacted,
    conversions_treatment,
    conversions_control,
    rate_treatment,
    rate_control,
    revenue_per_customer_treatment,
    revenue_per_customer_control,
    absolute_lift,
    absolute_lift - {{ z }} * absolute_lift_se as absolute_lift_ci_low,
    absolute_lift + {{ z }} * absolute_lift_se as absolute_lift_ci_high,
    case when is_reported then {{ scorehouse.safe_divide('rate_treatment', 'rate_control') }} - 1.0e0 end as relative_lift,
    case when is_reported and rate_control > 0 then
        exp(ln(rate_treatment / rate_control) - {{ z }} * log_ratio_se) - 1.0e0 end as relative_lift_ci_low,
    case when is_reported and rate_control > 0 then
        exp(ln(rate_treatment / rate_control) + {{ z }} * log_ratio_se) - 1.0e0 end as relative_lift_ci_high,
    {{ scorehouse.safe_divide('absolute_lift',
        'sqrt(pooled_rate * (1.0e0 - pooled_rate) * (1.0e0 / n_treatment + 1.0e0 / n_control))') }} as z_statistic,
    revenue_lift,
    {{ scorehouse.safe_divide('revenue_lift', 'sqrt(revenue_lift_var)') }} as revenue_t_statistic,
    {{ scorehouse.safe_divide('revenue_lift_var * revenue_lift_var',
        '(revenue_variance_treatment / n_treatment) * (revenue_variance_treatment / n_treatment) / (n_treatment - 1)'
        ~ ' + (revenue_variance_control / n_control) * (revenue_variance_control / n_control) / (n_control - 1)') }}
        as revenue_welch_df,
    sqrt(revenue_lift_var) as revenue_lift_se,
    absolute_lift * n_treatment as incremental_conversions,
    revenue_lift * n_treatment as incremental_revenue,
    contact_cost,
    case when is_reported then {{ scorehouse.safe_divide('revenue_lift * n_treatment - contact_cost', 'contact_cost') }} end as romi,
    case when is_reported and absolute_lift > 0 then
        {{ scorehouse.safe_divide('contact_cost', 'absolute_lift * n_treatment') }} end as cost_per_incremental_conversion
from stats
