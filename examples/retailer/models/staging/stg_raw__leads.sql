with

source as (

    select * from {{ raw_source('leads') }}

),

renamed as (

    select
        cast(lead_id as {{ dbt.type_bigint() }}) as lead_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(source as {{ dbt.type_string() }}) as lead_source,
        cast(company_size as {{ dbt.type_string() }}) as company_size,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(job_level as {{ dbt.type_string() }}) as job_level,
        cast(pages_viewed as {{ dbt.type_int() }}) as pages_viewed,
        cast(requested_demo as boolean) as requested_demo,
        cast(converted as boolean) as is_converted,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at

    from source

)

select * from renamed
