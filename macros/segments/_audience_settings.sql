{#- Private: the declared audiences as rows (audience, campaign_id, destination_type,
    destination, holdout_share, attribution_days, cost_per_contact), for models that join
    what was declared to what happened. -#}
{% macro _audience_settings() -%}
    {%- set text = dbt.type_string() -%}
    {%- set integer = dbt.type_int() -%}
    {%- set double = scorehouse.type_double() -%}
    {%- for audience in scorehouse._audiences() %}
    select
        cast({{ scorehouse.sql_string(audience.name) }} as {{ text }}) as audience,
        cast({{ scorehouse.sql_number(audience.campaign_id) }} as {{ integer }}) as campaign_id,
        cast({{ scorehouse.sql_string(audience.destination_type) }} as {{ text }}) as destination_type,
        cast({{ scorehouse.sql_string(audience.destination) }} as {{ text }}) as destination,
        {{ scorehouse.sql_double(audience.holdout_share) }} as holdout_share,
        cast({{ scorehouse.sql_number(audience.attribution_days) }} as {{ integer }}) as attribution_days,
        {{ scorehouse.sql_double(audience.cost_per_contact) }} as cost_per_contact
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ text }}) as audience,
        cast(null as {{ integer }}) as campaign_id,
        cast(null as {{ text }}) as destination_type,
        cast(null as {{ text }}) as destination,
        cast(null as {{ double }}) as holdout_share,
        cast(null as {{ integer }}) as attribution_days,
        cast(null as {{ double }}) as cost_per_contact
    where 1 = 0
    {%- endfor %}
{%- endmacro %}
