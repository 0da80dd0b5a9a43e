// Development sender: the message goes into sms_outbox in full (the password included, by design, so a developer
// can finish the flow) and is shown at /dev/outbox. Never configure it in production.
import type { Db } from '../db/index.ts';
import type { SmsMessage, SmsSender } from './types.ts';

export function outboxSender(db: Db): SmsSender {
	return {
		name: 'outbox',
		async send(message: SmsMessage) {
			await db
				.insertInto('sms_outbox')
				.values({ phone: message.phone, body: message.body, via: 'outbox', error: null })
				.execute();
		}
	};
}
