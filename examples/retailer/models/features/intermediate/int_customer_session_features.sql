-- Web and app sessions of each customer in the rolling windows before each cutoff. Only
-- customers with a session in the longest window have a row.
{%- set windows = feature_windows() %}

with

sessions_before_cutoff as (

    {{ scorehouse.rows_before_cutoff(ref('stg_raw__web_sessions'), 'started_at', ref('customer_cutoffs'), days=windows | max) }}

),

aggregated as (

    select
        customer_id,
        cutoff_date,
        {%- for days in windows %}
        {{ scorehouse.rolling_count('started_at', 'cutoff_date', days) }} as sessions_{{ days }}d{{ ',' if not loop.last }}
        {%- endfor %}

    from sessions_before_cutoff
    group by customer_id, cutoff_date

)

select * from aggregated
