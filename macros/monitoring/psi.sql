{#- The population stability index as an aggregate over the bins of one distribution:
    PSI = sum over bins of (a - e) * ln(a / e) (see `psi_term` for the epsilon). Group by
    whatever identifies one comparison, e.g. model, version, cutoff and feature. Read it as:
    below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major shift. -#}
{% macro psi(actual, expected, epsilon=none) -%}
    {{ return(adapter.dispatch('psi', 'scorehouse')(actual, expected, epsilon)) }}
{%- endmacro %}

{% macro default__psi(actual, expected, epsilon) -%}
    sum({{ scorehouse.psi_term(actual, expected, epsilon) }})
{%- endmacro %}
