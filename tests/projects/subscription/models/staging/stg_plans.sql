select
    cast(plan_code as {{ dbt.type_string() }}) as plan_code,
    cast(plan_name as {{ dbt.type_string() }}) as plan_name,
    cast(monthly_price as {{ dbt.type_float() }}) as monthly_price
from {{ ref('plans') }}
