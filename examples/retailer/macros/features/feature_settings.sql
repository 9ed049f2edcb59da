{#- The retailer's feature settings, shared by its feature models; each overridable by a var. -#}

{#- Rolling windows, in days before the cutoff, for the activity counts. -#}
{% macro feature_windows() -%}
    {{ return(var('retailer_feature_windows', [7, 30, 90])) }}
{%- endmacro %}

{#- Order categories that get a share-of-orders feature (the raw contract's list). -#}
{% macro order_categories() -%}
    {{ return(var('retailer_order_categories', ['electronics', 'fashion', 'home', 'beauty', 'grocery', 'sports'])) }}
{%- endmacro %}

{#- Web-event counts: feature name prefix -> the condition on the event (none: all events). -#}
{% macro event_features() -%}
    {{ return({
        'events': none,
        'product_views': "event_type = 'product_view'",
        'add_to_carts': "event_type = 'add_to_cart'",
        'pricing_page_views': "event_type = 'pricing_page'",
    }) }}
{%- endmacro %}
