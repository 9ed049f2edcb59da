with

source as (

    select * from {{ scorehouse.raw_source('customers') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(signup_date as date) as signup_date,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        -- Matching keys for CRM and ad-platform audiences: trimmed, lower-case email;
        -- the phone with its spaces, dots, dashes and brackets removed.
        lower(trim(cast(email as {{ dbt.type_string() }}))) as email,
        nullif(
            {{ scorehouse.regexp_replace_all('cast(phone as ' ~ dbt.type_string() ~ ')', '[^0-9+]', '') }},
            ''
        ) as phone,
        cast(email_consent as boolean) as has_email_consent,
        cast(sms_consent as boolean) as has_sms_consent,
        cast(ads_consent as boolean) as has_ads_consent

    from source

)

select * from renamed
