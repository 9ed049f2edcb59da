with

source as (

    select * from {{ raw_source('orders') }}

),

renamed as (

    select
        cast(order_id as {{ dbt.type_bigint() }}) as order_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(amount as {{ scorehouse.type_double() }}) as net_amount,
        cast(discount as {{ scorehouse.type_double() }}) as discount_amount,
        cast(category as {{ dbt.type_string() }}) as category

    from source

)

select * from renamed
