-- One row per campaign and arm (treatment, control): the aggregates every lift statistic is
-- computed from. Only these per-arm summaries ever leave the warehouse.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}

select
    assignments.campaign_id,
    assignments.treatment_group,
    cast(count(*) as {{ dbt.type_bigint() }}) as customers,
    cast(sum(case when assignments.was_contacted then 1 else 0 end) as {{ dbt.type_bigint() }}) as contacted,
    cast(sum(case when assignments.is_converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as conversions,
    avg(case when assignments.is_converted then 1.0e0 else 0.0e0 end) as conversion_rate,
    cast(sum(assignments.revenue) as {{ double }}) as revenue,
    cast(avg(assignments.revenue) as {{ double }}) as revenue_per_customer,
    -- sample variance (n - 1), as Welch's test uses it
    cast(var_samp(assignments.revenue) as {{ double }}) as revenue_variance,
    cast(sum(assignments.contact_cost) as {{ double }}) as contact_cost
from {{ ref('uplift_assignments') }} as assignments
group by assignments.campaign_id, assignments.treatment_group
