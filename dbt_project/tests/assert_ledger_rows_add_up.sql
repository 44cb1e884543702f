-- Every file's rows are loaded, quarantined or duplicate: nothing lost, nothing twice.
select file_path, run_id, rows_read, rows_loaded, rows_quarantined, rows_duplicate
from {{ source('raw', 'load_ledger') }}
where rows_read <> rows_loaded + rows_quarantined + rows_duplicate
