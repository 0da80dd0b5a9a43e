// The 56 officially recognised ethnic groups as printed on the card's 民族 field (without the trailing 族).
export const ETHNICITIES = [
	'汉',
	'蒙古',
	'回',
	'藏',
	'维吾尔',
	'苗',
	'彝',
	'壮',
	'布依',
	'朝鲜',
	'满',
	'侗',
	'瑶',
	'白',
	'土家',
	'哈尼',
	'哈萨克',
	'傣',
	'黎',
	'傈僳',
	'佤',
	'畲',
	'高山',
	'拉祜',
	'水',
	'东乡',
	'纳西',
	'景颇',
	'柯尔克孜',
	'土',
	'达斡尔',
	'仫佬',
	'羌',
	'布朗',
	'撒拉',
	'毛南',
	'仡佬',
	'锡伯',
	'阿昌',
	'普米',
	'塔吉克',
	'怒',
	'乌孜别克',
	'俄罗斯',
	'鄂温克',
	'德昂',
	'保安',
	'裕固',
	'京',
	'塔塔尔',
	'独龙',
	'鄂伦春',
	'赫哲',
	'门巴',
	'珞巴',
	'基诺'
] as const;

/** Card spelling of an ethnicity: registration forms often add 族 ("汉族"), the card does not. */
export function normalizeEthnicity(text: string): string {
	const t = text.replace(/\s+/g, '');
	if ((ETHNICITIES as readonly string[]).includes(t)) return t;
	return t.endsWith('族') ? t.slice(0, -1) : t;
}

export function isEthnicity(text: string): boolean {
	return (ETHNICITIES as readonly string[]).includes(normalizeEthnicity(text));
}
