// Types for the TypeScript callers of onnx-fp16.mjs (tests/node/face, tests/node/idcard).

/** The staging transform: the same float32 graph with its large weights stored as float16 (+ Cast). */
export default function onnxFp16(bytes: Uint8Array): Uint8Array;
