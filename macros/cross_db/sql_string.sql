{#- A value as a SQL string literal, quoted and escaped for the adapter: the one way a
    text value reaches SQL from Jinja (a value pasted between quotes can close them).
    `none` gives NULL. Each adapter escapes what its parser reads specially. -#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'scorehouse')(value)) }}
{%- endmacro %}

{#- DuckDB, PostgreSQL (standard_conforming_strings, the default since 9.1) and Trino read
    a backslash as itself; a quote is doubled. -#}
{% macro default__sql_string(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string).replace("'", "''") ~ "'") }}
{%- endmacro %}

{#- Spark reads backslash escapes in string literals, and two adjacent literals 'a''b' as
    one concatenated string, so both are escaped with a backslash. -#}
{% macro spark__sql_string(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
{%- endmacro %}

{% macro bigquery__sql_string(value) -%}
    {{ return(scorehouse.spark__sql_string(value)) }}
{%- endmacro %}

{#- Snowflake reads backslash escapes too, and takes a doubled quote. -#}
{% macro snowflake__sql_string(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string).replace('\\', '\\\\').replace("'", "''") ~ "'") }}
{%- endmacro %}
