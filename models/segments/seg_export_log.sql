-- One row per segments run and audience: how the syncable part (holdout excluded) changed
-- since the previous run, which is what a reverse-ETL tool will push. Append-only, and
-- running the same run again adds nothing.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    enabled=scorehouse._segments_enabled()
) }}
{%- set run_at = scorehouse._segments_at_sql() %}
{%- set text = dbt.type_string() %}
{%- set bigint = dbt.type_bigint() %}

with

declared as (
    select audience, destination from (
        {{- scorehouse._audience_settings() | indent(8) }}
    ) as settings
),

before_run as (
    select audience, customer_id
    from {{ ref('seg_membership_spells') }}
    where valid_from < {{ run_at }}
        and (valid_to is null or valid_to >= {{ run_at }})
        and not is_holdout
),

after_run as (
    select audience, customer_id
    from {{ ref('seg_audience_members') }}
    where not is_holdout
),

compared as (
    select
        coalesce(after_run.audience, before_run.audience) as audience,
        case when before_run.customer_id is null then 1 else 0 end as added,
        case when after_run.customer_id is null then 1 else 0 end as removed,
        case when before_run.customer_id is not null and after_run.customer_id is not null
            then 1 else 0 end as kept
    from after_run
    full outer join before_run
        on before_run.audience = after_run.audience
        and before_run.customer_id = after_run.customer_id
),

holdout as (
    select audience, count(*) as held_out
    from {{ ref('seg_audience_members') }}
    where is_holdout
    group by audience
),

counted as (
    select
        declared.audience,
        declared.destination,
        coalesce(sum(compared.added), 0) as added,
        coalesce(sum(compared.removed), 0) as removed,
        coalesce(sum(compared.kept), 0) as kept
    from declared
    left join compared
        on compared.audience = declared.audience
    group by declared.audience, declared.destination
)

select
    {{ run_at }} as run_at,
    counted.audience,
    counted.destination,
    cast(counted.added as {{ bigint }}) as added,
    cast(counted.removed as {{ bigint }}) as removed,
    cast(counted.kept as {{ bigint }}) as kept,
    cast(counted.added + counted.kept as {{ bigint }}) as synced,
    cast(coalesce(holdout.held_out, 0) as {{ bigint }}) as held_out
from counted
left join holdout
    on holdout.audience = counted.audience
{%- if is_incremental() %}
where not exists (
    select 1 from {{ this }} as logged
    where logged.run_at = {{ run_at }} and logged.audience = counted.audience
)
{%- endif %}
