-- Who is in each declared audience as of this run: one row per audience and customer, with
-- the identifiers destinations match on and the stable holdout flag. The history, the
-- members table and the sync view are built from it.
{{ config(materialized='table') }}
{%- set audiences = [] %}
{%- for audience in scorehouse._audiences() %}
{%- set scores = scorehouse._audience_scores(audience) if audience.model else none %}
{%- if scores is not none or not audience.model %}
{%- do audiences.append({'declared': audience, 'scores': scores}) %}
{%- endif %}
{%- endfor %}
{%- set double = scorehouse.type_double() %}
{%- set text = dbt.type_string() %}
{%- set integer = dbt.type_int() %}

with

customers as (
    select
        customer_id,
        cast(customer_id as {{ text }}) as crm_id,
        nullif(email, '') as email,
        {{ scorehouse.phone_e164('phone') }} as phone_e164,
        region,
        has_email_consent,
        has_sms_consent,
        has_ads_consent
    from {{ ref('stg_raw__customers') }}
),

identities as (
    select
        customers.*,
        {{ scorehouse.sha256_hex('email') }} as email_sha256,
        {{ scorehouse.sha256_hex('phone_e164') }} as phone_sha256
    from customers
),

-- rule-only audiences read the snapshot scoring reads: var scorehouse_score_cutoff, or the latest
latest_features as (
    select * from {{ ref('customer_features') }}
{%- if var('scorehouse_score_cutoff', none) %}
    where cutoff_date = cast({{ scorehouse.sql_string(var('scorehouse_score_cutoff')) }} as date)
{%- else %}
    where cutoff_date = (select max(cutoff_date) from {{ ref('customer_features') }})
{%- endif %}
)

{%- for ready in audiences %}
{%- set audience = ready.declared %}
{%- set cte = 'audience_' ~ loop.index %}
,

{{ cte }}_base as (
    {%- if audience.model %}
    select
        features.*,
        scores.score as audience_score,
        scores.decile as audience_decile,
        scores.model_version as audience_model_version,
        scores.scored_by as audience_scored_by
    from {{ ready.scores }} as scores
    inner join {{ ref('customer_features') }} as features
        on features.customer_id = scores.customer_id
        and features.cutoff_date = scores.cutoff_date
    where scores.score is not null
    {%- else %}
    select
        features.*,
        cast(null as {{ double }}) as audience_score,
        cast(null as {{ integer }}) as audience_decile,
        cast(null as {{ integer }}) as audience_model_version,
        cast(null as {{ text }}) as audience_scored_by
    from latest_features as features
    {%- endif %}
),

{{ cte }}_by_rule as (
    select * from {{ cte }}_base
    where 1 = 1
    {%- if audience.rule %}
        and ({{ audience.rule }})
    {%- endif %}
    {%- if audience.not_contacted_days %}
        and (last_contact_days_ago is null or last_contact_days_ago >= {{ scorehouse.sql_number(audience.not_contacted_days) }})
    {%- endif %}
),

{{ cte }}_eligible as (
    select
        by_rule.customer_id,
        by_rule.cutoff_date,
        by_rule.audience_score as score,
        by_rule.audience_decile as decile,
        by_rule.audience_model_version as model_version,
        by_rule.audience_scored_by as scored_by,
        row_number() over (order by by_rule.audience_score desc, by_rule.customer_id) as score_rank,
        count(*) over () as pool_size
    from {{ cte }}_by_rule as by_rule
    inner join customers
        on customers.customer_id = by_rule.customer_id
    where customers.has_{{ audience.consent }}_consent
    {%- if audience.regions %}
        and {{ scorehouse.sql_in_list('customers.region', audience.regions) }}
    {%- endif %}
),

{{ cte }} as (
    select
        cast({{ scorehouse.sql_string(audience.name) }} as {{ text }}) as audience,
        cast({{ scorehouse.sql_number(audience.campaign_id) }} as {{ integer }}) as campaign_id,
        cast({{ scorehouse.sql_string(audience.destination_type) }} as {{ text }}) as destination_type,
        cast({{ scorehouse.sql_string(audience.destination) }} as {{ text }}) as destination,
        cast({{ scorehouse.sql_string(audience.consent) }} as {{ text }}) as consent_channel,
        cast({{ scorehouse.sql_string(audience.model) }} as {{ text }}) as model_name,
        eligible.model_version,
        eligible.scored_by,
        eligible.score,
        eligible.decile,
        eligible.cutoff_date,
        eligible.customer_id,
        {{ scorehouse.sql_double(audience.holdout_share) }} as holdout_share,
        cast({{ scorehouse.sql_string(audience.salt) }} as {{ text }}) as holdout_salt
    from {{ cte }}_eligible as eligible
    {%- if audience.select == 'threshold' %}
    where eligible.score >= {{ scorehouse.sql_double(audience.select_value) }}
    {%- elif audience.select == 'top_k' %}
    where eligible.score_rank <= {{ scorehouse.sql_number(audience.select_value) }}
    {%- elif audience.select == 'top_percent' %}
    where eligible.score_rank <= ceil(eligible.pool_size * {{ scorehouse.sql_double(audience.select_value) }} / 100.0e0)
    {%- elif audience.select == 'deciles' %}
    where eligible.decile in ({% for d in audience.select_value %}{{ scorehouse.sql_number(d) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endif %}
)
{%- endfor %},

selected as (
    {%- for audience in audiences %}
    select * from audience_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ text }}) as audience,
        cast(null as {{ integer }}) as campaign_id,
        cast(null as {{ text }}) as destination_type,
        cast(null as {{ text }}) as destination,
        cast(null as {{ text }}) as consent_channel,
        cast(null as {{ text }}) as model_name,
        cast(null as {{ integer }}) as model_version,
        cast(null as {{ text }}) as scored_by,
        cast(null as {{ double }}) as score,
        cast(null as {{ integer }}) as decile,
        cast(null as date) as cutoff_date,
        cast(null as {{ dbt.type_bigint() }}) as customer_id,
        cast(null as {{ double }}) as holdout_share,
        cast(null as {{ text }}) as holdout_salt
    where 1 = 0
    {%- endfor %}
),

keyed as (
    select
        selected.*,
        identities.crm_id,
        identities.email,
        identities.email_sha256,
        identities.phone_e164,
        identities.phone_sha256,
        -- random but stable: the same customer stays in (or out of) the control group on
        -- every run, as long as the audience keeps its salt and share
        {{ scorehouse.hex_fraction(scorehouse.sha256_hex("selected.holdout_salt || ':' || identities.crm_id")) }}
            as holdout_draw
    from selected
    inner join identities
        on identities.customer_id = selected.customer_id
)

select
    cast(audience || ':' || crm_id as {{ text }}) as member_key,
    audience,
    campaign_id,
    destination_type,
    destination,
    consent_channel,
    customer_id,
    crm_id,
    email,
    email_sha256,
    phone_e164,
    phone_sha256,
    model_name,
    cast(model_version as {{ integer }}) as model_version,
    scored_by,
    {%- if audiences %}
    case
    {%- for ready in audiences %}
        when audience = {{ scorehouse.sql_string(ready.declared.name) }} then {{ scorehouse.round_double('score', ready.declared.score_digits) }}
    {%- endfor %}
    end as score,
    {%- else %}
    score,
    {%- endif %}
    cast(decile as {{ integer }}) as decile,
    cutoff_date,
    holdout_draw < holdout_share as is_holdout,
    holdout_share
from keyed
