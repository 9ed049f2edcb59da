-- One row per account and month it was open at the month's start: usage before the month
-- (features) and what happened during it (labels).
with

months as (
    {{ scorehouse.monthly_cutoffs(var('subscription_first_month'), var('subscription_last_month')) }}
),

open_accounts as (
    select accounts.*, plans.plan_name, plans.monthly_price, months.cutoff_date as snapshot_month
    from {{ ref('stg_accounts') }} as accounts
    inner join {{ ref('stg_plans') }} as plans on plans.plan_code = accounts.plan_code
    cross join months
    where accounts.opened_on < months.cutoff_date
        and (accounts.cancelled_on is null or accounts.cancelled_on >= months.cutoff_date)
),

usage as (
    select
        open_accounts.account_ref,
        open_accounts.snapshot_month,
        sum(case when events.used_on < open_accounts.snapshot_month
            and events.used_on >= {{ dbt.dateadd('day', -30, 'open_accounts.snapshot_month') }}
            then events.minutes else 0 end) as usage_30d,
        sum(case when events.used_on < open_accounts.snapshot_month
            and events.used_on >= {{ dbt.dateadd('day', -90, 'open_accounts.snapshot_month') }}
            then events.minutes else 0 end) as usage_90d,
        sum(case when events.used_on >= open_accounts.snapshot_month
            and events.used_on < {{ dbt.dateadd('month', 1, 'open_accounts.snapshot_month') }}
            then events.minutes else 0 end) as usage_next_month
    from open_accounts
    left join {{ ref('stg_usage_events') }} as events
        on events.account_ref = open_accounts.account_ref
    group by open_accounts.account_ref, open_accounts.snapshot_month
)

select
    open_accounts.account_ref,
    cast(open_accounts.snapshot_month as date) as snapshot_month,
    open_accounts.plan_name,
    open_accounts.country,
    cast(open_accounts.monthly_price as {{ scorehouse.type_double() }}) as monthly_price,
    cast({{ dbt.datediff('open_accounts.opened_on', 'open_accounts.snapshot_month', 'day') }}
        as {{ scorehouse.type_double() }}) as tenure_days,
    cast(usage.usage_30d as {{ scorehouse.type_double() }}) as usage_30d,
    cast(usage.usage_90d as {{ scorehouse.type_double() }}) as usage_90d,
    cast(case when open_accounts.cancelled_on is not null
        and open_accounts.cancelled_on < {{ dbt.dateadd('month', 1, 'open_accounts.snapshot_month') }}
        then 1 else 0 end as {{ dbt.type_int() }}) as cancels_next_month,
    cast(usage.usage_next_month as {{ scorehouse.type_double() }}) as usage_next_month
from open_accounts
inner join usage
    on usage.account_ref = open_accounts.account_ref
    and usage.snapshot_month = open_accounts.snapshot_month
