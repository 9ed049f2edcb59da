with

source as (

    select * from {{ raw_source('support_tickets') }}

),

renamed as (

    select
        cast(ticket_id as {{ dbt.type_bigint() }}) as ticket_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(topic as {{ dbt.type_string() }}) as topic,
        cast(satisfaction as {{ dbt.type_int() }}) as satisfaction_score

    from source

)

select * from renamed
