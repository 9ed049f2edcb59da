{#- A double rounded to `digits` decimals, still a double. PostgreSQL rounds only NUMERIC. -#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double', 'scorehouse')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_double(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
