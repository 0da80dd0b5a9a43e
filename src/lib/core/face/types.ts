import type { Box, Point, RgbaImage } from '../image/types.ts';

/**
 * Head pose in degrees: yaw > 0 = the person turns to their left (camera sees the right cheek), pitch > 0 = head up,
 * roll > 0 = the head tilts clockwise on screen (towards the person's left shoulder in an unmirrored frame).
 * Signs are for an unmirrored image; a mirrored selfie preview flips yaw and roll.
 */
export interface HeadPose {
	yaw: number;
	pitch: number;
	roll: number;
}

export interface DetectedFace {
	box: Box;
	score: number;
	/** Five points: right eye, left eye, nose tip, right mouth corner, left mouth corner (image coordinates). */
	keypoints?: Point[];
}

/** Everything the camera loop measures on one frame; liveness and photo checks consume only this. */
export interface FaceMeasurement {
	/** Milliseconds since the capture started. */
	t: number;
	faceCount: number;
	face: DetectedFace | null;
	/** 68-point landmarks when a face was found. */
	landmarks?: Point[];
	pose?: HeadPose;
	/** 0 = closed, 1 = wide open, per eye (from the eye-state model or landmark EAR). */
	eyeOpenness?: { left: number; right: number };
	/** Eye aspect ratio per eye from the landmarks (~0.3 open, < ~0.15 closed): compare with the person's own baseline. */
	eyeAspectRatio?: { left: number; right: number };
	/** Angle of the eye line in the image, degrees, > 0 clockwise on screen (y down); independent of the pose model. */
	eyeLineAngle?: number;
	/** Lip gap over mouth width, 0 = closed. */
	mouthOpenness?: number;
	/** Face box relative to the frame: centre (0..1) and width fraction. */
	facePosition?: { cx: number; cy: number; widthFraction: number };
	brightness?: number;
	sharpness?: number;
}

export interface FaceEmbedding {
	vector: Float32Array;
	modelId: string;
}

/** The face engine's surface, implemented in core/face over an InferenceRuntime; photo and liveness depend on it. */
export interface FaceEngine {
	measure(frame: RgbaImage, t?: number): Promise<FaceMeasurement>;
	embed(image: RgbaImage, face: DetectedFace): Promise<FaceEmbedding>;
	/** Passive anti-spoof: probability the face is live, 0..1. */
	liveness(image: RgbaImage, face: DetectedFace): Promise<number>;
}
