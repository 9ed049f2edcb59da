{#- A BOOLEAN as a DOUBLE feature: 1 for true, 0 for false, NULL stays NULL. PostgreSQL
    has no direct cast from boolean to double precision. -#}
{% macro bool_to_double(expression) -%}
    {{ return(adapter.dispatch('bool_to_double', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__bool_to_double(expression) -%}
    cast(cast({{ expression }} as {{ dbt.type_int() }}) as {{ scorehouse.type_double() }})
{%- endmacro %}
