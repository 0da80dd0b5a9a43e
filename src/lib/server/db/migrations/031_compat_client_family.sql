-- The dashboard's browser and OS mix with the families the phone's browser check knows (src/lib/core/compat/
-- user-agent.ts): the in-app browsers, the domestic Android browsers, ArkWeb, Safari and iOS web views. The same
-- rules in the same order, so a session counts under the family its phone was told about
-- (tests/integration/client-family.test.ts holds the two to the same answers). No version, no device model.
create or replace function zv_client_family(ua text) returns text
language sql immutable as $$
	select case
			when ua ~* 'MicroMessenger/' then 'WeChat'
			when ua ~* 'DingTalk/' then 'DingTalk'
			when ua ~* 'AlipayClient/|AliApp\(AP/' then 'Alipay'
			when ua ~* 'AppName/aweme|\yaweme_|BytedanceWebview' then 'Douyin'
			when ua ~* '__weibo__|\yWeibo\y' then 'Weibo'
			when ua ~ '(^|[[:space:];(])QQ/[0-9]' then 'QQ'
			when ua ~* 'UCBrowser|UCWEB' then 'UC'
			when ua ~* 'MQQBrowser/|QQBrowser/' then 'QQ Browser'
			when ua ~* 'HuaweiBrowser/' then 'Huawei'
			when ua ~* 'MiuiBrowser/' then 'Xiaomi'
			when ua ~* 'VivoBrowser/' then 'vivo'
			when ua ~* 'HeyTapBrowser/|OppoBrowser/' then 'OPPO'
			when ua ~ 'Edg(e|A|iOS)?/' then 'Edge'
			when ua ~ 'Firefox/|FxiOS/' then 'Firefox'
			when ua ~ 'ArkWeb/' then 'ArkWeb'
			when ua ~ 'Chrome/|CriOS/' then 'Chrome'
			when ua ~ 'iPhone|iPad|iPod' then
				case when ua ~ 'Version/[0-9.]+.*Safari/' then 'Safari' else 'iOS WebView' end
			when ua ~ 'Mac OS X|Macintosh' and ua ~ 'Version/[0-9.]+.*Safari/' then 'Safari'
			else 'other' end || '/' ||
		case when ua ~ 'iPhone|iPad|iPod' then 'iOS'
			when ua ~* 'OpenHarmony|HarmonyOS' then 'HarmonyOS'
			when ua ~* 'Android' then 'Android'
			when ua ~ 'Windows' then 'Windows'
			when ua ~ 'Mac OS X|Macintosh' then 'macOS'
			when ua ~ 'Linux|X11' then 'Linux'
			else 'other' end
$$;

select dashboard_counts_rebuild();
