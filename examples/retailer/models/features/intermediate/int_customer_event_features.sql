-- Web events of each customer in the rolling windows before each cutoff: all events, and
-- product views, add-to-carts and pricing-page views apart. Only customers with an event in
-- the longest window have a row.
{%- set windows = feature_windows() %}
{%- set event_features = event_features() %}

with

events_before_cutoff as (

    {{ scorehouse.rows_before_cutoff(ref('stg_raw__web_events'), 'event_at', ref('customer_cutoffs'), days=windows | max) }}

),

aggregated as (

    select
        customer_id,
        cutoff_date,
        {%- for name, condition in event_features.items() %}
        {%- set outer_last = loop.last %}
        {%- for days in windows %}
        {{ scorehouse.rolling_count('event_at', 'cutoff_date', days, where=condition) }}
            as {{ name }}_{{ days }}d{{ ',' if not (outer_last and loop.last) }}
        {%- endfor %}
        {%- endfor %}

    from events_before_cutoff
    group by customer_id, cutoff_date

)

select * from aggregated
