-- Support tickets of each customer before each cutoff. Only customers with a ticket before
-- the cutoff have a row.
with

tickets as (

    select customer_id, created_at, satisfaction_score from {{ ref('stg_raw__support_tickets') }}

),

cutoffs as (

    select cutoff_date from {{ ref('customer_cutoffs') }}

),

tickets_before_cutoff as (

    select
        cutoffs.cutoff_date,
        tickets.customer_id,
        tickets.created_at,
        tickets.satisfaction_score

    from tickets
    inner join cutoffs
        on {{ scorehouse.is_before_cutoff('tickets.created_at', 'cutoffs.cutoff_date') }}

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
