{#- A number from a declaration or a var as SQL: an integer as it is, anything else as an
    exact DOUBLE (its shortest text form cast, never a DECIMAL literal). A value that is not
    a finite number stops the run, naming `what`: a value never reaches SQL unchecked. -#}
{% macro sql_number(value, what='a value') -%}
    {%- set largest = 1.7976931348623157e308 -%}
    {%- if value is boolean or value is not number or value != value
            or value > largest or value < -largest -%}
        {{ exceptions.raise_compiler_error(what ~ " must be a finite number, not " ~ value) }}
    {%- endif -%}
    {%- if value is integer -%}
        {{ return(value | string) }}
    {%- endif -%}
    {{ return('cast(' ~ scorehouse.sql_string(value | string) ~ ' as '
        ~ scorehouse.type_double() ~ ')') }}
{%- endmacro %}

{#- A number from a declaration or a var as an exact DOUBLE, checked as sql_number checks
    it (an integer too: `1` becomes 1.0). -#}
{% macro sql_double(value, what='a value') -%}
    {%- do scorehouse.sql_number(value, what) -%}
    {{ return('cast(' ~ scorehouse.sql_string((value * 1.0) | string) ~ ' as '
        ~ scorehouse.type_double() ~ ')') }}
{%- endmacro %}
