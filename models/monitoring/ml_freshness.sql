-- Freshness per model in the registry: the champion's age against the refresh cadence of
-- its passport (retrain due), and the last scoring run against the maximum staleness.
{{ config(materialized='table') }}
{%- set passports = scorehouse._registry_relation('ml_passports') %}
{%- set models = scorehouse._monitored_models() %}
{%- set text, int = dbt.type_string(), dbt.type_int() %}

with

passports as (
{%- if passports is not none %}
    select
        cast(model_name as {{ text }}) as model_name,
        cast(champion_version as {{ int }}) as champion_version,
        cast(trained_at as {{ dbt.type_timestamp() }}) as trained_at,
        cast(refresh_cadence_days as {{ int }}) as refresh_cadence_days,
        cast(max_staleness_days as {{ int }}) as max_staleness_days,
        cast(serving as {{ text }}) as serving
    from {{ passports }}
{%- else %}
    select {{ scorehouse._typed_nulls([
        ('model_name', text), ('champion_version', int), ('trained_at', dbt.type_timestamp()),
        ('refresh_cadence_days', int), ('max_staleness_days', int), ('serving', text)]) }}
    where 1 = 0
{%- endif %}
),

last_runs as (
{%- for m in models %}
    select
        cast({{ scorehouse.sql_string(m.name) }} as {{ text }}) as model_name,
        {{ scorehouse.as_utc('max(scored_at)') }} as last_scored_at
    from {{ m.history }}
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- else %}
    select {{ scorehouse._typed_nulls([('model_name', text), ('last_scored_at', dbt.type_timestamp())]) }}
    where 1 = 0
{%- endfor %}
),

ages as (
    select
        passports.*,
        last_runs.last_scored_at,
        {{ scorehouse.elapsed_days('passports.trained_at', scorehouse.utc_now()) }} as model_age_days,
        {{ scorehouse.elapsed_days('last_runs.last_scored_at', scorehouse.utc_now()) }} as days_since_scored
    from passports
    left join last_runs
        on last_runs.model_name = passports.model_name
),

final as (
    select
        model_name,
        champion_version,
        trained_at,
        model_age_days,
        refresh_cadence_days,
        -- a model without a trained champion is due for training
        coalesce(model_age_days >= refresh_cadence_days, trained_at is null) as is_retrain_due,
        last_scored_at,
        days_since_scored,
        max_staleness_days,
        -- never scored counts as stale; without a maximum nothing is
        case
            when max_staleness_days is null then false
            when last_scored_at is null then true
            else days_since_scored > max_staleness_days
        end as is_stale,
        serving,
        {{ scorehouse.utc_now() }} as computed_at
    from ages
)

select * from final
