{#- Private: `columns` of relation `base`, then those of `addition` when the warehouse holds
    it. The uplift tables read the audiences this way, so that they build before the
    segments have ever run. -#}
{% macro _union_when_built(base, addition, columns) -%}
    {%- set built = load_relation(addition) if execute else none %}
select {{ columns | join(', ') }}
from {{ base }}
{%- if built is not none %}
union all
select {{ columns | join(', ') }}
from {{ built }}
{%- endif %}
{%- endmacro %}
