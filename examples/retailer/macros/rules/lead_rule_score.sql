{#- The rule baseline for lead scoring, a number in [0, 1]: the points a sales team would
    give by hand, out of 100.

        requested a demo          30
        job level                 executive 20, director 15, manager 10, staff 0
        company size              1000+ 20, 201-1000 15, 51-200 10, 11-50 5, 1-10 0
        lead source               demo_request 20, webinar 10, trade_show 10, whitepaper 5,
                                  cold_outreach 0
        pages viewed              1 point a page, at most 10

    The arguments are column names of a row holding the lead's form fields. -#}
{% macro lead_rule_score(requested_demo, job_level, company_size, lead_source, pages_viewed) -%}
    cast(
        (case when {{ requested_demo }} then 30 else 0 end)
        + {{ scorehouse.points(job_level, {'executive': 20, 'director': 15, 'manager': 10}) }}
        + {{ scorehouse.points(company_size, {'1000+': 20, '201-1000': 15, '51-200': 10, '11-50': 5}) }}
        + {{ scorehouse.points(lead_source, {'demo_request': 20, 'webinar': 10, 'trade_show': 10, 'whitepaper': 5}) }}
        + least(coalesce({{ pages_viewed }}, 0), 10)
        as {{ scorehouse.type_double() }}) / 100
{%- endmacro %}
