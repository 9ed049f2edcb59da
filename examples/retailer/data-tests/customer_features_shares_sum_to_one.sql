-- The category shares of a customer who ordered before the cutoff add up to 1, and are all
-- 0 for one who never did. Returns the rows that break it.
{%- set categories = order_categories() %}

with

features as (

    select
        customer_id,
        cutoff_date,
        frequency,
        {% for category in categories -%}
        share_{{ category }}{{ ' + ' if not loop.last }}
        {%- endfor %} as share_total

    from {{ ref('customer_features') }}

)

select *
from features
where abs(share_total - case when frequency > 0 then 1 else 0 end) > 1e-9
