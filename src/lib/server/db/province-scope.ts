// A staff account's reach in a query: a province's account sees its province's candidates, a national account
// (province null) every province's. The services that list or change candidates for staff narrow with this.
import type { Expression, ExpressionBuilder, ReferenceExpression, SqlBool } from 'kysely';

/** The condition for `where`: the candidate's province column equals the account's, or true for every province. */
export function inProvince<DB, TB extends keyof DB>(
	eb: ExpressionBuilder<DB, TB>,
	column: ReferenceExpression<DB, TB>,
	province: string | null
): Expression<SqlBool> {
	return province === null ? eb.lit(true) : eb(column, '=', province);
}
