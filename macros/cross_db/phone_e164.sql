{#- A phone number as typed (`expression`, text) in E.164 (`+` and 8 to 15 digits, no
    leading zero), or NULL when it cannot be one. Spaces (tabs and line breaks included),
    dots, dashes, slashes and brackets are dropped, and a `(0)` after an international
    prefix (`+44 (0)20...`) is the trunk zero, dropped too. Numbers written with a `+` or
    `00` carry their country code; a national number with its trunk `0` gets var
    `scorehouse_phone_country_code` (none by default: national numbers then stay NULL, as
    their country is unknown). Anything else, such as an extension
    (`ext. 12`, `x12`) or a letter, makes the number NULL: it is dropped rather than
    guessed. -#}
{% macro phone_e164(expression) -%}
    {%- set country = var('scorehouse_phone_country_code', none) -%}
    {%- set country = none if country is none else country | string -%}
    {%- if country is not none and (not country.isdigit() or country.startswith('0') or country | length > 3) -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_phone_country_code must be a country calling code of 1 to 3 digits "
            ~ "(e.g. 33, 44, 1), not " ~ country) }}
    {%- endif -%}
    {%- set typed = scorehouse.regexp_replace_all(expression, '^\\s+|\\s+$', '') -%}
    {%- set no_trunk -%}
        case when {{ typed }} like '+%' or {{ typed }} like '00%'
            then {{ scorehouse.regexp_replace_all(typed, '\\(0\\)', '') }} else {{ typed }} end
    {%- endset -%}
    {%- set kept = scorehouse.regexp_replace_all('(' ~ no_trunk ~ ')', '[^0-9+]', '') -%}
    {%- set digits = 'replace(' ~ kept ~ ", '+', '')" -%}
    {%- set international -%}
        case
            when {{ kept }} like '+%' then {{ digits }}
            when {{ kept }} like '00%' then substr({{ kept }}, 3)
            {%- if country is not none %}
            when {{ kept }} like '0%' then {{ scorehouse.sql_string(country) }} || substr({{ kept }}, 2)
            {%- endif %}
        end
    {%- endset -%}
    case
        when {{ scorehouse.regexp_matches(typed, '[^0-9+()./\\s-]') }} then null
        when {{ kept }} like '_%+%' then null
        when ({{ international }}) like '0%' then null
        when length({{ international }}) between 8 and 15 then '+' || ({{ international }})
    end
{%- endmacro %}
