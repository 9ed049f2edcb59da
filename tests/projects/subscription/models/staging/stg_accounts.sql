select
    cast(account_ref as {{ dbt.type_string() }}) as account_ref,
    cast(opened_on as date) as opened_on,
    cast(plan_code as {{ dbt.type_string() }}) as plan_code,
    cast(country as {{ dbt.type_string() }}) as country,
    cast(billing_email as {{ dbt.type_string() }}) as billing_email,
    cast(mobile as {{ dbt.type_string() }}) as mobile,
    cast(newsletter_opt_in as boolean) as newsletter_opt_in,
    cast(sms_opt_in as boolean) as sms_opt_in,
    cast(cancelled_on as date) as cancelled_on
from {{ ref('accounts') }}
