-- Campaign history of each customer before each cutoff: contacts received and past
-- conversions. A conversion counts once its time has passed, never by the `is_converted`
-- flag alone, which is only known after the campaign window. Only customers assigned to a
-- campaign before the cutoff have a row.
with

assignments_before_cutoff as (

    {{ scorehouse.rows_before_cutoff(ref('stg_raw__campaign_assignments'), 'assigned_at', ref('customer_cutoffs')) }}

),

aggregated as (

    select
        customer_id,
        cutoff_date,
        {{ scorehouse.rolling_count('assigned_at', 'cutoff_date', where='was_contacted') }} as times_contacted,
        max(case when was_contacted then assigned_at end) as last_contacted_at,
        {{ scorehouse.rolling_count('converted_at', 'cutoff_date', where='is_converted') }}
            as past_campaign_conversions

    from assignments_before_cutoff
    group by customer_id, cutoff_date

),

final as (

    select
        customer_id,
        cutoff_date,
        times_contacted,
        cast({{ dbt.datediff('last_contacted_at', 'cutoff_date', 'day') }} as {{ scorehouse.type_double() }})
            as last_contact_days_ago,
        past_campaign_conversions

    from aggregated

)

select * from final
