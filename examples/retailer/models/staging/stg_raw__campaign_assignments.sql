with

source as (

    select * from {{ raw_source('campaign_assignments') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_int() }}) as campaign_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(assigned_at as {{ dbt.type_timestamp() }}) as assigned_at,
        cast(treatment_group as {{ dbt.type_string() }}) as treatment_group,
        cast(treatment_group = 'treatment' as boolean) as is_treatment,
        cast(contacted as boolean) as was_contacted,
        cast(contact_cost as {{ scorehouse.type_double() }}) as contact_cost,
        cast(converted as boolean) as is_converted,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(revenue as {{ scorehouse.type_double() }}) as revenue

    from source

)

select * from renamed
