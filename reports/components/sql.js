// Text from the address bar (a page parameter such as /users/<id>/) that goes into a
// page query: as a SQL string literal, quotes doubled, so any id is one value and
// never SQL. (Inputs of TextInput are escaped by Evidence itself.)
/** @param {unknown} value */
export function sqlString(value) {
	return `'${String(value ?? '').replaceAll("'", "''")}'`;
}
