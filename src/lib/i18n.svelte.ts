// zh-CN first, English second: every string is a pair, the switch is remembered on the device.
type Lang = 'zh' | 'en';

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('zv-lang') : null;
export const lang = $state<{ current: Lang }>({ current: stored === 'en' ? 'en' : 'zh' });

export function t(zh: string, en: string): string {
	return lang.current === 'zh' ? zh : en;
}

export function toggleLang(): void {
	lang.current = lang.current === 'zh' ? 'en' : 'zh';
	localStorage.setItem('zv-lang', lang.current);
	document.documentElement.lang = lang.current === 'zh' ? 'zh-CN' : 'en';
}
