-- One row per feature cutoff: the first of each month from the var scorehouse_cutoff_start
-- to scorehouse_cutoff_end.
with

cutoffs as (

    {{ scorehouse.monthly_cutoffs() }}

)

select cutoff_date from cutoffs
