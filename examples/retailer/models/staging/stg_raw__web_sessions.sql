with

source as (

    select * from {{ raw_source('web_sessions') }}

),

renamed as (

    select
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(device as {{ dbt.type_string() }}) as device

    from source

)

select * from renamed
