-- scorehouse's contacts input: the account's key as customer_id, its identifiers and consent.
select
    account_ref as customer_id,
    billing_email as email,
    mobile as phone,
    country as region,
    newsletter_opt_in as has_email_consent,
    sms_opt_in as has_sms_consent,
    false as has_ads_consent
from {{ ref('stg_accounts') }}
