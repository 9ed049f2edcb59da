-- Append-only history of audience membership: one row each time a customer enters, changes
-- (holdout flag, model version, rounded score, decile) or leaves an audience. Nothing is
-- ever updated or deleted, and a full refresh cannot wipe it (full_refresh=false).
-- seg_membership_spells turns it into validity intervals for point-in-time questions.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    enabled=scorehouse._segments_enabled()
) }}
{%- set run_at = scorehouse._segments_at_sql() %}
{%- set tracked = ['is_holdout', 'model_version', 'score', 'decile'] %}

{%- if execute and is_incremental() %}
{%- set latest = run_query('select max(run_at) from ' ~ this).columns[0].values()[0] %}
{%- if latest is not none and (latest | string)[:19] > scorehouse._segments_at() %}
{{ exceptions.raise_compiler_error(
    "seg_membership_history already holds a run at " ~ latest ~ ", later than this run's "
    ~ scorehouse._segments_at() ~ " (var scorehouse_segments_at): history is only appended "
    ~ "in time order") }}
{%- endif %}
{%- endif %}

with

current_members as (
    select * from {{ ref('seg_audience_candidates') }}
),

{%- if is_incremental() %}

latest_events as (
    select
        history.*,
        row_number() over (
            partition by history.audience, history.customer_id
            order by history.run_at desc
        ) as recency
    from {{ this }} as history
),

previous_members as (
    select * from latest_events
    where recency = 1 and is_member
),

{%- else %}

previous_members as (
    select * from current_members where 1 = 0
),

{%- endif %}

changes as (
    select
        coalesce(current_members.audience, previous_members.audience) as audience,
        coalesce(current_members.member_key, previous_members.member_key) as member_key,
        coalesce(current_members.customer_id, previous_members.customer_id) as customer_id,
        case
            when previous_members.customer_id is null then 'added'
            when current_members.customer_id is null then 'removed'
            else 'updated'
        end as change,
        current_members.customer_id is not null as is_member,
        {%- for column in tracked %}
        case when current_members.customer_id is null then previous_members.{{ column }}
            else current_members.{{ column }} end as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from current_members
    full outer join previous_members
        on previous_members.audience = current_members.audience
        and previous_members.customer_id = current_members.customer_id
    where previous_members.customer_id is null
        or current_members.customer_id is null
        {%- for column in tracked %}
        or {{ scorehouse._differs('current_members.' ~ column, 'previous_members.' ~ column) }}
        {%- endfor %}
)

select
    {{ run_at }} as run_at,
    cast(audience as {{ dbt.type_string() }}) as audience,
    cast(member_key as {{ dbt.type_string() }}) as member_key,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    cast(change as {{ dbt.type_string() }}) as change,
    is_member,
    is_holdout,
    cast(model_version as {{ dbt.type_int() }}) as model_version,
    cast(score as {{ scorehouse.type_double() }}) as score,
    cast(decile as {{ dbt.type_int() }}) as decile
from changes
