// A speaker's take played as the phone's front camera and microphone from one clock, as a real phone films and hears.
//
// Chromium's fake devices play the video file and the audio file each on its own clock. Under load the video thread
// falls behind (it never skips a frame to catch up) while the audio keeps real time, so by the time the candidate
// reads the digits the lips lag the voice by an amount that grows with the machine's load: half a second and more on
// a busy CI machine, which no phone shows (a camera stamps each frame when the sensor took it). Here both come from
// the take itself, scheduled on the audio clock: a late frame is shown late, as a slow phone shows it, but it is
// always the frame for that moment. Only the front camera is replaced; the rear camera stays Chromium's fake device.
import { readFileSync } from 'node:fs';
import { mjpegFrames } from '../../support/mjpeg.ts';

export interface SpeakerTake {
	/** The take's frames as JPEG, base64. */
	frames: string[];
	fps: number;
	/** The take's sound track (WAV), base64. */
	wav: string;
}

export function speakerTake(mjpeg: string, wav: string): SpeakerTake {
	const fps = Number(/_(\d+)fps/.exec(mjpeg)?.[1] ?? 25);
	return {
		frames: mjpegFrames(readFileSync(mjpeg)).map((f) => Buffer.from(f).toString('base64')),
		fps,
		wav: readFileSync(wav).toString('base64')
	};
}

/**
 * Runs in the page before its scripts (addInitScript): getUserMedia for the front camera returns the take, video drawn
 * on a canvas at the frame the audio clock has reached, audio played into the stream, both looping together.
 */
export function installSpeakerStream(take: SpeakerTake): void {
	const devices = navigator.mediaDevices;
	if (!devices?.getUserMedia) return;
	const real = devices.getUserMedia.bind(devices);
	const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
	// Decoded as the page loads, long before the face step opens the camera.
	const decoded = Promise.all(
		take.frames.map((f) => createImageBitmap(new Blob([bytes(f)], { type: 'image/jpeg' })))
	);
	const sound = decoded.then(() =>
		new OfflineAudioContext(1, 1, 48000).decodeAudioData(bytes(take.wav).buffer)
	);
	devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
		const video = constraints?.video;
		const facing = typeof video === 'object' ? video.facingMode : undefined;
		if (!video || facing !== 'user') return real(constraints);
		const images = await decoded;
		const soundTrack = await sound;
		const audio = new AudioContext();
		await audio.resume();
		const canvas = document.createElement('canvas');
		canvas.width = images[0].width;
		canvas.height = images[0].height;
		const g = canvas.getContext('2d')!;
		const out = audio.createMediaStreamDestination();
		const source = audio.createBufferSource();
		source.buffer = soundTrack;
		source.loop = true;
		source.connect(out);
		const t0 = audio.currentTime + 0.05;
		source.start(t0);
		let shown = -1;
		const draw = () => {
			const t = Math.max(0, audio.currentTime - t0) % soundTrack.duration;
			const i = Math.min(images.length - 1, Math.floor(t * take.fps));
			if (i === shown) return;
			g.drawImage(images[i], 0, 0);
			shown = i;
		};
		draw();
		const timer = setInterval(draw, 5);
		const stream = new MediaStream([
			...canvas.captureStream().getVideoTracks(),
			...(constraints?.audio ? out.stream.getAudioTracks() : [])
		]);
		for (const track of stream.getTracks()) {
			const stop = track.stop.bind(track);
			track.stop = () => {
				stop();
				if (stream.getTracks().every((t) => t.readyState === 'ended')) {
					clearInterval(timer);
					void audio.close();
				}
			};
		}
		return stream;
	};
}
