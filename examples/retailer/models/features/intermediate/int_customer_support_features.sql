-- Support tickets of each customer before each cutoff. Only customers with a ticket before
-- the cutoff have a row.
with

tickets_before_cutoff as (

    {{ scorehouse.rows_before_cutoff(ref('stg_raw__support_tickets'), 'created_at', ref('customer_cutoffs')) }}

),

aggregated as (

    select
        customer_id,
        cutoff_date,
        {{ scorehouse.rolling_count('created_at', 'cutoff_date') }} as tickets_total,
        {{ scorehouse.rolling_count('created_at', 'cutoff_date', 90) }} as tickets_90d,
        avg(cast(satisfaction_score as {{ scorehouse.type_double() }})) as mean_satisfaction

    from tickets_before_cutoff
    group by customer_id, cutoff_date

)

select * from aggregated
