with

source as (

    select * from {{ raw_source('campaigns') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_int() }}) as campaign_id,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(offer as {{ dbt.type_string() }}) as offer,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(cost_per_contact as {{ scorehouse.type_double() }}) as cost_per_contact

    from source

)

select * from renamed
