with

source as (

    select * from {{ raw_source('customers') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(signup_date as date) as signup_date,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        -- Matching keys for CRM and ad-platform audiences: the email without whitespace,
        -- lower-case; the phone as typed (the segments turn it into E.164).
        {{ scorehouse.normalized_email('cast(email as ' ~ dbt.type_string() ~ ')') }} as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(email_consent as boolean) as has_email_consent,
        cast(sms_consent as boolean) as has_sms_consent,
        cast(ads_consent as boolean) as has_ads_consent

    from source

)

select * from renamed
