// Sending text messages to candidates. The development outbox keeps them in a table shown at /dev/outbox; the
// HTTP gateway adapter posts them to the province's SMS gateway.

export interface SmsMessage {
	phone: string;
	body: string;
	/** The same text with secrets (the one-time password) masked: what may be stored outside development. */
	redacted: string;
	/**
	 * The same on every attempt at one message (a retry after a send whose answer was lost): a gateway that honours it
	 * delivers the message once.
	 */
	id?: string;
}

export interface SmsSender {
	readonly name: string;
	send(message: SmsMessage): Promise<void>;
}
