-- Uplift by score decile: for each model, campaign and subject (the model's score, or the
-- rule), customers split into ten equal groups by descending score (decile 1 = highest,
-- ties broken by customer_id descending), and in each the conversion rate of the treated
-- against the control customers, with a Wald 95 % interval on the difference.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set z = '1.959963984540054e0' %}
{%- set double = scorehouse.type_double() %}

with

ranked as (
    select
        subjects.*,
        ntile(10) over (
            partition by model_name, model_version, campaign_id, subject
            order by ranking desc, customer_id desc
        ) as decile
    from ({{ scorehouse._uplift_by_subject(ref('uplift_scored_assignments')) }}) as subjects
),

deciles as (
    select
        model_name, model_version, campaign_id, subject, decile,
        count(*) as customers,
        min(ranking) as min_score,
        max(ranking) as max_score,
        sum(treatment) as n_treatment,
        sum(1 - treatment) as n_control,
        sum(treatment * converted) as conversions_treatment,
        sum((1 - treatment) * converted) as conversions_control
    from ranked
    group by model_name, model_version, campaign_id, subject, decile
),

rates as (
    select
        deciles.*,
        {{ scorehouse.safe_divide('conversions_treatment', 'n_treatment') }} as rate_treatment,
        {{ scorehouse.safe_divide('conversions_control', 'n_control') }} as rate_control
    from deciles
),

lifted as (
    select
        rates.*,
        rate_treatment - rate_control as uplift,
        sqrt(rate_treatment * (1.0e0 - rate_treatment) / n_treatment
             + rate_control * (1.0e0 - rate_control) / n_control) as uplift_se
    from rates
)

select
    model_name, model_version, campaign_id, subject,
    cast(decile as {{ dbt.type_int() }}) as decile,
    customers, min_score, max_score, n_treatment, n_control,
    conversions_treatment, conversions_control, rate_treatment, rate_control,
    uplift,
    uplift - {{ z }} * uplift_se as uplift_ci_low,
    uplift + {{ z }} * uplift_se as uplift_ci_high
from lifted
