import type { Db } from './db/index.ts';

/**
 * Fictional candidates, one per province, so a fresh install (and the e2e tests) can walk each province's real flow
 * without rewriting anything. Every number has a valid GB 11643 check character, a region code of its province,
 * and the birth date and sex (17th digit: odd = male) of its record. Listed in the README ("Demo candidates").
 */
export const DEMO_CANDIDATES = {
	beijing: {
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
	},
	fujian: {
		id_number: '350102199205143021',
		name: '林晓燕',
		sex: '女',
		ethnicity: '汉',
		birth_date: '1992-05-14',
		address: '福建省福州市鼓楼区五四路100号',
		phone: '13800138001',
		major: '行政管理（本科）',
		exam_area: '福州市鼓楼区',
		province: 'fujian'
	},
	hubei: {
		id_number: '420102198809214517',
		name: '陈志强',
		sex: '男',
		ethnicity: '汉',
		birth_date: '1988-09-21',
		address: '湖北省武汉市江岸区沿江大道188号',
		phone: '13800138002',
		major: '计算机科学与技术（本科）',
		exam_area: '武汉市江岸区',
		province: 'hubei'
	}
} as const;

/** The Beijing demo candidate (kept under its first name for existing callers). */
export const DEMO_CANDIDATE = DEMO_CANDIDATES.beijing;

export async function seedDemoCandidate(db: Db): Promise<void> {
	await db
		.insertInto('candidates')
		.values(Object.values(DEMO_CANDIDATES).map((c) => ({ ...c })))
		.onConflict((oc) => oc.column('id_number').doNothing())
		.execute();
}
