-- The retailer's orders as scorehouse's conversions contract wants them (var
-- scorehouse_conversions): one row per conversion with its value, for the audiences'
-- outcomes and the offline conversions uploaded to ad platforms.
select
    cast('order-' || cast(order_id as {{ dbt.type_string() }}) as {{ dbt.type_string() }})
        as conversion_id,
    customer_id,
    ordered_at as converted_at,
    net_amount as value
from {{ ref('stg_raw__orders') }}
