-- Web and app sessions of each customer in the rolling windows before each cutoff. Only
-- customers with a session in the longest window have a row.
{%- set windows = scorehouse._feature_windows() %}

with

sessions as (

    select customer_id, started_at from {{ ref('stg_raw__web_sessions') }}

),

cutoffs as (

    select cutoff_date from {{ ref('customer_cutoffs') }}

),

sessions_before_cutoff as (

    select
        cutoffs.cutoff_date,
        sessions.customer_id,
        sessions.started_at

    from sessions
    inner join cutoffs
        on {{ scorehouse.is_before_cutoff('sessions.started_at', 'cutoffs.cutoff_date', windows | max) }}

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
