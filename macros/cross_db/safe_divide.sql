{#- `numerator / denominator` as a DOUBLE, NULL when the denominator is 0 or NULL.

    The numerator is cast first so that integer columns never divide as integers
    (PostgreSQL's `7 / 2` is 3). -#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'scorehouse')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ scorehouse.type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
