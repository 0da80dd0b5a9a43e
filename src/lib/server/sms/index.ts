import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { httpGatewaySender } from './http.ts';
import { outboxSender } from './outbox.ts';
import type { SmsSender } from './types.ts';

export type { SmsMessage, SmsSender } from './types.ts';

/** The sender the configuration names (ZV_SMS_MODE=http needs ZV_SMS_GATEWAY_URL). */
export function smsSender(db: Db): SmsSender {
	if (config.smsMode === 'http') {
		if (!config.smsGatewayUrl) throw new Error('ZV_SMS_MODE=http needs ZV_SMS_GATEWAY_URL');
		return httpGatewaySender(db, { url: config.smsGatewayUrl, token: config.smsGatewayToken });
	}
	return outboxSender(db);
}

/** The success message with the admission number and the one-time password. */
export function successMessage(phone: string, name: string, admissionNumber: string, password: string) {
	const text = (pw: string) =>
		`【自学考试】${name}，您的身份确认已通过。准考证号：${admissionNumber}，初始密码：${pw}。请妥善保管，勿告知他人。`;
	return { phone, body: text(password), redacted: text('********') };
}
