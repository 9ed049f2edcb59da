-- What happened after each cutoff, for every row of customer_features: churn (no order in
-- the next 60 days), purchase (an order in the next 30 days) and revenue (next 90 days).
-- An order exactly at the cutoff belongs here, never to the features. A label is NULL while
-- its window is still open, i.e. reaches past the latest order the data holds.
with

spine as (

    select customer_id, cutoff_date from {{ ref('int_customer_cutoff_spine') }}

),

orders as (

    select customer_id, ordered_at, net_amount from {{ ref('stg_raw__orders') }}

),

data_end as (

    select max(ordered_at) as observed_until from orders

),

orders_after_cutoff as (

    select
        spine.customer_id,
        spine.cutoff_date,
        orders.ordered_at,
        orders.net_amount

    from spine
    inner join orders
        on spine.customer_id = orders.customer_id
        and {{ scorehouse.is_in_label_window('orders.ordered_at', 'spine.cutoff_date', 90) }}

),

outcomes as (

    select
        customer_id,
        cutoff_date,
        count(case when {{ scorehouse.is_in_label_window('ordered_at', 'cutoff_date', 30) }} then 1 end)
            as orders_next_30d,
        count(case when {{ scorehouse.is_in_label_window('ordered_at', 'cutoff_date', 60) }} then 1 end)
            as orders_next_60d,
        sum(net_amount) as revenue_next_90d

    from orders_after_cutoff
    group by customer_id, cutoff_date

),

final as (

    select
        spine.customer_id,
        spine.cutoff_date,
        case
            when {{ scorehouse.is_label_window_closed('spine.cutoff_date', 60, 'data_end.observed_until') }}
                then case when coalesce(outcomes.orders_next_60d, 0) = 0 then 1 else 0 end
        end as churned_60d,
        case
            when {{ scorehouse.is_label_window_closed('spine.cutoff_date', 30, 'data_end.observed_until') }}
                then case when coalesce(outcomes.orders_next_30d, 0) > 0 then 1 else 0 end
        end as purchased_30d,
        case
            when {{ scorehouse.is_label_window_closed('spine.cutoff_date', 90, 'data_end.observed_until') }}
                then cast(coalesce(outcomes.revenue_next_90d, 0) as {{ scorehouse.type_double() }})
        end as revenue_90d,
        cast({{ dbt.dateadd('day', 90, 'spine.cutoff_date') }} as date) as label_window_end_date,
        {{ scorehouse.is_label_window_closed('spine.cutoff_date', 90, 'data_end.observed_until') }}
            as is_label_window_closed

    from spine
    cross join data_end
    left join outcomes
        on spine.customer_id = outcomes.customer_id
        and spine.cutoff_date = outcomes.cutoff_date

)

select * from final
