// The phone session's controller: it owns the saved state (IndexedDB), the outbox of signed reports, submission
// and the outcome's last check, time extensions and the opening of the one-time link, so the page only renders
// the state and passes events on.
import { signPhoneBundle } from './bundle.ts';
import { checkBrowser, compatDecision, type BrowserCheck } from './compat.ts';
import { errorText } from './errors.ts';
import { openLink } from './open-link.ts';
import { dropLinkKey, loadPhoneState, savePhoneState, type PhoneState } from './phone-store.ts';
import {
	askStatus,
	postAttempt,
	postConsent,
	postReview,
	requestExtension,
	signAttempt,
	signConsent,
	signReview,
	type SignedAttempt
} from './phone-requests.ts';
import { postBundle } from './submit.ts';
import {
	createFlow,
	failedStepResult,
	isTerminal,
	restoreFlow,
	step,
	transition,
	type FlowEffect,
	type FlowEvent
} from '../core/flow/index.ts';
import { findPolicy } from '../core/policy/index.ts';
import { REQUEST_PROBLEMS } from '../core/request-problems.ts';
import type { Text } from '../core/text.ts';
import type { Dispatch } from '../ui/flow/types.ts';
import { FINAL_CHECK, isRecorded } from '../core/outcome.ts';

/**
 * How the phone follows a confirmation through the server's last check: the sweep runs every few seconds, and the
 * server takes 30 signed requests of a kind per session a minute.
 */
const FINAL_CHECK_POLL = { everyMs: 3_000, tries: 100 };

/** What the phone keeps of the registration record once the flow has ended: the masked phone the SMS goes to. */
const recordAfterFlow = (record: PhoneState['record']): PhoneState['record'] => ({
	name: '',
	idNumber: '',
	sex: '',
	ethnicity: '',
	birthDate: '',
	address: '',
	phone: record.phone,
	major: '',
	examArea: ''
});

export class PhoneSession {
	phone = $state<PhoneState | null>(null);
	problem = $state<Text | null>(null);
	/** An app's web view that cannot do the confirmation: guidance instead, and the one-time link left unused. */
	openElsewhere = $state<BrowserCheck | null>(null);
	#sending = false;
	#reporting = false;
	#following = false;

	/** onMoved: after a saved transition to another screen (the page moves the focus to its heading). */
	constructor(
		readonly token: string,
		private readonly onMoved: () => Promise<void> | void = () => {}
	) {}

	/** Whether the page this session runs in was left (start()'s stop was called). */
	#left = false;

	async #persist(next: PhoneState) {
		const moved = next.flow.status !== this.phone?.flow.status;
		// Once online verification is over, the ID card portrait and the unfinished reading leave the phone's
		// storage too: nothing on the phone needs them any more. So do the photo, the signature, the reading clip
		// and the candidate's details (a borrowed phone's next user would find them): the result screen shows the
		// outcome and the masked phone the SMS goes to, and what is still to send was signed before this.
		if (isTerminal(next.flow))
			next = {
				...next,
				idPortrait: undefined,
				idDraft: undefined,
				liveness: undefined,
				evidence: undefined,
				photo: undefined,
				signature: undefined,
				clip: undefined,
				record: recordAfterFlow(next.record)
			};
		this.phone = next;
		// A step still running when its page was left (a card read, a kiosk turn ended for being left untouched)
		// saves nothing: on a tablet the turn's state was forgotten as the page was left, and must stay forgotten.
		if (this.#left) return;
		await savePhoneState($state.snapshot(next) as PhoneState);
		if (moved) await this.onMoved();
	}

	save = async (patch: Partial<PhoneState>) => {
		if (this.phone) await this.#persist({ ...this.phone, ...patch });
	};

	dispatch: Dispatch = async (event, patch = {}) => {
		const phone = this.phone;
		if (!phone) return;
		const { state: flow, effects } = step(phone.flow, { ...event, at: Date.now() } as FlowEvent);
		let next: PhoneState = { ...phone, ...patch, flow };
		// Signed before the state is saved, so a reload or a lost network cannot drop a report or a request.
		for (const effect of effects) next = await this.#recordEffect(effect, next);
		await this.#persist(next);
		if (next.attemptOutbox?.length || next.reviewRequest || next.consentRecord) void this.sendQueued();
		if (effects.some((e) => e.type === 'submit')) await this.submit();
	};

