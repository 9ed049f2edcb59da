-- Who was in an audience at a point in time, and whether they were held out.
-- Compile with: dbt compile --select audience_on_date --vars '{audience: churn_retention_email, at: "2025-07-15 00:00:00"}'
select
    spells.audience,
    spells.customer_id,
    spells.is_holdout,
    spells.score,
    spells.valid_from,
    spells.valid_to
from {{ ref('seg_membership_spells') }} as spells
where spells.audience = {{ scorehouse.sql_string(var("audience", "churn_retention_email")) }}
    and spells.valid_from <= cast({{ scorehouse.sql_string(var("at", "2025-09-01 00:00:00")) }} as {{ dbt.type_timestamp() }})
    and (spells.valid_to is null
        or spells.valid_to > cast({{ scorehouse.sql_string(var("at", "2025-09-01 00:00:00")) }} as {{ dbt.type_timestamp() }}))
