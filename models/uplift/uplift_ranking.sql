-- How well each subject (the model's score, the rule) ranks customers by uplift, per
-- campaign: the areas under the curves of uplift_curve_points (trapezoids, as
-- sklearn.metrics.auc), normalised as scikit-uplift does:
--   qini_coefficient = (A(qini) - A(random)) / (A(perfect qini) - A(random))   qini_auc_score
--   auuc             = (A(uplift) - A(random)) / (A(perfect uplift) - A(random)) uplift_auc_score
-- where "random" is the straight line from the origin to the perfect curve's last point.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}

with

steps as (
    select
        model_name, model_version, campaign_id, subject, ordering, n_targeted, qini, uplift,
        n_targeted - lag(n_targeted) over w as dx,
        qini + lag(qini) over w as qini_pair,
        uplift + lag(uplift) over w as uplift_pair,
        max(n_targeted) over (partition by model_name, model_version, campaign_id, subject, ordering) as n_total
    from {{ ref('uplift_curve_points') }}
    window w as (partition by model_name, model_version, campaign_id, subject, ordering order by n_targeted)
),

areas as (
    select
        model_name, model_version, campaign_id, subject, ordering,
        max(n_total) as customers,
        sum(cast(dx as {{ double }}) * qini_pair / 2.0e0) as qini_area,
        sum(cast(dx as {{ double }}) * uplift_pair / 2.0e0) as uplift_area,
        max(case when n_targeted = n_total then qini end) as qini_end,
        max(case when n_targeted = n_total then uplift end) as uplift_end
    from steps
    group by model_name, model_version, campaign_id, subject, ordering
),

joined as (
    select
        actual.model_name, actual.model_version, actual.campaign_id, actual.subject,
        actual.customers,
        actual.qini_area,
        actual.uplift_area,
        perfect_qini.qini_area as perfect_qini_area,
        perfect_uplift.uplift_area as perfect_uplift_area,
        cast(perfect_qini.customers as {{ double }}) * perfect_qini.qini_end / 2.0e0 as random_qini_area,
        cast(perfect_uplift.customers as {{ double }}) * perfect_uplift.uplift_end / 2.0e0 as random_uplift_area
    from areas as actual
    {%- for perfect in ['perfect_qini', 'perfect_uplift'] %}
    inner join areas as {{ perfect }}
        on {{ perfect }}.ordering = {{ scorehouse.sql_string(perfect) }}
        {%- for key in ['model_name', 'model_version', 'campaign_id', 'subject'] %}
        and {{ perfect }}.{{ key }} = actual.{{ key }}
        {%- endfor %}
    {%- endfor %}
    where actual.ordering = 'actual'
)

select
    model_name, model_version, campaign_id, subject, customers,
    qini_area, perfect_qini_area, random_qini_area,
    {{ scorehouse.safe_divide('qini_area - random_qini_area', 'perfect_qini_area - random_qini_area') }} as qini_coefficient,
    uplift_area, perfect_uplift_area, random_uplift_area,
    {{ scorehouse.safe_divide('uplift_area - random_uplift_area', 'perfect_uplift_area - random_uplift_area') }} as auuc
from joined
