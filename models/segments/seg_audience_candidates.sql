-- Who is in each declared audience as of this run: one row per audience and customer, with
-- the identifiers destinations match on and the stable holdout flag. The history, the
-- members table and the sync view are built from it. Customers come from the contacts
-- relation (var scorehouse_contacts); without declared audiences the table is empty and
-- reads nothing.
{{ config(materialized='table', enabled=scorehouse._segments_enabled()) }}
{%- set audiences = [] %}
{%- for audience in scorehouse._audiences() %}
{%- set source = scorehouse._audience_source(audience) %}
{%- if source is not none %}
{%- do audiences.append({'declared': audience, 'source': source}) %}
{%- endif %}
{%- endfor %}
{%- set contacts = scorehouse._input('scorehouse_contacts') %}
{%- if audiences and contacts is none %}
{{ exceptions.raise_compiler_error("audiences are declared (" ~ audiences | map(attribute='declared') | map(attribute='name') | join(', ')
    ~ "), but var scorehouse_contacts names no contacts relation: set it to the model holding "
    ~ "each customer's email, phone, region and consent (README: Input contracts)") }}
{%- endif %}
{%- set needs_last_contact = [] %}
{%- for ready in audiences if ready.declared.not_contacted_days %}
{%- do needs_last_contact.append(ready.declared.name) %}
{%- endfor %}
{%- if needs_last_contact and 'last_contacted_at' not in scorehouse._input_columns(contacts) %}
{{ exceptions.raise_compiler_error("audience " ~ needs_last_contact[0]
    ~ " sets eligibility.not_contacted_days, but the relation var scorehouse_contacts names ("
    ~ contacts ~ ") lacks column last_contacted_at") }}
{%- endif %}
{%- set double = scorehouse.type_double() %}
{%- set text = dbt.type_string() %}
{%- set integer = dbt.type_int() %}

{%- if not audiences %}

select {{ scorehouse._typed_nulls([
    ('member_key', text), ('audience', text), ('campaign_id', integer),
    ('destination_type', text), ('destination', text), ('consent_channel', text),
    ('customer_id', text), ('crm_id', text), ('email', text), ('email_sha256', text),
    ('phone_e164', text), ('phone_sha256', text), ('model_name', text),
    ('model_version', integer), ('scored_by', text), ('score', double), ('decile', integer),
    ('cutoff_date', 'date'), ('is_holdout', 'boolean'), ('holdout_share', double)]) }}
where 1 = 0

{%- else %}

with

customers as (
    select
        -- every key as text in scorehouse's audience tables, whatever its type in the project
        cast(customer_id as {{ text }}) as customer_id,
        cast(customer_id as {{ text }}) as crm_id,
        {{ scorehouse.normalized_email('cast(email as ' ~ text ~ ')') }} as email,
        {{ scorehouse.phone_e164('cast(phone as ' ~ text ~ ')') }} as phone_e164,
        cast(region as {{ text }}) as region,
        {%- if needs_last_contact %}
        last_contacted_at,
        {%- endif %}
        has_email_consent,
        has_sms_consent,
        has_ads_consent
    from {{ contacts }}
),

identities as (
    select
        customers.*,
        {{ scorehouse.sha256_hex('email') }} as email_sha256,
        {{ scorehouse.sha256_hex('phone_e164') }} as phone_sha256
    from customers
),

{%- for ready in audiences %}
{%- set audience = ready.declared %}
{%- set source = ready.source %}
{%- set key = adapter.quote(source.entity_key) %}
{%- set cte = 'audience_' ~ loop.index %}

{{ cte }}_base as (
    {%- if audience.model %}
    {%- set cutoff = adapter.quote(source.cutoff) %}
    select
        features.*,
        cast(features.{{ key }} as {{ text }}) as audience_customer_id,
        cast(features.{{ cutoff }} as date) as audience_cutoff,
        scores.score as audience_score,
        scores.decile as audience_decile,
        scores.model_version as audience_model_version,
        scores.scored_by as audience_scored_by
    from {{ source.scores }} as scores
    inner join {{ source.features }} as features
        on features.{{ key }} = scores.{{ key }}
        and features.{{ cutoff }} = scores.{{ cutoff }}
    where scores.score is not null
    {%- else %}
    select
        features.*,
        cast(features.{{ key }} as {{ text }}) as audience_customer_id,
        {%- if source.cutoff %}
        cast(features.{{ adapter.quote(source.cutoff) }} as date) as audience_cutoff,
        {%- else %}
        cast(null as date) as audience_cutoff,
        {%- endif %}
        cast(null as {{ double }}) as audience_score,
        cast(null as {{ integer }}) as audience_decile,
        cast(null as {{ integer }}) as audience_model_version,
        cast(null as {{ text }}) as audience_scored_by
    from {{ source.features }} as features
    {%- if source.cutoff %}
    {%- set cutoff = adapter.quote(source.cutoff) %}
    -- the snapshot scoring reads: var scorehouse_score_cutoff, or the latest
    {%- if var('scorehouse_score_cutoff', none) %}
    where features.{{ cutoff }} = cast({{ scorehouse.sql_string(var('scorehouse_score_cutoff')) }} as date)
    {%- else %}
    where features.{{ cutoff }} = (select max({{ cutoff }}) from {{ source.features }})
    {%- endif %}
    {%- endif %}
    {%- endif %}
),

{{ cte }}_by_rule as (
    select * from {{ cte }}_base
    {%- if audience.rule %}
    where ({{ audience.rule }})
    {%- endif %}
),

{{ cte }}_eligible as (
    select
        base.audience_customer_id as customer_id,
        base.audience_cutoff as cutoff_date,
        base.audience_score as score,
        base.audience_decile as decile,
        base.audience_model_version as model_version,
        base.audience_scored_by as scored_by,
        row_number() over (order by base.audience_score desc, base.audience_customer_id) as score_rank,
        count(*) over () as pool_size
    from {{ cte }}_by_rule as base
    inner join customers
        on customers.customer_id = base.audience_customer_id
    where customers.has_{{ audience.consent }}_consent
    {%- if audience.regions %}
        and {{ scorehouse.sql_in_list('customers.region', audience.regions) }}
    {%- endif %}
    {%- if audience.not_contacted_days %}
        -- not reached by a campaign in the days before the snapshot the audience selects from
        and (customers.last_contacted_at is null
            or customers.last_contacted_at < {{ dbt.dateadd('day', -audience.not_contacted_days,
                'coalesce(base.audience_cutoff, ' ~ scorehouse._segments_at_sql() ~ ')') }})
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
),
{%- endfor %}

selected as (
    {%- for ready in audiences %}
    select * from audience_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
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
    case
    {%- for ready in audiences %}
        when audience = {{ scorehouse.sql_string(ready.declared.name) }} then {{ scorehouse.round_double('score', ready.declared.score_digits) }}
    {%- endfor %}
    end as score,
    cast(decile as {{ integer }}) as decile,
    cutoff_date,
    holdout_draw < holdout_share as is_holdout,
    holdout_share
from keyed

{%- endif %}
