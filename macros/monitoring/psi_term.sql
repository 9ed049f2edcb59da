{#- One bin's term of the population stability index: (a - e) * ln(a / e), where `actual`
    and `expected` are the bin's shares of rows now and in the reference. A share below
    `epsilon` (default: var scorehouse_psi_epsilon, 0.0001) is raised to it first, so an
    empty bin on either side adds a large but finite term instead of dividing by zero. -#}
{% macro psi_term(actual, expected, epsilon=none) -%}
    {{ return(adapter.dispatch('psi_term', 'scorehouse')(actual, expected, epsilon)) }}
{%- endmacro %}

{% macro default__psi_term(actual, expected, epsilon) -%}
    {%- set eps = scorehouse._double(epsilon if epsilon is not none else var('scorehouse_psi_epsilon', 0.0001)) -%}
    {%- set a = 'greatest(cast(' ~ actual ~ ' as ' ~ scorehouse.type_double() ~ '), ' ~ eps ~ ')' -%}
    {%- set e = 'greatest(cast(' ~ expected ~ ' as ' ~ scorehouse.type_double() ~ '), ' ~ eps ~ ')' -%}
    (({{ a }} - {{ e }}) * ln({{ a }} / {{ e }}))
{%- endmacro %}
