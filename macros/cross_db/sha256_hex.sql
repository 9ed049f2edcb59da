{#- The SHA-256 digest of a text expression as 64 lower-case hex digits, the form ad
    platforms take hashed emails and phones in. NULL stays NULL. The digest is of the UTF-8
    bytes, as Python's `hashlib.sha256(text.encode()).hexdigest()`. -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{% macro snowflake__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{% macro bigquery__sha256_hex(expression) -%}
    to_hex(sha256({{ expression }}))
{%- endmacro %}

{% macro trino__sha256_hex(expression) -%}
    lower(to_hex(sha256(to_utf8({{ expression }}))))
{%- endmacro %}
