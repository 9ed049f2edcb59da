-- One row per customer per cutoff (customers who signed up before it): the features every
-- customer model trains and scores on, plus the RFM rule baseline. Every feature uses only
-- data strictly before cutoff_date. Numeric features are DOUBLE; counts, sums and shares
-- are 0, not NULL, when there was nothing to count.
{%- set windows = feature_windows() %}
{%- set categories = order_categories() %}
{#- The columns of each per-source input, filled with 0 for customers absent from it. #}
{%- set zero_when_missing = {
    'order_features': ['frequency', 'monetary'],
    'session_features': [],
    'event_features': [],
    'support_features': ['tickets_total', 'tickets_90d'],
    'campaign_features': ['times_contacted', 'past_campaign_conversions'],
} %}
{%- for days in windows %}
    {%- do zero_when_missing['order_features'].extend(['orders_%dd' % days, 'spend_%dd' % days]) %}
    {%- do zero_when_missing['session_features'].append('sessions_%dd' % days) %}
    {%- for name in event_features() %}
        {%- do zero_when_missing['event_features'].append('%s_%dd' % (name, days)) %}
    {%- endfor %}
{%- endfor %}
{%- for category in categories %}
    {%- do zero_when_missing['order_features'].append('share_' ~ category) %}
{%- endfor %}

with

spine as (

    select * from {{ ref('int_customer_cutoff_spine') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),
{%- for relation in zero_when_missing %}

{{ relation }} as (

    select * from {{ ref('int_customer_' ~ relation) }}

),
{%- endfor %}

joined as (

    select
        spine.customer_id,
        spine.cutoff_date,

        customers.acquisition_channel,
        customers.region,
        customers.age_band,
        cast({{ dbt.datediff('spine.signup_date', 'spine.cutoff_date', 'day') }} as {{ scorehouse.type_double() }})
            as tenure_days,
        {{ scorehouse.bool_to_double('customers.has_email_consent') }} as email_consent,
        {{ scorehouse.bool_to_double('customers.has_sms_consent') }} as sms_consent,
        {{ scorehouse.bool_to_double('customers.has_ads_consent') }} as ads_consent,

        order_features.recency_days,
        support_features.mean_satisfaction,
        campaign_features.last_contact_days_ago,
        {%- for relation, columns in zero_when_missing.items() %}
        {%- set outer_last = loop.last %}
        {%- for column in columns %}
        coalesce({{ relation }}.{{ column }}, 0) as {{ column }}{{ ',' if not (outer_last and loop.last) }}
        {%- endfor %}
        {%- endfor %}

    from spine
    inner join customers
        on spine.customer_id = customers.customer_id
    {%- for relation in zero_when_missing %}
    left join {{ relation }}
        on spine.customer_id = {{ relation }}.customer_id
        and spine.cutoff_date = {{ relation }}.cutoff_date
    {%- endfor %}

),

rfm_scored as (

    select
        *,
        {{ scorehouse.rfm_score('recency_days', ['cutoff_date'], higher_is_better=false) }}
            as rfm_recency_score,
        {{ scorehouse.rfm_score('case when frequency > 0 then frequency end', ['cutoff_date']) }}
            as rfm_frequency_score,
        {{ scorehouse.rfm_score('case when frequency > 0 then monetary end', ['cutoff_date']) }}
            as rfm_monetary_score

    from joined

),

final as (

    select
        *,
        {{ scorehouse.rfm_cell('rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score') }}
            as rfm_cell,
        {{ scorehouse.rfm_segment('rfm_recency_score', 'rfm_frequency_score') }} as rfm_segment,
        {{ scorehouse.rfm_rule_score('rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score') }}
            as rule_score

    from rfm_scored

)

select * from final
