-- One row per lead: what the form told us when it was sent, the manual lead-scoring rule,
-- and the label `converted` (became a paying account within 90 days of the form). All
-- features are known at created_at. The label is NULL while its 90 days reach past the
-- latest lead the data holds.
with

leads as (

    select * from {{ ref('stg_raw__leads') }}

),

data_end as (

    select max(created_at) as observed_until from leads

),

final as (

    select
        leads.lead_id,
        leads.created_at,
        leads.lead_source,
        leads.company_size,
        leads.industry,
        leads.job_level,
        cast(case leads.company_size
            when '1-10' then 1 when '11-50' then 2 when '51-200' then 3
            when '201-1000' then 4 when '1000+' then 5
        end as {{ scorehouse.type_double() }}) as company_size_rank,
        cast(case leads.job_level
            when 'staff' then 1 when 'manager' then 2 when 'director' then 3 when 'executive' then 4
        end as {{ scorehouse.type_double() }}) as job_level_rank,
        cast(leads.pages_viewed as {{ scorehouse.type_double() }}) as pages_viewed,
        {{ scorehouse.bool_to_double('leads.requested_demo') }} as requested_demo,
        {{ lead_rule_score(
            'leads.requested_demo', 'leads.job_level', 'leads.company_size',
            'leads.lead_source', 'leads.pages_viewed') }} as rule_score,
        case
            when {{ scorehouse.is_label_window_closed('leads.created_at', 90, 'data_end.observed_until') }}
                then case
                    when leads.is_converted
                        and {{ scorehouse.is_in_label_window('leads.converted_at', 'leads.created_at', 90) }}
                        then 1
                    else 0
                end
        end as converted,
        {{ scorehouse.is_label_window_closed('leads.created_at', 90, 'data_end.observed_until') }}
            as is_label_window_closed

    from leads
    cross join data_end

)

select * from final
