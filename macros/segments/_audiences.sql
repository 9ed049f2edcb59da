{#- Private: the audiences declared as dbt exposures (`meta.scorehouse_audience`, see
    models/segments/README.md), checked and with their defaults filled in. Read from dbt's
    graph when a model runs; empty while dbt parses.

    A declaration that is wrong stops the run with a message naming the file, the audience
    and the key: a mistyped audience must never sync a wrong list. -#}
{% macro _audiences() -%}
    {%- set found = [] -%}
    {%- if not execute -%}
        {{ return(found) }}
    {%- endif -%}
    {%- set campaign_ids = {} -%}
    {%- for exposure in graph.exposures.values() | sort(attribute='name') -%}
        {%- set meta = exposure.get('meta') or {} -%}
        {%- do meta.update((exposure.get('config') or {}).get('meta') or {}) -%}
        {%- if 'scorehouse_audience' in meta -%}
            {%- set audience = scorehouse._checked_audience(exposure, meta['scorehouse_audience']) -%}
            {%- if audience.campaign_id in campaign_ids -%}
                {{ scorehouse._audience_error(exposure, 'campaign_id',
                    'is ' ~ audience.campaign_id ~ ', already used by audience '
                    ~ campaign_ids[audience.campaign_id]) }}
            {%- endif -%}
            {%- do campaign_ids.update({audience.campaign_id: audience.name}) -%}
            {%- do found.append(audience) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{% macro _audience_error(exposure, key, problem) -%}
    {{ exceptions.raise_compiler_error(
        exposure.original_file_path ~ ": audience " ~ exposure.name ~ ": " ~ key ~ " " ~ problem) }}
{%- endmacro %}

{#- Private: one declaration checked, as a dict with every key set. -#}
{% macro _checked_audience(exposure, declared) -%}
    {%- set consent_of_destination = {
        'email_list': 'email', 'sms_list': 'sms', 'ad_audience': 'ads', 'crm_field': 'email'} -%}
    {%- set selections = ['threshold', 'top_k', 'top_percent', 'deciles'] -%}
    {%- set known = ['model', 'select', 'rule', 'relation', 'entity_key', 'cutoff', 'eligibility',
                     'destination', 'holdout', 'campaign_id', 'attribution_days',
                     'cost_per_contact', 'score_digits'] -%}
    {%- if declared is not mapping -%}
        {{ scorehouse._audience_error(exposure, 'meta.scorehouse_audience', 'must be a mapping') }}
    {%- endif -%}
    {%- if not modules.re.match(scorehouse._name_pattern(), exposure.name) -%}
        {{ scorehouse._audience_error(exposure, 'name', 'breaks the naming rule: ' ~ scorehouse._name_rule()) }}
    {%- endif -%}
    {%- for key in declared if key not in known -%}
        {{ scorehouse._audience_error(exposure, key, 'is not a known key; known: ' ~ known | join(', ')) }}
    {%- endfor -%}
    {%- set sync_node = 'model.scorehouse.seg_audience_sync' -%}
    {%- if sync_node not in exposure.depends_on.nodes -%}
        {{ scorehouse._audience_error(exposure, 'depends_on',
            "must list ref('seg_audience_sync'), the view its destination syncs") }}
    {%- endif -%}

    {%- set model = declared.get('model') -%}
    {%- set rule = declared.get('rule') -%}
    {%- set select = declared.get('select') or {} -%}
    {%- if model is not none and (model is not string or not modules.re.match(scorehouse._name_pattern(), model)) -%}
        {{ scorehouse._audience_error(exposure, 'model', 'must be the name of a scorehouse model, e.g. churn') }}
    {%- endif -%}
    {%- if rule is not none and (rule is not string or rule | trim == '') -%}
        {{ scorehouse._audience_error(exposure, 'rule',
            "must be a SQL condition on the rows the audience selects from (its model's score_relation, or its relation)") }}
    {%- endif -%}
    {%- if model is none and rule is none -%}
        {{ scorehouse._audience_error(exposure, 'model', 'or rule is needed: who is in the audience?') }}
    {%- endif -%}
    {#- a rule-only audience names the relation its rule reads, its key and (optionally) its
        cutoff column; a model's audience reads what the model scored -#}
    {%- set identifier = '^[A-Za-z_][A-Za-z0-9_]*$' -%}
    {%- set relation = declared.get('relation') -%}
    {%- set entity_key = declared.get('entity_key', 'customer_id') -%}
    {%- set cutoff = declared.get('cutoff') -%}
    {%- if model is not none and (relation is not none or cutoff is not none or 'entity_key' in declared) -%}
        {{ scorehouse._audience_error(exposure, 'relation',
            "entity_key and cutoff are for rule-only audiences; a model's audience reads the rows its model scored") }}
    {%- endif -%}
    {%- if model is none and (relation is not string or not modules.re.match(identifier, relation)) -%}
        {{ scorehouse._audience_error(exposure, 'relation',
            'is needed for a rule-only audience: the model its rule reads (one row per customer, or per customer and cutoff)') }}
    {%- endif -%}
    {%- for key, value in [('entity_key', entity_key), ('cutoff', cutoff)] if value is not none -%}
        {%- if value is not string or not modules.re.match(identifier, value) -%}
            {{ scorehouse._audience_error(exposure, key, 'must be a column name') }}
        {%- endif -%}
    {%- endfor -%}
    {%- if select is not mapping or select | length > 1 or (select and (select | list)[0] not in selections) -%}
        {{ scorehouse._audience_error(exposure, 'select', 'takes one of ' ~ selections | join(', ')) }}
    {%- endif -%}
    {%- if select and model is none -%}
        {{ scorehouse._audience_error(exposure, 'select', 'needs a model: it selects by score') }}
    {%- endif -%}
    {%- set how = (select | list)[0] if select else none -%}
    {%- set value = select[how] if select else none -%}
    {%- if how == 'threshold' and not (value is number and 0 <= value <= 1) -%}
        {{ scorehouse._audience_error(exposure, 'select.threshold', 'must be a score between 0 and 1') }}
    {%- elif how == 'top_k' and not (value is integer and value > 0) -%}
        {{ scorehouse._audience_error(exposure, 'select.top_k', 'must be a positive whole number') }}
    {%- elif how == 'top_percent' and not (value is number and 0 < value <= 100) -%}
        {{ scorehouse._audience_error(exposure, 'select.top_percent', 'must be above 0 and at most 100') }}
    {%- elif how == 'deciles' and not (value is sequence and value is not string and value | length > 0
            and value | reject('integer') | list | length == 0
            and value | select('lt', 1) | list | length == 0 and value | select('gt', 10) | list | length == 0) -%}
        {{ scorehouse._audience_error(exposure, 'select.deciles', 'must list deciles from 1 (highest scores) to 10') }}
    {%- endif -%}

    {%- set destination = declared.get('destination') -%}
    {%- if destination is not mapping or destination.get('type') not in consent_of_destination -%}
        {{ scorehouse._audience_error(exposure, 'destination.type',
            'must be one of ' ~ consent_of_destination | list | join(', ')) }}
    {%- endif -%}
    {%- if not destination.get('name') -%}
        {{ scorehouse._audience_error(exposure, 'destination.name', 'is needed: the list, field or audience it syncs to') }}
    {%- endif -%}

    {%- set eligibility = declared.get('eligibility') or {} -%}
    {%- for key in eligibility if key not in ['consent', 'regions', 'not_contacted_days'] -%}
        {{ scorehouse._audience_error(exposure, 'eligibility.' ~ key, 'is not known; known: consent, regions, not_contacted_days') }}
    {%- endfor -%}
    {%- set consent = eligibility.get('consent', consent_of_destination[destination.type]) -%}
    {%- if consent not in ['email', 'sms', 'ads'] -%}
        {{ scorehouse._audience_error(exposure, 'eligibility.consent',
            'must be email, sms or ads: every syncable audience needs marketing consent') }}
    {%- endif -%}
    {%- set regions = eligibility.get('regions') -%}
    {%- if regions is not none and (regions is string or regions is not sequence or regions | length == 0) -%}
        {{ scorehouse._audience_error(exposure, 'eligibility.regions', 'must list regions') }}
    {%- endif -%}
    {%- set quiet_days = eligibility.get('not_contacted_days') -%}
    {%- if quiet_days is not none and not (quiet_days is integer and quiet_days > 0) -%}
        {{ scorehouse._audience_error(exposure, 'eligibility.not_contacted_days', 'must be a positive whole number') }}
    {%- endif -%}

    {%- set holdout = declared.get('holdout') -%}
    {%- if holdout is not mapping or not (holdout.get('share') is number and 0 <= holdout.get('share') < 1) -%}
        {{ scorehouse._audience_error(exposure, 'holdout.share',
            'is needed, from 0 up to (not including) 1: the share kept out as the control group') }}
    {%- endif -%}
    {%- set salt = holdout.get('salt', exposure.name) | string -%}
    {%- if not modules.re.match('^[A-Za-z0-9_.:-]+$', salt) -%}
        {{ scorehouse._audience_error(exposure, 'holdout.salt', 'may hold letters, digits and _ . : - only') }}
    {%- endif -%}
    {%- set campaign_id = declared.get('campaign_id') -%}
    {%- if not (campaign_id is integer and campaign_id > 0) -%}
        {{ scorehouse._audience_error(exposure, 'campaign_id',
            'is needed: a positive whole number the uplift tables know the audience by, unused by raw campaigns') }}
    {%- endif -%}
    {%- set attribution_days = declared.get('attribution_days', 30) -%}
    {%- if not (attribution_days is integer and attribution_days > 0) -%}
        {{ scorehouse._audience_error(exposure, 'attribution_days', 'must be a positive whole number') }}
    {%- endif -%}
    {%- set cost = declared.get('cost_per_contact', 0) -%}
    {%- if not (cost is number and cost >= 0) -%}
        {{ scorehouse._audience_error(exposure, 'cost_per_contact', 'must be a number, 0 or more') }}
    {%- endif -%}
    {%- set digits = declared.get('score_digits', 3) -%}
    {%- if not (digits is integer and 1 <= digits <= 12) -%}
        {{ scorehouse._audience_error(exposure, 'score_digits', 'must be a whole number from 1 to 12') }}
    {%- endif -%}
    {{ return({
        'name': exposure.name,
        'model': model,
        'rule': rule,
        'relation': relation,
        'entity_key': entity_key,
        'cutoff': cutoff,
        'select': how,
        'select_value': value,
        'destination_type': destination.type,
        'destination': destination.name | string,
        'consent': consent,
        'regions': regions,
        'not_contacted_days': quiet_days,
        'holdout_share': holdout.share,
        'salt': salt,
        'campaign_id': campaign_id,
        'attribution_days': attribution_days,
        'cost_per_contact': cost,
        'score_digits': digits,
    }) }}
{%- endmacro %}
