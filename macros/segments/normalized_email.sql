{#- An email address as destinations match it: every whitespace character removed (a tab
    or line break pasted into a CRM field would change its SHA-256), lower-case; NULL when
    nothing is left or it is not one local part, one `@` and a domain. -#}
{% macro normalized_email(expression) -%}
    {%- set compact = 'lower(' ~ scorehouse.regexp_replace_all(expression, '\\s', '') ~ ')' -%}
    case
        when {{ scorehouse.regexp_matches(compact, '^[^@]+@[^@]+$') }} then {{ compact }}
    end
{%- endmacro %}
