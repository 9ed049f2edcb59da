select
    cast(account_ref as {{ dbt.type_string() }}) as account_ref,
    cast(used_on as date) as used_on,
    cast(minutes as {{ dbt.type_float() }}) as minutes
from {{ ref('usage_events') }}
