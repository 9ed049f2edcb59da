with

source as (

    select * from {{ raw_source('web_events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_bigint() }}) as event_id,
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,
        cast(event_type as {{ dbt.type_string() }}) as event_type

    from source

)

select * from renamed
