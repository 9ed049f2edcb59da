{#- Private: the campaigns' rows of an uplift input and the audiences' rows of the same
    shape, as one relation.

    `base` is the user's input relation (var scorehouse_campaigns or
    scorehouse_campaign_assignments; none when not declared). `addition` is the name of the
    segments model holding the audiences as experiments; it is read only when the segments
    are enabled (var scorehouse_contacts) and already built, so the uplift tables build
    before the segments have ever run. `columns` are (name, type) pairs: the contract's
    columns, and the types every part is cast to (customer_id is text, as the audiences
    hold it, whatever its type in the project). -#}
{% macro _union_when_built(base, addition, columns) -%}
    {%- set parts = [] -%}
    {%- if base is not none -%}
        {%- do parts.append(base) -%}
    {%- endif -%}
    {%- if var('scorehouse_contacts', none) is not none -%}
        {#- ref() while dbt parses too: it orders the segments model before this one -#}
        {%- set addition_relation = ref(addition) -%}
        {%- set built = load_relation(addition_relation) if execute else none -%}
        {%- if built is not none -%}
            {%- do parts.append(built) -%}
        {%- endif -%}
    {%- endif -%}
    {%- for part in parts %}
select
    {%- for name, type in columns %}
    cast({{ name }} as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ part }}
{%- if not loop.last %}
union all
{%- endif %}
    {%- else %}
select {{ scorehouse._typed_nulls(columns) }}
where 1 = 0
    {%- endfor %}
{%- endmacro %}
