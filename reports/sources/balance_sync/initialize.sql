-- Run by Evidence's DuckDB connector on every connection it opens for a source
-- query (not a source itself). The source queries read the marts of a large
-- database (sorting millions of log events to ship the newest); without a
-- limit DuckDB may take 80 % of the machine's memory. Past the limit it spills
-- to <database>.tmp.
set memory_limit = '500MB';