	/** Signs and queues what an effect asks for with the state itself; sending is left to sendQueued() and submit(). */
	async #recordEffect(effect: FlowEffect, next: PhoneState): Promise<PhoneState> {
		switch (effect.type) {
			case 'report_failure': {
				const step = failedStepResult(next.results, effect.failure);
				const report = await signAttempt(next, next.flow.failures.length, step);
				return { ...next, attemptOutbox: [...(next.attemptOutbox ?? []), report] };
			}
			case 'request_review':
				return { ...next, reviewRequest: await signReview(next) };
			case 'record_consent':
				return { ...next, consentRecord: await signConsent(next, effect.versions) };
			case 'discard_submission':
				return { ...next, pending: undefined };
			case 'submit':
				return next;
		}
	}

	/**
	 * Sends queued failure reports in order (the server's count, and its "no attempts left", moves the flow), then
	 * a manual-review request, which needs those failures on the server first.
	 */
	sendQueued = async () => {
		if (this.#reporting) return;
		this.#reporting = true;
		try {
			const consent = this.phone?.consentRecord;
			if (consent) {
				const answer = await postConsent(consent);
				if (answer.kind === 'offline') return;
				// Refused (a newer document on the server, an expired challenge): resending would not help; a newer
				// document reaches this phone with the app's update and the screen then asks again.
				if (this.phone?.consentRecord === consent)
					await this.#persist({ ...this.phone, consentRecord: undefined });
			}
			while (this.phone?.attemptOutbox?.length) {
				const report: SignedAttempt = this.phone.attemptOutbox[0];
				const answer = await postAttempt(report);
				if (answer.kind === 'offline') return;
				const current = this.phone!;
				const at = Date.now();
				const limit = findPolicy(current.flow.policyId)?.limits.attempts;
				let flow = current.flow;
				if (answer.kind === 'ok') {
					flow = transition(flow, {
						type: 'SERVER_COUNT',
						failures: answer.body.failures,
						exhausted: answer.body.next,
						at
					});
				} else if (answer.code === 'attempts_exhausted' && limit) {
					flow = transition(flow, { type: 'SERVER_COUNT', failures: limit.max, exhausted: limit.then, at });
				}
				// Anything else refused (the session already recorded, the challenge expired) cannot be counted later
				// either: the report is dropped rather than resent for ever.
				const attemptOutbox = (current.attemptOutbox ?? []).filter((r) => r.signature !== report.signature);
				await this.#persist({ ...current, attemptOutbox, flow });
			}
			const request = this.phone?.reviewRequest;
			if (!request) return;
			const answer = await postReview(request);
			if (answer.kind === 'offline') return;
			if (answer.kind === 'rejected') this.problem = { zh: answer.zh, en: answer.en };
			await this.#persist({ ...this.phone!, reviewRequest: undefined });
		} finally {
			this.#reporting = false;
		}
	};

	/**
	 * Asks where a recorded outcome stands: a confirmation until the server's last check has cleared it (or a
	 * duplicate put it in review), every few seconds within the server's per-session limit, for a few minutes; a
	 * case held for review once when the page opens (a reviewer may have decided it since). A reload asks again.
	 */
	followFinalCheck = async () => {
		if (this.#following) return;
		this.#following = true;
		try {
			if (this.phone?.outcome === 'review' && !this.phone.finalCheck) await this.#askOutcome();
			for (let i = 0; i < FINAL_CHECK_POLL.tries && this.phone?.finalCheck; i++) {
				await new Promise((resolve) => setTimeout(resolve, FINAL_CHECK_POLL.everyMs));
				await this.#askOutcome();
			}
		} finally {
			this.#following = false;
		}
	};

	/** One status question; what it settles is kept (a confirmation's admission number with it). */
	async #askOutcome() {
		const phone = this.phone;
		if (!phone) return;
		const answer = await askStatus(phone);
		// No network, or asked too often (a second tab): asked again later.
		if (answer.kind === 'offline' || (answer.kind === 'rejected' && answer.status === 429)) return;
		const status = answer.kind === 'ok' ? answer.body.status : null;
		if (status === FINAL_CHECK) return;
		// Refused (a session this phone no longer holds): the submission's own answer stands.
		const outcome = status && isRecorded(status) ? status : phone.outcome;
		const admissionNumber = answer.kind === 'ok' ? answer.body.admissionNumber : undefined;
		const flow =
			outcome === 'confirmed' && admissionNumber
				? transition(phone.flow, { type: 'OUTCOME_SETTLED', admissionNumber, smsSent: true, at: Date.now() })
				: phone.flow;
		await this.#persist({ ...phone, outcome, finalCheck: false, flow });
	}

	extendTime = async () => {
		const phone = this.phone;
		if (!phone) return;
		const extension = (phone.extensions ?? 0) + 1;
		const answer = await requestExtension(phone, extension);
		if (answer.kind === 'ok') {
			this.problem = null;
			await this.save({
				challenge: answer.body.challenge,
				extensions: extension,
				extensionsLeft: answer.body.extensionsLeft
			});
		} else if (answer.kind === 'offline') {
			this.problem = REQUEST_PROBLEMS.extend_offline;
		} else {
			this.problem = { zh: answer.zh, en: answer.en };
			if (answer.code === 'no_extensions_left') await this.save({ extensionsLeft: 0 });
		}
	};

	/** Resumes the saved session, or opens the one-time link; then resends what waits whenever the network is back. */
	start(): () => void {
		this.#open().catch((e: unknown) => {
			// Storage or signing failed: the candidate is told what failed rather than left at 正在连接….
			const what = errorText(e);
			this.problem = {
				zh: `无法打开确认流程：${what}`,
				en: `The confirmation could not be opened: ${what}`
			};
		});
		const retry = () => {
			void this.sendQueued();
			if (this.phone?.flow.status === 'submitting') void this.submit();
		};
		window.addEventListener('online', retry);
		this.#left = false;
		return () => {
			this.#left = true;
			window.removeEventListener('online', retry);
		};
	}

	async #open() {
		// Checked at every load (a permission allowed since, another browser): quick, and nothing is asked.
		const checking = checkBrowser();
		const saved = await loadPhoneState(this.token);
		const flow = saved && restoreFlow(saved.flow);
		if (saved && flow) {
			this.phone = { ...saved, flow };
			if (flow.status === 'submitting') void this.submit();
			void this.sendQueued();
			void this.followFinalCheck();
			void checking.then((compat) => this.save({ compat }));
			return;
		}
		const compat = await checking;
		if (compatDecision(compat, null).openElsewhere) {
			this.openElsewhere = compat;
			return;
		}
		const opened = await openLink(this.token);
		if (!opened.ok) {
			this.problem = opened.problem;
			return;
		}
		const { keys, body } = opened;
		if (!findPolicy(body.province)) {
			this.problem = {
				zh: '本省暂未开通网上确认',
				en: 'Online confirmation is not available for this province.'
			};
			return;
		}
		await this.#persist({
			token: this.token,
			keys,
			sessionId: body.sessionId,
			province: body.province,
			record: body.record,
			challenge: body.challenge,
			livenessEvidence: body.livenessEvidence,
			livenessColour: body.livenessColour,
			clockOffsetMs: Date.parse(body.challenge.issuedAt) - Date.now(),
			flow: createFlow(body.province, Date.now(), body.attempts?.failures ?? 0),
			results: {},
			compat,
			updatedAt: Date.now()
		});
		// Once the session is saved with its key, the separate copy is not needed.
		await dropLinkKey(this.token);
	}

	/** Signs once, then sends; offline, the signed bundle waits in IndexedDB and goes when the network is back. */
	submit = async () => {
		if (!this.phone || this.#sending) return;
		this.#sending = true;
		this.problem = null;
		try {
			if (!this.phone.pending) await this.save({ pending: await signPhoneBundle(this.phone) });
			const current = this.phone!;
			const result = await postBundle(current.pending, {
				photo: current.photo?.output,
				signature: current.signature,
				evidence: current.evidence?.map((c) => c.jpeg)
			});
			const at = Date.now();
			if (result.kind === 'recorded') {
				// The server sends the admission-number SMS when it grants one.
				const flow = transition(current.flow, {
					type: 'SUBMIT_SUCCEEDED',
					admissionNumber: result.admissionNumber,
					smsSent: !!result.admissionNumber,
					at
				});
				// The evidence crops are dropped with the answer: the server has judged them.
				await this.#persist({
					...current,
					pending: undefined,
					evidence: undefined,
					// Confirmed on the server's evidence; whether it stays so, the status answer tells.
					outcome: result.outcome === FINAL_CHECK ? 'confirmed' : result.outcome,
					outcomeReasons: result.reasons,
					finalCheck: result.outcome === FINAL_CHECK,
					flow
				});
				void this.followFinalCheck();
			} else if (result.kind === 'rejected') {
				const { state: flow, effects } = step(current.flow, {
					type: 'SUBMIT_REJECTED',
					kind: 'refused',
					reason: result.code,
					message: { zh: result.zh, en: result.en },
					at
				});
				// A refused bundle is sent again only where the server asked to wait; the results, photo and signature
				// stay on the phone either way.
				let next: PhoneState = { ...current, flow };
				for (const effect of effects) next = await this.#recordEffect(effect, next);
				await this.#persist(next);
			} else if (!current.flow.submitQueued) {
				await this.#persist({ ...current, flow: transition(current.flow, { type: 'SUBMIT_QUEUED', at }) });
			}
		} finally {
			this.#sending = false;
		}
	};
}
