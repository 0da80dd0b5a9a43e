import type { Db } from './db/index.ts';

/** A fictional candidate so a fresh install can be tried end to end (the number has a valid check digit). */
export const DEMO_CANDIDATE = {
	id_number: '110105199003071239',
	name: '王小明',
	sex: '男',
	ethnicity: '汉',
	birth_date: '1990-03-07',
	address: '北京市朝阳区建国路88号',
	phone: '13800138000',
	major: '汉语言文学（本科）',
	exam_area: '北京市朝阳区',
	province: 'beijing'
} as const;

export async function seedDemoCandidate(db: Db): Promise<void> {
	await db
		.insertInto('candidates')
		.values({ ...DEMO_CANDIDATE })
		.onConflict((oc) => oc.column('id_number').doNothing())
		.execute();
}
