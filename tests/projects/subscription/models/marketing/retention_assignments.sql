-- scorehouse's campaign assignments input.
select
    cast(campaign_id as {{ dbt.type_int() }}) as campaign_id,
    cast(account_ref as {{ dbt.type_string() }}) as customer_id,
    cast(assigned_at as {{ dbt.type_timestamp() }}) as assigned_at,
    cast(arm as {{ dbt.type_string() }}) as treatment_group,
    arm = 'treatment' as is_treatment,
    arm = 'treatment' as was_contacted,
    cast(case when arm = 'treatment' then 0.05 else 0 end as {{ scorehouse.type_double() }}) as contact_cost,
    cast(renewed as boolean) as is_converted,
    cast(case when renewed then assigned_at end as {{ dbt.type_timestamp() }}) as converted_at,
    cast(revenue as {{ scorehouse.type_double() }}) as revenue
from {{ ref('campaign_members') }}
