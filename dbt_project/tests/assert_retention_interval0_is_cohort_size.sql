-- Every cohort's interval 0 equals its size.
select * from {{ ref('fct_retention_cohorts') }}
where interval_index = 0 and retained <> cohort_size
