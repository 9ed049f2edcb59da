{#- A phone number in E.164 (`+` and 8 to 15 digits, no leading zero), or NULL when it
    cannot be one. `expression` holds only digits and `+` (stg_raw__customers strips the
    rest). Numbers written with a `+` or `00` carry their country code; a national number
    with its trunk `0` gets var `scorehouse_phone_country_code` (the demo retailer's, 33).
    A number that fits none of these is dropped rather than guessed. -#}
{% macro phone_e164(expression) -%}
    {%- set country = var('scorehouse_phone_country_code', '33') | string -%}
    {%- if not country.isdigit() or country.startswith('0') or country | length > 3 -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_phone_country_code must be a country calling code of 1 to 3 digits "
            ~ "(e.g. 33, 44, 1), not " ~ country) }}
    {%- endif -%}
    {%- set digits = 'replace(' ~ expression ~ ", '+', '')" -%}
    {%- set international -%}
        case
            when {{ expression }} like '+%' then {{ digits }}
            when {{ expression }} like '00%' then substr({{ expression }}, 3)
            when {{ expression }} like '0%' then '{{ country }}' || substr({{ expression }}, 2)
        end
    {%- endset -%}
    case
        when {{ expression }} like '_%+%' then null
        when ({{ international }}) like '0%' then null
        when length({{ international }}) between 8 and 15 then '+' || ({{ international }})
    end
{%- endmacro %}
