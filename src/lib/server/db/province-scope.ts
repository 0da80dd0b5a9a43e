// A staff account's reach in a query: a province's account sees its province's rows (candidates, sessions, staff
// accounts), a national account (province null) every province's. Every staff query narrows with this one rule.
import type { Expression, ExpressionBuilder, ReferenceExpression, SqlBool } from 'kysely';

/** The condition for `where`: the row's province column equals the account's, or true for every province. */
export function inProvince<DB, TB extends keyof DB>(
	eb: ExpressionBuilder<DB, TB>,
	column: ReferenceExpression<DB, TB>,
	province: string | null
): Expression<SqlBool> {
	return province === null ? eb.lit(true) : eb(column, '=', province);
}
