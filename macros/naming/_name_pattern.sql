{#- Private: the one rule for the names scorehouse turns into models, SQL values and folders
    (models, audiences, experiments), as a regular expression; the Python side holds the
    same (scorehouse.names.PATTERN, checked equal by the tests). -#}
{% macro _name_pattern() -%}
    {{ return('^[a-z][a-z0-9_]{0,39}$') }}
{%- endmacro %}

{#- Private: the rule in words, for error messages. -#}
{% macro _name_rule() -%}
    {{ return('lowercase letters, digits and underscores, starting with a letter, at most 40 characters (pattern ' ~ scorehouse._name_pattern() ~ ')') }}
{%- endmacro %}
