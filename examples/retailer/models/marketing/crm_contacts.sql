-- The retailer's contacts as scorehouse's contacts contract wants them (var
-- scorehouse_contacts): identifiers, region, consent per channel, and the last time a
-- campaign reached the customer (audiences' not_contacted_days).
with

last_contacts as (
    select customer_id, max(assigned_at) as last_contacted_at
    from {{ ref('stg_raw__campaign_assignments') }}
    where was_contacted
    group by customer_id
)

select
    customers.customer_id,
    customers.email,
    customers.phone,
    customers.region,
    customers.has_email_consent,
    customers.has_sms_consent,
    customers.has_ads_consent,
    last_contacts.last_contacted_at
from {{ ref('stg_raw__customers') }} as customers
left join last_contacts
    on last_contacts.customer_id = customers.customer_id
