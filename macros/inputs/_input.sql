{#- Private: the relation the user names in var `var_name` (a model, seed or snapshot of
    their project; README "Input contracts"), or none when the var is not set: the models
    that read it then build empty, reading nothing. When the models run, the relation must
    hold every column of its contract (`_contract`), or the run stops naming the var, the
    relation and the missing columns. -#}
{% macro _input(var_name) -%}
    {%- set columns = scorehouse._contract(var_name) | map(attribute=0) | list -%}
    {%- set name = var(var_name, none) -%}
    {%- if name is none or name == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if name is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', name) -%}
        {{ exceptions.raise_compiler_error("var " ~ var_name ~ " must name a model, seed or "
            ~ "snapshot of the project, not " ~ name) }}
    {%- endif -%}
    {#- the user's project holds the inputs: ref() it by name, not one of a package -#}
    {%- set relation = ref(project_name, name) -%}
    {%- if execute -%}
        {%- set present = scorehouse._input_columns(relation) -%}
        {%- if present | length == 0 -%}
            {{ exceptions.raise_compiler_error("var " ~ var_name ~ " names " ~ name ~ " ("
                ~ relation ~ "), which is not built: build it first (dbt orders it before the "
                ~ "models that read it)") }}
        {%- endif -%}
        {%- set missing = [] -%}
        {%- for column in columns if column | lower not in present -%}
            {%- do missing.append(column) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error("var " ~ var_name ~ " names " ~ name ~ " ("
                ~ relation ~ "), which lacks column(s) " ~ missing | join(', ')
                ~ " of its contract: " ~ columns | join(', ') ~ " (README: Input contracts)") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- Private: the lower-case column names of a built relation; empty when it is not built
    (or while dbt parses). -#}
{% macro _input_columns(relation) -%}
    {%- if not execute or relation is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema,
                                         identifier=relation.identifier) -%}
    {%- if found is none -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- Private: the input contracts: the (column, type) pairs each var's relation must hold.
    The types are what an empty stand-in gets (_input_or_empty); the user's columns may be
    of any compatible type. README "Input contracts" documents each column. -#}
{% macro _contract(var_name) -%}
    {%- set text, double, ts = dbt.type_string(), scorehouse.type_double(), dbt.type_timestamp() -%}
    {{ return({
        'scorehouse_contacts': [('customer_id', text), ('email', text), ('phone', text),
            ('region', text), ('has_email_consent', 'boolean'), ('has_sms_consent', 'boolean'),
            ('has_ads_consent', 'boolean')],
        'scorehouse_conversions': [('conversion_id', text), ('customer_id', text),
            ('converted_at', ts), ('value', double)],
        'scorehouse_campaigns': [('campaign_id', dbt.type_int()), ('campaign_name', text),
            ('channel', text), ('offer', text), ('start_date', 'date'), ('end_date', 'date'),
            ('cost_per_contact', double)],
        'scorehouse_campaign_assignments': [('campaign_id', dbt.type_int()),
            ('customer_id', text), ('assigned_at', ts), ('treatment_group', text),
            ('is_treatment', 'boolean'), ('was_contacted', 'boolean'), ('contact_cost', double),
            ('is_converted', 'boolean'), ('converted_at', ts), ('revenue', double)],
    }[var_name]) }}
{%- endmacro %}

{#- Private: the relation of var `var_name`, or, when the var is not set, an empty relation
    of its contract's columns (a subquery to select from). -#}
{% macro _input_or_empty(var_name) -%}
    {%- set relation = scorehouse._input(var_name) -%}
    {%- if relation is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return('(select ' ~ scorehouse._typed_nulls(scorehouse._contract(var_name)) ~ ' where 1 = 0)') }}
{%- endmacro %}
