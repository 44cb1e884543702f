-- Account-level NPS per period: respondent-weighted (every respondent with an account counts
-- once) and the mean of the per-account NPS (every account with a response counts once).
select
    period,
    period_start,
    count(*) as accounts,
    sum(respondents) as respondents,
    sum(nps * respondents) / nullif(sum(respondents), 0) as nps_respondent_weighted,
    avg(nps) as nps_account_mean
from {{ ref('fct_nps') }}
where dimension = 'account'
group by period, period_start
