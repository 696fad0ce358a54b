-- How money is shown per currency: to its ISO 4217 minor unit (reference.currencies,
-- the seed the balance rules use), e.g. BHD #,##0.000, SAR #,##0.00. Pages join it on
-- currency and pass money_fmt to a table column's fmtColumn.
select
    currency_code as currency,
    minor_unit,
    case when minor_unit = 0 then '#,##0' else '#,##0.' || repeat('0', minor_unit) end as money_fmt,
from reference.currencies
