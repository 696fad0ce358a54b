import { hasUnsetValues } from '@evidence-dev/sdk/usql';

// Text from the address bar (a page parameter such as /users/<id>/) that goes into a
// page query: as a SQL string literal, quotes doubled, so any id is one value and
// never SQL. (Inputs of TextInput are escaped by Evidence itself.)
/** @param {unknown} value */
export function sqlString(value) {
	return `'${String(value ?? '').replaceAll("'", "''")}'`;
}

/**
 * SQL text kept in a page's script instead of a ```sql block, for a query whose rows are
 * only wanted on request: Evidence runs every block of a page as soon as it opens and
 * turns every row into JavaScript, which for "all matching rows" is up to a whole
 * shipped source. A page defines it in its module script as a function of the page's
 * `inputs` (`function rowsAll(inputs) { return deferredSql`...`; }`, so the blocks can
 * call it when the page starts), without ORDER BY, and the order beside it as a constant:
 * blocks read it as a subquery (`from (${rowsAll(inputs)})`, run again when a filter
 * changes; a count does not sort), the table's block orders and limits it, and
 * CsvDownload runs it in the same order when its button is clicked.
 *
 * A tagged template, read like a block's text (inputs interpolated the same way). While
 * an input it reads is not set yet it returns that input instead of the text, so a
 * block that interpolates it waits for the input as if it read the input itself.
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 */
export function deferredSql(strings, ...values) {
	const unset = values.find((value) => hasUnsetValues`${value}`);
	if (unset !== undefined) return unset;
	return strings.reduce((text, part, i) => text + String(values[i - 1]) + part);
}
