-- Order history of each customer as of each cutoff: RFM inputs, rolling order counts and
-- spend, and the share of orders per category. Only customers with at least one order
-- before the cutoff have a row.
{%- set windows = feature_windows() %}
{%- set categories = order_categories() %}

with

orders_before_cutoff as (

    {{ scorehouse.rows_before_cutoff(ref('stg_raw__orders'), 'ordered_at', ref('customer_cutoffs')) }}

),

aggregated as (

    select
        customer_id,
        cutoff_date,
        max(ordered_at) as last_ordered_at,
        {{ scorehouse.rolling_count('ordered_at', 'cutoff_date') }} as frequency,
        {{ scorehouse.rolling_sum('net_amount', 'ordered_at', 'cutoff_date') }} as monetary,
        {%- for days in windows %}
        {{ scorehouse.rolling_count('ordered_at', 'cutoff_date', days) }} as orders_{{ days }}d,
        {{ scorehouse.rolling_sum('net_amount', 'ordered_at', 'cutoff_date', days) }} as spend_{{ days }}d,
        {%- endfor %}
        {%- for category in categories %}
        {{ scorehouse.rolling_count('ordered_at', 'cutoff_date', where="category = " ~ scorehouse.sql_string(category)) }}
            as {{ category }}_orders{{ ',' if not loop.last }}
        {%- endfor %}

    from orders_before_cutoff
    group by customer_id, cutoff_date

),

final as (

    select
        customer_id,
        cutoff_date,
        cast({{ dbt.datediff('last_ordered_at', 'cutoff_date', 'day') }} as {{ scorehouse.type_double() }})
            as recency_days,
        frequency,
        monetary,
        {%- for days in windows %}
        orders_{{ days }}d,
        spend_{{ days }}d,
        {%- endfor %}
        {%- for category in categories %}
        {{ scorehouse.safe_divide(category ~ '_orders', 'frequency') }} as share_{{ category }}{{ ',' if not loop.last }}
        {%- endfor %}

    from aggregated

)

select * from final
