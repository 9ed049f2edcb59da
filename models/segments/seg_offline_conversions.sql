-- Offline conversions for upload to ad platforms (Google Ads, Meta): every conversion (var
-- scorehouse_conversions) of a customer who consents to ads, once, under its conversion id,
-- with the hashed identifiers the platforms match on. Append-only: a later run adds the
-- conversions since, and a full refresh cannot wipe what was uploaded (full_refresh=false).
-- Without a conversions relation nothing is uploaded.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    enabled=scorehouse._segments_enabled()
) }}
{%- set run_at = scorehouse._segments_at_sql() %}
{%- set currency = var('scorehouse_currency', 'EUR') | string %}
{%- if not modules.re.match('^[A-Z]{3}$', currency) %}
{{ exceptions.raise_compiler_error("var scorehouse_currency must be an ISO 4217 code like EUR, not " ~ currency) }}
{%- endif %}
{%- set text = dbt.type_string() %}
{%- set contacts = scorehouse._input('scorehouse_contacts') %}
{%- set conversions = scorehouse._input_or_empty('scorehouse_conversions') %}

with

consenting as (
    select
        customer_id,
        {{ scorehouse.sha256_hex(scorehouse.normalized_email('cast(email as ' ~ text ~ ')')) }} as email_sha256,
        {{ scorehouse.sha256_hex(scorehouse.phone_e164('cast(phone as ' ~ text ~ ')')) }} as phone_sha256
    from {{ contacts }}
    where has_ads_consent
),

orders as (
    select
        cast(orders.conversion_id as {{ text }}) as event_id,
        cast('purchase' as {{ text }}) as event_name,
        {{ scorehouse.utc_timestamptz('orders.converted_at') }} as event_time,
        cast(orders.value as {{ scorehouse.type_double() }}) as value,
        cast({{ scorehouse.sql_string(currency) }} as {{ text }}) as currency,
        consenting.email_sha256,
        consenting.phone_sha256,
        {{ run_at }} as loaded_at
    from {{ conversions }} as orders
    inner join consenting
        on consenting.customer_id = orders.customer_id
    where orders.converted_at <= {{ run_at }}
)

select * from orders
{%- if is_incremental() %}
where not exists (
    select 1 from {{ this }} as uploaded
    where uploaded.event_id = orders.event_id
)
{%- endif %}
